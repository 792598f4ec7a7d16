/**
 * Tests of src/stats against published reference values (scipy, R, scikit-posthocs) and against
 * hand computations of the formulas, on tie-free and tied data.
 */
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import padjust from '@stdlib/stats-padjust';
import { expect, describe as group, it } from 'vitest';
import {
  describe,
  dunnEffectSize,
  dunnTest,
  epsilonSquared,
  kruskalWallis,
  significanceStars,
} from '../src/stats/index.js';

/** |actual − expected| < tol (default 1e-6), with a readable failure message. */
function close(actual: number, expected: number, tol = 1e-6) {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThan(tol);
}

// Hollander & Wolfe (1973) p. 116, mucociliary efficiency: the example of R's ?kruskal.test
// (https://rdrr.io/r/stats/kruskal.test.html), also stdlib's kruskal-test example. Tie-free.
const HW = [
  [2.9, 3.0, 2.5, 2.6, 3.2],
  [3.8, 2.7, 4.0, 2.4],
  [2.8, 3.4, 3.7, 2.2, 2.0],
];

// seaborn's "exercise" data set (github.com/mwaskom/seaborn-data, exercise.csv), pulse by kind,
// in file order. Heavily tied. Used by scikit-posthocs' test suite with R reference values.
const EXERCISE = {
  rest: [
    85, 85, 88, 90, 92, 93, 97, 97, 94, 80, 82, 83, 91, 92, 91, 83, 83, 84, 87, 88, 90, 92, 94, 95,
    97, 99, 96, 100, 97, 100,
  ],
  walking: [
    86, 86, 84, 93, 103, 104, 90, 92, 93, 95, 96, 100, 89, 96, 95, 84, 86, 89, 103, 109, 90, 92, 96,
    101, 97, 98, 100, 102, 104, 103,
  ],
  running: [
    93, 98, 110, 98, 104, 112, 98, 105, 99, 87, 132, 120, 94, 110, 116, 95, 126, 143, 100, 126, 140,
    103, 124, 140, 94, 135, 130, 99, 111, 150,
  ],
};

group('kruskalWallis', () => {
  it('matches scipy.stats.kruskal docs, tie-free example', () => {
    // docs.scipy.org scipy.stats.kruskal, Examples: kruskal([1,3,5,7,9], [2,4,6,8,10])
    // -> KruskalResult(statistic=0.2727272727272734, pvalue=0.6015081344405895)
    const r = kruskalWallis([
      [1, 3, 5, 7, 9],
      [2, 4, 6, 8, 10],
    ]);
    close(r.H, 0.2727272727272734);
    close(r.pValue, 0.6015081344405895);
    expect(r.df).toBe(1);
  });

  it('matches scipy.stats.kruskal docs, tied example', () => {
    // Same page: kruskal([1,1,1], [2,2,2], [2,2]) -> statistic=7.0, pvalue=0.0301973834223185
    const r = kruskalWallis([
      [1, 1, 1],
      [2, 2, 2],
      [2, 2],
    ]);
    close(r.H, 7.0);
    close(r.pValue, 0.0301973834223185);
    expect(r.df).toBe(2);
  });

  it('matches scipy.stats.mstats.kruskal docs (battery data, tied)', () => {
    // docs.scipy.org scipy.stats.mstats.kruskal, Examples (6.9 and 6.1 are tied across groups)
    // -> KruskalResult(statistic=7.113812154696133, pvalue=0.028526948491942164)
    const r = kruskalWallis([
      [6.3, 5.4, 5.7, 5.2, 5.0],
      [6.9, 7.0, 6.1, 7.9],
      [7.2, 6.9, 6.1, 6.5],
    ]);
    close(r.H, 7.113812154696133);
    close(r.pValue, 0.028526948491942164);
  });

  it("matches R's kruskal.test help example (Hollander & Wolfe)", () => {
    // R prints "Kruskal-Wallis chi-squared = 0.77143, df = 2, p-value = 0.68". Exactly: rank sums
    // 38, 34, 33 over N = 14 give H = 12/(14·15)·(38²/5 + 34²/4 + 33²/5) − 45 = 27/35, and for
    // df = 2 the χ² upper tail is exp(−H/2).
    const r = kruskalWallis(HW);
    close(r.H, 27 / 35, 1e-12);
    close(r.H, 0.77143, 5e-6);
    expect(r.df).toBe(2);
    close(r.pValue, Math.exp(-27 / 70), 1e-12);
    expect(r.pValue.toFixed(2)).toBe('0.68');
  });

  it('applies the tie correction (hand computation)', () => {
    // [1,2,2] [2,3] [3,4]: pooled ranks 1 | 3,3,3 | 5.5,5.5 | 7; rank sums 7, 8.5, 12.5; N = 7.
    const N = 7;
    const uncorrected =
      (12 / (N * (N + 1))) * (7 ** 2 / 3 + 8.5 ** 2 / 2 + 12.5 ** 2 / 2) - 3 * (N + 1);
    const correction = 1 - (3 ** 3 - 3 + (2 ** 3 - 2)) / (N ** 3 - N);
    const r = kruskalWallis([
      [1, 2, 2],
      [2, 3],
      [3, 4],
    ]);
    close(r.H, uncorrected / correction, 1e-12);
    close(r.pValue, Math.exp(-r.H / 2), 1e-12);
  });

  it('returns H = 0, p = 1 when every value is identical (R would give NaN)', () => {
    expect(kruskalWallis([[3, 3], [3], [3, 3, 3]])).toEqual({ H: 0, df: 2, pValue: 1 });
  });

  it('returns exactly { H, df, pValue }', () => {
    expect(Object.keys(kruskalWallis(HW)).sort()).toEqual(['H', 'df', 'pValue']);
  });

  it('rejects bad input with RangeError', () => {
    expect(() => kruskalWallis([])).toThrow(RangeError);
    expect(() => kruskalWallis([[1, 2, 3]])).toThrow(/at least 2 groups/);
    expect(() => kruskalWallis([[1], []])).toThrow(/group 1 is empty/);
    expect(() => kruskalWallis([[1, Number.NaN], [2]])).toThrow(RangeError);
    expect(() => kruskalWallis([[1, 2], [Number.POSITIVE_INFINITY]])).toThrow(/finite/);
  });
});

group('dunnTest', () => {
  it('reproduces the scikit-posthocs posthoc_dunn docstring example once ties are ignored', () => {
    // scikit-posthocs v0.3.x docs, posthoc_dunn Examples (github.com/maximtrp/scikit-posthocs,
    // docs/html/generated/scikit_posthocs.posthoc_dunn.html):
    // x = [[1,2,3,5,1], [12,31,54,np.nan], [10,12,6,74,11]] (the NaN is dropped),
    // posthoc_dunn(x, p_adjust='holm') -> p(1,2) = 0.01764845, p(1,3) = 0.04131415,
    // p(2,3) = 0.45319956. Those printed numbers are the values WITHOUT the tie correction (the
    // data tie 1,1 and 12,12; later releases dropped the stale output). So: undo our correction,
    // σ²_tied = 13·14/12 − (6 + 6)/(12·12), σ²_plain = 13·14/12, and compare; the tie-corrected
    // values themselves are checked against R on the exercise data below.
    const groups = [
      [1, 2, 3, 5, 1],
      [12, 31, 54],
      [10, 12, 6, 74, 11],
    ];
    const { comparisons } = dunnTest(groups, { correction: 'holm' });
    expect(comparisons.map((c) => [c.i, c.j])).toEqual([
      [0, 1],
      [0, 2],
      [1, 2],
    ]);
    const scale = Math.sqrt(((13 * 14) / 12 - 12 / (12 * 12)) / ((13 * 14) / 12));
    const plain = comparisons.map((c) => 2 * normalCdf(-Math.abs(c.z * scale), 0, 1));
    const holm = padjust(plain, 'holm');
    close(holm[0]!, 0.01764845);
    close(holm[1]!, 0.04131415);
    close(holm[2]!, 0.45319956);
    // With the tie correction the variance is smaller, so every p-value is (slightly) smaller.
    for (const [m, c] of comparisons.entries()) expect(c.pValue).toBeLessThan(plain[m]!);
  });

  it("matches R reference values in scikit-posthocs' test suite (exercise data, Holm)", () => {
    // scikit-posthocs tests/test_posthocs.py, test_posthoc_dunn: posthoc_dunn(exercise,
    // val_col='pulse', group_col='kind', p_adjust='holm') compared with r_results:
    // rest–running 9.570998e-09, rest–walking 4.390066e-02, running–walking 1.873208e-04.
    const { comparisons } = dunnTest([EXERCISE.rest, EXERCISE.walking, EXERCISE.running], {
      correction: 'holm',
    });
    const [restWalking, restRunning, walkingRunning] = comparisons;
    close(restWalking!.pAdjusted, 4.390066e-2);
    close(restRunning!.pAdjusted, 9.570998e-9, 1e-14);
    close(walkingRunning!.pAdjusted, 1.873208e-4, 1e-10);
    // rest has the lowest pulse, so the lowest mean rank: z < 0 for (rest, ·).
    expect(restWalking!.z).toBeLessThan(0);
    expect(restRunning!.z).toBeLessThan(0);
  });

  it('matches hand arithmetic of the formula on a tiny tied data set', () => {
    // [1,2,2] [2,3] [3,4]: N = 7, pooled sorted 1,2,2,2,3,3,4 -> ranks 1, (2+3+4)/3 = 3, (5+6)/2
    // = 5.5, 7. Mean ranks: A (1+3+3)/3 = 7/3, B (3+5.5)/2 = 4.25, C (5.5+7)/2 = 6.25.
    // Ties: one run of 3, one of 2 -> Σ(t³−t) = 24 + 6 = 30.
    // Variance term: 7·8/12 − 30/(12·6) = 56/12 − 30/72 = 4.25.
    const s2 = (7 * 8) / 12 - 30 / (12 * 6);
    expect(s2).toBeCloseTo(4.25, 12);
    const zAB = (7 / 3 - 4.25) / Math.sqrt(4.25 * (1 / 3 + 1 / 2)); // ≈ −1.018457
    const zAC = (7 / 3 - 6.25) / Math.sqrt(4.25 * (1 / 3 + 1 / 2));
    const zBC = (4.25 - 6.25) / Math.sqrt(4.25 * (1 / 2 + 1 / 2));
    const { comparisons } = dunnTest(
      [
        [1, 2, 2],
        [2, 3],
        [3, 4],
      ],
      { correction: 'none' },
    );
    close(comparisons[0]!.z, zAB, 1e-12);
    close(comparisons[1]!.z, zAC, 1e-12);
    close(comparisons[2]!.z, zBC, 1e-12);
    close(zAB, -1.018457, 1e-6);
    // Two-sided normal p-values; with 'none' the adjusted value is the raw one.
    for (const c of comparisons) expect(c.pAdjusted).toBe(c.pValue);
  });

  it('gives the R mean-rank differences on the tie-free Hollander & Wolfe data', () => {
    // R's dunnTest help example (DescTools-style output) on the same data reports mean rank
    // differences 2-1 = 1.8, 3-1 = -0.6, 3-2 = -2.4, all Holm p = 1.
    // Our z is (R̄_i − R̄_j)/SE with i < j, so R̄_j − R̄_i = −z·SE, SE² = N(N+1)/12·(1/n_i + 1/n_j).
    const sizes = [5, 4, 5];
    const se = (i: number, j: number) =>
      Math.sqrt(((14 * 15) / 12) * (1 / sizes[i]! + 1 / sizes[j]!));
    const { comparisons } = dunnTest(HW, { correction: 'holm' });
    const diffs = comparisons.map((c) => -c.z * se(c.i, c.j));
    close(diffs[0]!, 1.8, 1e-12);
    close(diffs[1]!, -0.6, 1e-12);
    close(diffs[2]!, -2.4, 1e-12);
    for (const c of comparisons) expect(c.pAdjusted).toBe(1);
  });

  it('z is positive when group i has the higher mean rank', () => {
    const { comparisons } = dunnTest(
      [
        [10, 11, 12],
        [1, 2, 3],
      ],
      { correction: 'none' },
    );
    expect(comparisons[0]!.z).toBeGreaterThan(0);
  });

  it('Holm adjustment (stdlib padjust) on a known input', () => {
    // Holm: sort p ascending, multiply the m-th smallest by (n − m + 1), enforce monotonicity,
    // cap at 1: 0.01·3 = 0.03, 0.03·2 = 0.06, max(0.04·1, 0.06) = 0.06.
    const adj = padjust([0.01, 0.04, 0.03], 'holm');
    close(adj[0]!, 0.03, 1e-15);
    close(adj[1]!, 0.06, 1e-15);
    close(adj[2]!, 0.06, 1e-15);
  });

  it("adjusts dunnTest's own p-values by Holm over all pairs", () => {
    const { comparisons } = dunnTest([EXERCISE.rest, EXERCISE.walking, EXERCISE.running], {
      correction: 'holm',
    });
    const raw = comparisons.map((c) => c.pValue);
    const order = [0, 1, 2].sort((a, b) => raw[a]! - raw[b]!);
    let running = 0;
    const holm: number[] = [];
    order.forEach((idx, m) => {
      running = Math.max(running, Math.min(1, (3 - m) * raw[idx]!));
      holm[idx] = running;
    });
    for (const [m, c] of comparisons.entries()) close(c.pAdjusted, holm[m]!, 1e-15);
  });

  it('with control: only (control, j) pairs in increasing j, adjusted among themselves', () => {
    const groups = [EXERCISE.rest, EXERCISE.walking, EXERCISE.running, [90, 91, 150, 151]];
    const all = dunnTest(groups, { correction: 'holm' }).comparisons;
    const ctl = dunnTest(groups, { correction: 'holm', control: 2 }).comparisons;
    expect(ctl.map((c) => [c.i, c.j])).toEqual([
      [2, 0],
      [2, 1],
      [2, 3],
    ]);
    // z and raw p are those of the same pair in the all-pairs run, with the sign flipped when the
    // all-pairs run had the control as j.
    const find = (a: number, b: number) => all.find((c) => c.i === a && c.j === b)!;
    close(ctl[0]!.z, -find(0, 2).z, 1e-12);
    close(ctl[1]!.z, -find(1, 2).z, 1e-12);
    close(ctl[2]!.z, find(2, 3).z, 1e-12);
    const same = [find(0, 2), find(1, 2), find(2, 3)];
    for (const [m, c] of ctl.entries()) close(c.pValue, same[m]!.pValue, 1e-15);
    // Holm over the 3 control comparisons only (not the 6 pairs).
    const adj = padjust(
      ctl.map((c) => c.pValue),
      'holm',
    );
    for (const [m, c] of ctl.entries()) close(c.pAdjusted, adj[m]!, 1e-15);
    expect(ctl[0]!.pAdjusted).toBeLessThan(find(0, 2).pAdjusted);
    // Control 0 gives (0, j) pairs with i = 0.
    const c0 = dunnTest(groups, { correction: 'none', control: 0 }).comparisons;
    expect(c0.map((c) => [c.i, c.j])).toEqual([
      [0, 1],
      [0, 2],
      [0, 3],
    ]);
  });

  it('returns z = 0, p = 1 when every value is identical', () => {
    const { comparisons } = dunnTest([[5, 5], [5], [5, 5]], { correction: 'holm' });
    for (const c of comparisons) expect(c).toMatchObject({ z: 0, pValue: 1, pAdjusted: 1 });
  });

  it('rejects bad input with RangeError', () => {
    const ok = [
      [1, 2],
      [3, 4],
    ];
    expect(() => dunnTest([[1, 2]], { correction: 'holm' })).toThrow(/at least 2 groups/);
    expect(() => dunnTest([[1], []], { correction: 'holm' })).toThrow(RangeError);
    expect(() => dunnTest([[1], [Number.NaN]], { correction: 'none' })).toThrow(RangeError);
    expect(() => dunnTest(ok, { correction: 'holm', control: 2 })).toThrow(/control/);
    expect(() => dunnTest(ok, { correction: 'holm', control: -1 })).toThrow(RangeError);
    expect(() => dunnTest(ok, { correction: 'holm', control: 0.5 })).toThrow(RangeError);
    expect(() => dunnTest(ok, { correction: 'bonferroni' as 'holm' })).toThrow(/correction/);
  });
});

group('describe', () => {
  it('uses quantile type 7 (R default = numpy linear)', () => {
    // [1,2,3,4]: h = 3p -> q1 at h = 0.75: 1 + 0.75 = 1.75; median at 1.5: 2.5; q3 at 2.25: 3.25.
    const d = describe([4, 1, 3, 2]);
    expect(d).toMatchObject({ n: 4, min: 1, max: 4 });
    close(d.q1, 1.75, 1e-15);
    close(d.median, 2.5, 1e-15);
    close(d.q3, 3.25, 1e-15);
    close(d.iqr, 1.5, 1e-15);
    close(d.mean, 2.5, 1e-15);
    // Sample sd: Σ(x − 2.5)² = 5, /3 -> sqrt(5/3).
    close(d.sd, Math.sqrt(5 / 3), 1e-15);
    // [1..10]: h = 9p -> q1 at 2.25: 3.25; q3 at 6.75: 7.75; median 5.5 (R: quantile(1:10)).
    const e = describe([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    close(e.q1, 3.25, 1e-15);
    close(e.median, 5.5, 1e-15);
    close(e.q3, 7.75, 1e-15);
  });

  it('gives a Student-t 95% interval for the mean', () => {
    // n = 5: [2, 4, 4, 5, 10]: mean 5, Σ(x − 5)² = 9 + 1 + 1 + 0 + 25 = 36, sd = sqrt(36/4) = 3.
    // t(0.975, 4) = 2.7764451051977987 (scipy.stats.t.ppf(0.975, 4); R qt(0.975, 4) = 2.776445).
    const d = describe([2, 4, 4, 5, 10]);
    close(d.mean, 5, 1e-15);
    close(d.sd, 3, 1e-15);
    close(d.median, 4, 1e-15);
    const half = (2.7764451051977987 * 3) / Math.sqrt(5);
    close(d.ci95[0], 5 - half, 1e-9);
    close(d.ci95[1], 5 + half, 1e-9);
  });

  it('handles a single value: sd 0 and a degenerate interval', () => {
    const d = describe([7]);
    expect(d).toEqual({
      n: 1,
      mean: 7,
      sd: 0,
      median: 7,
      q1: 7,
      q3: 7,
      iqr: 0,
      min: 7,
      max: 7,
      ci95: [7, 7],
    });
  });

  it('does not reorder its input', () => {
    const xs = [3, 1, 2];
    describe(xs);
    expect(xs).toEqual([3, 1, 2]);
  });

  it('rejects empty or non-finite input with RangeError', () => {
    expect(() => describe([])).toThrow(RangeError);
    expect(() => describe([1, Number.NaN])).toThrow(/finite/);
  });
});

group('effect sizes', () => {
  it('epsilonSquared = H / ((n² − 1)/(n + 1)) = H / (n − 1)', () => {
    close(epsilonSquared(27 / 35, 14), 27 / 35 / ((14 ** 2 - 1) / (14 + 1)), 1e-15);
    close(epsilonSquared(27 / 35, 14), 27 / 35 / 13, 1e-15);
    expect(() => epsilonSquared(1, 1)).toThrow(RangeError);
    expect(() => epsilonSquared(Number.NaN, 10)).toThrow(RangeError);
  });

  it('dunnEffectSize = |z| / √N', () => {
    close(dunnEffectSize(-2, 16), 0.5, 1e-15);
    close(dunnEffectSize(3, 9), 1, 1e-15);
    expect(() => dunnEffectSize(1, 0)).toThrow(RangeError);
  });
});

group('significanceStars', () => {
  it('maps p to the paper figure thresholds', () => {
    expect(significanceStars(0.0001)).toBe('***');
    expect(significanceStars(0.001)).toBe('**');
    expect(significanceStars(0.0099)).toBe('**');
    expect(significanceStars(0.01)).toBe('*');
    expect(significanceStars(0.049)).toBe('*');
    expect(significanceStars(0.05)).toBe('');
    expect(significanceStars(0.8)).toBe('');
    expect(significanceStars(Number.NaN)).toBe('n/a');
  });
});
