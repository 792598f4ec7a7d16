/**
 * Kruskal–Wallis H test across k independent groups, and its effect size ε².
 *
 * H is the tie-corrected statistic (as in R's kruskal.test and scipy.stats.kruskal):
 *   H = [12 / (N(N+1)) · Σ R_i² / n_i − 3(N+1)] / [1 − Σ(t³ − t) / (N³ − N)],
 * with R_i the rank sum of group i in the pooled sample (average ranks for ties) and t the size of
 * each tie run; df = k − 1 and p = P(χ²_df ≥ H). H and p come from @stdlib/stats-kruskal-test,
 * which computes exactly this (checked against the scipy and R references in test/stats.test.ts).
 *
 * Effect size (Tomczak & Tomczak 2014): ε² = H / ((N² − 1)/(N + 1)) = H / (N − 1), in [0, 1].
 */
import kruskalTest from '@stdlib/stats-kruskal-test';

export interface KruskalResult {
  /** Tie-corrected Kruskal–Wallis statistic. */
  H: number;
  /** Degrees of freedom, k − 1. */
  df: number;
  /** Upper-tail χ²(df) probability of H. */
  pValue: number;
}

/**
 * Throws a RangeError unless `groups` holds at least two non-empty arrays of finite numbers.
 * Shared by the rank tests so they reject bad input with the same messages.
 */
export function validateGroups(groups: readonly (readonly number[])[], fn: string): void {
  if (!Array.isArray(groups) || groups.length < 2) {
    throw new RangeError(`${fn}: need at least 2 groups, got ${groups?.length ?? 0}`);
  }
  groups.forEach((group, g) => {
    if (!Array.isArray(group) || group.length === 0) {
      throw new RangeError(`${fn}: group ${g} is empty`);
    }
    group.forEach((v, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new RangeError(`${fn}: group ${g}, value ${i} is not a finite number (${String(v)})`);
      }
    });
  });
}

/**
 * Kruskal–Wallis test of `groups` (one array of observations per group).
 *
 * When every observation is identical the tie correction's denominator is 0 and H is 0/0 (R
 * returns NaN). There is then no evidence of any difference, so we return H = 0 and p = 1: a
 * table of results stays numeric and the comparison simply reads as not significant.
 *
 * p is computed by the library as 1 − CDF, so it bottoms out at 0 below about 1e-16; that only
 * matters for reporting tiny p-values exactly, never for significance decisions.
 */
export function kruskalWallis(groups: number[][]): KruskalResult {
  validateGroups(groups, 'kruskalWallis');
  const df = groups.length - 1;
  const first = groups[0]!.at(0);
  if (groups.every((g) => g.every((v) => v === first))) return { H: 0, df, pValue: 1 };
  const [head, ...rest] = groups as [number[], ...number[][]];
  const out = kruskalTest(head, ...rest);
  return { H: out.statistic, df: out.df, pValue: out.pValue };
}

/**
 * Kruskal–Wallis effect size ε² = H / ((n² − 1)/(n + 1)) = H / (n − 1) (Tomczak & Tomczak 2014),
 * where n is the total number of observations over all groups.
 */
export function epsilonSquared(H: number, n: number): number {
  if (!Number.isFinite(H) || H < 0) {
    throw new RangeError(`epsilonSquared: H must be a finite number >= 0, got ${H}`);
  }
  if (!Number.isInteger(n) || n < 2) {
    throw new RangeError(`epsilonSquared: n must be an integer >= 2, got ${n}`);
  }
  return H / (n - 1);
}
