/**
 * How informative the coverage feature is: the distribution of each cell's coverage quality
 * (good / fair / poor) over the test phase of marl-only runs, overall, by power level and by load
 * (quarters of capacity). `--pin-power` fixes every cell type's power (e.g. `rural=46,urban=37`:
 * the agents cannot change it), to see the effect of power alone, untangled from the agents'
 * choices. Reported in docs/model.md ("The observation is informative").
 *
 *   npm run build && node dist/bench/coverage.js scenarios/paper.yaml --traffic normal --seeds 3
 *   node dist/bench/coverage.js scenarios/paper.yaml --pin-power rural=43,urban=30
 */
import { parseArgs } from 'node:util';
import { runPlainLoop } from '../src/engine/plainLoop.js';
import { coverageOf, powerLevel } from '../src/model/cell.js';
import { loadScenarioFile } from '../src/scenario/load.js';
import { resolveModel } from '../src/scenario/resolve.js';
import type { Scenario } from '../src/scenario/schema.js';

type Tally = [good: number, fair: number, poor: number];
interface CellTally {
  all: Tally;
  byPower: Map<number, Tally>;
  byLoad: Map<number, Tally>;
}

function pinned(scenario: Scenario, spec: string): Scenario {
  const cellTypes = { ...scenario.cellTypes };
  for (const part of spec.split(',')) {
    const [type, dbm] = part.split('=');
    const power = Number(dbm);
    const preset = type && cellTypes[type];
    if (!preset || !Number.isFinite(power)) {
      throw new Error(
        `--pin-power: expected TYPE=DBM,… with the scenario's cell types, got '${part}'`,
      );
    }
    cellTypes[type] = { ...preset, power: { min: power, max: power, step: preset.power.step } };
  }
  return { ...scenario, cellTypes };
}

const add = (map: Map<number, Tally>, key: number, q: number): void => {
  const t = map.get(key) ?? [0, 0, 0];
  t[q]!++;
  map.set(key, t);
};

const shares = (t: Tally): string => {
  const n = t[0] + t[1] + t[2];
  return `${t.map((x) => `${Math.round((100 * x) / n)}%`).join(' / ')} (${n} steps)`;
};

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    traffic: { type: 'string', default: 'normal' },
    seeds: { type: 'string', default: '3' },
    'pin-power': { type: 'string' },
  },
});
const file = positionals[0];
if (!file) {
  process.stderr.write(
    'usage: node dist/bench/coverage.js SCENARIO [--traffic L] [--seeds N] [--pin-power TYPE=DBM,…]\n',
  );
  process.exit(2);
}
const loaded = loadScenarioFile(file);
const scenario = values['pin-power'] ? pinned(loaded, values['pin-power']) : loaded;
const config = resolveModel(scenario, values.traffic, 'marl-only');
const tallies: CellTally[] = config.cells.map(() => ({
  all: [0, 0, 0],
  byPower: new Map(),
  byLoad: new Map(),
}));
for (let seed = 1; seed <= Number(values.seeds); seed++) {
  runPlainLoop(config, {
    seed,
    keepEpisodes: false,
    onStep: (world) => {
      if (world.phase !== 'test') return;
      world.cells.forEach((cell, i) => {
        const q = coverageOf(cell, config.radio);
        const t = tallies[i]!;
        t.all[q]!++;
        add(t.byPower, cell.config.powerMin + powerLevel(cell) * cell.config.powerStep, q);
        add(t.byLoad, Math.min(3, Math.floor((4 * cell.users.length) / cell.config.capacity)), q);
      });
    },
  });
}
console.log(
  `${config.scenario}, traffic ${config.traffic}, seeds 1–${values.seeds}: good / fair / poor`,
);
config.cells.forEach((c, i) => {
  const t = tallies[i]!;
  console.log(`${c.id}: ${shares(t.all)}`);
  for (const [p, a] of [...t.byPower].sort((x, y) => x[0] - y[0]))
    console.log(`  at ${p} dBm: ${shares(a)}`);
  for (const [l, a] of [...t.byLoad].sort((x, y) => x[0] - y[0])) {
    console.log(`  load ${25 * l}–${25 * l + 25}%: ${shares(a)}`);
  }
});
