/**
 * Shared set-up and results of one simulation run, whichever driver runs it: the actor engine
 * (`runActors`) or the plain loop (`runPlainLoop`). Both must give identical results.
 */
import type { Agent } from '../agents/agent.js';
import { wallDeadlineMs } from '../llm/call.js';
import type { Cassette, Recorder } from '../llm/io/cassette.js';
import { LlmGateway } from '../llm/io/gateway.js';
import { createProvider } from '../llm/io/providers.js';
import { oraclePlanner } from '../llm/oracle.js';
import type { AnyProvider, LlmRole } from '../llm/types.js';
import {
  addCounters,
  type EpisodeCounters,
  sumOverCells,
  withoutCells,
  zeroCounters,
} from '../metrics/counters.js';
import type { EpisodeRecord } from '../model/report.js';
import { createWorld, setAgents, type World } from '../model/world.js';
import { Rng } from '../rng.js';
import type { ModelConfig } from '../scenario/resolve.js';

export interface RunOptions {
  readonly seed: number;
  /** Start from these agents (a derived policy) instead of untrained ones. */
  readonly agents?: readonly Agent[];
  /** Called after every episode (progress, series). */
  readonly onEpisode?: (record: EpisodeRecord) => void;
  /** An offline playbook entry matched: the planner stays on its first tier (no prompts). */
  readonly playbookMatched?: boolean;
  /** Replaces the configured provider of a role (`planner`, `evaluator`), e.g. in tests. */
  readonly provider?: (role: string) => AnyProvider | undefined;
  /** Recording and replay of model exchanges (see `llm/io/cassette.ts`). */
  readonly llmIo?: LlmIo;
  /**
   * Keep each episode's per-cell counters in `RunOutcome.episodes` (default true). Runs that only
   * need the summary pass false: memory then stays flat over episodes at any number of cells
   * (per episode only totals, and trust with guidance, are kept).
   */
  readonly keepEpisodes?: boolean;
  /**
   * Plain loop only: called after every step (tools that sample the world, e.g.
   * `bench/coverage.ts`); the loop then runs one step at a time instead of in batches.
   */
  readonly onStep?: (world: World) => void;
}

export interface LlmIo {
  /** Names this run in a recording (configuration/traffic/seed). */
  readonly runKey: string;
  readonly recorder?: Recorder;
  readonly replay?: Cassette;
  readonly replayFallback?: boolean;
  /** Sleep between retries (tests shorten it). */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface RunOutcome {
  readonly world: World;
  /** Every episode's record (per-cell counters emptied unless `keepEpisodes`). */
  readonly episodes: EpisodeRecord[];
  /** Training episodes' counters, summed. */
  readonly trainingTotals: EpisodeCounters;
  /** Dropped requests of each episode (all cells), in order. */
  readonly episodeDrops: number[];
  /** Copies of the agents at the end of training: the derived policy the test starts from. */
  readonly trainedAgents: Agent[];
  /** XState messages delivered (0 for the plain loop). */
  readonly messages: number;
}

export interface RunSetup {
  readonly world: World;
  readonly arrivalRngs: Rng[];
  /** The planner's and evaluator's models, each with its own streams (null in `marl-only`). */
  readonly llm: { readonly planner: LlmRole; readonly evaluator: LlmRole } | null;
  /** The run's door to its models (null in `marl-only`). */
  readonly gateway: LlmGateway | null;
}

export function setUpRun(config: ModelConfig, options: RunOptions): RunSetup {
  const root = Rng.create(options.seed);
  const world = createWorld(config, root);
  if (options.agents) setAgents(world, options.agents.map(copyAgent));
  if (world.guidance && options.playbookMatched) world.guidance.reasoning = false;
  const io = options.llmIo;
  const guidance = config.guidance;
  // The oracle policy alone reads the world (a calibration reference, not a model); no other
  // provider is handed it, so every other run is exactly as before.
  const oracle = guidance?.llm.policy === 'oracle' ? oraclePlanner(world) : undefined;
  const gateway = guidance
    ? new LlmGateway({
        settings: guidance.llm,
        provider: (name) =>
          options.provider?.(name) ??
          createProvider(guidance.llm, root.fork(`llm/${name}`), process.env, oracle),
        runKey: io?.runKey ?? `${config.configuration}/${config.traffic}/${options.seed}`,
        recorder: io?.recorder,
        replay: io?.replay,
        replayFallback: io?.replayFallback,
        sleep: io?.sleep,
        deadlineMs: wallDeadlineMs(guidance),
      })
    : null;
  const role = (name: string, door: LlmGateway): LlmRole => ({
    name,
    gateway: door,
    latencyRng: root.fork(`latency/${name}`),
  });
  return {
    world,
    arrivalRngs: config.sources.map((s) => root.fork(`arrivals/${s.id}`)),
    llm: gateway
      ? { planner: role('planner', gateway), evaluator: role('evaluator', gateway) }
      : null,
    gateway,
  };
}

/** What a run keeps of its episodes, fed by either driver as each episode ends. */
export class EpisodeLog {
  readonly episodes: EpisodeRecord[] = [];
  readonly trainingTotals: EpisodeCounters;
  readonly episodeDrops: number[] = [];

  constructor(
    cells: number,
    private readonly keep: boolean,
  ) {
    this.trainingTotals = zeroCounters(cells);
  }

  outcome(): Pick<RunOutcome, 'episodes' | 'trainingTotals' | 'episodeDrops'> {
    const { episodes, trainingTotals, episodeDrops } = this;
    return { episodes, trainingTotals, episodeDrops };
  }

  add(record: EpisodeRecord): void {
    const { counters } = record;
    if (record.phase === 'training') addCounters(this.trainingTotals, counters);
    this.episodeDrops.push(sumOverCells(counters.cells, 'droppedRequests'));
    this.episodes.push(this.keep ? record : { ...record, counters: withoutCells(counters) });
  }
}

export function copyAgent(agent: Agent): Agent {
  return agent.copy();
}

/** Agent-steps a run performs (cells × steps over both phases). */
export function totalAgentSteps(config: ModelConfig): number {
  return (
    config.cells.length * config.stepsPerEpisode * (config.trainingEpisodes + config.testEpisodes)
  );
}
