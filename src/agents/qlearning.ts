/**
 * Tabular Q-learning for one base-station agent (AURA, Appendix C.1 and Algorithm 1).
 *
 * - Observation: (power level, coverage quality good|fair|poor, at-capacity flag, drops since the
 *   last step, bucketed), encoded as one integer state index.
 * - Actions: increase | decrease | maintain | handoff.
 * - Selection: epsilon-greedy, ties among the best actions broken at random.
 * - Update: Q(s,a) += alpha * (r + gamma * max_a' Q(s',a') - Q(s,a)).
 * - Schedule: epsilon decays over training episodes (exponential or linear) from `start` to `end`;
 *   the test phase uses its own fixed epsilon and may keep learning.
 * - Persistence: Q-tables to and from a readable JSON document.
 */
import { z } from 'zod';
import { UserError } from '../errors.js';
import type { Rng } from '../rng.js';

export const ACTIONS = ['increase', 'decrease', 'maintain', 'handoff'] as const;
export type Action = (typeof ACTIONS)[number];
export const INCREASE = 0;
export const DECREASE = 1;
export const MAINTAIN = 2;
export const HANDOFF = 3;
export const ACTION_COUNT = ACTIONS.length;

export const COVERAGE = ['good', 'fair', 'poor'] as const;
export type Coverage = (typeof COVERAGE)[number];

export interface QParams {
  readonly alpha: number;
  readonly gamma: number;
  readonly epsilon: {
    readonly start: number;
    readonly end: number;
    readonly schedule: 'exponential' | 'linear';
    readonly decayEpisodes: number;
  };
  /** Lower edges of drop buckets above zero, e.g. [1, 2, 4] → buckets 0 | 1 | 2-3 | 4+. */
  readonly dropBuckets: readonly number[];
}

/** Shape of the state space, which fixes the Q-table's size. */
export interface StateShape {
  readonly powerLevels: number;
  readonly dropBuckets: number;
}

export interface QAgent {
  readonly shape: StateShape;
  /** Row-major table: q[state * ACTION_COUNT + action]. */
  readonly q: Float64Array;
}

export interface Observation {
  readonly powerLevel: number;
  readonly coverage: number; // index into COVERAGE
  readonly atCapacity: boolean;
  readonly drops: number;
}

export function stateShape(powerLevels: number, params: Pick<QParams, 'dropBuckets'>): StateShape {
  return { powerLevels, dropBuckets: params.dropBuckets.length + 1 };
}

export function stateCount(shape: StateShape): number {
  return shape.powerLevels * COVERAGE.length * 2 * shape.dropBuckets;
}

export function createAgent(shape: StateShape): QAgent {
  return { shape, q: new Float64Array(stateCount(shape) * ACTION_COUNT) };
}

export function dropBucket(drops: number, edges: readonly number[]): number {
  let b = 0;
  while (b < edges.length && drops >= edges[b]!) b++;
  return b;
}

export function stateIndex(
  powerLevel: number,
  coverage: number,
  atCapacity: boolean,
  bucket: number,
  shape: StateShape,
): number {
  return (
    ((powerLevel * COVERAGE.length + coverage) * 2 + (atCapacity ? 1 : 0)) * shape.dropBuckets +
    bucket
  );
}

export function encodeState(obs: Observation, shape: StateShape, edges: readonly number[]): number {
  return stateIndex(
    obs.powerLevel,
    obs.coverage,
    obs.atCapacity,
    dropBucket(obs.drops, edges),
    shape,
  );
}

export function decodeState(state: number, shape: StateShape) {
  const drops = state % shape.dropBuckets;
  let rest = (state - drops) / shape.dropBuckets;
  const atCapacity = rest % 2 === 1;
  rest = (rest - (atCapacity ? 1 : 0)) / 2;
  const coverage = rest % COVERAGE.length;
  const powerLevel = (rest - coverage) / COVERAGE.length;
  return { powerLevel, coverage: COVERAGE[coverage]!, atCapacity, dropBucket: drops };
}

/** Exploration rate for a training episode (0-based). */
export function epsilonAt(episode: number, e: QParams['epsilon']): number {
  const progress = Math.min(1, episode / e.decayEpisodes);
  if (e.schedule === 'linear') return e.start + (e.end - e.start) * progress;
  if (e.start <= 0 || e.end <= 0) return e.start + (e.end - e.start) * progress;
  return e.start * (e.end / e.start) ** progress;
}

/** The greedy action, ties broken uniformly at random. */
export function greedyAction(agent: QAgent, state: number, rng: Rng): number {
  const q = agent.q;
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

/** Epsilon-greedy selection. */
export function selectAction(agent: QAgent, state: number, epsilon: number, rng: Rng): number {
  if (epsilon > 0 && rng.next() < epsilon) return Math.floor(rng.next() * ACTION_COUNT);
  return greedyAction(agent, state, rng);
}

export function maxQ(agent: QAgent, state: number): number {
  const q = agent.q;
  const base = state * ACTION_COUNT;
  let best = q[base]!;
  for (let a = 1; a < ACTION_COUNT; a++) best = Math.max(best, q[base + a]!);
  return best;
}

/** One-step Q-learning update with the immediate reward. */
export function updateQ(
  agent: QAgent,
  state: number,
  action: number,
  reward: number,
  next: number,
  params: Pick<QParams, 'alpha' | 'gamma'>,
): void {
  const i = state * ACTION_COUNT + action;
  const q = agent.q;
  q[i] = q[i]! + params.alpha * (reward + params.gamma * maxQ(agent, next) - q[i]!);
}

// ---- Persistence -------------------------------------------------------------------------------

export const Q_TABLE_FORMAT = 'aura-sim/q-tables@1';

const StateRowSchema = z.strictObject({
  powerLevel: z.int().nonnegative(),
  coverage: z.enum(COVERAGE),
  atCapacity: z.boolean(),
  dropBucket: z.int().nonnegative(),
  q: z.strictObject({
    increase: z.number(),
    decrease: z.number(),
    maintain: z.number(),
    handoff: z.number(),
  }),
});

export const AgentDocSchema = z.strictObject({
  powerLevels: z.int().positive(),
  dropBuckets: z.int().positive(),
  states: z.array(StateRowSchema),
});

export const QTablesSchema = z.strictObject({
  format: z.literal(Q_TABLE_FORMAT),
  scenario: z.string(),
  agents: z.record(z.string(), AgentDocSchema),
});
export type QTablesDocument = z.infer<typeof QTablesSchema>;

/** A readable document: only states with a non-zero entry are listed. */
export function agentToJson(agent: QAgent): z.infer<typeof AgentDocSchema> {
  const states: z.infer<typeof StateRowSchema>[] = [];
  const n = stateCount(agent.shape);
  for (let s = 0; s < n; s++) {
    const row = agent.q.subarray(s * ACTION_COUNT, (s + 1) * ACTION_COUNT);
    if (row.every((v) => v === 0)) continue;
    const d = decodeState(s, agent.shape);
    states.push({
      ...d,
      q: { increase: row[0]!, decrease: row[1]!, maintain: row[2]!, handoff: row[3]! },
    });
  }
  return { powerLevels: agent.shape.powerLevels, dropBuckets: agent.shape.dropBuckets, states };
}

/** Loads one agent's table, checking it fits the scenario's state space. */
export function agentFromJson(
  doc: z.infer<typeof AgentDocSchema>,
  shape: StateShape,
  where: string,
): QAgent {
  if (doc.powerLevels !== shape.powerLevels || doc.dropBuckets !== shape.dropBuckets) {
    throw new UserError(
      `${where}: table has ${doc.powerLevels} power levels × ${doc.dropBuckets} drop buckets, ` +
        `the scenario needs ${shape.powerLevels} × ${shape.dropBuckets}`,
    );
  }
  const agent = createAgent(shape);
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
      agent.q[s * ACTION_COUNT + k] = row.q[a];
    });
  });
  return agent;
}
