/**
 * Engine benchmark: agent-steps per second of the actor engine and of the same model stepped in a
 * plain loop, measured in one process, interleaved, with their ratio and the XState messages per
 * agent-step. `npm run bench` prints a table; `npm run bench -- --json` prints
 * `{ "cases": [ { name, cells, engineAgentStepsPerSec, plainAgentStepsPerSec, ratio,
 * messagesPerAgentStep, ... } ] }`. `--repeats=N` sets the measured runs per case (median
 * reported, default 3); `--quick` shrinks every case twentyfold for a smoke test (the
 * 10,000-cell case also runs shorter episodes then).
 *
 * Each case also reports user-steps/s (users served per simulated step, summed, per second),
 * its throughput relative to 10 cells, and the process's peak resident memory so far
 * (cases run in ascending size, so it is the largest case's peak). Whole-run rates include
 * start-up (spawning the actors, drawing the first arrival windows) and shutdown; the `steady`
 * fields measure the episodes after the first only, and `engineStartupSec` / `engineShutdownSec`
 * give the two apart, so that a short run's fixed costs and the per-agent-step cost can both be
 * read. The 10-cell reference of each larger case is measured again within that case, each repeat
 * of the case followed by a 10-cell run of each runner, and the ratios are medians of those
 * pairs: on a shared machine throughput drifts by several per cent over minutes, and pairs taken
 * seconds apart compare like with like. `plainSteadyVs10Cells` gives the same ratio for the plain
 * loop: how the model itself scales, which the engine cannot beat. The `guided` rows measure the
 * engine with the planner actors and the simulated LLM, including regional planners at scale.
 */
import { parseArgs } from 'node:util';
import { runActors } from '../src/engine/actorEngine.js';
import { runPlainLoop } from '../src/engine/plainLoop.js';
import { type RunOptions, type RunOutcome, totalAgentSteps } from '../src/engine/run.js';
import { type ConfigName, type ModelConfig, resolveModel } from '../src/scenario/resolve.js';
import type { Scenario } from '../src/scenario/schema.js';
import { lineScenario, paperScenario } from './scenarios.js';

interface Case {
  readonly name: string;
  readonly scenario: Scenario;
  /** Agent-steps per measured run (episodes are sized to reach it; at least two). */
  readonly agentSteps: number;
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

/** The case's scenario with enough episodes (of `steps` steps) for about `agentSteps`. */
function sized(s: Scenario, agentSteps: number, steps = s.time.stepsPerEpisode): Scenario {
  const cells = s.layout?.hex
    ? 1 + 3 * s.layout.hex.rings * (s.layout.hex.rings + 1)
    : s.cells.length;
  const episodes = Math.max(2, Math.round(agentSteps / (cells * steps)));
  return {
    ...s,
    time: { ...s.time, stepsPerEpisode: steps },
    episodes: { training: episodes - 1, test: 1 },
  };
}

/** Users in the network summed over every simulated step (both phases). */
function userSteps(o: RunOutcome): number {
  let sum = 0;
  for (const c of o.trainingTotals.cells) sum += c.usersSum;
  for (const c of o.world.testTotals.cells) sum += c.usersSum;
  return sum;
}

async function measure(
  model: ModelConfig,
  run: (m: ModelConfig, o: RunOptions) => RunOutcome | Promise<RunOutcome>,
) {
  const ends: number[] = [];
  const t0 = process.hrtime.bigint();
  const since = () => Number(process.hrtime.bigint() - t0) / 1e9;
  const outcome = await run(model, {
    seed: 1,
    keepEpisodes: false,
    onEpisode: () => {
      ends.push(since());
    },
  });
  const seconds = since();
  // Steady state: the episodes after the first, between the first's end and the last's; the
  // first episode's excess over them is start-up (actors spawned, first arrival windows), what
  // follows the last is shutdown.
  const agentStepsPerEpisode = model.cells.length * model.stepsPerEpisode;
  const steadySeconds = ends.at(-1)! - ends[0]!;
  const episodeSeconds = steadySeconds / (ends.length - 1);
  return {
    rate: totalAgentSteps(model) / seconds,
    steadyRate: ((ends.length - 1) * agentStepsPerEpisode) / steadySeconds,
    startupSeconds: Math.max(0, ends[0]! - episodeSeconds),
    shutdownSeconds: seconds - ends.at(-1)!,
    userRate: userSteps(outcome) / seconds,
    outcome,
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const paper = paperScenario();
const unit = 400_000 / shrink;
const cases: Case[] = [
  { name: 'paper (2 cells, normal traffic)', scenario: paper, agentSteps: unit },
  { name: 'line-10', scenario: lineScenario(10, paper), agentSteps: unit },
  { name: 'line-100', scenario: lineScenario(100, paper), agentSteps: unit },
  { name: 'line-1000', scenario: lineScenario(1000, paper), agentSteps: 2.5 * unit },
  // Four episodes: three of steady state after the first.
  { name: 'line-10000', scenario: lineScenario(10_000, paper), agentSteps: 10 * unit },
];

type Measured = Awaited<ReturnType<typeof measure>>;
type Rate = 'rate' | 'steadyRate' | 'startupSeconds' | 'shutdownSeconds' | 'userRate';

/** The median over repeats of `ms[r][key] / refs[r][key]` (3 decimals); null without refs. */
function pairedRatio(ms: Measured[], refs: Measured[], key: Rate): number | null {
  if (refs.length === 0) return null;
  return Number(median(ms.map((m, r) => m[key] / refs[r]![key])).toFixed(3));
}

const ten = cases.find((c) => c.name === 'line-10')!;
const tenModel = resolveModel(sized(ten.scenario, ten.agentSteps), 'normal');

const results: Record<string, number | string | null>[] = [];
for (const c of cases) {
  // At 10,000 cells two whole episodes are 2M agent-steps: the quick form shortens the episodes.
  const steps = shrink > 1 && c.scenario.cells.length >= 10_000 ? 10 : undefined;
  const model = resolveModel(sized(c.scenario, c.agentSteps, steps), 'normal');
  const warm = resolveModel(sized(c.scenario, c.agentSteps / 10, steps), 'normal');
  await measure(warm, runActors);
  await measure(warm, runPlainLoop);
  const engine: Measured[] = [];
  const plain: Measured[] = [];
  // Larger cases: the 10-cell reference, measured right after each repeat.
  const engineRef: Measured[] = [];
  const plainRef: Measured[] = [];
  const scaled = model.cells.length > 10;
  for (let r = 0; r < repeats; r++) {
    engine.push(await measure(model, runActors));
    plain.push(await measure(model, runPlainLoop));
    if (scaled) {
      engineRef.push(await measure(tenModel, runActors));
      plainRef.push(await measure(tenModel, runPlainLoop));
    }
  }
  const of = (ms: Measured[], key: Rate) => median(ms.map((m) => m[key]));
  const agentSteps = totalAgentSteps(model);
  const row = {
    name: c.name,
    cells: model.cells.length,
    engineAgentStepsPerSec: Math.round(of(engine, 'rate')),
    plainAgentStepsPerSec: Math.round(of(plain, 'rate')),
    ratio: Number((of(engine, 'rate') / of(plain, 'rate')).toFixed(3)),
    messagesPerAgentStep: Number((engine[0]!.outcome.messages / agentSteps).toFixed(5)),
    engineUserStepsPerSec: Math.round(of(engine, 'userRate')),
    /** Engine agent-steps/s relative to 10 cells, paired (null up to 10 cells). */
    vs10Cells: pairedRatio(engine, engineRef, 'rate'),
    /** The same over the episodes after the first: no start-up, no shutdown. */
    engineSteadyAgentStepsPerSec: Math.round(of(engine, 'steadyRate')),
    plainSteadyAgentStepsPerSec: Math.round(of(plain, 'steadyRate')),
    steadyRatio: Number((of(engine, 'steadyRate') / of(plain, 'steadyRate')).toFixed(3)),
    steadyVs10Cells: pairedRatio(engine, engineRef, 'steadyRate'),
    /** The plain loop's own scaling, measured the same way. */
    plainSteadyVs10Cells: pairedRatio(plain, plainRef, 'steadyRate'),
    /** Seconds the engine spends starting (beyond a steady episode) and shutting down; plain. */
    engineStartupSec: Number(of(engine, 'startupSeconds').toFixed(3)),
    engineShutdownSec: Number(of(engine, 'shutdownSeconds').toFixed(3)),
    plainStartupSec: Number(of(plain, 'startupSeconds').toFixed(3)),
    episodesPerRun: model.trainingEpisodes + model.testEpisodes,
    agentStepsPerRun: agentSteps,
    repeats,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  results.push(row);
  if (!asJson) {
    process.stderr.write(
      `${row.name.padEnd(32)} engine ${String(row.engineAgentStepsPerSec).padStart(8)}/s  plain ${String(row.plainAgentStepsPerSec).padStart(8)}/s  ratio ${row.ratio.toFixed(3)}  vs 10 cells ${row.vs10Cells ?? '  –  '}  | steady: ratio ${row.steadyRatio.toFixed(3)}  vs 10 cells ${row.steadyVs10Cells ?? '  –  '} (plain ${row.plainSteadyVs10Cells ?? '  –  '})  | start-up ${row.engineStartupSec} s, shutdown ${row.engineShutdownSec} s  msgs/agent-step ${row.messagesPerAgentStep}  user-steps ${row.engineUserStepsPerSec}/s  peak RSS ${row.peakRssMiB} MiB\n`,
    );
  }
}
// The LLM-guided configurations: the engine's own cost with the planner (and controller) actors
// and the simulated LLM, on the paper scenario and, with regional planners, on 100 and 1,000
// cells. No plain-loop baseline exists for them.
const guidedCases = [
  { name: 'paper guided', scenario: paper, config: 'guided' as ConfigName, agentSteps: unit / 4 },
  { name: 'paper aura', scenario: paper, config: 'aura' as ConfigName, agentSteps: unit / 4 },
  ...[100, 1000].map((n) => {
    const line = lineScenario(n, paper);
    return {
      name: `line-${n} guided, regional planners`,
      scenario: {
        ...line,
        guidance: {
          ...line.guidance,
          // One prompt per region and request round; the rate budget is lifted so that the
          // figure shows batching, not the paper's 50 requests a minute.
          planner: {
            ...line.guidance.planner,
            scope: 'region' as const,
            regionCells: 64,
            maxBatchSize: 64,
            requestsPerMinute: 1e5,
            tokensPerMinute: 1e9,
          },
        },
      },
      config: 'guided' as ConfigName,
      agentSteps: unit / 2,
    };
  }),
];
const guided = [];
for (const c of guidedCases) {
  const model = resolveModel(sized(c.scenario, c.agentSteps), 'normal', c.config);
  await measure(resolveModel(sized(c.scenario, c.agentSteps / 10), 'normal', c.config), runActors);
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
    name: c.name,
    config: c.config,
    cells: model.cells.length,
    planners: model.guidance!.plannerRegions.length,
    engineAgentStepsPerSec: Math.round(median(rates)),
    messagesPerAgentStep: Number((outcome!.messages / agentSteps).toFixed(5)),
    llmCallsPerAgentStep: Number((calls / agentSteps).toFixed(5)),
    agentStepsPerRun: agentSteps,
    repeats,
  };
  guided.push(row);
  if (!asJson) {
    process.stderr.write(
      `${row.name.padEnd(36)} engine ${String(row.engineAgentStepsPerSec).padStart(8)}/s  msgs/agent-step ${row.messagesPerAgentStep}  LLM calls/agent-step ${row.llmCallsPerAgentStep} (${row.planners} planner${row.planners === 1 ? '' : 's'})\n`,
    );
  }
}
if (asJson) {
  process.stdout.write(
    `${JSON.stringify({ node: process.version, cases: results, guided }, null, 2)}\n`,
  );
}
