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
  /** Guidance requests sent by the agents, and planner calls (one prompt per batch). */
  requests: number;
  calls: number;
  meanBatchSize: number;
  /** Suggestions delivered, rejected by the translator, and lost to failed calls. */
  suggestions: number;
  rejected: number;
  failedCalls: number;
  timeouts: number;
  failedSuggestions: number;
  /** Suggestions discarded as stale (too old on arrival, or expired before any decision). */
  staleSuggestions: number;
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
  const dispatched = l.calls;
  const requestsSent = l.suggestions + l.rejected + l.failedSuggestions;
  return {
    requests: l.requests,
    calls: l.calls,
    meanBatchSize: ratio(requestsSent, dispatched),
    suggestions: l.suggestions,
    rejected: l.rejected,
    failedCalls: l.failedCalls,
    timeouts: l.timeouts,
    failedSuggestions: l.failedSuggestions,
    staleSuggestions: sum('suggestionsStale'),
    staleShare: ratio(sum('suggestionsStale'), received),
    decisionsWithSuggestion: available,
    llmDecisions: sum('llmDecisions'),
    llmUsageRate: ratio(sum('llmDecisions'), totals.steps * totals.cells.length),
    meanSuggestionAgeMs: round6(ratio(sum('suggestionAgeSumMs'), available)),
    maxSuggestionAgeMs: Math.max(0, ...totals.cells.map((c) => c.suggestionAgeMaxMs)),
    meanQueueWaitMs: ratio(l.queueWaitMs, requestsSent),
    rateLimitedMs: l.rateLimitedMs,
    inputTokens: l.inputTokens,
    outputTokens: l.outputTokens,
    evaluations: l.evaluations,
    failedEvaluations: l.failedEvaluations,
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
