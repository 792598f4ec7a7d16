/**
 * The data-plane side of LLM guidance (configurations `guided` and `aura`): each agent's current
 * suggestion and trust, its (state, action) history for the alignment controller, its tuning by
 * verbal feedback, the short trends the planner's context encoder reports, and the run's LLM
 * ledger. `stepWorld` consults it in its decide and learn steps; the planner and alignment
 * controller actors write into it. Absent (null) in `marl-only`, which then runs exactly as before.
 *
 * A suggestion holds from its delivery until a newer one replaces it, the episode ends, or its
 * observed state is older than `planner.maxAgeSeconds` (stale). Every decision it covers
 * (`planner.suggestionScope`) while it is fresh consults it through the trust gate
 * (`agents/trust.ts`); under `once`, and for a handoff or power step under `action`, the first
 * such decision also drops it.
 */

import type { Agent } from '../agents/agent.js';
import { createHistory, type History, recordPair } from '../agents/alignment.js';
import { MAINTAIN, stateShape } from '../agents/space.js';
import { combineDecision, updateTrust } from '../agents/trust.js';
import type { AgentTuning } from '../llm/feedback.js';
import type { CellCounters, EpisodeCounters, Phase } from '../metrics/counters.js';
import type { Rng } from '../rng.js';
import type { GuidanceConfig, ModelConfig } from '../scenario/resolve.js';
import type { PlannerSettings } from '../scenario/schema/guidance.js';

type SuggestionScope = PlannerSettings['suggestionScope'];

/** LLM activity of one phase, whole network. */
export interface LlmCounts {
  /** Guidance requests the planner received. */
  requests: number;
  /** Requests replaced in the queue by a newer one from the same cell. */
  supersededRequests: number;
  /** Requests dropped at dispatch because their episode had ended. */
  outdatedRequests: number;
  /** Requests sent in batches (mean batch size = batchedRequests / calls). */
  batchedRequests: number;
  /** Provider calls made by the planner (one per batch). */
  calls: number;
  failedCalls: number;
  timeouts: number;
  inputTokens: number;
  outputTokens: number;
  /** Valid suggestions delivered to agents. */
  suggestions: number;
  /** Suggestions the translator rejected (missing, invalid or contradictory codes). */
  rejected: number;
  /** Evaluator scores rejected (missing or out of range). */
  rejectedScores: number;
  /** Requests answered by a failed call (the agents fell back to their own policy). */
  failedSuggestions: number;
  /** Simulated time the planner spent waiting for rate budget, ms. */
  rateLimitedMs: number;
  /** Sum over dispatched requests of their wait from arrival to dispatch, ms. */
  queueWaitMs: number;
  /** Alignment controller: evaluator calls, failed ones, agents rewarded, Q-values changed. */
  evaluations: number;
  failedEvaluations: number;
  delayedRewards: number;
  delayedRewardSum: number;
  delayedPairs: number;
  /** Parameter changes from verbal feedback. */
  parameterChanges: number;
  /** Sum of the simulated latencies of calls (planner and evaluator), ms. */
  simulatedLatencyMs: number;
  /** Network calls: how many, their summed and largest wall-clock latency (retries included), ms. */
  measuredCalls: number;
  measuredLatencyMs: number;
  measuredMaxMs: number;
  /** Network calls: attempts beyond the first. */
  retries: number;
}

export const zeroLlmCounts = (): LlmCounts => ({
  requests: 0,
  supersededRequests: 0,
  outdatedRequests: 0,
  batchedRequests: 0,
  calls: 0,
  failedCalls: 0,
  timeouts: 0,
  inputTokens: 0,
  outputTokens: 0,
  suggestions: 0,
  rejected: 0,
  rejectedScores: 0,
  failedSuggestions: 0,
  rateLimitedMs: 0,
  queueWaitMs: 0,
  evaluations: 0,
  failedEvaluations: 0,
  delayedRewards: 0,
  delayedRewardSum: 0,
  delayedPairs: 0,
  parameterChanges: 0,
  simulatedLatencyMs: 0,
  measuredCalls: 0,
  measuredLatencyMs: 0,
  measuredMaxMs: 0,
  retries: 0,
});

/** One logged parameter change from verbal feedback. */
export interface FeedbackChange {
  readonly phase: string;
  readonly episode: number;
  readonly agent: string;
  readonly feedback: string;
  readonly parameter: string;
  readonly from: number;
  readonly to: number;
  readonly rule: string;
}

export interface GuidanceState {
  readonly config: GuidanceConfig;
  /**
   * Whether the planner reasons (tier 2: prompts). False when an offline playbook entry matched
   * the run's conditions (tier 1): the agents start from it and ask for no suggestions.
   */
  reasoning: boolean;
  readonly trust: Float64Array;
  /** One stream per agent for the trust gate's draws. */
  readonly trustRng: Rng[];
  /** Current suggestion per agent: action index, or -1 for none. */
  readonly suggested: Int8Array;
  readonly observedAtMs: Float64Array;
  /** The agent's state each suggestion was made for. */
  readonly suggestedFor: Int32Array;
  /** Whether the current suggestion has been consulted at least once. */
  readonly consulted: Uint8Array;
  /** Whether each agent's latest guidance request is still unanswered. */
  readonly awaiting: Uint8Array;
  /** The phase under way (for the age histograms). */
  phase: Phase;
  /**
   * Suggestion age at each decision that consulted one, per phase: counts in buckets of
   * `ageBucketMs` (age ≤ maxAgeMs, so at most 4,097 buckets).
   */
  readonly ageHistogram: { readonly training: Uint32Array; readonly test: Uint32Array };
  readonly ageBucketMs: number;
  readonly tuning: AgentTuning[];
  /** (state, action) histories for the alignment controller (`aura` only). */
  readonly history: History[] | null;
  /**
   * Ring buffers, per cell: drops in each of the last `trendSteps` steps, and users after each of
   * them plus one earlier value (at the episode's start, until the ring is full).
   */
  readonly recentDrops: Int32Array[];
  readonly recentUsers: Int32Array[];
  /** User counts recorded in the current episode (including the one at its start). */
  usersRecorded: number;
  /** Steps run in the current episode (how much of the rings is filled). */
  episodeSteps: number;
  episodeStartMs: number;
  readonly ledger: { training: LlmCounts; test: LlmCounts };
  readonly feedbackLog: FeedbackChange[];
  /** Counters of the episodes since the last evaluation (`aura` only). */
  window: EpisodeCounters;
  /** First episode of the current evaluation window (phase-local index). */
  windowFrom: number;
  /** Each agent's dropped requests per step in the previous evaluation window. */
  readonly previousDropsPerStep: (number | null)[];
  /** This step's decision, per agent, for the learn step: suggestion (-1: none), own action. */
  readonly lastSuggested: Int8Array;
  readonly lastOwn: Int8Array;
  readonly lastFollowed: Uint8Array;
}

/** Width of the age histogram's buckets: 1 ms, or coarser so that there are at most 4,097. */
const ageBucket = (maxAgeMs: number) => Math.max(1, Math.ceil(maxAgeMs / 4096));

/**
 * The age below which `share` of the recorded ages lie (e.g. 0.95 for the 95th percentile), to
 * the histogram's resolution (a bucket's lower edge); 0 when nothing was recorded.
 */
export function agePercentileMs(histogram: Uint32Array, bucketMs: number, share: number): number {
  let total = 0;
  for (const n of histogram) total += n;
  if (total === 0) return 0;
  const rank = Math.ceil(share * total);
  let seen = 0;
  for (let b = 0; b < histogram.length; b++) {
    seen += histogram[b]!;
    if (seen >= rank) return b * bucketMs;
  }
  return (histogram.length - 1) * bucketMs;
}

export function createGuidance(
  config: ModelConfig,
  rng: Rng,
  emptyCounters: () => EpisodeCounters,
): GuidanceState | null {
  const g = config.guidance;
  if (!g) return null;
  const n = config.cells.length;
  const trendSteps = g.planner.trendSteps;
  return {
    config: g,
    reasoning: true,
    trust: new Float64Array(n).fill(g.trust.initial),
    trustRng: config.cells.map((c) => rng.fork(`trust/${c.id}`)),
    suggested: new Int8Array(n).fill(-1),
    observedAtMs: new Float64Array(n),
    suggestedFor: new Int32Array(n),
    consulted: new Uint8Array(n),
    awaiting: new Uint8Array(n),
    phase: 'training',
    ageHistogram: {
      training: new Uint32Array(Math.floor(g.maxAgeMs / ageBucket(g.maxAgeMs)) + 1),
      test: new Uint32Array(Math.floor(g.maxAgeMs / ageBucket(g.maxAgeMs)) + 1),
    },
    ageBucketMs: ageBucket(g.maxAgeMs),
    tuning: config.cells.map(() => ({ epsilonScale: 1, reward: { ...config.agent.reward } })),
    history: g.alignment
      ? config.cells.map((c) => createHistory(stateShape(c.powerLevels, config.agent)))
      : null,
    recentDrops: config.cells.map(() => new Int32Array(trendSteps)),
    recentUsers: config.cells.map(() => new Int32Array(trendSteps + 1)),
    usersRecorded: 0,
    episodeSteps: 0,
    episodeStartMs: 0,
    ledger: { training: zeroLlmCounts(), test: zeroLlmCounts() },
    feedbackLog: [],
    window: emptyCounters(),
    windowFrom: 0,
    previousDropsPerStep: config.cells.map(() => null),
    lastSuggested: new Int8Array(n).fill(-1),
    lastOwn: new Int8Array(n),
    lastFollowed: new Uint8Array(n),
  };
}

/** A new episode: suggestions from the last one no longer apply; trust and tuning carry over. */
export function beginGuidedEpisode(
  g: GuidanceState,
  startMs: number,
  phase: Phase,
  episode: number,
  cells: readonly { readonly users: { readonly length: number } }[],
): void {
  if (episode === 0) g.windowFrom = 0; // episodes are numbered per phase
  g.phase = phase;
  g.suggested.fill(-1);
  g.consulted.fill(0);
  g.awaiting.fill(0);
  g.lastSuggested.fill(-1);
  for (const r of g.recentDrops) r.fill(0);
  g.recentUsers.forEach((r, i) => {
    r.fill(0);
    r[0] = cells[i]!.users.length;
  });
  g.usersRecorded = 1;
  g.episodeSteps = 0;
  g.episodeStartMs = startMs;
}

/** Agent `i` has asked for guidance (true) or had its answer (false). */
export function setAwaiting(g: GuidanceState, i: number, awaiting: boolean): void {
  g.awaiting[i] = awaiting ? 1 : 0;
}

/** The episode ends: fresh suggestions no decision consulted are counted as unused. */
export function endGuidedEpisode(g: GuidanceState, counters: EpisodeCounters): void {
  for (let i = 0; i < g.suggested.length; i++) {
    if (g.suggested[i]! >= 0 && !g.consulted[i]) counters.cells[i]!.suggestionsUnused++;
  }
}

/**
 * A suggestion reaches agent `i` at `nowMs`. It is kept unless it is already stale: observed
 * before the current episode began, or longer ago than the maximum age. Returns whether it was kept.
 */
export function acceptSuggestion(
  g: GuidanceState,
  i: number,
  action: number,
  observedAtMs: number,
  state: number,
  nowMs: number,
  c: CellCounters,
): boolean {
  c.suggestionsReceived++;
  if (observedAtMs < g.episodeStartMs || nowMs - observedAtMs > g.config.maxAgeMs) {
    c.suggestionsStale++;
    return false;
  }
  if (g.suggested[i]! >= 0 && !g.consulted[i]) c.suggestionsUnused++; // replaced before use
  g.suggested[i] = action;
  g.observedAtMs[i] = observedAtMs;
  g.suggestedFor[i] = state;
  g.consulted[i] = 0;
  return true;
}

/**
 * The decide step of a guided agent: consults the current suggestion if it is still fresh and
 * returns the final action through the trust gate (`agents/trust.ts`).
 */
export function guidedDecision(
  g: GuidanceState,
  i: number,
  state: number,
  own: number,
  nowMs: number,
  c: CellCounters,
): number {
  let suggested = -1;
  const current = g.suggested[i]!;
  if (current >= 0) {
    const age = nowMs - g.observedAtMs[i]!;
    if (age > g.config.maxAgeMs) {
      if (!g.consulted[i]) c.suggestionsStale++; // expired before any decision could use it
      g.suggested[i] = -1;
    } else if (applies(g, i, state)) {
      suggested = current;
      if (!g.consulted[i]) c.suggestionsUsed++;
      g.consulted[i] = 1;
      c.llmAvailable++;
      g.ageHistogram[g.phase][Math.floor(age / g.ageBucketMs)]!++;
      c.suggestionAgeSumMs += age;
      if (age > c.suggestionAgeMaxMs) c.suggestionAgeMaxMs = age;
      if (coversOneDecision(g.config.planner.suggestionScope, current)) g.suggested[i] = -1;
    }
  }
  const trust = g.trust[i]!;
  c.trustSum += trust;
  if (g.awaiting[i]) c.decisionsAwaiting++;
  const u = suggested >= 0 ? g.trustRng[i]!.next() : 0;
  const decision = combineDecision(suggested, own, trust, u);
  g.lastSuggested[i] = suggested;
  g.lastOwn[i] = own;
  g.lastFollowed[i] = decision.source === 'llm' ? 1 : 0;
  if (decision.source === 'llm') c.llmDecisions++;
  return decision.action;
}

/** Whether agent `i`'s fresh suggestion covers a decision in `state` (`planner.suggestionScope`). */
function applies(g: GuidanceState, i: number, state: number): boolean {
  const scope = g.config.planner.suggestionScope;
  return (scope !== 'state' && scope !== 'action') || g.suggestedFor[i] === state;
}

/**
 * Whether a suggestion of `action` is dropped once a decision has consulted it. Under `action`
 * scope the one-shot changes — a handoff (it moves one user) and a power step (one `power.step`)
 * — cover one decision: repeated at later decisions they would be a different action from the
 * one the planner suggested (four increases are +4 dB, not the +1 dB it asked for; four
 * handoffs move up to four users). `maintain` is advice about a state and is scoped as under
 * `state`. (Measured in docs/guidance.md: fewer drops and higher trust than spending only
 * handoffs.)
 */
export function coversOneDecision(scope: SuggestionScope, action: number): boolean {
  return scope === 'once' || (scope === 'action' && action !== MAINTAIN);
}

/**
 * The learn step of a guided agent, before its own update: judges the suggestion (trust) and
 * records the (state, action) pair for the alignment controller.
 */
export function learnFromGuidance(
  g: GuidanceState,
  i: number,
  agent: Agent,
  state: number,
  action: number,
  realisedReturn: number,
): void {
  const suggested = g.lastSuggested[i]!;
  if (suggested >= 0) {
    const own = g.lastOwn[i]!;
    g.trust[i] = updateTrust(
      g.trust[i]!,
      {
        followed: g.lastFollowed[i] === 1,
        suggested,
        own,
        realisedReturn,
        qOwn: agent.value(state, own),
        qSuggested: agent.value(state, suggested),
      },
      g.config.trust,
    );
  }
  if (g.history) recordPair(g.history[i]!, state, action);
}

/** Records the step's drops and users in the trend rings (after every cell has stepped). */
export function recordTrends(
  g: GuidanceState,
  drops: Int32Array,
  cells: readonly { readonly users: { readonly length: number } }[],
): void {
  const t = g.config.planner.trendSteps;
  const slot = g.episodeSteps % t;
  const userSlot = g.usersRecorded % (t + 1);
  for (let i = 0; i < drops.length; i++) {
    g.recentDrops[i]![slot] = drops[i]!;
    g.recentUsers[i]![userSlot] = cells[i]!.users.length;
  }
  g.episodeSteps++;
  g.usersRecorded++;
}

/** Drops over the last `trendSteps` steps and the change in users over them, for cell `i`. */
export function trendOf(g: GuidanceState, i: number, usersNow: number) {
  const t = g.config.planner.trendSteps;
  const filled = Math.min(g.episodeSteps, t);
  let drops = 0;
  for (let k = 0; k < filled; k++) drops += g.recentDrops[i]![k]!;
  // Users `trendSteps` steps ago (or at the episode's start): the slot written next once the
  // ring is full, else slot 0.
  const n = g.usersRecorded;
  const oldest = g.recentUsers[i]![n <= t ? 0 : n % (t + 1)]!;
  return { recentDrops: drops, usersTrend: usersNow - oldest };
}
