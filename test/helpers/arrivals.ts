import { generateArrivals } from '../../src/model/arrivals.js';
import { enqueueArrivals, type World } from '../../src/model/world.js';
import type { Rng } from '../../src/rng.js';

/**
 * Queues the current episode's arrivals of every traffic source, one window per source drawn from
 * its stream in `arrivalRngs`. Returns each source's number of arrivals.
 */
export function queueEpisodeArrivals(world: World, arrivalRngs: readonly Rng[]): number[] {
  const config = world.config;
  return config.sources.map((source, s) => {
    const arrivals = generateArrivals(
      arrivalRngs[s]!,
      source,
      config.cells,
      world.step,
      world.episodeEnd,
      config.stepsPerEpisode,
      config.radio,
    );
    enqueueArrivals(world, s, arrivals);
    return arrivals.length;
  });
}
