/**
 * User arrivals: a Poisson number of new users per step for each traffic source, each with the
 * channel draws the cell needs on admission. Pure: everything random comes from the source's
 * own stream, drawn step by step, so any split of time into windows yields the same users.
 *
 * Channels: the paper's model draws each signal and SNR uniformly from the cell type's ranges;
 * the 'sinr' model places the user uniformly in a disc around its cell and derives every link
 * from path loss and log-normal shadowing (`cell.ts`).
 */
import type { Rng } from '../engine/rng.js';
import type { CellConfig, SourceConfig } from '../scenario/resolve.js';
import { linkGainDb, type Radio } from './cell.js';

export interface Arrival {
  /** Global step at which the user asks to connect. */
  readonly step: number;
  /** Signal strength at the serving cell's minimum power, dBm. */
  readonly signalDbm: number;
  /** SNR at the serving cell's minimum power, dB. */
  readonly snrDb: number;
  /** Call duration in steps (at least 1). */
  readonly holdingSteps: number;
  /** Signal from each neighbour (in the cell's neighbour order) at its minimum power, dBm. */
  readonly neighbourSignalDbm: readonly number[];
  /** 'sinr': where the user is, km. */
  readonly x?: number;
  readonly y?: number;
}

/** One new user of `cell` at `step`, drawn in a fixed order from `rng`. */
export function drawUser(
  rng: Rng,
  cell: CellConfig,
  cells: readonly CellConfig[],
  step: number,
  meanHoldingSteps: number,
  radio: Radio,
): Arrival {
  if (radio.model === 'sinr') {
    const r = cell.userRadiusKm * Math.sqrt(rng.next());
    const angle = 2 * Math.PI * rng.next();
    const x = cell.x + r * Math.cos(angle);
    const y = cell.y + r * Math.sin(angle);
    const signalDbm = cell.powerMin + linkGainDb(radio.sinr, cell, x, y, rng);
    return {
      step,
      signalDbm,
      snrDb: signalDbm, // unused: SINR is computed from the neighbours' power at each step
      holdingSteps: Math.max(1, Math.ceil(rng.exponential(meanHoldingSteps))),
      neighbourSignalDbm: cell.neighbours.map(
        (j) => cells[j]!.powerMin + linkGainDb(radio.sinr, cells[j]!, x, y, rng),
      ),
      x,
      y,
    };
  }
  return {
    step,
    signalDbm: rng.uniform(cell.signalMin, cell.signalMax),
    snrDb: rng.uniform(cell.snrMin, cell.snrMax),
    holdingSteps: Math.max(1, Math.ceil(rng.exponential(meanHoldingSteps))),
    neighbourSignalDbm: cell.neighbours.map((j) =>
      rng.uniform(cells[j]!.signalMin, cells[j]!.signalMax),
    ),
  };
}

/**
 * Arrivals of one source for global steps [fromStep, toStep): Poisson with the source's rate
 * (times its profile at each step of the episode), or the exact counts of its trace.
 */
export function generateArrivals(
  rng: Rng,
  source: SourceConfig,
  cells: readonly CellConfig[],
  fromStep: number,
  toStep: number,
  episodeSteps: number,
  radio: Radio,
): Arrival[] {
  const cell = cells[source.cellIndex]!;
  const out: Arrival[] = [];
  const { multipliers, trace } = source;
  for (let step = fromStep; step < toStep; step++) {
    // Episodes follow one another on the global step axis: the profile restarts with each.
    const t = step % episodeSteps;
    const n = trace
      ? (trace[t] ?? 0)
      : rng.poisson(multipliers ? source.ratePerStep * multipliers[t]! : source.ratePerStep);
    for (let k = 0; k < n; k++) {
      out.push(drawUser(rng, cell, cells, step, source.meanHoldingSteps, radio));
    }
  }
  return out;
}
