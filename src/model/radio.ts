/**
 * Radio links, independent of cells' state: path loss, shadowing, dB arithmetic, SINR. Used when
 * users are drawn (arrivals) and served (cells).
 */
import type { Rng } from '../rng.js';
import type { ModelConfig } from '../scenario/resolve.js';

export type Radio = ModelConfig['radio'];
export type SinrParams = Radio['sinr'];

/** Path loss over `distanceKm` (log-distance, e.g. 3GPP TR 36.814: 128.1 + 37.6·log10(d)), dB. */
export function pathLossDb(p: SinrParams, distanceKm: number): number {
  return p.pathLossDb + p.pathLossSlopeDb * Math.log10(Math.max(distanceKm, p.minDistanceKm));
}

export const dbToLinear = (db: number): number => 10 ** (db / 10);

/** Gain of the link from a cell to a user at (x, y): −path loss + shadowing, dB. */
export function linkGainDb(
  p: SinrParams,
  cell: { readonly x: number; readonly y: number },
  x: number,
  y: number,
  rng: Rng,
): number {
  const shadow = p.shadowingSdDb > 0 ? rng.normal(0, p.shadowingSdDb) : 0;
  return -pathLossDb(p, Math.hypot(x - cell.x, y - cell.y)) + shadow;
}

/** SINR of a signal against noise and interference (mW), dB. */
export function sinrDb(signalDbm: number, noiseDbm: number, interferenceMw: number): number {
  return signalDbm - 10 * Math.log10(dbToLinear(noiseDbm) + interferenceMw);
}
