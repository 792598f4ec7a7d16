/**
 * The same model stepped in a plain loop, with no actors: the reference for the engine's results
 * (they must match exactly) and for its speed (the benchmark's baseline).
 */

import type { Phase } from '../metrics/counters.js';
import { generateArrivals } from '../model/arrivals.js';
import { recordOf } from '../model/report.js';
import { beginEpisode, endEpisode, enqueueArrivals, runSteps } from '../model/world.js';
import type { ModelConfig } from '../scenario/resolve.js';
import { copyAgent, EpisodeLog, type RunOptions, type RunOutcome, setUpRun } from './run.js';

export function runPlainLoop(config: ModelConfig, options: RunOptions): RunOutcome {
  if (config.guidance) {
    throw new Error('the plain loop runs marl-only; LLM guidance needs the actor engine');
  }
  const { world, arrivalRngs } = setUpRun(config, options);
  const log = new EpisodeLog(config.cells.length, options.keepEpisodes ?? true);
  // Copied when the training phase ends (always before the test phase, even an empty one).
  let trainedAgents: RunOutcome['trainedAgents'] | null = null;
  let nextWindow = 0;
  // The last window stops with the run, as the arrival processes' does.
  const totalSteps = config.stepsPerEpisode * (config.trainingEpisodes + config.testEpisodes);
  const phases: [Phase, number][] = [
    ['training', config.trainingEpisodes],
    ['test', config.testEpisodes],
  ];
  for (const [phase, count] of phases) {
    for (let e = 0; e < count; e++) {
      beginEpisode(world, phase, e);
      for (;;) {
        // Arrival windows open at the same instants as the arrival-process actors' timers.
        while (nextWindow <= world.step) {
          config.sources.forEach((source, s) => {
            const arrivals = generateArrivals(
              arrivalRngs[s]!,
              source,
              config.cells,
              nextWindow,
              Math.min(nextWindow + config.windowSteps, totalSteps),
              config.stepsPerEpisode,
              config.radio,
            );
            enqueueArrivals(world, s, arrivals);
          });
          nextWindow += config.windowSteps;
        }
        if (world.step >= world.episodeEnd) break;
        if (options.onStep) {
          runSteps(world, 1);
          options.onStep(world);
          continue;
        }
        // Up to the next window (or the episode's end): nothing arrives in between.
        runSteps(world, Math.min(world.episodeEnd, nextWindow) - world.step);
      }
      endEpisode(world);
      const record = recordOf(world);
      log.add(record);
      options.onEpisode?.(record);
    }
    if (phase === 'training') trainedAgents = world.agents.map(copyAgent);
  }
  return {
    world,
    ...log.outcome(),
    trainedAgents: trainedAgents ?? world.agents.map(copyAgent),
    messages: 0,
  };
}
