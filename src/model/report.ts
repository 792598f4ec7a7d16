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

export function cellReport(world: World, index: number): CellReport {
  const c = world.episodeCounters.cells[index]!;
  const steps = Math.max(1, world.episodeCounters.steps);
  const cell = world.cells[index]!;
  return {
    phase: world.phase,
    episode: world.episode,
    droppedRequests: c.droppedRequests,
    droppedHandoffs: c.droppedHandoffs,
    meanReward: c.rewardSum / steps,
    powerDbm: cell.power,
    users: cell.users.length,
  };
}
