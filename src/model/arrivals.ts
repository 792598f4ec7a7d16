/**
 * User arrivals: a Poisson number of new users per step for each traffic source, each with the
 * channel draws the cell needs on admission. Pure: everything random comes from the source's
 * own stream, drawn step by step, so any split of time into windows yields the same users.
 *
 * Channels: an arrival carries the gain of its link to its own cell and to each neighbour (dB;
 * signal = transmit power + gain). The paper's model draws each link's signal at the reference
 * power uniformly from the cell type's range, and the user is in its own cell's area: its
 * strongest link at equal power is its own cell's. The 'sinr' model places the user uniformly in a
 * disc around its cell and derives every link from path loss and log-normal shadowing
 * (`radio.ts`).
 */
import type { Rng } from '../rng.js';
import type { CellConfig, SourceConfig } from '../scenario/resolve.js';
import { linkGainDb, paperLinkGainDb, type Radio } from './radio.js';

export interface Arrival {
  /** Global step at which the user asks to connect. */
  readonly step: number;
  /** Gain of the link to its own cell, dB (signal = the cell's transmit power + gain). */
  readonly gainDb: number;
  /** Call duration in steps (at least 1). */
  readonly holdingSteps: number;
  /** Gain of the link to each neighbour (in the cell's neighbour order), dB. */
  readonly neighbourGainDb: readonly number[];
  /** 'sinr': where the user is, km. */
  readonly x?: number;
  readonly y?: number;
}

/**
 * A window of arrivals as parallel typed arrays (struct of arrays): a large network queues
 * hundreds of thousands of arrivals at a time, and as objects they would cost the garbage
 * collector and the cache far more than the model's own work.
 */
export class ArrivalWindow {
  length = 0;
  step: Int32Array;
  gainDb: Float64Array;
  holdingSteps: Int32Array;
  /** Neighbour `k` of arrival `a` at `a·neighbours + k`. */
  neighbourGainDb: Float64Array;
  /** 'sinr' only: positions, km. */
  x: Float64Array | null;
  y: Float64Array | null;

  constructor(
    /** Neighbours of the arrivals' cell. */
    readonly neighbours: number,
    positions: boolean,
    capacity = 8,
  ) {
    this.step = new Int32Array(capacity);
    this.gainDb = new Float64Array(capacity);
    this.holdingSteps = new Int32Array(capacity);
    this.neighbourGainDb = new Float64Array(capacity * neighbours);
    this.x = positions ? new Float64Array(capacity) : null;
    this.y = positions ? new Float64Array(capacity) : null;
  }

  /** Appends an arrival (its neighbour gains are written by the caller); returns its index. */
  add(step: number, gainDb: number, holdingSteps: number): number {
    if (this.length === this.step.length) this.grow();
    const i = this.length++;
    this.step[i] = step;
    this.gainDb[i] = gainDb;
    this.holdingSteps[i] = holdingSteps;
    return i;
  }

  /** Arrival `i` as an object (for tests and the odd single user). */
  at(i: number): Arrival {
    const k = this.neighbours;
    return {
      step: this.step[i]!,
      gainDb: this.gainDb[i]!,
      holdingSteps: this.holdingSteps[i]!,
      neighbourGainDb: Array.from(this.neighbourGainDb.subarray(i * k, i * k + k)),
      ...(this.x ? { x: this.x[i]!, y: this.y![i]! } : {}),
    };
  }

  /** Every arrival as an object. */
  toArray(): Arrival[] {
    return Array.from({ length: this.length }, (_, i) => this.at(i));
  }

  /** Inspection and logs see a summary, not the arrays. */
  toJSON(): { arrivals: number; fromStep: number | null; toStep: number | null } {
    return {
      arrivals: this.length,
      fromStep: this.length > 0 ? this.step[0]! : null,
      toStep: this.length > 0 ? this.step[this.length - 1]! : null,
    };
  }

  private grow(): void {
    const n = Math.max(8, this.step.length * 2);
    const widen = <T extends Int32Array | Float64Array>(a: T, size: number): T => {
      const b = new (a.constructor as { new (n: number): T })(size);
      b.set(a);
      return b;
    };
    this.step = widen(this.step, n);
    this.gainDb = widen(this.gainDb, n);
    this.holdingSteps = widen(this.holdingSteps, n);
    this.neighbourGainDb = widen(this.neighbourGainDb, n * this.neighbours);
    if (this.x) this.x = widen(this.x, n);
    if (this.y) this.y = widen(this.y!, n);
  }
}

/** Draws one new user of `cell` at `step` into `into`, in a fixed order from `rng`. */
export function drawUserInto(
  into: ArrivalWindow,
  rng: Rng,
  cell: CellConfig,
  cells: readonly CellConfig[],
  step: number,
  meanHoldingSteps: number,
  radio: Radio,
): void {
  const nbs = cell.neighbours;
  const base = into.length * nbs.length;
  if (radio.model === 'sinr') {
    // Uniform over the ring between the minimum distance and the radius.
    const r0 = Math.min(radio.sinr.minDistanceKm, cell.userRadiusKm);
    const r = Math.sqrt(r0 * r0 + (cell.userRadiusKm ** 2 - r0 * r0) * rng.next());
    const angle = 2 * Math.PI * rng.next();
    const x = cell.x + r * Math.cos(angle);
    const y = cell.y + r * Math.sin(angle);
    const gain = linkGainDb(radio.sinr, cell, x, y, rng);
    const i = into.add(step, gain, holding(rng, meanHoldingSteps));
    into.x![i] = x;
    into.y![i] = y;
    for (let k = 0; k < nbs.length; k++) {
      into.neighbourGainDb[base + k] = linkGainDb(radio.sinr, cells[nbs[k]!]!, x, y, rng);
    }
    return;
  }
  let own = paperLinkGainDb(cell, radio, rng);
  const i = into.add(step, own, holding(rng, meanHoldingSteps));
  let strongest = -1;
  for (let k = 0; k < nbs.length; k++) {
    const g = paperLinkGainDb(cells[nbs[k]!]!, radio, rng);
    into.neighbourGainDb[base + k] = g;
    if (g > own) {
      own = g;
      strongest = k;
    }
  }
  // The user is in its own cell's area: where, at equal power, that cell's link is the strongest.
  if (strongest >= 0) {
    into.neighbourGainDb[base + strongest] = into.gainDb[i]!;
    into.gainDb[i] = own;
  }
}

const holding = (rng: Rng, mean: number): number => Math.max(1, Math.ceil(rng.exponential(mean)));

/** One new user of `cell` at `step`, drawn in a fixed order from `rng`. */
export function drawUser(
  rng: Rng,
  cell: CellConfig,
  cells: readonly CellConfig[],
  step: number,
  meanHoldingSteps: number,
  radio: Radio,
): Arrival {
  const one = new ArrivalWindow(cell.neighbours.length, radio.model === 'sinr', 1);
  drawUserInto(one, rng, cell, cells, step, meanHoldingSteps, radio);
  return one.at(0);
}

/**
 * Arrivals of one source for global steps [fromStep, toStep): Poisson with the source's rate
 * (times its profile at each step of the episode), or the exact counts of its trace.
 */
export function generateArrivals(
  rng: Rng,
  source: SourceConfig,
  cells: readonly CellConfig[],
  fromStep: number,
  toStep: number,
  episodeSteps: number,
  radio: Radio,
): ArrivalWindow {
  const cell = cells[source.cellIndex]!;
  const { multipliers, trace } = source;
  const capacity = Math.ceil(Math.max(1, (toStep - fromStep) * source.ratePerStep * 1.2)) + 4;
  const out = new ArrivalWindow(cell.neighbours.length, radio.model === 'sinr', capacity);
  for (let step = fromStep; step < toStep; step++) {
    // Episodes follow one another on the global step axis: the profile restarts with each.
    const t = step % episodeSteps;
    const n = trace
      ? (trace[t] ?? 0)
      : rng.poisson(multipliers ? source.ratePerStep * multipliers[t]! : source.ratePerStep);
    for (let k = 0; k < n; k++) {
      drawUserInto(out, rng, cell, cells, step, source.meanHoldingSteps, radio);
    }
  }
  return out;
}

/** Numbers of an arrival record before its neighbour gains: step, gain, holding steps. */
export const RECORD_HEAD = 3;

/**
 * Every traffic source's pending arrivals, copied out of the windows into one buffer the world
 * owns. Each source has its own stretch of the buffer holding records of `stride` numbers
 * (step, gain, holdingSteps, the neighbours' gains, and with 'sinr' x and y); the
 * per-source bookkeeping lives in typed arrays indexed by source.
 *
 * Why: a step checks every source for arrivals due. With one window object per source, each check
 * chased a chain of pointers to wherever that window happened to be allocated (in the actor
 * engine, interleaved with the actors' own objects), which at 10,000 cells cost more than the
 * admission itself. Here the check reads `due[s]`, a sequential array, and a due arrival is one
 * record in one place.
 */
export class ArrivalQueues {
  /** Step of each source's next pending arrival (Infinity when none is queued). */
  readonly due: Float64Array;
  /** Numbers per record, per source. */
  readonly stride: Int32Array;
  /** Offset of each source's stretch in `data`, its size in records, and its pending records. */
  private readonly start: Int32Array;
  private readonly size: Int32Array;
  private readonly head: Int32Array;
  private readonly count: Int32Array;
  data: Float64Array;
  /** End of the last stretch handed out, in numbers. */
  private used = 0;

  constructor(
    neighbours: readonly number[],
    positioned: boolean,
    initialRecords: readonly number[],
  ) {
    const n = neighbours.length;
    this.due = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
    this.stride = Int32Array.from(neighbours, (k) => RECORD_HEAD + k + (positioned ? 2 : 0));
    this.start = new Int32Array(n);
    this.size = new Int32Array(n);
    this.head = new Int32Array(n);
    this.count = new Int32Array(n);
    for (let s = 0; s < n; s++) {
      const records = initialRecords[s]!;
      this.size[s] = Number.isFinite(records) ? Math.max(1, Math.ceil(records)) : 1;
      this.start[s] = this.used;
      this.used += this.size[s]! * this.stride[s]!;
    }
    this.data = new Float64Array(Math.max(1, this.used));
  }

  /** Pending arrivals of source `s`. */
  pending(s: number): number {
    return this.count[s]!;
  }

  /** Offset in `data` of source `s`'s next pending record (only while one is pending). */
  next(s: number): number {
    return this.start[s]! + this.head[s]! * this.stride[s]!;
  }

  /** Drops source `s`'s next pending record. */
  pop(s: number): void {
    const left = --this.count[s]!;
    if (left === 0) {
      this.head[s] = 0;
      this.due[s] = Number.POSITIVE_INFINITY;
      return;
    }
    this.head[s]!++;
    this.due[s] = this.data[this.next(s)]!;
  }

  /** Appends a window of source `s`'s arrivals (later than any pending one). */
  push(s: number, w: ArrivalWindow): void {
    const n = w.length;
    if (n === 0) return;
    const stride = this.stride[s]!;
    const nb = w.neighbours;
    if (stride !== RECORD_HEAD + nb + (w.x ? 2 : 0)) {
      throw new Error(`internal error: a window for source ${s} has the wrong record shape`);
    }
    this.reserve(s, n);
    const data = this.data;
    let r = this.start[s]! + (this.head[s]! + this.count[s]!) * stride;
    for (let i = 0; i < n; i++, r += stride) {
      data[r] = w.step[i]!;
      data[r + 1] = w.gainDb[i]!;
      data[r + 2] = w.holdingSteps[i]!;
      for (let k = 0; k < nb; k++) data[r + RECORD_HEAD + k] = w.neighbourGainDb[i * nb + k]!;
      if (w.x) {
        data[r + RECORD_HEAD + nb] = w.x[i]!;
        data[r + RECORD_HEAD + 1 + nb] = w.y![i]!;
      }
    }
    if (this.count[s] === 0) this.due[s] = w.step[0]!;
    this.count[s]! += n;
  }

  /** Room for `n` more records after the pending ones: slide them to the front, else move. */
  private reserve(s: number, n: number): void {
    const stride = this.stride[s]!;
    const count = this.count[s]!;
    if (this.head[s]! + count + n <= this.size[s]!) return;
    const from = this.start[s]! + this.head[s]! * stride;
    if (count + n <= this.size[s]!) {
      this.data.copyWithin(this.start[s]!, from, from + count * stride);
    } else {
      // A new, larger stretch at the end (the old one is left unused).
      const records = Math.max(count + n, 2 * this.size[s]!);
      const need = this.used + records * stride;
      if (need > this.data.length) {
        const bigger = new Float64Array(Math.max(need, 2 * this.data.length));
        bigger.set(this.data.subarray(0, this.used));
        this.data = bigger;
      }
      this.data.copyWithin(this.used, from, from + count * stride);
      this.start[s] = this.used;
      this.size[s] = records;
      this.used = need;
    }
    this.head[s] = 0;
  }
}
