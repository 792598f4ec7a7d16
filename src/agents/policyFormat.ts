/**
 * The policy file's format (`policy.trained.json`, `--policy`, playbooks): one agent's table as a
 * readable document (only states with a non-zero entry), and the file around the tables.
 */
import { z } from 'zod';
import { COVERAGE } from './space.js';

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
export type AgentDoc = z.infer<typeof AgentDocSchema>;

export const QTablesSchema = z.strictObject({
  format: z.literal(Q_TABLE_FORMAT),
  scenario: z.string(),
  /** The algorithm that learnt the tables; absent for Q-learning (files from before it existed). */
  algorithm: z.string().optional(),
  agents: z.record(z.string(), AgentDocSchema),
});
export type QTablesDocument = z.infer<typeof QTablesSchema>;
