/** Field builders the sections share: ids, decibels, ranges, steps and seconds. */
import { z } from 'zod';
import { LIMITS } from './limits.js';

const ID = /^[A-Za-z][A-Za-z0-9_-]*$/;
export const id = (what: string) =>
  z
    .string()
    .regex(ID, `${what} must start with a letter and use only letters, digits, '-' and '_'`);

export const db = () => z.number().min(-LIMITS.db).max(LIMITS.db);

export const range = (min: number, max: number, what: string) =>
  z
    .strictObject({ min: db().describe('Lower end.'), max: db().describe('Upper end.') })
    .refine((r) => r.min <= r.max, { message: `${what}: min must not exceed max` })
    .default({ min, max });

/** A step within an episode. */
export const step = (what: string) =>
  z.int().nonnegative().max(LIMITS.stepsPerEpisode).describe(what);

/** A duration or instant in simulated seconds. */
export const seconds = (what: string) =>
  z
    .number()
    .nonnegative()
    .max(LIMITS.stepSeconds * 1000)
    .describe(what);
