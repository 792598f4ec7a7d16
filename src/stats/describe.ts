/**
 * Descriptive statistics of one sample, and the significance stars used in the paper's figures.
 *
 * - sd: sample standard deviation (divisor n − 1); 0 for a single value (R gives NA), so that the
 *   95% interval collapses to [mean, mean] instead of becoming NaN.
 * - Quartiles and median: R's default quantile type 7, the same as numpy's default "linear":
 *   for probability p on the sorted x[0..n−1], h = (n − 1)p and
 *   Q(p) = x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋ + 1] − x[⌊h⌋]).
 * - ci95: mean ± t(0.975, n − 1) · sd / √n (Student t interval for the mean).
 */
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

export interface Description {
  n: number;
  mean: number;
  sd: number;
  median: number;
  q1: number;
  q3: number;
  iqr: number;
  min: number;
  max: number;
  ci95: [number, number];
}

/** Quantile type 7 of an ascending-sorted, non-empty array. */
function quantile7(sorted: readonly number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const x0 = sorted[lo]!;
  // At the top (h = n − 1) there is no upper neighbour; the weight is 0 anyway.
  const x1 = sorted[Math.min(lo + 1, sorted.length - 1)]!;
  return x0 + (h - lo) * (x1 - x0);
}

export function describe(values: number[]): Description {
  if (!Array.isArray(values) || values.length === 0) {
    throw new RangeError('describe: need at least one value');
  }
  values.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new RangeError(`describe: value ${i} is not a finite number (${String(v)})`);
    }
  });
  const n = values.length;
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((s, v) => s + v, 0) / n;
  // Two-pass variance: summing squared deviations avoids the cancellation of Σx² − n·mean².
  const ss = values.reduce((s, v) => s + (v - mean) ** 2, 0);
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
  const half = n > 1 ? (tQuantile(0.975, n - 1) * sd) / Math.sqrt(n) : 0;
  const q1 = quantile7(sorted, 0.25);
  const q3 = quantile7(sorted, 0.75);
  return {
    n,
    mean,
    sd,
    median: quantile7(sorted, 0.5),
    q1,
    q3,
    iqr: q3 - q1,
    min: sorted[0]!,
    max: sorted[n - 1]!,
    ci95: [mean - half, mean + half],
  };
}

/** '***' p < .001, '**' p < .01, '*' p < .05, '' otherwise; 'n/a' when p is NaN. */
export function significanceStars(p: number): string {
  if (Number.isNaN(p)) return 'n/a';
  if (p < 0.001) return '***';
  if (p < 0.01) return '**';
  if (p < 0.05) return '*';
  return '';
}
