/**
 * Time-varying traffic: how a source's arrival rate changes over the steps of an episode. A
 * source's rate at step t (within the episode) is its base rate × its schedule's multiplier ×
 * its diurnal cycle × every flash crowd covering its cell; the factors compose by product, so
 * profiles can be combined freely. A trace replaces all of that with exact arrival counts.
 * Pure: the multipliers are precomputed per step when the scenario is resolved.
 */
import type { FlashCrowd, TrafficSource as Source } from '../scenario/schema/traffic.js';

/** Schedule multiplier at step t: the last piece starting at or before t (1 before the first). */
export function scheduleAt(schedule: Source['schedule'], t: number): number {
  if (!schedule) return 1;
  let m = 1;
  for (const piece of schedule) {
    if (piece.fromStep > t) break;
    m = piece.multiplier;
  }
  return m;
}

export function diurnalAt(d: Source['diurnal'], t: number): number {
  if (!d) return 1;
  return 1 + d.amplitude * Math.cos((2 * Math.PI * (t - d.peakStep)) / d.periodSteps);
}

/** The highest schedule multiplier; never below 1, the multiplier before the first piece. */
export function schedulePeak(schedule: Source['schedule']): number {
  return Math.max(1, ...(schedule ?? []).map((p) => p.multiplier));
}

/** The cycle's highest multiplier, reached at its peak step. */
export function diurnalPeak(d: Source['diurnal']): number {
  return d ? 1 + d.amplitude : 1;
}

/** The first step after a flash crowd: its ramp up, full duration and ramp down are over. */
export function flashEnd(f: FlashCrowd): number {
  return f.startStep + f.rampSteps + f.durationSteps + f.rampSteps;
}

/**
 * A flash crowd's multiplier at step t: 1 before it starts, rising linearly over `rampSteps` to
 * `multiplier`, holding for `durationSteps`, falling back linearly over `rampSteps`, then 1.
 */
export function flashAt(f: FlashCrowd, t: number): number {
  const up = f.startStep;
  const full = up + f.rampSteps;
  const down = full + f.durationSteps;
  const end = flashEnd(f);
  if (t < up || t >= end) return 1;
  if (t < full) return 1 + ((f.multiplier - 1) * (t - up + 1)) / (f.rampSteps + 1);
  if (t < down) return f.multiplier;
  return 1 + ((f.multiplier - 1) * (end - t)) / (f.rampSteps + 1);
}

/**
 * A bound on the crowds' combined multiplier at `cellId`: the product of the peaks of every
 * crowd covering it, as if they all overlapped (the ramps lie between 1 and the multiplier).
 */
export function crowdPeak(crowds: readonly FlashCrowd[], cellId: string): number {
  return crowds
    .filter((f) => f.cells.includes(cellId))
    .reduce((m, f) => m * Math.max(1, f.multiplier), 1);
}

/**
 * The rate multiplier of `source` (at cell `cellId`) for every step of an episode, or null when
 * it is 1 throughout (no schedule, cycle or crowd: the common case costs nothing).
 */
export function sourceMultipliers(
  source: Source,
  cellId: string,
  crowds: readonly FlashCrowd[],
  stepsPerEpisode: number,
): Float64Array | null {
  const mine = crowds.filter((f) => f.cells.includes(cellId));
  if (!source.schedule && !source.diurnal && mine.length === 0) return null;
  const m = new Float64Array(stepsPerEpisode);
  for (let t = 0; t < stepsPerEpisode; t++) {
    let x = scheduleAt(source.schedule, t) * diurnalAt(source.diurnal, t);
    for (const f of mine) x *= flashAt(f, t);
    m[t] = x;
  }
  return m;
}

/**
 * A trace scaled by a traffic level: counts × scale, rounded so the running total stays the
 * rounded running total of the scaled counts (the remainder carries to the next step). Rounding
 * each count alone would turn every 1 into 1 at half scale.
 */
export function scaledTrace(arrivals: readonly number[], scale: number): Int32Array {
  const out = new Int32Array(arrivals.length);
  let cumulative = 0;
  let given = 0;
  arrivals.forEach((n, t) => {
    cumulative += n * scale;
    const target = Math.floor(cumulative + 0.5);
    out[t] = target - given;
    given = target;
  });
  return out;
}
