/**
 * The `guidance` block of `summary.json` (configurations `guided` and `aura`): planner, trust and
 * alignment-controller activity per phase, and each agent's trust. Deterministic: simulated time
 * only.
 */
import type { RunOutcome } from '../engine/run.js';
import type { LlmCounts } from '../model/guidance.js';
import { addCounters, type EpisodeCounters, sumOverCells, zeroCounters } from '../model/world.js';
import type { ModelConfig } from '../scenario/resolve.js';
import type { PlaybookMatch } from './playbook.js';

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;
const ratio = (a: number, b: number): number => (b > 0 ? round6(a / b) : 0);

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
  maxSuggestionAgeMs: number;
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
}

export interface GuidanceSummary {
  /** The offline playbook's verdict: the entry the agents started from, or none (novel). */
  playbook: PlaybookMatch | null;
  training: PhaseGuidance;
  test: PhaseGuidance;
  /** Per agent: trust at the end of the run and its mean over each phase's decisions. */
  trust: Record<string, { final: number; meanTraining: number; meanTest: number }>;
  /** Exploration scale and reward weights at the end of the run (moved by verbal feedback). */
  tuning: Record<
    string,
    { epsilonScale: number; reward: { coverage: number; drop: number; energy: number } }
  >;
}

export function totalsOf(records: readonly { counters: EpisodeCounters }[], cells: number) {
  const totals = zeroCounters(cells);
  for (const r of records) addCounters(totals, r.counters);
  return totals;
}

function phaseGuidance(totals: EpisodeCounters, l: LlmCounts): PhaseGuidance {
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
    maxSuggestionAgeMs: Math.max(0, ...totals.cells.map((c) => c.suggestionAgeMaxMs)),
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
  };
}

export function guidanceSummary(
  config: ModelConfig,
  outcome: RunOutcome,
  playbook: PlaybookMatch | null,
): GuidanceSummary | null {
  const g = outcome.world.guidance;
  if (!g) return null;
  const n = config.cells.length;
  const training = totalsOf(
    outcome.episodes.filter((e) => e.phase === 'training'),
    n,
  );
  const test = outcome.world.testTotals;
  return {
    playbook,
    training: phaseGuidance(training, g.ledger.training),
    test: phaseGuidance(test, g.ledger.test),
    trust: Object.fromEntries(
      config.cells.map((c, i) => [
        c.id,
        {
          final: round6(g.trust[i]!),
          meanTraining: ratio(training.cells[i]!.trustSum, training.steps),
          meanTest: ratio(test.cells[i]!.trustSum, test.steps),
        },
      ]),
    ),
    tuning: Object.fromEntries(
      config.cells.map((c, i) => {
        const t = g.tuning[i]!;
        return [c.id, { epsilonScale: round6(t.epsilonScale), reward: { ...t.reward } }];
      }),
    ),
  };
}
