/**
 * Seeded random streams, forked by label.
 *
 * Every random draw in the model comes from a stream obtained with `rng.fork('arrivals/urban')`.
 * A stream's seed is derived from the root seed and its full label only, so adding a component
 * (and its streams) never shifts the numbers another component sees. Streams are Alea generators:
 * seeded by `seedrandom.alea` (its Mash hash of the label), then stepped here with the very same
 * arithmetic on a Float64Array. One method shared by every stream (not one closure per stream, as
 * in seedrandom) lets the JIT inline the draw and keeps the state unboxed: with 10,000 cells,
 * boxing every draw's doubles was most of the simulation's garbage.
 */
import seedrandom from 'seedrandom';

/** Serializable state of one stream: alea's internal state plus the cached normal deviate. */
export interface RngState {
  readonly label: string;
  readonly alea: seedrandom.State.Alea;
  readonly spare: number | null;
}

export class Rng {
  /**
   * Alea's state (s0, s1, s2, c), then the normal deviate kept for the next call and whether
   * there is one, then scratch for a polar pair: numbers in a Float64Array are never boxed, so
   * drawing allocates nothing.
   */
  private readonly s = new Float64Array(8);

  private constructor(
    /** Full label of this stream, e.g. `seed:7/arrivals/urban`. */
    readonly label: string,
    state: seedrandom.State.Alea,
  ) {
    this.s[0] = state.s0;
    this.s[1] = state.s1;
    this.s[2] = state.s2;
    this.s[3] = state.c;
  }

  private static seeded(label: string): Rng {
    return new Rng(label, seedrandom.alea(label, { state: true }).state());
  }

  /** The root stream for a seed. */
  static create(seed: number | string): Rng {
    return Rng.seeded(`seed:${seed}`);
  }

  /** Rebuilds a stream from `save()` output; it continues exactly where the saved one stood. */
  static restore(state: RngState): Rng {
    const rng = new Rng(state.label, state.alea);
    if (state.spare !== null) rng.keep(state.spare);
    return rng;
  }

  /** An independent stream whose seed depends only on this stream's label and `label`. */
  fork(label: string): Rng {
    if (label.length === 0) throw new Error('Rng.fork: empty label');
    return Rng.seeded(`${this.label}/${label}`);
  }

  save(): RngState {
    const [s0, s1, s2, c] = this.s;
    const spare = this.s[5] === 1 ? this.s[4]! : null;
    return { label: this.label, alea: { c: c!, s0: s0!, s1: s1!, s2: s2! }, spare };
  }

  private keep(z: number): void {
    this.s[4] = z;
    this.s[5] = 1;
  }

  /** Uniform in [0, 1): one Alea step (seedrandom's `alea().next`, bit for bit). */
  next(): number {
    const s = this.s;
    const t = 2091639 * s[0]! + s[3]! * 2.3283064365386963e-10; // 2^-32
    s[0] = s[1]!;
    s[1] = s[2]!;
    s[3] = t | 0;
    s[2] = t - s[3]!;
    return s[2]!;
  }

  /** Uniform in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor((max - min + 1) * this.next());
  }

  bernoulli(p: number): boolean {
    return this.next() < p;
  }

  /** Normal deviate (Marsaglia polar method; the second deviate of each pair is kept). */
  normal(mean = 0, sd = 1): number {
    if (this.s[5] === 1) {
      this.s[5] = 0;
      return mean + sd * this.s[4]!;
    }
    this.polar();
    return mean + sd * this.s[6]! * this.s[7]!;
  }

  /**
   * Fills `out[0..count)` with the values of `count` successive calls `normal(0, sd)`, bit for
   * bit, `sd` alternating `sdEven`, `sdOdd` (e.g. a user's gain and SNR draws). One call per batch
   * instead of one per draw keeps the deviates unboxed in hot loops.
   */
  normals(out: Float64Array, count: number, sdEven: number, sdOdd = sdEven): void {
    for (let k = 0; k < count; k++) {
      const sd = (k & 1) === 0 ? sdEven : sdOdd;
      if (this.s[5] === 1) {
        this.s[5] = 0;
        out[k] = 0 + sd * this.s[4]!;
      } else {
        this.polar();
        out[k] = 0 + sd * this.s[6]! * this.s[7]!;
      }
    }
  }

  /** Draws a polar pair: keeps the second deviate, leaves u and the factor in s[6], s[7]. */
  private polar(): void {
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.keep(v * f);
    this.s[6] = u;
    this.s[7] = f;
  }

  /** Exponential deviate with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** Poisson count with mean `lambda` (Knuth's product method below 30, PTRS above). */
  poisson(lambda: number): number {
    if (!(lambda > 0)) return 0;
    if (lambda < 30) {
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = this.next();
      while (p > limit) {
        k++;
        p *= this.next();
      }
      return k;
    }
    return this.poissonPtrs(lambda);
  }

  /** Hörmann's transformed rejection with squeeze (PTRS), exact for large means. */
  private poissonPtrs(lambda: number): number {
    const slam = Math.sqrt(lambda);
    const loglam = Math.log(lambda);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.next() - 0.5;
      const v = this.next();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (
        Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <=
        -lambda + k * loglam - logFactorial(k)
      ) {
        return k;
      }
    }
  }
}

function logFactorial(k: number): number {
  if (k < 2) return 0;
  // Stirling series; exact enough for k >= 2 in the rejection test above.
  const x = k + 1;
  return (
    (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x ** 3)
  );
}
