/**
 * What every base-station agent shares, whatever it learns with: its actions, its observation
 * and the state index that numbers it, and the exploration schedule.
 *
 * - Observation: (power level, coverage quality good|fair|poor, at-capacity flag, drops since the
 *   last step, bucketed), encoded as one integer state index.
 * - Actions: increase | decrease | maintain | handoff.
 * - Schedule: epsilon decays over training episodes (exponential or linear) from `start` to `end`;
 *   the test phase uses its own fixed epsilon and may keep learning.
 */

export const ACTIONS = ['increase', 'decrease', 'maintain', 'handoff'] as const;
export type Action = (typeof ACTIONS)[number];
export const INCREASE = 0;
export const DECREASE = 1;
export const MAINTAIN = 2;
export const HANDOFF = 3;
export const ACTION_COUNT = ACTIONS.length;

export const COVERAGE = ['good', 'fair', 'poor'] as const;
export type Coverage = (typeof COVERAGE)[number];

/** The learning parameters of `agent` in a scenario that every algorithm reads. */
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

/** Shape of the state space, which fixes the size of an agent's tables. */
export interface StateShape {
  readonly powerLevels: number;
  readonly dropBuckets: number;
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
