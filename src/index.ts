/** Library entry point of aura-sim. */
export type { Agent } from './agents/agent.js';
export { ALGORITHM_NAMES, type AlgorithmName } from './agents/registry.js';
export { ACTIONS, type Action } from './agents/space.js';
export { runActors } from './engine/actorEngine.js';
export { SimClock } from './engine/clock.js';
export { runPlainLoop } from './engine/plainLoop.js';
export type { RunOutcome } from './engine/run.js';
export { UserError } from './errors.js';
export { type ExperimentOptions, type ExperimentOutcome, runExperiment } from './experiment/run.js';
export type { EpisodeRecord } from './model/report.js';
export { Rng, type RngState } from './rng.js';
export { executeRun, type RunRequest, type RunResult } from './run/execute.js';
export type { Summary } from './run/summary.js';
export { loadScenarioFile, parseScenario, ScenarioError } from './scenario/load.js';
export { type ModelConfig, resolveModel } from './scenario/resolve.js';
export { type Scenario, ScenarioSchema } from './scenario/schema.js';
export {
  type Description,
  type DunnComparison,
  type DunnOptions,
  type DunnResult,
  describe,
  dunnEffectSize,
  dunnTest,
  epsilonSquared,
  type KruskalResult,
  kruskalWallis,
  significanceStars,
} from './stats/index.js';
