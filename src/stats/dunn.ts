/**
 * Dunn's (1964) post-hoc test after Kruskal–Wallis, with Holm adjustment, and its effect size r.
 *
 * All N observations are ranked together (average ranks for ties); R̄_i is group i's mean rank.
 * For a pair (i, j):
 *   z = (R̄_i − R̄_j) / sqrt( (N(N+1)/12 − Σ(t³ − t) / (12(N − 1))) · (1/n_i + 1/n_j) ),
 * the tie-corrected pooled variance used by R's dunn.test, FSA::dunnTest and scikit-posthocs'
 * posthoc_dunn; p = 2·(1 − Φ(|z|)) (two-sided). z > 0 means group i has the higher mean rank.
 * Holm's step-down adjustment comes from @stdlib/stats-padjust and applies to exactly the family
 * of comparisons returned (all pairs, or only the pairs with the control group).
 *
 * Effect size: r = |z| / √N, N the total number of observations in the test.
 */
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import padjust from '@stdlib/stats-padjust';
import { validateGroups } from './kruskal.js';

export interface DunnOptions {
  correction: 'holm' | 'none';
  /** Index of the control group: test only (control, j) for every other j. */
  control?: number;
}

export interface DunnComparison {
  i: number;
  j: number;
  /** (R̄_i − R̄_j) / SE: positive when group i has the higher mean rank. */
  z: number;
  /** Unadjusted two-sided p-value. */
  pValue: number;
  /** p-value adjusted within the returned family (equal to pValue for 'none'). */
  pAdjusted: number;
}

export interface DunnResult {
  comparisons: DunnComparison[];
}

/** Average ranks (1-based) of `values` and the tie term Σ(t³ − t) over runs of equal values. */
function rankWithTies(values: readonly number[]): { ranks: Float64Array; tieSum: number } {
  const order = values.map((_, k) => k).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Float64Array(values.length);
  let tieSum = 0;
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && values[order[end]!] === values[order[start]!]) end++;
    // Positions start..end-1 hold ranks start+1..end; each gets their mean.
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]!] = rank;
    const t = end - start;
    tieSum += t * t * t - t;
    start = end;
  }
  return { ranks, tieSum };
}

/**
 * Dunn's test on `groups`. Without `control`, every pair i < j in lexicographic order; with it,
 * the pairs (control, j) for each j ≠ control in increasing j (i = control always), and the
 * adjustment counts only those k − 1 comparisons.
 *
 * If all observations are identical the variance is 0 and z would be 0/0; as in kruskalWallis we
 * return z = 0, p = 1 (no evidence of a difference) rather than NaN.
 */
export function dunnTest(groups: number[][], options: DunnOptions): DunnResult {
  validateGroups(groups, 'dunnTest');
  const { correction, control } = options;
  if (correction !== 'holm' && correction !== 'none') {
    throw new RangeError(
      `dunnTest: correction must be 'holm' or 'none', got ${String(correction)}`,
    );
  }
  const k = groups.length;
  if (control !== undefined && !(Number.isInteger(control) && control >= 0 && control < k)) {
    throw new RangeError(
      `dunnTest: control must be a group index in [0, ${k - 1}], got ${control}`,
    );
  }

  const pooled = groups.flat();
  const N = pooled.length;
  const { ranks, tieSum } = rankWithTies(pooled);
  const sizes = groups.map((g) => g.length);
  const meanRanks: number[] = [];
  let offset = 0;
  for (const n of sizes) {
    let sum = 0;
    for (let k2 = offset; k2 < offset + n; k2++) sum += ranks[k2]!;
    meanRanks.push(sum / n);
    offset += n;
  }
  // All-identical data leaves exactly one tie run of length N, and the variance is exactly 0.
  const degenerate = tieSum === N * N * N - N;
  const variance = (N * (N + 1)) / 12 - tieSum / (12 * (N - 1));

  const pairs: [number, number][] = [];
  if (control !== undefined) {
    for (let j = 0; j < k; j++) if (j !== control) pairs.push([control, j]);
  } else {
    for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) pairs.push([i, j]);
  }

  const raw = pairs.map(([i, j]) => {
    if (degenerate) return { i, j, z: 0, pValue: 1 };
    const se = Math.sqrt(variance * (1 / sizes[i]! + 1 / sizes[j]!));
    const z = (meanRanks[i]! - meanRanks[j]!) / se;
    // 2·Φ(−|z|) equals 2·(1 − Φ(|z|)) but keeps its precision for large |z|.
    const pValue = Math.min(1, 2 * normalCdf(-Math.abs(z), 0, 1));
    return { i, j, z, pValue };
  });
  const adjusted =
    correction === 'holm'
      ? padjust(
          raw.map((c) => c.pValue),
          'holm',
        )
      : raw.map((c) => c.pValue);
  return { comparisons: raw.map((c, m) => ({ ...c, pAdjusted: adjusted[m]! })) };
}

/** Dunn effect size r = |z| / √N, N = total number of observations (all groups). */
export function dunnEffectSize(z: number, n: number): number {
  if (!Number.isFinite(z)) throw new RangeError(`dunnEffectSize: z must be finite, got ${z}`);
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`dunnEffectSize: n must be a positive integer, got ${n}`);
  }
  return Math.abs(z) / Math.sqrt(n);
}
