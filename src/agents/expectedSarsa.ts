/**
 * Expected SARSA for one base-station agent (`agent.algorithm: expected-sarsa`): van Seijen,
 * van Hasselt, Whiteson & Wiering, "A theoretical and empirical analysis of Expected Sarsa"
 * (ADPRL 2009); Sutton & Barto, Reinforcement Learning (2nd ed., 2018), §6.6.
 *
 * - Selection: epsilon-greedy on its Q-table, as Q-learning (`table.ts`).
 * - Update: Q(s,a) += alpha * (r + gamma * Σ_a' π(a'|s') Q(s',a') - Q(s,a)), π being the agent's
 *   own epsilon-greedy policy at its current epsilon. Epsilon-greedy puts ε/|A| on every action
 *   and the rest on the best ones (shared among ties, all of the same value), so the expectation is
 *   `(1 − ε) · max_a' Q(s',a') + ε · mean_a' Q(s',a')`.
 * - Where it differs from Q-learning: the target counts the exploration the agent will do, so the
 *   values are those of the epsilon-greedy policy, not of the greedy one. Next to an action that
 *   costs a lot when explored into (a power step that drops calls), it prefers the safer route —
 *   the cliff-walking result. Unlike SARSA it does not sample the next action, so the target has
 *   less variance. With ε = 0 it is Q-learning.
 * - With LLM guidance the action taken may be the planner's; the target stays the agent's own
 *   policy (the one it would follow alone), as trust judges suggestions against it.
 */
import type { Agent, Algorithm, LearnParams } from './agent.js';
import { ACTION_COUNT } from './space.js';
import { QTableAgent, tableFromJson } from './table.js';

export class ExpectedSarsaAgent extends QTableAgent {
  readonly algorithm = 'expected-sarsa';

  /** Σ_a' π(a'|s') Q(s',a') for the epsilon-greedy π. */
  nextValue(next: number, epsilon: number): number {
    const q = this.q;
    const base = next * ACTION_COUNT;
    let best = q[base]!;
    let sum = best;
    for (let a = 1; a < ACTION_COUNT; a++) {
      const v = q[base + a]!;
      sum += v;
      if (v > best) best = v;
    }
    return (1 - epsilon) * best + epsilon * (sum / ACTION_COUNT);
  }

  learn(
    state: number,
    action: number,
    reward: number,
    next: number,
    epsilon: number,
    params: LearnParams,
  ): void {
    const i = state * ACTION_COUNT + action;
    const q = this.q;
    q[i] = q[i]! + params.alpha * (reward + params.gamma * this.nextValue(next, epsilon) - q[i]!);
  }

  copy(): Agent {
    return new ExpectedSarsaAgent(this.shape, this.q.slice());
  }
}

export const expectedSarsa = {
  name: 'expected-sarsa' as const,
  create: (shape) => new ExpectedSarsaAgent(shape),
  fromJson: (doc, shape, where) => new ExpectedSarsaAgent(shape, tableFromJson(doc, shape, where)),
} satisfies Algorithm;
