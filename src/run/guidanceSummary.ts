/**
 * The `guidance` block of `summary.json` (configurations `guided` and `aura`): planner, trust and
 * alignment-controller activity per phase, and each agent's trust. Deterministic: simulated time
 * only.
 */
import type { RunOutcome } from '../engine/run.js';
import { type EpisodeCounters, sumOverCells } from '../metrics/counters.js';
import { ratio, round6 } from '../metrics/readout.js';
import { agePercentileMs, type LlmCounts } from '../model/guidance.js';
import type { ModelConfig } from '../scenario/resolve.js';
import type { PlaybookMatch } from './playbook.js';

export interface PhaseGuidance {
  /**
   * Guidance requests the agents sent in this phase and what became of them: answered with a
   * suggestion, rejected by the translator, lost to a failed call, replaced in the queue by a
   * newer request, dropped as outdated (their episode had ended), or still unanswered when the
   * run ended. The six add up to `requests`.
   */
  requests: number;
  suggestions: number;
  rejected: number;
  failedSuggestions: number;
  supersededRequests: number;
  outdatedRequests: number;
  unansweredAtEnd: number;
  /** Planner calls sent in this phase (one prompt per batch), their mean batch size, failures. */
  calls: number;
  meanBatchSize: number;
  failedCalls: number;
  timeouts: number;
  /**
   * Suggestions the agents received and what became of them: consulted by at least one decision
   * (used), discarded as stale (too old on arrival, or expired before any decision it covered),
   * or never consulted (replaced by a newer one, or the episode ended first). They add up to
   * `suggestionsReceived`.
   */
  suggestionsReceived: number;
  usedSuggestions: number;
  staleSuggestions: number;
  unusedSuggestions: number;
  staleShare: number;
  /** Decisions taken with a fresh suggestion at hand, and those that followed it. */
  decisionsWithSuggestion: number;
  llmDecisions: number;
  llmUsageRate: number;
  /** Age of the suggestion at each decision that had one (simulated ms). */
  meanSuggestionAgeMs: number;
  /** 95th percentile of the age at use, to the histogram's resolution (1 ms by default). */
  p95SuggestionAgeMs: number;
  maxSuggestionAgeMs: number;
  /** Decisions taken while the agent's latest request was still unanswered (in flight). */
  decisionsAwaiting: number;
  /** Planner queue: mean wait from request to dispatch, and time spent waiting for rate budget. */
  meanQueueWaitMs: number;
  rateLimitedMs: number;
  inputTokens: number;
  outputTokens: number;
  /** Alignment controller (aura): evaluations, failed ones, agent rewards applied, Q-values moved. */
  evaluations: number;
  failedEvaluations: number;
  rejectedScores: number;
  delayedRewards: number;
  meanDelayedReward: number;
  delayedPairs: number;
  parameterChanges: number;
  /** Model calls (planner and evaluator): mean simulated latency, retries of network calls. */
  meanLatencyMs: number;
  retries: number;
  /** Network calls: how many, and their wall-clock latency (retries included), mean and max. */
  measuredCalls: number;
  meanMeasuredMs: number;
  maxMeasuredMs: number;
}

export interface GuidanceSummary {
  /** The offline playbook's verdict: the entry the agents started from, or none (novel). */
  playbook: PlaybookMatch | null;
  /** Planner actors: 1 (scope 'network') or one per region. */
  planners: number;
  training: PhaseGuidance;
  test: PhaseGuidance;
  /**
   * Per agent: trust at the end of the run, its lowest value (episode ends and the start), the
   * episode (1-based, training then test) after which it stayed within ±0.05 of its final value,
   * and its mean over each phase's decisions.
   */
  trust: Record<
    string,
    {
      final: number;
      min: number;
      settledAfterEpisode: number;
      meanTraining: number;
      meanTest: number;
    }
  >;
  /** Exploration scale and reward weights at the end of the run (moved by verbal feedback). */
  tuning: Record<
    string,
    { epsilonScale: number; reward: { coverage: number; drop: number; energy: number } }
  >;
}

/** Trust has settled once it stays within this distance of its final value. */
export const SETTLE_BAND = 0.05;

/**
 * The number of episodes after which a trajectory (one value per episode end) stays within
 * `band` of its last value: 0 if it always did.
 */
export function settlingEpisode(path: readonly number[], band: number): number {
  const last = path.at(-1);
  if (last === undefined) return 0;
  for (let e = path.length - 1; e >= 0; e--) {
    if (Math.abs(path[e]! - last) > band) return e + 1;
  }
  return 0;
}

function phaseGuidance(
  totals: EpisodeCounters,
  l: LlmCounts,
  ages: Uint32Array,
  bucketMs: number,
): PhaseGuidance {
  const sum = (key: Parameters<typeof sumOverCells>[1]) => sumOverCells(totals.cells, key);
  const received = sum('suggestionsReceived');
  const available = sum('llmAvailable');
  const settled =
    l.suggestions + l.rejected + l.failedSuggestions + l.supersededRequests + l.outdatedRequests;
  return {
    requests: l.requests,
    suggestions: l.suggestions,
    rejected: l.rejected,
    failedSuggestions: l.failedSuggestions,
    supersededRequests: l.supersededRequests,
    outdatedRequests: l.outdatedRequests,
    unansweredAtEnd: l.requests - settled,
    calls: l.calls,
    meanBatchSize: ratio(l.batchedRequests, l.calls),
    failedCalls: l.failedCalls,
    timeouts: l.timeouts,
    suggestionsReceived: received,
    usedSuggestions: sum('suggestionsUsed'),
    staleSuggestions: sum('suggestionsStale'),
    unusedSuggestions: sum('suggestionsUnused'),
    staleShare: ratio(sum('suggestionsStale'), received),
    decisionsWithSuggestion: available,
    llmDecisions: sum('llmDecisions'),
    llmUsageRate: ratio(sum('llmDecisions'), totals.steps * totals.cells.length),
    meanSuggestionAgeMs: round6(ratio(sum('suggestionAgeSumMs'), available)),
    p95SuggestionAgeMs: agePercentileMs(ages, bucketMs, 0.95),
    maxSuggestionAgeMs: Math.max(0, ...totals.cells.map((c) => c.suggestionAgeMaxMs)),
    decisionsAwaiting: sum('decisionsAwaiting'),
    meanQueueWaitMs: ratio(l.queueWaitMs, l.batchedRequests),
    rateLimitedMs: l.rateLimitedMs,
    inputTokens: l.inputTokens,
    outputTokens: l.outputTokens,
    evaluations: l.evaluations,
    failedEvaluations: l.failedEvaluations,
    rejectedScores: l.rejectedScores,
    delayedRewards: l.delayedRewards,
    meanDelayedReward: ratio(l.delayedRewardSum, l.delayedRewards),
    delayedPairs: l.delayedPairs,
    parameterChanges: l.parameterChanges,
    meanLatencyMs: ratio(l.simulatedLatencyMs, l.calls + l.evaluations),
    retries: l.retries,
    measuredCalls: l.measuredCalls,
    meanMeasuredMs: ratio(l.measuredLatencyMs, l.measuredCalls),
    maxMeasuredMs: l.measuredMaxMs,
  };
}

export function guidanceSummary(
  config: ModelConfig,
  outcome: RunOutcome,
  playbook: PlaybookMatch | null,
): GuidanceSummary | null {
  const g = outcome.world.guidance;
  if (!g) return null;
  const training = outcome.trainingTotals;
  const test = outcome.world.testTotals;
  return {
    playbook,
    planners: config.guidance!.plannerRegions.length,
    training: phaseGuidance(training, g.ledger.training, g.ageHistogram.training, g.ageBucketMs),
    test: phaseGuidance(test, g.ledger.test, g.ageHistogram.test, g.ageBucketMs),
    trust: Object.fromEntries(
      config.cells.map((c, i) => {
        const path = outcome.episodes.map((e) => e.trust![i]!);
        return [
          c.id,
          {
            final: round6(g.trust[i]!),
            min: round6(Math.min(config.guidance!.trust.initial, ...path)),
            settledAfterEpisode: settlingEpisode(path, SETTLE_BAND),
            meanTraining: ratio(training.cells[i]!.trustSum, training.steps),
            meanTest: ratio(test.cells[i]!.trustSum, test.steps),
          },
        ];
      }),
    ),
    tuning: Object.fromEntries(
      config.cells.map((c, i) => {
        const t = g.tuning[i]!;
        return [c.id, { epsilonScale: round6(t.epsilonScale), reward: { ...t.reward } }];
      }),
    ),
  };
}
