/** Small per-episode digests of a cell, for actor events and the inspector. */
import type { World } from './world.js';

export interface CellReport {
  readonly phase: 'training' | 'test';
  readonly episode: number;
  readonly droppedRequests: number;
  readonly droppedHandoffs: number;
  readonly meanReward: number;
  readonly powerDbm: number;
  readonly users: number;
}

/** Cell `index`'s report of the episode closed last (`world.closed`). */
export function cellReport(world: World, index: number): CellReport {
  const closed = world.closed;
  if (!closed) throw new Error('internal error: a cell report before any episode ended');
  const c = closed.counters.cells[index]!;
  const steps = Math.max(1, closed.counters.steps);
  return {
    phase: closed.phase,
    episode: closed.episode,
    droppedRequests: c.droppedRequests,
    droppedHandoffs: c.droppedHandoffs,
    meanReward: c.rewardSum / steps,
    powerDbm: closed.power[index]!,
    users: closed.users[index]!,
  };
}
