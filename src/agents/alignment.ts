/**
 * The Centralized Alignment Controller's delayed reward (AURA, Algorithm 1: DELAYED_REWARD).
 *
 * Each agent keeps a history of the (state, action) pairs it visited since the last evaluation.
 * Every few episodes an evaluator scores that history with one reward r in [−1, 1]; the agent then
 * applies `Q(s,a) += alpha·r` to the pairs of the history and clears it.
 *
 * Paper ambiguity, resolved as a parameter (`guidance.alignment.apply`): the pseudo-code loops
 * over the history's entries. Applied per occurrence, a pair visited 500 times in five episodes
 * would move by 500·alpha·r and swamp everything Q-learning learnt; so by default (`distinct`)
 * each distinct pair gets the reward once. `every` applies it once per occurrence.
 */
import type { Agent } from './agent.js';
import { ACTION_COUNT, type StateShape, stateCount } from './space.js';

export interface History {
  /** Visits per (state, action): index `state·ACTION_COUNT + action`. */
  readonly counts: Uint32Array;
  steps: number;
}

export type ApplyMode = 'distinct' | 'every';

export function createHistory(shape: StateShape): History {
  return { counts: new Uint32Array(stateCount(shape) * ACTION_COUNT), steps: 0 };
}

export function recordPair(h: History, state: number, action: number): void {
  h.counts[state * ACTION_COUNT + action]!++;
  h.steps++;
}

/** Moves the history out (the copy is what the evaluator judges) and leaves it empty. */
export function takeHistory(h: History): History {
  const taken = { counts: h.counts.slice(), steps: h.steps };
  h.counts.fill(0);
  h.steps = 0;
  return taken;
}

export function distinctPairs(h: History): number {
  let n = 0;
  for (const c of h.counts) if (c > 0) n++;
  return n;
}

/** Applies the delayed reward to the pairs of `h`. Returns the number of Q-values changed. */
export function applyDelayedReward(
  agent: Agent,
  h: History,
  reward: number,
  alpha: number,
  mode: ApplyMode,
): number {
  let changed = 0;
  for (let i = 0; i < h.counts.length; i++) {
    const visits = h.counts[i]!;
    if (visits === 0) continue;
    const state = Math.floor(i / ACTION_COUNT);
    agent.reinforce(
      state,
      i - state * ACTION_COUNT,
      alpha * reward * (mode === 'every' ? visits : 1),
    );
    changed++;
  }
  return changed;
}
