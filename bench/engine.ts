/**
 * Engine benchmark: agent-steps per second of the actor engine and of the same model stepped in a
 * plain loop, measured in one process, interleaved, with their ratio and the XState messages per
 * agent-step. `npm run bench` prints a table; `npm run bench -- --json` prints
 * `{ "cases": [ { name, cells, engineAgentStepsPerSec, plainAgentStepsPerSec, ratio,
 * messagesPerAgentStep, ... } ] }`. `--repeats=N` sets the measured runs per case (median
 * reported, default 3); `--quick` shrinks every case twentyfold for a smoke test.
 */
import { parseArgs } from 'node:util';
import { runActors } from '../src/engine/actorEngine.js';
import { runPlainLoop } from '../src/engine/plainLoop.js';
import { type RunOutcome, totalAgentSteps } from '../src/engine/run.js';
import { type ModelConfig, resolveModel } from '../src/scenario/resolve.js';
import type { Scenario } from '../src/scenario/schema.js';
import { lineScenario, paperScenario } from './scenarios.js';

interface Case {
  readonly name: string;
  readonly scenario: Scenario;
  /** Episodes per measured run (training + test), sized for a similar number of agent-steps. */
  readonly episodes: number;
}

function options(): { asJson: boolean; repeats: number; shrink: number } {
  try {
    const { values } = parseArgs({
      options: {
        json: { type: 'boolean', default: false },
        quick: { type: 'boolean', default: false },
        repeats: { type: 'string', default: '3' },
      },
    });
    const repeats = Number(values.repeats);
    if (!/^\d+$/.test(values.repeats) || repeats < 1 || repeats > 100) {
      throw new Error(`--repeats: expected a whole number from 1 to 100, got '${values.repeats}'`);
    }
    return { asJson: values.json, repeats, shrink: values.quick ? 20 : 1 };
  } catch (err) {
    process.stderr.write(
      `bench: ${(err as Error).message}\nusage: npm run bench [-- --json] [--repeats=N] [--quick]\n`,
    );
    process.exit(2);
  }
}
const { asJson, repeats, shrink } = options();

function withEpisodes(s: Scenario, episodes: number): Scenario {
  return { ...s, episodes: { training: Math.max(0, episodes - 1), test: 1 } };
}

async function measure(
  model: ModelConfig,
  run: (m: ModelConfig, o: { seed: number }) => RunOutcome | Promise<RunOutcome>,
) {
  const t0 = process.hrtime.bigint();
  const outcome = await run(model, { seed: 1 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { rate: totalAgentSteps(model) / seconds, outcome };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const paper = paperScenario();
const cases: Case[] = [
  { name: 'paper (2 cells, normal traffic)', scenario: paper, episodes: 2000 },
  { name: 'line-10', scenario: lineScenario(10, paper), episodes: 400 },
  { name: 'line-100', scenario: lineScenario(100, paper), episodes: 40 },
  { name: 'line-1000', scenario: lineScenario(1000, paper), episodes: 10 },
];

const results = [];
for (const c of cases) {
  const episodes = Math.max(2, Math.round(c.episodes / shrink));
  const model = resolveModel(withEpisodes(c.scenario, episodes), 'normal');
  const warm = resolveModel(
    withEpisodes(c.scenario, Math.max(2, Math.round(episodes / 10))),
    'normal',
  );
  await measure(warm, runActors);
  await measure(warm, runPlainLoop);
  const engine: number[] = [];
  const plain: number[] = [];
  let messages = 0;
  for (let r = 0; r < repeats; r++) {
    const e = await measure(model, runActors);
    engine.push(e.rate);
    messages = e.outcome.messages;
    plain.push((await measure(model, runPlainLoop)).rate);
  }
  const agentSteps = totalAgentSteps(model);
  const row = {
    name: c.name,
    cells: model.cells.length,
    engineAgentStepsPerSec: Math.round(median(engine)),
    plainAgentStepsPerSec: Math.round(median(plain)),
    ratio: Number((median(engine) / median(plain)).toFixed(3)),
    messagesPerAgentStep: Number((messages / agentSteps).toFixed(5)),
    agentStepsPerRun: agentSteps,
    repeats,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  results.push(row);
  if (!asJson) {
    process.stderr.write(
      `${row.name.padEnd(32)} engine ${String(row.engineAgentStepsPerSec).padStart(10)}/s  plain ${String(row.plainAgentStepsPerSec).padStart(10)}/s  ratio ${row.ratio.toFixed(3)}  msgs/agent-step ${row.messagesPerAgentStep}\n`,
    );
  }
}
// The LLM-guided configurations on the paper scenario: the engine's own cost with the planner
// (and controller) actors and the simulated LLM. No plain-loop baseline exists for them.
const guided = [];
for (const config of ['guided', 'aura'] as const) {
  const episodes = Math.max(2, Math.round(500 / shrink));
  const model = resolveModel(withEpisodes(paper, episodes), 'normal', config);
  await measure(
    resolveModel(withEpisodes(paper, Math.max(2, episodes / 10)), 'normal', config),
    runActors,
  );
  const rates: number[] = [];
  let outcome: RunOutcome | undefined;
  for (let r = 0; r < repeats; r++) {
    const m = await measure(model, runActors);
    rates.push(m.rate);
    outcome = m.outcome;
  }
  const agentSteps = totalAgentSteps(model);
  const ledger = outcome!.world.guidance!.ledger;
  const calls =
    ledger.training.calls +
    ledger.test.calls +
    ledger.training.evaluations +
    ledger.test.evaluations;
  const row = {
    name: `paper ${config}`,
    config,
    engineAgentStepsPerSec: Math.round(median(rates)),
    messagesPerAgentStep: Number((outcome!.messages / agentSteps).toFixed(5)),
    llmCallsPerAgentStep: Number((calls / agentSteps).toFixed(5)),
    agentStepsPerRun: agentSteps,
    repeats,
  };
  guided.push(row);
  if (!asJson) {
    process.stderr.write(
      `${row.name.padEnd(32)} engine ${String(row.engineAgentStepsPerSec).padStart(10)}/s  msgs/agent-step ${row.messagesPerAgentStep}  LLM calls/agent-step ${row.llmCallsPerAgentStep}\n`,
    );
  }
}
if (asJson) {
  process.stdout.write(
    `${JSON.stringify({ node: process.version, cases: results, guided }, null, 2)}\n`,
  );
}
