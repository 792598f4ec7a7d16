/**
 * The scenario schema: the single source of truth for the scenario format.
 *
 * TypeScript types come from it (`z.infer`), and so will the JSON Schema and the reference page.
 * Every parameter the AURA paper leaves unpublished is a named field with a default here;
 * `docs/model.md` explains each default.
 */
import { z } from 'zod';

const ID = /^[A-Za-z][A-Za-z0-9_-]*$/;
const id = (what: string) =>
  z
    .string()
    .regex(ID, `${what} must start with a letter and use only letters, digits, '-' and '_'`);

const range = (min: number, max: number, what: string) =>
  z
    .strictObject({ min: z.number(), max: z.number() })
    .refine((r) => r.min <= r.max, { message: `${what}: min must not exceed max` })
    .default({ min, max });

export const PowerSchema = z
  .strictObject({
    min: z.number().describe('Lowest transmit power, dBm.'),
    max: z.number().describe('Highest transmit power, dBm.'),
    step: z.number().positive().default(1).describe('Power change per increase/decrease, dB.'),
  })
  .superRefine((p, ctx) => {
    if (p.min > p.max) {
      ctx.addIssue({
        code: 'custom',
        message: `min (${p.min}) must not exceed max (${p.max})`,
        path: ['min'],
      });
      return;
    }
    const levels = (p.max - p.min) / p.step;
    if (Math.abs(levels - Math.round(levels)) > 1e-9) {
      ctx.addIssue({
        code: 'custom',
        message: `step (${p.step}) must divide the range ${p.min}..${p.max} into whole levels`,
        path: ['step'],
      });
    }
  });

export const CellTypeSchema = z.strictObject({
  power: PowerSchema.describe('Transmit power range and step.'),
  capacity: z.int().positive().describe('Maximum number of users the cell serves at once.'),
  signalDbm: range(-120, -50, 'signalDbm').describe(
    "Range of a new user's signal strength at the cell's minimum power, dBm (uniform).",
  ),
  snrDb: range(0, 30, 'snrDb').describe("Range of a new user's SNR at arrival, dB (uniform)."),
});

export const CellSchema = z.strictObject({
  id: id('cell id').describe('Unique cell id, used in results (e.g. `rural`).'),
  type: z.string().describe('Name of a cell type in `cellTypes`.'),
  neighbours: z
    .array(z.string())
    .default([])
    .describe('Ids of cells this cell can hand users off to.'),
  power: PowerSchema.optional().describe("Overrides the type's power range."),
  capacity: z.int().positive().optional().describe("Overrides the type's capacity."),
});

export const TrafficSourceSchema = z.strictObject({
  id: id('traffic source id').describe('Unique id of this arrival process.'),
  cell: z.string().describe('Id of the cell the users arrive at.'),
  arrivalRate: z
    .number()
    .nonnegative()
    .describe('Mean new users per step (Poisson) at traffic scale 1.'),
  meanHoldingSteps: z
    .number()
    .positive()
    .default(20)
    .describe('Mean call duration in steps (exponential).'),
});

export const TrafficLevelSchema = z.strictObject({
  scale: z.number().nonnegative().describe('Multiplier applied to every arrival rate.'),
});

export const TrafficSchema = z.strictObject({
  sources: z.array(TrafficSourceSchema).min(1).describe('User arrival processes.'),
  levels: z
    .record(id('traffic level name'), TrafficLevelSchema)
    .default({ low: { scale: 0.5 }, normal: { scale: 1 }, high: { scale: 1.5 } })
    .describe('Named traffic levels (the paper uses low, normal, high).'),
  default: z.string().default('normal').describe('Level used when none is chosen.'),
  windowSteps: z
    .int()
    .positive()
    .default(200)
    .describe('How many steps of arrivals an arrival process generates per message.'),
});

export const RadioSchema = z.strictObject({
  signalFloorDbm: z
    .number()
    .default(-112)
    .describe('Below this signal a user cannot be served: refused on arrival, dropped in a call.'),
  poorSignalDbm: z.number().default(-100).describe('A user below this signal is poorly served.'),
  poorSnrDb: z.number().default(5).describe('A user below this SNR is poorly served.'),
  coverage: z
    .strictObject({
      goodMaxPoorShare: z.number().min(0).max(1).default(0.1),
      fairMaxPoorShare: z.number().min(0).max(1).default(0.3),
    })
    .refine((c) => c.goodMaxPoorShare <= c.fairMaxPoorShare, {
      message: 'goodMaxPoorShare must not exceed fairMaxPoorShare',
    })
    .default({ goodMaxPoorShare: 0.1, fairMaxPoorShare: 0.3 })
    .describe('Cell coverage is good/fair/poor by the share of poorly served users.'),
  drift: z
    .strictObject({
      signalSdDb: z.number().nonnegative().default(1),
      snrSdDb: z.number().nonnegative().default(0.5),
    })
    .default({ signalSdDb: 1, snrSdDb: 0.5 })
    .describe("Per-step random walk of each user's channel (standard deviations, dB)."),
  handoffMarginDb: z
    .number()
    .nonnegative()
    .default(3)
    .describe('A handoff succeeds only if the neighbour offers at least this much more signal.'),
});

export const EpsilonSchema = z
  .strictObject({
    start: z.number().min(0).max(1).default(1),
    end: z.number().min(0).max(1).default(0.05),
    schedule: z.enum(['exponential', 'linear']).default('exponential'),
    decayEpisodes: z.int().positive().default(150),
  })
  .default({ start: 1, end: 0.05, schedule: 'exponential', decayEpisodes: 150 })
  .describe('Exploration rate over training episodes.');

export const AgentSchema = z.strictObject({
  alpha: z.number().gt(0).max(1).default(0.1).describe('Q-learning rate.'),
  gamma: z.number().min(0).max(1).default(0.9).describe('Discount factor.'),
  epsilon: EpsilonSchema,
  test: z
    .strictObject({
      epsilon: z.number().min(0).max(1).default(0.05),
      learn: z.boolean().default(true),
    })
    .default({ epsilon: 0.05, learn: true })
    .describe('Test phase: exploration rate, and whether agents keep learning.'),
  dropBuckets: z
    .array(z.int().positive())
    .min(1)
    .default([1, 2, 4])
    .refine((b) => b.every((v, i) => i === 0 || v > b[i - 1]!), {
      message: 'dropBuckets must be strictly increasing',
    })
    .describe('Lower edges of the drop-count buckets in the observation (0 is its own bucket).'),
  reward: z
    .strictObject({
      coverage: z.number().default(1),
      drop: z.number().default(0.5),
      energy: z.number().default(0.2),
    })
    .default({ coverage: 1, drop: 0.5, energy: 0.2 })
    .describe('Immediate reward weights: well-served share, drops, normalised power.'),
});

export const ScenarioSchema = z
  .strictObject({
    name: id('scenario name').describe('Short name, used in results.'),
    description: z.string().default('').describe('What the scenario represents.'),
    time: z
      .strictObject({
        stepSeconds: z.number().positive().default(1).describe('Simulated seconds per step.'),
        stepsPerEpisode: z.int().positive().default(100),
      })
      .default({ stepSeconds: 1, stepsPerEpisode: 100 }),
    episodes: z
      .strictObject({
        training: z.int().nonnegative().default(200),
        test: z.int().positive().default(50),
      })
      .default({ training: 200, test: 50 }),
    initial: z
      .strictObject({
        loadFraction: range(0, 0.8, 'loadFraction').describe(
          'Initial users per cell as a share of capacity (uniform).',
        ),
      })
      .default({ loadFraction: { min: 0, max: 0.8 } })
      .describe('Randomised start of every episode (power is uniform over the levels).'),
    cellTypes: z
      .record(id('cell type name'), CellTypeSchema)
      .describe('Named cell presets (e.g. rural, urban).'),
    cells: z.array(CellSchema).min(1).describe('The base stations.'),
    traffic: TrafficSchema,
    radio: RadioSchema.default(RadioSchema.parse({})),
    agent: AgentSchema.default(AgentSchema.parse({})),
  })
  .superRefine(checkReferences);

export type Scenario = z.infer<typeof ScenarioSchema>;
export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type CellType = z.infer<typeof CellTypeSchema>;
export type TrafficSource = z.infer<typeof TrafficSourceSchema>;

/** Cross-field checks: ids unique, references resolve, levels exist. */
function checkReferences(s: Scenario, ctx: z.RefinementCtx): void {
  const cellIds = new Set<string>();
  s.cells.forEach((cell, i) => {
    if (cellIds.has(cell.id)) {
      ctx.addIssue({
        code: 'custom',
        message: `duplicate cell id '${cell.id}'`,
        path: ['cells', i, 'id'],
      });
    }
    cellIds.add(cell.id);
    if (!(cell.type in s.cellTypes)) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown cell type '${cell.type}' (known: ${Object.keys(s.cellTypes).join(', ') || 'none'})`,
        path: ['cells', i, 'type'],
      });
    }
  });
  s.cells.forEach((cell, i) => {
    cell.neighbours.forEach((n, j) => {
      if (!cellIds.has(n)) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown neighbour '${n}'`,
          path: ['cells', i, 'neighbours', j],
        });
      } else if (n === cell.id) {
        ctx.addIssue({
          code: 'custom',
          message: 'a cell cannot be its own neighbour',
          path: ['cells', i, 'neighbours', j],
        });
      }
    });
  });
  const sourceIds = new Set<string>();
  s.traffic.sources.forEach((src, i) => {
    if (sourceIds.has(src.id)) {
      ctx.addIssue({
        code: 'custom',
        message: `duplicate traffic source id '${src.id}'`,
        path: ['traffic', 'sources', i, 'id'],
      });
    }
    sourceIds.add(src.id);
    if (!cellIds.has(src.cell)) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown cell '${src.cell}'`,
        path: ['traffic', 'sources', i, 'cell'],
      });
    }
  });
  if (!(s.traffic.default in s.traffic.levels)) {
    ctx.addIssue({
      code: 'custom',
      message: `default level '${s.traffic.default}' is not among the levels (${Object.keys(s.traffic.levels).join(', ')})`,
      path: ['traffic', 'default'],
    });
  }
  const { min, max } = s.initial.loadFraction;
  if (min < 0 || max > 1) {
    ctx.addIssue({
      code: 'custom',
      message: 'loadFraction must lie within 0..1',
      path: ['initial', 'loadFraction'],
    });
  }
}
