/**
 * Radio links, independent of cells' state: path loss, shadowing, dB arithmetic, SINR. Used when
 * users are drawn (arrivals) and served (cells).
 */
import type { Rng } from '../rng.js';
import type { Scenario } from '../scenario/schema.js';

export type Radio = Scenario['radio'];
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

/**
 * The 'paper' model's link gain: a user whose signal from the cell, were it transmitting at the
 * network's reference power, lies uniformly in the cell type's signal range. Gains are absolute
 * (signal = transmit power + gain), so a 46 dBm cell reaches users a 30 dBm cell cannot.
 */
export function paperLinkGainDb(
  cell: { readonly signalMin: number; readonly signalMax: number },
  radio: Radio,
  rng: Rng,
): number {
  return rng.uniform(cell.signalMin, cell.signalMax) - radio.referencePowerDbm;
}

/**
 * One step's correlation of the slow-fading (shadowing) process: Gudmundson's exponential
 * autocorrelation, e^(−Δt/T) for a step of Δt seconds and decorrelation time T (distance over
 * speed). The serving link's gain follows the AR(1) process
 *   g(t+1) = ḡ + ρ·(g(t) − ḡ) + σ·√(1 − ρ²)·z
 * around the gain drawn at arrival ḡ: bounded (stationary s.d. σ) and mean-reverting.
 */
export function shadowingRho(radio: Radio, stepSeconds: number): number {
  const t = radio.shadowing.decorrelationSeconds;
  return t > 0 ? Math.exp(-stepSeconds / t) : 0;
}
