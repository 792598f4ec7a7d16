/**
 * The action-value table the tabular learners keep, and what they share over it: greedy and
 * epsilon-greedy selection, the best value of a state, the alignment controller's nudge, and reading
 * and writing a table in the policy files' format (`policyFormat.ts`). `QTableAgent` is all of an `Agent` but its target and update, which
 * are each algorithm's own (one file each).
 *
 * A table is row-major: `q[state * ACTION_COUNT + action]`.
 */
import { UserError } from '../errors.js';
import type { Rng } from '../rng.js';
import type { Agent, LearnParams } from './agent.js';
import type { AgentDoc } from './policyFormat.js';
import {
  ACTION_COUNT,
  ACTIONS,
  COVERAGE,
  decodeState,
  type StateShape,
  stateCount,
  stateIndex,
} from './space.js';

export function createTable(shape: StateShape): Float64Array {
  return new Float64Array(stateCount(shape) * ACTION_COUNT);
}

/** The greedy action, ties broken uniformly at random. */
export function greedyAction(q: Float64Array, state: number, rng: Rng): number {
  const base = state * ACTION_COUNT;
  let best = q[base]!;
  let chosen = 0;
  let ties = 1;
  for (let a = 1; a < ACTION_COUNT; a++) {
    const v = q[base + a]!;
    if (v > best) {
      best = v;
      chosen = a;
      ties = 1;
    } else if (v === best && rng.next() * ++ties < 1) {
      chosen = a; // reservoir sampling over the tied maxima
    }
  }
  return chosen;
}

/** Epsilon-greedy selection: with probability epsilon a uniform action, else the greedy one. */
export function epsilonGreedy(q: Float64Array, state: number, epsilon: number, rng: Rng): number {
  if (epsilon > 0 && rng.next() < epsilon) return Math.floor(rng.next() * ACTION_COUNT);
  return greedyAction(q, state, rng);
}

export function maxValue(q: Float64Array, state: number): number {
  const base = state * ACTION_COUNT;
  let best = q[base]!;
  for (let a = 1; a < ACTION_COUNT; a++) best = Math.max(best, q[base + a]!);
  return best;
}

/** An agent whose whole state is one Q-table; an algorithm adds its target and its update. */
export abstract class QTableAgent implements Agent {
  abstract readonly algorithm: string;
  readonly shape: StateShape;
  readonly q: Float64Array;

  constructor(shape: StateShape, q: Float64Array = createTable(shape)) {
    this.shape = shape;
    this.q = q;
  }

  abstract nextValue(next: number, epsilon: number): number;
  abstract learn(
    state: number,
    action: number,
    reward: number,
    next: number,
    epsilon: number,
    params: LearnParams,
  ): void;
  abstract copy(): Agent;

  act(state: number, epsilon: number, rng: Rng): number {
    return epsilonGreedy(this.q, state, epsilon, rng);
  }

  value(state: number, action: number): number {
    return this.q[state * ACTION_COUNT + action]!;
  }

  best(state: number): number {
    return maxValue(this.q, state);
  }

  reinforce(state: number, action: number, amount: number): void {
    const i = state * ACTION_COUNT + action;
    this.q[i] = this.q[i]! + amount;
  }

  toJson(): AgentDoc {
    return tableToJson(this.shape, this.q);
  }
}

// ---- Persistence -------------------------------------------------------------------------------

/** A readable document: only states with a non-zero entry are listed. */
export function tableToJson(shape: StateShape, q: Float64Array): AgentDoc {
  const states: AgentDoc['states'] = [];
  const n = stateCount(shape);
  for (let s = 0; s < n; s++) {
    const row = q.subarray(s * ACTION_COUNT, (s + 1) * ACTION_COUNT);
    if (row.every((v) => v === 0)) continue;
    const d = decodeState(s, shape);
    states.push({
      ...d,
      q: { increase: row[0]!, decrease: row[1]!, maintain: row[2]!, handoff: row[3]! },
    });
  }
  return { powerLevels: shape.powerLevels, dropBuckets: shape.dropBuckets, states };
}

/** Reads one agent's table, checking it fits the scenario's state space. */
export function tableFromJson(doc: AgentDoc, shape: StateShape, where: string): Float64Array {
  if (doc.powerLevels !== shape.powerLevels || doc.dropBuckets !== shape.dropBuckets) {
    throw new UserError(
      `${where}: table has ${doc.powerLevels} power levels × ${doc.dropBuckets} drop buckets, ` +
        `the scenario needs ${shape.powerLevels} × ${shape.dropBuckets}`,
    );
  }
  const q = createTable(shape);
  const seen = new Map<number, number>();
  doc.states.forEach((row, i) => {
    if (row.powerLevel >= shape.powerLevels || row.dropBucket >= shape.dropBuckets) {
      throw new UserError(`${where}.states[${i}]: state outside the table`);
    }
    const s = stateIndex(
      row.powerLevel,
      COVERAGE.indexOf(row.coverage),
      row.atCapacity,
      row.dropBucket,
      shape,
    );
    const first = seen.get(s);
    if (first !== undefined) {
      throw new UserError(`${where}.states[${i}]: the same state as states[${first}]`);
    }
    seen.set(s, i);
    ACTIONS.forEach((a, k) => {
      q[s * ACTION_COUNT + k] = row.q[a];
    });
  });
  return q;
}
