/**
 * Tabular Q-learning for one base-station agent (AURA, Appendix C.1 and Algorithm 1; Watkins &
 * Dayan 1992), the default `agent.algorithm`.
 *
 * - Selection: epsilon-greedy on its Q-table, ties among the best actions broken at random
 *   (`table.ts`).
 * - Update: Q(s,a) += alpha * (r + gamma * max_a' Q(s',a') - Q(s,a)): off-policy, the target is
 *   the greedy action's value, whatever the agent will explore next.
 * - Persistence: its Q-table to and from a readable JSON document (`table.ts`).
 */
import type { Agent, Algorithm, LearnParams } from './agent.js';
import { ACTION_COUNT } from './space.js';
import { maxValue, QTableAgent, tableFromJson } from './table.js';

export { ACTIONS, type Action, COVERAGE, type Coverage } from './space.js';

export class QLearningAgent extends QTableAgent {
  readonly algorithm = 'q-learning';

  /** max_a' Q(s',a'); exploration plays no part. */
  nextValue(next: number, _epsilon: number): number {
    return maxValue(this.q, next);
  }

  learn(
    state: number,
    action: number,
    reward: number,
    next: number,
    _epsilon: number,
    params: LearnParams,
  ): void {
    const i = state * ACTION_COUNT + action;
    const q = this.q;
    q[i] = q[i]! + params.alpha * (reward + params.gamma * maxValue(q, next) - q[i]!);
  }

  copy(): Agent {
    return new QLearningAgent(this.shape, this.q.slice());
  }
}

export const qLearning = {
  name: 'q-learning' as const,
  create: (shape) => new QLearningAgent(shape),
  fromJson: (doc, shape, where) => new QLearningAgent(shape, tableFromJson(doc, shape, where)),
} satisfies Algorithm;
