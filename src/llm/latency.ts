/**
 * Model-call latency in simulated time, drawn from the configured model: fixed, lognormal (median
 * and spread of the logarithm) or empirical (a list of measured latencies drawn uniformly).
 * Results are whole milliseconds, so simulated time stays exact.
 */
import type { Rng } from '../rng.js';
import type { LatencyModel } from '../scenario/schema.js';

export function sampleLatencyMs(model: LatencyModel, rng: Rng): number {
  switch (model.model) {
    case 'fixed':
      return Math.round(model.seconds * 1000);
    case 'lognormal':
      return Math.round(model.medianSeconds * 1000 * Math.exp(model.sigma * rng.normal()));
    case 'empirical':
      return Math.round(model.seconds[rng.int(0, model.seconds.length - 1)]! * 1000);
  }
}
