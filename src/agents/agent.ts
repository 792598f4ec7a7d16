/**
 * The agent seam: what the world, trust, the alignment controller, policies and the playbook ask
 * of a base-station agent, whatever algorithm it learns with. One file per algorithm implements
 * it (`qlearning.ts`, `expectedSarsa.ts`); `registry.ts` names them for `agent.algorithm`.
 *
 * States and actions are the integers of `space.ts`. Every agent keeps action values Q(s,a): trust
 * compares them, the alignment controller nudges them, policy files store them. An agent draws
 * randomness only from the stream it is handed (the world's `agent/<cell>` stream).
 *
 * Speed: `act` and `learn` run once per cell and step. All agents of a world are of one class, so
 * these call sites stay monomorphic and V8 inlines them as it did the free functions before.
 */
import type { Rng } from '../rng.js';
import type { AgentDoc } from './policyFormat.js';
import type { StateShape } from './space.js';

export interface LearnParams {
  readonly alpha: number;
  readonly gamma: number;
}

export interface Agent {
  /** The registry's name of its algorithm (`agent.algorithm`). */
  readonly algorithm: string;
  readonly shape: StateShape;
  /** Epsilon-greedy on its own values, ties among the best broken at random; draws from `rng`. */
  act(state: number, epsilon: number, rng: Rng): number;
  /**
   * The value of `next` that its one-step target bootstraps from (`r + γ·nextValue`): the best
   * action's for Q-learning, the expectation under its epsilon-greedy policy for Expected SARSA.
   * `epsilon` is its current exploration rate. Trust judges a realised return with it.
   */
  nextValue(next: number, epsilon: number): number;
  /** Learns from one transition (s, a, r, s′) with the immediate reward; `epsilon` as above. */
  learn(
    state: number,
    action: number,
    reward: number,
    next: number,
    epsilon: number,
    params: LearnParams,
  ): void;
  /** Q(s,a). */
  value(state: number, action: number): number;
  /** max_a Q(s,a). */
  best(state: number): number;
  /** Q(s,a) += amount: the alignment controller's delayed reward. */
  reinforce(state: number, action: number, amount: number): void;
  /** An independent copy (the derived policy at the end of training). */
  copy(): Agent;
  /** Its table in the policy document's format (`table.ts`). */
  toJson(): AgentDoc;
}

/** An algorithm as the registry lists it: a fresh agent, or one loaded from a policy document. */
export interface Algorithm {
  readonly name: string;
  create(shape: StateShape): Agent;
  /** Loads a table saved by `toJson`, checking it fits `shape`; `where` names it in errors. */
  fromJson(doc: AgentDoc, shape: StateShape, where: string): Agent;
}
