/**
 * Cells: power ranges, cell types (the paper's presets and the scenario's own), explicit cells,
 * a generated hexagonal layout, and how neighbours are derived from positions.
 */
import { z } from 'zod';
import { id, range } from './fields.js';
import { LIMITS } from './limits.js';

export const PowerSchema = z
  .strictObject({
    min: z
      .number()
      .min(-LIMITS.powerDbm)
      .max(LIMITS.powerDbm)
      .describe('Lowest transmit power, dBm.'),
    max: z
      .number()
      .min(-LIMITS.powerDbm)
      .max(LIMITS.powerDbm)
      .describe('Highest transmit power, dBm.'),
    step: z.number().positive().default(1).describe('Power change per increase/decrease, dB.'),
  })
  .superRefine((p, ctx) => {
    const inRange = (v: number) => Math.abs(v) <= LIMITS.powerDbm;
    if (!(p.step > 0 && inRange(p.min) && inRange(p.max))) return; // reported field by field
    if (p.min > p.max) {
      ctx.addIssue({
        code: 'custom',
        message: `min (${p.min}) must not exceed max (${p.max})`,
        path: ['min'],
      });
      return;
    }
    const levels = (p.max - p.min) / p.step;
    if (levels + 1 > LIMITS.powerLevels + 1e-9) {
      ctx.addIssue({
        code: 'custom',
        message: `step (${p.step}) gives ${Math.floor(levels) + 1} power levels over ${p.min}..${p.max}; at most ${LIMITS.powerLevels} are allowed`,
        path: ['step'],
      });
    } else if (Math.abs(levels - Math.round(levels)) > 1e-9) {
      ctx.addIssue({
        code: 'custom',
        message: `step (${p.step}) must divide the range ${p.min}..${p.max} into whole levels`,
        path: ['step'],
      });
    }
  });

export const CellTypeSchema = z.strictObject({
  power: PowerSchema.describe('Transmit power range and step.'),
  capacity: z
    .int()
    .positive()
    .max(LIMITS.capacity)
    .describe('Maximum number of users the cell serves at once.'),
  meanHoldingSteps: z
    .number()
    .positive()
    .max(LIMITS.totalSteps)
    .optional()
    .describe('Mean call duration of users at cells of this type, unless their source sets one.'),
  signalDbm: range(-120, -50, 'signalDbm').describe(
    "'paper' model: range of the signal a user gets from a cell of this type transmitting at radio.referencePowerDbm, dBm (each link uniform; a user's own cell is its strongest at equal power).",
  ),
  snrDb: range(0, 30, 'snrDb').describe(
    "'paper' model: the SNR range that signalDbm maps onto: SNR = signal − (signalDbm.min − snrDb.min), at most snrDb.max, dB.",
  ),
});

export const CellSchema = z.strictObject({
  id: id('cell id').describe('Unique cell id, used in results (e.g. `rural`).'),
  type: z.string().describe('Name of a cell type in `cellTypes`.'),
  neighbours: z
    .array(z.string())
    .optional()
    .describe(
      'Ids of cells this cell can hand users off to. Omitted: derived from positions within topology.neighbourRadiusKm, or none.',
    ),
  position: z
    .strictObject({
      x: z.number().min(-1e6).max(1e6).describe('East, km.'),
      y: z.number().min(-1e6).max(1e6).describe('North, km.'),
    })
    .optional()
    .describe('Position of the base station, km (used to derive neighbours).'),
  power: PowerSchema.optional().describe("Overrides the type's power range."),
  capacity: z
    .int()
    .positive()
    .max(LIMITS.capacity)
    .optional()
    .describe("Overrides the type's capacity."),
});

/** A hexagonal layout: a centre cell and `rings` rings around it, `spacingKm` apart. */
export const HexLayoutSchema = z.strictObject({
  rings: z
    .int()
    .nonnegative()
    .max(40)
    .describe('Rings around the centre cell (2 → 19 cells; at most 40 → 4,921 cells).'),
  spacingKm: z
    .number()
    .positive()
    .max(1000)
    .default(1)
    .describe('Distance between neighbouring sites, km.'),
  type: z.string().describe('Cell type of every generated cell.'),
  idPrefix: id('cell id prefix')
    .default('c')
    .describe('Generated ids: <prefix>0 (centre), <prefix>1, …'),
});

export const LayoutSchema = z.strictObject({
  hex: HexLayoutSchema.optional().describe(
    'A hexagonal layout: each cell neighbours the (up to six) adjacent ones.',
  ),
});

export const TopologySchema = z.strictObject({
  neighbourRadiusKm: z
    .number()
    .positive()
    .max(1e6)
    .optional()
    .describe(
      'Cells without an explicit neighbour list neighbour every cell within this distance.',
    ),
});

/** The paper's two presets (Section 3): always available, replaceable by name. */
export const BUILTIN_CELL_TYPES: Readonly<Record<string, CellType>> = {
  rural: {
    power: { min: 43, max: 46, step: 1 },
    capacity: 50,
    signalDbm: { min: -120, max: -50 },
    snrDb: { min: 0, max: 30 },
  },
  urban: {
    power: { min: 30, max: 37, step: 1 },
    capacity: 30,
    signalDbm: { min: -120, max: -50 },
    snrDb: { min: 0, max: 30 },
  },
};

/** The scenario's cell types: the built-in presets, then its own (which win by name). */
export function cellTypesOf(s: {
  readonly cellTypes: Readonly<Record<string, CellType>>;
}): Record<string, CellType> {
  return { ...BUILTIN_CELL_TYPES, ...s.cellTypes };
}

export type CellType = z.infer<typeof CellTypeSchema>;
export type Cell = z.infer<typeof CellSchema>;
export type HexLayout = z.infer<typeof HexLayoutSchema>;
export type Layout = z.infer<typeof LayoutSchema>;
export type Topology = z.infer<typeof TopologySchema>;
