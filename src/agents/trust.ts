/**
 * Trust: how much a base-station agent listens to the LLM planner (AURA, Algorithm 1:
 * COMBINE_DECISION and UPDATE_TRUST).
 *
 * Combining. With a fresh suggestion at hand, the agent follows it with probability equal to its
 * trust (one draw from the agent's own trust stream), else it takes its own epsilon-greedy action.
 * Without a fresh suggestion it acts alone. The LLM usage rate is the share of decisions whose
 * final action came from the suggestion.
 *
 * Judging. The agent judges a suggestion by its own value estimates, taken before this step's
 * Q-update: the realised return of the action taken is `r + γ·max Q(s′,·)`.
 * - Followed, and the suggestion differed from its own choice: if the realised return beat
 *   `Q(s, own action)` — what it expected from its own choice — following paid off and trust
 *   moves toward 1 by `rate`; otherwise toward 0 by `rate`.
 * - Not followed, and the suggestion differed: the counterfactual. If its own action's realised
 *   return fell short of `Q(s, suggested action)`, the suggestion was probably better: trust moves
 *   toward 1 by `counterfactualRate`; otherwise toward 0 by it. (Smaller, as it rests on an
 *   estimate, not on an outcome.)
 * - The suggestion equalled its own choice: nothing was learnt about the planner; no change.
 * "Moves toward 1 by k" is `trust += k·(1 − trust)`; toward 0, `trust −= k·trust`; then trust is
 * kept within [min, max] so neither source is ever ruled out for good.
 */
import type { TrustParams } from '../scenario/schema.js';

export type DecisionSource = 'agent' | 'llm';

export interface Decision {
  readonly action: number;
  readonly source: DecisionSource;
}

/**
 * The final action. `suggested` is the fresh suggestion's action index, or -1 when there is none;
 * `u` is a uniform draw in [0, 1) (only consulted with a suggestion).
 */
export function combineDecision(
  suggested: number,
  own: number,
  trust: number,
  u: number,
): Decision {
  if (suggested < 0) return { action: own, source: 'agent' };
  return u < trust ? { action: suggested, source: 'llm' } : { action: own, source: 'agent' };
}

export interface TrustEvidence {
  /** Whether the final action came from the suggestion. */
  readonly followed: boolean;
  readonly suggested: number;
  readonly own: number;
  /** r + γ·max Q(s′,·) of the action taken. */
  readonly realisedReturn: number;
  /** Q(s, own action) and Q(s, suggested action), before this step's update. */
  readonly qOwn: number;
  readonly qSuggested: number;
}

export function updateTrust(trust: number, e: TrustEvidence, p: TrustParams): number {
  if (e.suggested === e.own) return trust;
  const [good, k] = e.followed
    ? [e.realisedReturn > e.qOwn, p.rate]
    : [e.realisedReturn < e.qSuggested, p.counterfactualRate];
  const next = good ? trust + k * (1 - trust) : trust - k * trust;
  return Math.min(p.max, Math.max(p.min, next));
}
