/**
 * The run summary (`summary.json`): deterministic, no wall-clock data. Same scenario,
 * configuration, traffic and seed ⇒ byte-identical output.
 */
import { ACTIONS } from '../agents/space.js';
import type { RunOutcome } from '../engine/run.js';
import { costUsd, priceOf } from '../llm/pricing.js';
import { templatesDigest } from '../llm/prompt.js';
import type { CellCounters, EpisodeCounters } from '../metrics/counters.js';
import {
  type AgentField,
  CELL_METRICS,
  METRIC_SPECS,
  type NetworkCount,
  type TestField,
} from '../metrics/list.js';
import { cellValue, networkValue, ratio, round6 } from '../metrics/readout.js';
import type { ConfigName, ModelConfig } from '../scenario/resolve.js';
import { type GuidanceSummary, guidanceSummary, type PhaseGuidance } from './guidanceSummary.js';
import type { PlaybookMatch } from './playbook.js';

export { CONFIGS, type ConfigName } from '../scenario/resolve.js';

/** A cell's test-phase results: the metrics with a summary readout (`metrics/list.ts`), and its actions. */
export type AgentSummary = Record<AgentField, number> & {
  actions: Record<(typeof ACTIONS)[number], number>;
};

export interface Summary {
  scenario: string;
  config: ConfigName;
  traffic: string;
  seed: number;
  episodes: { training: number; test: number; stepsPerEpisode: number };
  /** The network's test-phase results (`metrics/list.ts`), then each cell's. */
  test: Record<TestField, number> & { agents: Record<string, AgentSummary> };
  training: {
    finalEpsilon: number;
    /** Mean dropped requests per episode over the last tenth of training (all cells). */
    lateDroppedPerEpisode: number;
  };
  /** Model use over the whole run (both phases, planner and evaluator). */
  llm: {
    provider: string;
    model: string;
    calls: number;
    inputTokens: number;
    outputTokens: number;
    rejected: number;
    failedCalls: number;
    /** Digest of the prompt templates used (null without an LLM). */
    prompts: string | null;
    /** Where simulated latency came from: the latency model or each call's measured wall time. */
    latencyFrom: 'model' | 'measured' | null;
    /** Mean simulated latency of a call, ms. */
    meanLatencyMs: number;
    /** Network calls' wall-clock latency, retries included (null: no network call was made). */
    measured: { calls: number; meanMs: number; maxMs: number } | null;
    /** Network attempts beyond the first (rate limits, server errors, timeouts). */
    retries: number;
    /** Estimated cost of the tokens (null without an LLM). */
    cost: {
      usd: number;
      inputPerMTok: number;
      outputPerMTok: number;
      /** `scenario` (guidance.llm.pricing), `table` (built-in prices) or `none` (unpriced: 0). */
      source: 'scenario' | 'table' | 'none';
    } | null;
  };
  /** Planner, trust and alignment controller in detail (null in `marl-only`). */
  guidance: GuidanceSummary | null;
}

export { round6 };

function agentSummary(c: CellCounters, steps: number): AgentSummary {
  const out: Record<string, unknown> = {};
  for (const m of CELL_METRICS) {
    if (!m.summary) continue;
    out[m.summary.name] = cellValue(c, m, m.summary, steps);
    if (m.summary.rate) out[m.summary.rate] = ratio(c[m.key], steps);
  }
  out.actions = Object.fromEntries(ACTIONS.map((a, k) => [a, c.actions[k]!]));
  return out as AgentSummary;
}

/** The network's metrics over the test phase, in list order, then the cells'. */
function testSummary(
  totals: EpisodeCounters,
  agents: Record<string, AgentSummary>,
): Summary['test'] {
  const out: Record<string, unknown> = {};
  for (const m of METRIC_SPECS) {
    if (!m.summary) continue;
    let count: number;
    if (m.scope === 'network') count = totals[m.key as NetworkCount];
    else if (m.summary.network) {
      count = networkValue(totals, m as (typeof CELL_METRICS)[number], m.summary);
    } else continue;
    out[m.summary.name] = count;
    // A rate reads the count per step of the network (a total over cells, per step).
    if (m.summary.rate) out[m.summary.rate] = ratio(count, totals.steps);
  }
  out.agents = agents;
  return out as Summary['test'];
}

export function buildSummary(
  config: ModelConfig,
  configName: ConfigName,
  seed: number,
  outcome: RunOutcome,
  playbook: PlaybookMatch | null = null,
): Summary {
  const totals = outcome.world.testTotals;
  const agents: Record<string, AgentSummary> = {};
  config.cells.forEach((cell, i) => {
    agents[cell.id] = agentSummary(totals.cells[i]!, totals.steps);
  });
  const training = outcome.episodes.filter((e) => e.phase === 'training');
  const trainingDrops = outcome.episodeDrops.slice(0, training.length); // training comes first
  const late = trainingDrops.slice(
    trainingDrops.length - Math.max(1, Math.floor(trainingDrops.length / 10)),
  );
  const lateDrops = late.reduce((sum, drops) => sum + drops, 0);
  const guidance = guidanceSummary(config, outcome, playbook);
  return {
    scenario: config.scenario,
    config: configName,
    traffic: config.traffic,
    seed,
    episodes: {
      training: config.trainingEpisodes,
      test: config.testEpisodes,
      stepsPerEpisode: config.stepsPerEpisode,
    },
    test: testSummary(totals, agents),
    training: {
      finalEpsilon: round6(training.at(-1)?.epsilon ?? config.agent.epsilon.start),
      lateDroppedPerEpisode: late.length > 0 ? round6(lateDrops / late.length) : 0,
    },
    llm: llmTotals(config, guidance),
    guidance,
  };
}

function llmTotals(config: ModelConfig, g: GuidanceSummary | null): Summary['llm'] {
  const both = (key: keyof PhaseGuidance) => (g ? g.training[key] + g.test[key] : 0);
  const llm = config.guidance?.llm;
  const calls = both('calls') + both('evaluations');
  const measuredCalls = both('measuredCalls');
  const mean = (key: 'meanLatencyMs' | 'meanMeasuredMs', n: 'calls' | 'measuredCalls') => {
    if (!g) return 0;
    const total = (p: PhaseGuidance) =>
      p[key] * (n === 'calls' ? p.calls + p.evaluations : p.measuredCalls);
    const count = n === 'calls' ? calls : measuredCalls;
    return count > 0 ? round6((total(g.training) + total(g.test)) / count) : 0;
  };
  const price = llm ? priceOf(llm) : null;
  return {
    provider: config.guidance?.llm.provider ?? 'none',
    model: config.guidance?.llm.model ?? 'none',
    calls: both('calls') + both('evaluations'),
    inputTokens: both('inputTokens'),
    outputTokens: both('outputTokens'),
    rejected: both('rejected') + both('rejectedScores'),
    failedCalls: both('failedCalls') + both('failedEvaluations'),
    prompts: config.guidance ? templatesDigest() : null,
    latencyFrom: llm?.latencyFrom ?? null,
    meanLatencyMs: mean('meanLatencyMs', 'calls'),
    measured:
      g && measuredCalls > 0
        ? {
            calls: measuredCalls,
            meanMs: mean('meanMeasuredMs', 'measuredCalls'),
            maxMs: Math.max(g.training.maxMeasuredMs, g.test.maxMeasuredMs),
          }
        : null,
    retries: both('retries'),
    cost: price
      ? {
          usd: costUsd(price.price, both('inputTokens'), both('outputTokens')),
          inputPerMTok: price.price?.inputPerMTok ?? 0,
          outputPerMTok: price.price?.outputPerMTok ?? 0,
          source: price.source,
        }
      : null,
  };
}
