/**
 * Simulated time and the run's shape: the step and episode lengths, how many episodes train and
 * test, and the randomised start of every episode.
 */
import { z } from 'zod';
import { range } from './fields.js';
import { LIMITS } from './limits.js';

/** Simulated time runs in whole milliseconds, so step boundaries add up exactly. */
function isWholeMilliseconds(seconds: number): boolean {
  if (seconds > LIMITS.stepSeconds) return true; // reported as too big
  const ms = seconds * 1000;
  return Math.abs(ms - Math.round(ms)) < 1e-6 && Math.round(ms) >= 1;
}

/** The step length in whole milliseconds (see `isWholeMilliseconds`). */
export function stepMilliseconds(stepSeconds: number): number {
  return Math.round(stepSeconds * 1000);
}

export const TimeSchema = z.strictObject({
  stepSeconds: z
    .number()
    .positive()
    .max(LIMITS.stepSeconds)
    .refine(isWholeMilliseconds, {
      message: 'stepSeconds must be a whole number of milliseconds (e.g. 1, 0.5, 3.333)',
    })
    .default(1)
    .describe('Simulated seconds per step, a whole number of milliseconds.'),
  stepsPerEpisode: z
    .int()
    .positive()
    .max(LIMITS.stepsPerEpisode)
    .default(100)
    .describe('Steps in one episode (each agent decides once per step).'),
});

export const EpisodesSchema = z.strictObject({
  training: z
    .int()
    .nonnegative()
    .max(LIMITS.episodes)
    .default(200)
    .describe('Training episodes (0: test a given policy directly).'),
  test: z
    .int()
    .positive()
    .max(LIMITS.episodes)
    .default(50)
    .describe('Test episodes: the results are measured over these.'),
});

export const InitialSchema = z.strictObject({
  loadFraction: range(0, 0.8, 'loadFraction').describe(
    'Initial users per cell as a share of capacity (uniform).',
  ),
});
