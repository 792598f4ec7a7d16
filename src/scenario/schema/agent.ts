/** The learning agents: algorithm, learning rate, discount, exploration, observation and reward. */
import { z } from 'zod';
import { ALGORITHM_NAMES } from '../../agents/registry.js';
import { LIMITS } from './limits.js';

export const EpsilonSchema = z
  .strictObject({
    start: z.number().min(0).max(1).default(1).describe('Exploration rate in the first episode.'),
    end: z.number().min(0).max(1).default(0.05).describe('Exploration rate it decays to.'),
    schedule: z
      .enum(['exponential', 'linear'])
      .default('exponential')
      .describe('Shape of the decay from start to end.'),
    decayEpisodes: z
      .int()
      .positive()
      .max(LIMITS.episodes)
      .default(150)
      .describe('Episodes over which exploration decays (then stays at end).'),
  })
  .default({ start: 1, end: 0.05, schedule: 'exponential', decayEpisodes: 150 })
  .describe('Exploration rate over training episodes.');

export const AgentSchema = z.strictObject({
  // Optional, not defaulted: a scenario that does not choose resolves exactly as before the choice
  // existed (the resolved scenario, and the cassette run keys digesting it, stay the same).
  algorithm: z
    .enum(ALGORITHM_NAMES)
    .optional()
    .describe(
      "How the agents learn (docs/model.md, 'Learning algorithms'). Omitted: 'q-learning', AURA's.",
    ),
  alpha: z.number().gt(0).max(1).default(0.1).describe('Q-learning rate.'),
  gamma: z.number().min(0).max(1).default(0.9).describe('Discount factor.'),
  epsilon: EpsilonSchema,
  test: z
    .strictObject({
      epsilon: z.number().min(0).max(1).default(0.05).describe('Exploration rate while testing.'),
      learn: z
        .boolean()
        .default(true)
        .describe('Whether agents keep learning (Q-values, trust, delayed rewards) while testing.'),
    })
    .default({ epsilon: 0.05, learn: true })
    .describe('Test phase: exploration rate, and whether agents keep learning.'),
  dropBuckets: z
    .array(z.int().positive())
    .min(1)
    .max(16)
    .default([1, 2, 4])
    .refine((b) => b.every((v, i) => i === 0 || v > b[i - 1]!), {
      message: 'dropBuckets must be strictly increasing',
    })
    .describe('Lower edges of the drop-count buckets in the observation (0 is its own bucket).'),
  reward: z
    .strictObject({
      coverage: z.number().default(1).describe('Weight of the share of well-served users.'),
      drop: z.number().default(0.5).describe('Penalty per dropped request.'),
      energy: z.number().default(0.2).describe('Penalty for transmit power (share of the range).'),
    })
    .default({ coverage: 1, drop: 0.5, energy: 0.2 })
    .describe('Immediate reward weights: well-served share, drops, normalised power.'),
});
