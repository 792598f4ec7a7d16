/**
 * Traffic: who arrives where and when. Sources (one cell, an area, or every cell), their profiles
 * (schedule, diurnal cycle, trace), named traffic levels and flash crowds.
 */
import { z } from 'zod';
import { id, step } from './fields.js';
import { LIMITS } from './limits.js';

/** A piecewise-constant rate multiplier over the steps of an episode. */
export const ScheduleSchema = z
  .array(
    z.strictObject({
      fromStep: step('First step (within the episode) of this piece.'),
      multiplier: z.number().nonnegative().max(LIMITS.levelScale).describe('Rate multiplier.'),
    }),
  )
  .min(1)
  .max(10_000)
  .refine((pieces) => pieces.every((p, i) => i === 0 || p.fromStep > pieces[i - 1]!.fromStep), {
    message: 'schedule pieces must start at strictly increasing steps',
  })
  .describe(
    'Piecewise-constant multiplier: each piece holds from its step to the next one; 1 before the first.',
  );

/** A daily-like cycle: 1 + amplitude·cos(2π (t − peakStep) / periodSteps). */
export const DiurnalSchema = z
  .strictObject({
    periodSteps: z
      .int()
      .positive()
      .max(LIMITS.stepsPerEpisode)
      .describe('Length of one cycle, steps.'),
    amplitude: z.number().min(0).max(1).describe('Swing around 1 (0: flat, 1: from 0 to 2).'),
    peakStep: step('Step (within the episode) of the highest rate.').default(0),
  })
  .describe('Smooth cycle: multiplier 1 + amplitude·cos(2π(t − peakStep)/periodSteps).');

/** An arrival trace: the exact number of arrivals at each step of an episode. */
export const TraceSchema = z
  .strictObject({
    arrivals: z
      .array(z.int().nonnegative().max(LIMITS.arrivalRate))
      .min(1)
      .max(LIMITS.stepsPerEpisode)
      .describe('Arrivals at steps 0, 1, 2, … of every episode (0 after the end of the list).'),
    csv: z
      .string()
      .optional()
      .describe(
        'The CSV file the arrivals were read from (a `step,arrivals` table), for the record.',
      ),
  })
  .describe(
    'Replays a trace instead of drawing Poisson arrivals; `trace: file.csv` in a scenario file is read into this form.',
  );

export const TrafficSourceSchema = z.strictObject({
  id: id('traffic source id').describe('Unique id of this arrival process.'),
  cell: z.string().describe('Id of the cell the users arrive at.'),
  arrivalRate: z
    .number()
    .nonnegative()
    .max(LIMITS.arrivalRate)
    .default(0)
    .describe('Mean new users per step (Poisson) at traffic scale 1 (unused with a trace).'),
  meanHoldingSteps: z
    .number()
    .positive()
    .max(LIMITS.totalSteps)
    .optional()
    .describe(
      "Mean call duration in steps (exponential); default: the cell type's meanHoldingSteps, else 20.",
    ),
  schedule: ScheduleSchema.optional(),
  diurnal: DiurnalSchema.optional(),
  trace: z
    .union([
      z
        .string()
        .describe('A `step,arrivals` CSV file, relative to the scenario file, read at load time.'),
      TraceSchema,
    ])
    .optional()
    .describe('Replay recorded arrivals instead of drawing them.'),
});

/** A sudden crowd at some cells: the rate ramps up to `multiplier`, holds, then ramps down. */
export const FlashCrowdSchema = z
  .strictObject({
    id: id('flash crowd id').describe('Unique id (also the id of its announcement signal).'),
    cells: z.array(z.string()).min(1).describe('Cells whose traffic sources it multiplies.'),
    startStep: step('Step (within each episode) at which the ramp up begins.'),
    rampSteps: step('Steps to ramp up to the multiplier (and down again after).').default(0),
    durationSteps: z
      .int()
      .positive()
      .max(LIMITS.stepsPerEpisode)
      .describe('Steps at the full multiplier.'),
    multiplier: z.number().nonnegative().max(LIMITS.levelScale).describe('Peak rate multiplier.'),
    announce: z
      .string()
      .max(500)
      .optional()
      .describe(
        'If given, the crowd is also an external signal with this description, which the planner sees ahead of time.',
      ),
  })
  .describe('A flash crowd: multiplies the arrival rates at its cells for a while.');

export const TrafficLevelSchema = z.strictObject({
  scale: z
    .number()
    .nonnegative()
    .max(LIMITS.levelScale)
    .default(1)
    .describe('Multiplier applied to every arrival rate (and trace) without an override.'),
  arrivalRates: z
    .record(z.string(), z.number().nonnegative().max(LIMITS.arrivalRate))
    .default({})
    .describe(
      'Overrides: the arrival rate of named traffic sources at this level (the scale does not apply to them).',
    ),
});

export const TrafficSchema = z.strictObject({
  sources: z.array(TrafficSourceSchema).default([]).describe('User arrival processes.'),
  areas: z
    .array(
      TrafficSourceSchema.omit({ cell: true }).extend({
        cells: z.array(z.string()).min(1).describe('The cells of the area.'),
      }),
    )
    .default([])
    .describe(
      'Area sources: each of its cells gets a source `<id>-<cell>` with these settings (rates are per cell).',
    ),
  everyCell: TrafficSourceSchema.omit({ id: true, cell: true })
    .optional()
    .describe(
      'A source template: every cell also gets a source `<cell>-users` with these settings (handy with a layout).',
    ),
  levels: z
    .record(id('traffic level name'), TrafficLevelSchema)
    .default({
      low: { scale: 0.5, arrivalRates: {} },
      normal: { scale: 1, arrivalRates: {} },
      high: { scale: 1.5, arrivalRates: {} },
    })
    .describe('Named traffic levels (the paper uses low, normal, high).'),
  default: z.string().default('normal').describe('Level used when none is chosen.'),
  windowSteps: z
    .int()
    .positive()
    .max(LIMITS.stepsPerEpisode)
    .default(200)
    .describe('How many steps of arrivals an arrival process generates per message.'),
  flashCrowds: z
    .array(FlashCrowdSchema)
    .default([])
    .describe('Flash crowds (e.g. a stadium emptying) multiplying the rates at some cells.'),
});

export type TrafficSource = z.infer<typeof TrafficSourceSchema>;
export type FlashCrowd = z.infer<typeof FlashCrowdSchema>;
