/** Per-episode digests: the episode record listeners get, and a cell's report for actor events and the inspector. */
import type { EpisodeCounters, Phase } from '../metrics/counters.js';
import type { World } from './world.js';

export interface EpisodeRecord {
  readonly phase: Phase;
  readonly episode: number;
  readonly epsilon: number;
  readonly counters: EpisodeCounters;
  /** Each agent's trust at the end of the episode (with guidance), else null. */
  readonly trust: readonly number[] | null;
}

export function recordOf(world: World): EpisodeRecord {
  return {
    phase: world.phase,
    episode: world.episode,
    epsilon: world.epsilon,
    counters: world.episodeCounters,
    trust: world.guidance ? Array.from(world.guidance.trust) : null,
  };
}

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
