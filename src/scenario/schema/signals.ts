/** External signals: events the planner can see ahead of time. */
import { z } from 'zod';
import { id, seconds } from './fields.js';

export const SignalSchema = z.strictObject({
  id: id('signal id').describe('Unique id of the event.'),
  description: z.string().max(500).describe('What happens, as the planner reads it.'),
  cells: z.array(z.string()).min(1).describe('Cells concerned.'),
  startSeconds: seconds('Start, simulated seconds from the start of each episode.'),
  durationSeconds: seconds('How long it lasts.'),
});

export type Signal = z.infer<typeof SignalSchema>;
