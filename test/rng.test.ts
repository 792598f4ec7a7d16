import { describe, expect, it } from 'vitest';
import { Rng } from '../src/rng.js';

const draws = (rng: Rng, n = 200) => Array.from({ length: n }, () => rng.next());

/** A mixed sequence exercising every method (so the spare normal deviate is involved too). */
const mixed = (rng: Rng, n = 60) =>
  Array.from({ length: n }, (_, i) => {
    switch (i % 7) {
      case 0:
        return rng.normal(3, 2);
      case 1:
        return rng.uniform(-1, 1);
      case 2:
        return rng.int(0, 9);
      case 3:
        return rng.exponential(2);
      case 4:
        return rng.poisson(i % 2 === 0 ? 3 : 50);
      case 5:
        return rng.bernoulli(0.5) ? 1 : 0;
      default:
        return rng.normal();
    }
  });

function stats(xs: readonly number[]) {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
  return { mean, variance, sd: Math.sqrt(variance) };
}

const min = (xs: readonly number[]) => xs.reduce((a, b) => Math.min(a, b), Infinity);
const max = (xs: readonly number[]) => xs.reduce((a, b) => Math.max(a, b), -Infinity);

const N = 100_000;
const sample = (seed: string, f: (rng: Rng) => number, n = N) => {
  const rng = Rng.create(seed);
  return Array.from({ length: n }, () => f(rng));
};

describe('Rng seeding', () => {
  it('same seed gives the same sequence', () => {
    expect(draws(Rng.create(42))).toEqual(draws(Rng.create(42)));
    expect(mixed(Rng.create('abc'))).toEqual(mixed(Rng.create('abc')));
  });

  it('different seeds give different sequences', () => {
    const a = draws(Rng.create(1));
    const b = draws(Rng.create(2));
    const c = draws(Rng.create('1x'));
    expect(a).not.toEqual(b);
    expect(a).not.toEqual(c);
    // Not merely shifted or mostly equal: essentially no positional coincidences.
    expect(a.filter((x, i) => x === b[i]).length).toBeLessThan(3);
    expect(new Set([...a, ...b]).size).toBeGreaterThan(395);
  });

  it('labels the root stream by its seed', () => {
    expect(Rng.create(7).label).toBe('seed:7');
    expect(Rng.create('x').fork('a').fork('b').label).toBe('seed:x/a/b');
  });

  it('next() is in [0, 1) and not constant', () => {
    const xs = draws(Rng.create(3), 10_000);
    expect(min(xs)).toBeGreaterThanOrEqual(0);
    expect(max(xs)).toBeLessThan(1);
    expect(new Set(xs).size).toBe(xs.length);
  });
});

describe('Rng forking', () => {
  it('fork streams depend only on the label, not on forking order or draws elsewhere', () => {
    const r1 = Rng.create(7);
    const a1 = r1.fork('a');
    const b1 = r1.fork('b');

    const r2 = Rng.create(7);
    draws(r2, 17);
    r2.normal(); // leaves a spare on the root; must not leak into forks
    const b2 = r2.fork('b');
    draws(b2, 0);
    const a2 = r2.fork('a');

    // Interleave draws differently on each side.
    const seqA1 = draws(a1, 50);
    const seqB2 = draws(b2, 50);
    const seqB1 = draws(b1, 50);
    const seqA2 = draws(a2, 50);
    expect(seqA2).toEqual(seqA1);
    expect(seqB2).toEqual(seqB1);
    expect(seqA1).not.toEqual(seqB1);
  });

  it('forking does not consume draws from the parent', () => {
    const plain = Rng.create(9);
    const forked = Rng.create(9);
    forked.fork('x');
    forked.fork('y').next();
    expect(draws(forked)).toEqual(draws(plain));
  });

  it('fork streams differ from the parent and from each other', () => {
    const root = Rng.create(5);
    const seqs = [root, root.fork('a'), root.fork('b'), root.fork('A'), root.fork('a ')].map((r) =>
      draws(r, 20),
    );
    for (let i = 0; i < seqs.length; i++) {
      for (let j = i + 1; j < seqs.length; j++) expect(seqs[i]).not.toEqual(seqs[j]);
    }
  });

  it('the same label under different seeds differs', () => {
    expect(draws(Rng.create(1).fork('a'))).not.toEqual(draws(Rng.create(2).fork('a')));
  });

  it('nested forks are reproducible and depend on the whole path', () => {
    const xy1 = draws(Rng.create(11).fork('x').fork('y'));
    const xy2 = draws(Rng.create(11).fork('x').fork('y'));
    const yx = draws(Rng.create(11).fork('y').fork('x'));
    const y = draws(Rng.create(11).fork('y'));
    const xx = draws(Rng.create(11).fork('x').fork('x'));
    expect(xy1).toEqual(xy2);
    expect(xy1).not.toEqual(yx);
    expect(xy1).not.toEqual(y);
    expect(xy1).not.toEqual(xx);
    // The seed is the full label, so a path-like label names the same stream as nested forks.
    expect(draws(Rng.create(11).fork('x/y'))).toEqual(xy1);
  });

  it('a nested fork is independent of draws on its parent', () => {
    const parent1 = Rng.create(4).fork('p');
    const parent2 = Rng.create(4).fork('p');
    mixed(parent2);
    expect(draws(parent2.fork('c'))).toEqual(draws(parent1.fork('c')));
  });

  it('rejects an empty label', () => {
    expect(() => Rng.create(1).fork('')).toThrow();
  });
});

describe('Rng save / restore', () => {
  it('a restored stream continues identically', () => {
    const rng = Rng.create('save');
    mixed(rng, 33);
    const state = rng.save();
    const expected = mixed(rng);
    expect(mixed(Rng.restore(state))).toEqual(expected);
  });

  it('survives a JSON round trip and can be restored more than once', () => {
    const rng = Rng.create(8);
    draws(rng, 5);
    const state = JSON.parse(JSON.stringify(rng.save()));
    const expected = mixed(rng);
    const r1 = Rng.restore(state);
    const r2 = Rng.restore(state);
    expect(mixed(r1)).toEqual(expected);
    expect(mixed(r2)).toEqual(expected);
  });

  it('the saved state is a snapshot, unaffected by later draws', () => {
    const rng = Rng.create(12);
    const state = rng.save();
    const before = JSON.stringify(state);
    mixed(rng);
    expect(JSON.stringify(state)).toBe(before);
    expect(draws(Rng.restore(state))).toEqual(draws(Rng.create(12)));
  });

  it('keeps the cached spare after an odd number of normal() draws', () => {
    const rng = Rng.create('spare');
    rng.next();
    for (let i = 0; i < 3; i++) rng.normal();
    const state = rng.save();
    expect(state.spare).not.toBeNull();
    expect(typeof state.spare).toBe('number');
    const restored = Rng.restore(state);
    // The first normal() after restore is the spare (no uniforms consumed), then streams agree.
    expect(restored.normal(10, 3)).toBe(rng.normal(10, 3));
    expect(restored.normal()).toBe(rng.normal());
    expect(mixed(restored)).toEqual(mixed(rng));
  });

  it('the spare is used before drawing new uniforms, and cleared after an even count', () => {
    const rng = Rng.create('pair');
    rng.normal();
    const withSpare = rng.save();
    rng.normal();
    expect(rng.save().spare).toBeNull();
    // Consuming the spare does not advance the uniform generator.
    expect(rng.save().alea).toEqual(withSpare.alea);
  });

  it('a restored stream keeps its label, so its forks match the original', () => {
    const rng = Rng.create(3).fork('net');
    rng.next();
    const restored = Rng.restore(rng.save());
    expect(restored.label).toBe('seed:3/net');
    expect(draws(restored.fork('cell'))).toEqual(draws(rng.fork('cell')));
  });
});

describe('Rng distributions', () => {
  it('uniform(min, max) stays in range with the right mean', () => {
    const xs = sample('u', (r) => r.uniform(2, 5));
    expect(min(xs)).toBeGreaterThanOrEqual(2);
    expect(max(xs)).toBeLessThan(5);
    const { mean, variance } = stats(xs);
    expect(Math.abs(mean - 3.5)).toBeLessThan(0.02);
    expect(Math.abs(variance - 9 / 12)).toBeLessThan(0.02);
  });

  it('int(min, max) is an integer covering both inclusive ends evenly', () => {
    const xs = sample('i', (r) => r.int(1, 6));
    const counts = new Map<number, number>();
    for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const c of counts.values()) expect(Math.abs(c / N - 1 / 6)).toBeLessThan(0.01);
    expect(Math.abs(stats(xs).mean - 3.5)).toBeLessThan(0.03);
  });

  it('int handles negative ranges and a single value', () => {
    const xs = sample('neg', (r) => r.int(-2, 1), 10_000);
    expect(new Set(xs)).toEqual(new Set([-2, -1, 0, 1]));
    const one = sample('one', (r) => r.int(3, 3), 1000);
    expect(new Set(one)).toEqual(new Set([3]));
  });

  it('normal(mean, sd) has the right mean, sd and shape', () => {
    const xs = sample('n', (r) => r.normal(10, 2));
    const { mean, sd } = stats(xs);
    expect(Math.abs(mean - 10)).toBeLessThan(0.05);
    expect(Math.abs(sd - 2)).toBeLessThan(0.05);
    const within1 = xs.filter((x) => Math.abs(x - 10) < 2).length / N;
    const within2 = xs.filter((x) => Math.abs(x - 10) < 4).length / N;
    expect(Math.abs(within1 - 0.6827)).toBeLessThan(0.01);
    expect(Math.abs(within2 - 0.9545)).toBeLessThan(0.006);
  });

  it('normal() defaults to standard and the paired deviates are uncorrelated', () => {
    const xs = sample('z', (r) => r.normal());
    const { mean, variance } = stats(xs);
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(variance - 1)).toBeLessThan(0.03);
    let corr = 0;
    for (let i = 0; i + 1 < N; i += 2) corr += xs[i]! * xs[i + 1]!;
    expect(Math.abs(corr / (N / 2))).toBeLessThan(0.03);
  });

  it('exponential(mean) is non-negative with the right mean and variance', () => {
    const xs = sample('e', (r) => r.exponential(3));
    expect(xs.every((x) => x >= 0 && Number.isFinite(x))).toBe(true);
    const { mean, sd } = stats(xs);
    expect(Math.abs(mean - 3)).toBeLessThan(0.06);
    expect(Math.abs(sd - 3)).toBeLessThan(0.1);
    const aboveMean = xs.filter((x) => x > 3).length / N;
    expect(Math.abs(aboveMean - Math.exp(-1))).toBeLessThan(0.01);
  });

  it.each([
    [0.5, 0.02, 0.03],
    [4, 0.05, 0.15],
    [29.5, 0.15, 1.5],
    [30, 0.15, 1.5],
    [80, 0.2, 2.5],
    [1000, 0.8, 40],
  ])('poisson(%d) has mean and variance equal to lambda', (lambda, meanTol, varTol) => {
    const xs = sample(`p${lambda}`, (r) => r.poisson(lambda));
    expect(xs.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
    const { mean, variance } = stats(xs);
    expect(Math.abs(mean - lambda)).toBeLessThan(meanTol);
    expect(Math.abs(variance - lambda)).toBeLessThan(varTol);
  });

  it.each([4, 30, 80])('poisson(%d) matches the exact pmf (per bin and chi-square)', (lambda) => {
    const xs = sample(`pmf${lambda}`, (r) => r.poisson(lambda));
    const logPmf = (k: number) => {
      let lf = 0;
      for (let i = 2; i <= k; i++) lf += Math.log(i);
      return -lambda + k * Math.log(lambda) - lf;
    };
    const sd = Math.sqrt(lambda);
    for (let k = Math.floor(lambda - 2 * sd); k <= Math.ceil(lambda + 2 * sd); k++) {
      if (k < 0) continue;
      const p = Math.exp(logPmf(k));
      const observed = xs.filter((x) => x === k).length / N;
      // 6 standard errors of a binomial proportion.
      expect(Math.abs(observed - p)).toBeLessThan(6 * Math.sqrt((p * (1 - p)) / N) + 1e-4);
    }
    const counts = new Map<number, number>();
    for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
    let chi2 = 0;
    let bins = 0;
    for (let k = 0; k < lambda * 3 + 20; k++) {
      const expected = Math.exp(logPmf(k)) * N;
      if (expected < 20) continue;
      chi2 += ((counts.get(k) ?? 0) - expected) ** 2 / expected;
      bins++;
    }
    expect(bins).toBeGreaterThan(5);
    expect(chi2).toBeLessThan(bins + 6 * Math.sqrt(2 * bins));
  });

  it('poisson uses the product method below 30 and PTRS (uniform pairs) from 30 up', () => {
    /** Number of uniforms a call consumed, found by re-aligning a clone of the stream. */
    const consumed = (rng: Rng, f: (r: Rng) => number) => {
      const clone = Rng.restore(rng.save());
      const value = f(rng);
      const target = JSON.stringify(rng.save().alea);
      let n = 0;
      while (JSON.stringify(clone.save().alea) !== target && n < 10_000) {
        clone.next();
        n++;
      }
      return { value, n };
    };
    const rng = Rng.create('branch');
    for (let i = 0; i < 200; i++) {
      const small = consumed(rng, (r) => r.poisson(i % 2 === 0 ? 4 : 29.9));
      expect(small.n).toBe(small.value + 1);
      const large = consumed(rng, (r) => r.poisson(i % 2 === 0 ? 30 : 80));
      expect(large.n % 2).toBe(0);
      expect(large.n).toBeGreaterThanOrEqual(2);
      expect(large.n).toBeLessThan(large.value + 1);
    }
  });

  it('poisson of a non-positive or NaN mean is 0 without consuming draws', () => {
    const rng = Rng.create('p0');
    for (const lambda of [0, -1, -0, Number.NaN]) expect(rng.poisson(lambda)).toBe(0);
    expect(draws(rng)).toEqual(draws(Rng.create('p0')));
  });

  it('bernoulli(p) has rate p, with exact extremes', () => {
    const xs = sample('b', (r) => (r.bernoulli(0.3) ? 1 : 0));
    expect(Math.abs(stats(xs).mean - 0.3)).toBeLessThan(0.01);
    expect(sample('b0', (r) => (r.bernoulli(0) ? 1 : 0), 10_000).some((x) => x === 1)).toBe(false);
    expect(sample('b1', (r) => (r.bernoulli(1) ? 1 : 0), 10_000).every((x) => x === 1)).toBe(true);
  });
});

describe('Rng against seedrandom and in batches', () => {
  it('steps exactly as seedrandom.alea does, from the same seed', async () => {
    const seedrandom = (await import('seedrandom')).default;
    const ours = Rng.create(42);
    const theirs = seedrandom.alea('seed:42');
    for (let k = 0; k < 1000; k++) expect(ours.next()).toBe(theirs());
  });

  it('normals() equals successive normal(0, sd) bit for bit, odd counts and the spare included', () => {
    const a = Rng.create(5);
    const b = Rng.create(5);
    const out = new Float64Array(7);
    const sds = [0.7, 1.3]; // not powers of two: the rounding must match too
    for (let round = 0; round < 3; round++) {
      a.normals(out, 7, sds[0]!, sds[1]);
      const one = Array.from({ length: 7 }, (_, k) => b.normal(0, sds[k % 2]!));
      expect(Array.from(out)).toEqual(one);
    }
    expect(a.next()).toBe(b.next());
    const c = Rng.create(6);
    const d = Rng.create(6);
    c.normals(out, 5, 2.5);
    expect(Array.from(out.subarray(0, 5))).toEqual(
      Array.from({ length: 5 }, () => d.normal(0, 2.5)),
    );
  });
});
