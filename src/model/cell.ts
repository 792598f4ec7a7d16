/**
 * Radio physics of one cell, as pure functions over plain data.
 *
 * A user's channel is kept as the gain of its link to the serving cell (dB, absolute), so a power
 * change moves every user's signal by the same number of dB: signal = power + gain. The serving
 * link's gain follows a bounded, mean-reverting shadowing process (AR(1), `radio.ts`); a user whose
 * signal falls below the floor is dropped (a dropped call). Coverage quality is good/fair/poor by
 * the share of poorly served users (signal or SNR below threshold).
 *
 * The SNR depends on the radio model:
 * - 'paper' (the AURA paper's model): snr = signal − noise, capped, with the noise floor that maps
 *   the cell type's signal range onto its SNR range (−120 dBm ↔ 0 dB) and the cap at its top;
 * - 'sinr': the signal over noise plus the interference from every neighbour cell at its *current*
 *   transmit power, each link's gain fixed by path loss and shadowing when the user arrives:
 *     sinr = signal − 10·log10(N + Σ_k 10^((P_k + g_k)/10))   (powers in dBm, N in mW)
 *   so one cell raising its power degrades its neighbours' users.
 */
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import type { Rng } from '../rng.js';
import type { CellConfig } from '../scenario/resolve.js';
import { type Arrival, type ArrivalWindow, RECORD_HEAD } from './arrivals.js';
import { dbToLinear, linkGainDb, paperLinkGainDb, type Radio } from './radio.js';

/** One user, as an object: what `UserTable.at` returns and `UserTable.add` takes. */
export interface User {
  /** Signal = serving power + gain (dB). */
  gain: number;
  /** The serving link's gain at attachment: the mean its shadowing reverts to (dB). */
  baseGain: number;
  /** Global step at which the call ends. */
  departStep: number;
  /** Gain towards each neighbour of the serving cell (neighbour order), dB. */
  neighbourGain: number[];
  /** 'sinr': the same gains as linear factors (10^(g/10)), for the interference sum. */
  neighbourLin?: number[];
  /** 'sinr': the user's position, km. */
  x?: number;
  y?: number;
}

/** Column offsets within a user's row of a `UserTable`. */
const GAIN = 0;
const BASE = 1;
const DEPART = 2;
const NB = 3;

/**
 * The users of one cell as rows of one Float64Array (no object per user): drift, departures,
 * coverage and handoff scan every user of every cell each step, and at city scale objects would
 * cost the cache and the garbage collector more than the model's own arithmetic.
 *
 * Row layout, `stride` numbers: gain, baseGain, departStep, the gain towards each neighbour,
 * and with 'sinr' the same gains as linear factors, then x and y. Removal moves the last row into
 * the gap (users are unordered), so the order of users evolves exactly as an array's would under
 * swap-remove and push.
 */
export class UserTable {
  length = 0;
  /** Numbers per row. */
  readonly stride: number;
  /** Offsets of the linear neighbour gains and of x ('sinr' only; -1 otherwise). */
  readonly lin: number;
  readonly pos: number;
  rows: Float64Array;

  constructor(
    /** Neighbours of the cell (gains per row). */
    readonly neighbours: number,
    /** 'sinr': rows also hold linear gains and the position. */
    readonly positioned: boolean,
    rows = 8,
  ) {
    this.lin = positioned ? NB + neighbours : -1;
    this.pos = positioned ? NB + 2 * neighbours : -1;
    this.stride = NB + neighbours + (positioned ? neighbours + 2 : 0);
    this.rows = new Float64Array(Math.max(1, rows) * this.stride);
  }

  /** Appends a row with the given first columns; the caller writes the neighbour columns. */
  push(gain: number, baseGain: number, departStep: number): number {
    const r = this.length * this.stride;
    if (r + this.stride > this.rows.length) this.grow();
    this.rows[r + GAIN] = gain;
    this.rows[r + BASE] = baseGain;
    this.rows[r + DEPART] = departStep;
    this.length++;
    return r;
  }

  /** Removes user `i`: the last user takes its place. */
  removeAt(i: number): void {
    const last = --this.length;
    if (i === last) return;
    const s = this.stride;
    const row = this.rows;
    for (let to = i * s, from = last * s, end = to + s; to < end; to++, from++)
      row[to] = row[from]!;
  }

  clear(): void {
    this.length = 0;
  }

  /** User `i` as an object. */
  at(i: number): User {
    const r = i * this.stride;
    const k = this.neighbours;
    const row = this.rows;
    const user: User = {
      gain: row[r + GAIN]!,
      baseGain: row[r + BASE]!,
      departStep: row[r + DEPART]!,
      neighbourGain: Array.from(row.subarray(r + NB, r + NB + k)),
    };
    if (this.positioned) {
      user.neighbourLin = Array.from(row.subarray(r + this.lin, r + this.lin + k));
      user.x = row[r + this.pos]!;
      user.y = row[r + this.pos + 1]!;
    }
    return user;
  }

  /**
   * 'sinr': completes the row at `r` once its neighbour gains are written: their linear factors
   * and the user's position (nothing to do otherwise).
   */
  place(r: number, x: number, y: number): void {
    if (!this.positioned) return;
    const rows = this.rows;
    for (let k = 0; k < this.neighbours; k++)
      rows[r + this.lin + k] = dbToLinear(rows[r + NB + k]!);
    rows[r + this.pos] = x;
    rows[r + this.pos + 1] = y;
  }

  /** Appends a user given as an object (tests, tools); 'sinr' linear gains are derived. */
  add(user: User): void {
    const r = this.push(user.gain, user.baseGain, user.departStep);
    for (let k = 0; k < this.neighbours; k++) {
      const g = user.neighbourGain[k] ?? Number.NEGATIVE_INFINITY;
      this.rows[r + NB + k] = g;
      if (this.positioned) this.rows[r + this.lin + k] = user.neighbourLin?.[k] ?? dbToLinear(g);
    }
    if (this.positioned) {
      this.rows[r + this.pos] = user.x ?? Number.NaN;
      this.rows[r + this.pos + 1] = user.y ?? Number.NaN;
    }
  }

  /** An independent copy (rows copied). */
  copy(): UserTable {
    const t = new UserTable(this.neighbours, this.positioned, 1);
    t.rows = this.rows.slice();
    t.length = this.length;
    return t;
  }

  /** Every user as an object, in table order. */
  toArray(): User[] {
    return Array.from({ length: this.length }, (_, i) => this.at(i));
  }

  /** Inspection and logs see a count, not the rows. */
  toJSON(): { users: number } {
    return { users: this.length };
  }

  private grow(): void {
    const bigger = new Float64Array(Math.max(this.rows.length * 2, 8 * this.stride));
    bigger.set(this.rows);
    this.rows = bigger;
  }
}

/** An empty user table for a cell of `config` under `radio`. */
export function usersFor(config: CellConfig, radio: Radio): UserTable {
  return new UserTable(
    config.neighbours.length,
    radio.model === 'sinr',
    Math.min(config.capacity, 64),
  );
}

export interface CellState {
  readonly config: CellConfig;
  power: number;
  readonly users: UserTable;
  /** Poorly served users after the last step (kept for the next observation). */
  poorUsers: number;
}

/** Interference user `i` of cell `cell` receives from its neighbours at their current power, mW. */
export function interferenceMw(cells: readonly CellState[], cell: CellState, i: number): number {
  const nbs = cell.config.neighbours;
  const t = cell.users;
  const r = i * t.stride + t.lin;
  let sum = 0;
  for (let k = 0; k < nbs.length; k++) sum += dbToLinear(cells[nbs[k]!]!.power) * t.rows[r + k]!;
  return sum;
}

export const GOOD = 0;
export const FAIR = 1;
export const POOR = 2;

export function powerLevel(cell: CellState): number {
  return Math.round((cell.power - cell.config.powerMin) / cell.config.powerStep);
}

/** Power as a share of the cell's range (0 at minimum, 1 at maximum). */
export function powerShare(cell: CellState): number {
  const span = cell.config.powerMax - cell.config.powerMin;
  return span > 0 ? (cell.power - cell.config.powerMin) / span : 0;
}

/** Moves power one step up (+1) or down (-1), within the range. */
export function changePower(cell: CellState, direction: 1 | -1): void {
  const c = cell.config;
  const next = cell.power + direction * c.powerStep;
  cell.power = Math.min(c.powerMax, Math.max(c.powerMin, next));
}

/** The paper's model: SNR = signal − the type's noise floor (signal.min − snr.min), capped at snr.max. */
export function paperSnrDb(signal: number, cell: CellConfig): number {
  return Math.min(signal - (cell.signalMin - cell.snrMin), cell.snrMax);
}

/**
 * The SNR (or SINR) a user needs to be well served in a cell of `users` users: at least
 * `radio.poorSnrDb`, and enough for `radio.service.minRateMbps` from an equal share of the
 * bandwidth (Shannon: rate = B/n · log2(1 + SNR)). So a busier cell serves its weaker users worse.
 */
export function requiredSnrDb(radio: Radio, users: number): number {
  const { minRateMbps, bandwidthMHz } = radio.service;
  const bitsPerHz = (Math.max(1, users) * minRateMbps) / bandwidthMHz;
  return Math.max(radio.poorSnrDb, 10 * Math.log10(2 ** bitsPerHz - 1));
}

/** The paper's model: poorly served when signal or SNR is below what it needs. */
export function isPoor(
  power: number,
  gain: number,
  radio: Radio,
  cell: CellConfig,
  users: number,
): boolean {
  const signal = power + gain;
  return signal < radio.poorSignalDbm || paperSnrDb(signal, cell) < requiredSnrDb(radio, users);
}

/** Whether user `i` of `cell` is poorly served, under the scenario's radio model. */
export function isPoorIn(
  cells: readonly CellState[],
  cell: CellState,
  i: number,
  radio: Radio,
): boolean {
  const t = cell.users;
  const r = i * t.stride;
  const need = requiredSnrDb(radio, t.length);
  if (radio.model !== 'sinr') {
    return isPoor(cell.power, t.rows[r + GAIN]!, radio, cell.config, t.length);
  }
  const signal = cell.power + t.rows[r + GAIN]!;
  if (signal < radio.poorSignalDbm) return true;
  // The same comparison as countPoor's, in linear terms: SINR < threshold.
  const noiseAndInterference = dbToLinear(radio.sinr.noiseDbm) + interferenceMw(cells, cell, i);
  return dbToLinear(signal) < dbToLinear(need) * noiseAndInterference;
}

/** Poorly served users of a cell; the 'sinr' model needs every cell (the neighbours' power). */
export function countPoor(cell: CellState, radio: Radio, cells: readonly CellState[] = []): number {
  const t = cell.users;
  const { rows, stride, length } = t;
  const power = cell.power;
  let poor = 0;
  const need = requiredSnrDb(radio, length);
  if (radio.model !== 'sinr') {
    // signal < poorSignal, or min(signal − noise, cap) < need: one signal threshold.
    const c = cell.config;
    const noise = c.signalMin - c.snrMin;
    const snrBound = c.snrMax < need ? Number.POSITIVE_INFINITY : need + noise;
    const threshold = Math.max(radio.poorSignalDbm, snrBound);
    for (let r = 0, end = length * stride; r < end; r += stride) {
      if (power + rows[r + GAIN]! < threshold) poor++;
    }
    return poor;
  }
  // Each neighbour's linear power once per cell, not once per user.
  const nbs = cell.config.neighbours;
  const nbMw = nbs.map((j) => dbToLinear(cells[j]!.power));
  const noiseMw = dbToLinear(radio.sinr.noiseDbm);
  const threshold = dbToLinear(need);
  for (let r = 0, end = length * stride; r < end; r += stride) {
    const signal = power + rows[r + GAIN]!;
    if (signal < radio.poorSignalDbm) {
      poor++;
      continue;
    }
    let interference = 0;
    const lin = r + t.lin;
    for (let k = 0; k < nbs.length; k++) interference += nbMw[k]! * rows[lin + k]!;
    if (dbToLinear(signal) < threshold * (noiseMw + interference)) poor++;
  }
  return poor;
}

export function coverageOf(cell: CellState, radio: Radio): number {
  const n = cell.users.length;
  if (n === 0) return GOOD;
  const share = cell.poorUsers / n;
  if (share <= radio.coverage.goodMaxPoorShare) return GOOD;
  if (share <= radio.coverage.fairMaxPoorShare) return FAIR;
  return POOR;
}

export function isFull(cell: CellState): boolean {
  return cell.users.length >= cell.config.capacity;
}

/** Removes users whose call has ended by `step`. */
export function departUsers(cell: CellState, step: number): void {
  const t = cell.users;
  const rows = t.rows;
  const stride = t.stride;
  for (let i = t.length - 1; i >= 0; i--) {
    if (rows[i * stride + DEPART]! <= step) t.removeAt(i);
  }
}

/** What became of an arriving user (cell selection and admission). */
export const ADMITTED = 0;
/** Admitted by a neighbour: the strongest covering cell with room was not its own. */
export const ADMITTED_NEIGHBOUR = 1;
/** Refused for capacity: some candidate cell covers the user, but every covering one is full. */
export const BLOCKED = 2;
/** No candidate cell covers the user (every link below the floor): a coverage hole, not a drop. */
export const UNCOVERED = 3;
export type AdmitOutcome = 0 | 1 | 2 | 3;

/**
 * Cell selection and admission of arrival `a` (an object: tests, tools) at cell `from`.
 * See `admitLinks`.
 */
export function admit(
  cells: readonly CellState[],
  from: number,
  a: Arrival,
  radio: Radio,
  rng: Rng,
): AdmitOutcome {
  return admitLinks(
    cells,
    from,
    a.step + a.holdingSteps,
    a.gainDb,
    a.neighbourGainDb,
    0,
    a.x ?? Number.NaN,
    a.y ?? Number.NaN,
    radio,
    rng,
  );
}

/**
 * `admit` for the arrival record at `r` of `data` (`ArrivalQueues`): step, gain, holding steps,
 * the neighbours' gains, and with 'sinr' the position.
 */
export function admitRecord(
  cells: readonly CellState[],
  from: number,
  data: Float64Array,
  r: number,
  radio: Radio,
  rng: Rng,
): AdmitOutcome {
  const nb = cells[from]!.config.neighbours.length;
  const positioned = radio.model === 'sinr';
  return admitLinks(
    cells,
    from,
    data[r]! + data[r + 2]!,
    data[r + 1]!,
    data,
    r + RECORD_HEAD,
    positioned ? data[r + RECORD_HEAD + nb]! : Number.NaN,
    positioned ? data[r + RECORD_HEAD + 1 + nb]! : Number.NaN,
    radio,
    rng,
  );
}

/**
 * A user at the start of an episode (arrival `i` of `w`): attached to its own cell if that cell
 * covers it and has room, else not created. Returns whether it was.
 */
export function admitInitial(
  cell: CellState,
  w: ArrivalWindow,
  i: number,
  cells: readonly CellState[],
  radio: Radio,
): boolean {
  if (isFull(cell) || cell.power + w.gainDb[i]! < radio.signalFloorDbm) return false;
  const k = w.neighbours;
  attach(
    cells,
    cell.config.index,
    w.step[i]! + w.holdingSteps[i]!,
    w.gainDb[i]!,
    w.neighbourGainDb,
    i * k,
    w.x ? w.x[i]! : Number.NaN,
    w.y ? w.y[i]! : Number.NaN,
  );
  return true;
}

/**
 * Cell selection (as in 3GPP TS 38.304's criterion S and ranking): the user's candidates are its
 * own cell and every neighbour it has a link to; it attaches to the strongest one that covers it
 * (signal at the floor or above) and has room (its own cell at a tie). Admission control refuses
 * it only if every covering candidate is full (blocked); with no covering candidate it is
 * uncovered.
 */
function admitLinks(
  cells: readonly CellState[],
  from: number,
  departStep: number,
  gain: number,
  links: ArrayLike<number>,
  base: number,
  x: number,
  y: number,
  radio: Radio,
  rng: Rng,
): AdmitOutcome {
  const cell = cells[from]!;
  const nbs = cell.config.neighbours;
  const floor = radio.signalFloorDbm;
  let covered = false;
  let best = -2; // -2: none with room; -1: own cell; k: neighbour k
  let bestSignal = Number.NEGATIVE_INFINITY;
  const own = cell.power + gain;
  if (own >= floor) {
    covered = true;
    if (!isFull(cell)) {
      best = -1;
      bestSignal = own;
    }
  }
  for (let k = 0; k < nbs.length; k++) {
    const nb = cells[nbs[k]!]!;
    const signal = nb.power + links[base + k]!;
    if (signal < floor) continue;
    covered = true;
    if (signal > bestSignal && !isFull(nb)) {
      best = k;
      bestSignal = signal;
    }
  }
  if (best === -2) return covered ? BLOCKED : UNCOVERED;
  if (best === -1) {
    attach(cells, from, departStep, gain, links, base, x, y);
    return ADMITTED;
  }
  attachToNeighbour(cells, from, best, departStep, gain, links, base, x, y, radio, rng);
  return ADMITTED_NEIGHBOUR;
}

/** Appends a user to its own cell `to`, with its links to `to`'s neighbours at `links[base..]`. */
function attach(
  cells: readonly CellState[],
  to: number,
  departStep: number,
  gain: number,
  links: ArrayLike<number>,
  base: number,
  x: number,
  y: number,
): void {
  const t = cells[to]!.users;
  const r = t.push(gain, gain, departStep);
  const rows = t.rows;
  const n = t.neighbours;
  for (let k = 0; k < n; k++) rows[r + NB + k] = links[base + k]!;
  t.place(r, x, y);
}

/**
 * Appends a user of cell `from`'s area to its neighbour `k`: its link to `from` and to `from`'s
 * other neighbours carry over; a cell it has no link to yet gets one drawn.
 */
function attachToNeighbour(
  cells: readonly CellState[],
  from: number,
  k: number,
  departStep: number,
  gain: number,
  links: ArrayLike<number>,
  base: number,
  x: number,
  y: number,
  radio: Radio,
  rng: Rng,
): void {
  const fromNbs = cells[from]!.config.neighbours;
  const to = fromNbs[k]!;
  const dst = cells[to]!.users;
  const g = links[base + k]!;
  const q = dst.push(g, g, departStep);
  const toNbs = cells[to]!.config.neighbours;
  for (let m = 0; m < toNbs.length; m++) {
    const j = toNbs[m]!;
    const idx = j === from ? -1 : fromNbs.indexOf(j);
    dst.rows[q + NB + m] =
      j === from ? gain : idx >= 0 ? links[base + idx]! : drawLink(cells, j, x, y, radio, rng);
  }
  dst.place(q, x, y);
}

/** A link to cell `j` for a user it had none to: from the user's position with 'sinr'. */
function drawLink(
  cells: readonly CellState[],
  j: number,
  x: number,
  y: number,
  radio: Radio,
  rng: Rng,
): number {
  const c = cells[j]!.config;
  return radio.model === 'sinr'
    ? linkGainDb(radio.sinr, c, x, y, rng)
    : paperLinkGainDb(c, radio, rng);
}

/**
 * One step of shadowing on every user's serving link (AR(1) around its gain at attachment, with
 * per-step correlation `rho`); returns how many users fell below the floor and were dropped
 * (dropped calls: also users a power decrease left below it).
 */
export function driftUsers(cell: CellState, radio: Radio, rho: number, rng: Rng): number {
  const t = cell.users;
  const n = t.length;
  const sd = radio.shadowing.sdDb * Math.sqrt(1 - rho * rho);
  const z = deviates(n);
  if (sd > 0) rng.normals(z, n, sd);
  const rows = t.rows;
  const stride = t.stride;
  const floor = radio.signalFloorDbm - cell.power;
  let dropped = 0;
  for (let i = n - 1; i >= 0; i--) {
    const r = i * stride;
    const base = rows[r + BASE]!;
    if (sd > 0) rows[r + GAIN] = base + rho * (rows[r + GAIN]! - base) + z[n - 1 - i]!;
    if (rows[r + GAIN]! < floor) {
      t.removeAt(i);
      dropped++;
    }
  }
  return dropped;
}

/**
 * One step of shadowing by its expectation (a lookahead on a copy, `llm/oracle.ts`): every serving
 * gain moves to its AR(1) mean ḡ + ρ·(g − ḡ), users whose mean is below the floor leave; returns
 * the expected number of dropped calls, Σ P(g′ < floor) with the deviate of `driftUsers`.
 */
export function expectedDrift(cell: CellState, radio: Radio, rho: number): number {
  const sd = radio.shadowing.sdDb * Math.sqrt(1 - rho * rho);
  const floor = radio.signalFloorDbm - cell.power;
  const t = cell.users;
  let expected = 0;
  for (let i = t.length - 1; i >= 0; i--) {
    const r = i * t.stride;
    const base = t.rows[r + BASE]!;
    const mean = base + rho * (t.rows[r + GAIN]! - base);
    t.rows[r + GAIN] = mean;
    expected += sd > 0 ? normalCdf(floor, mean, sd) : mean < floor ? 1 : 0;
    if (mean < floor) t.removeAt(i);
  }
  return expected;
}

/** What a handoff request did. */
export type HandoffResult = 'noCandidate' | 'handedOff' | 'targetFull' | 'targetNoSignal';

/**
 * A handoff (3GPP event A3): among the cell's poorly served users whose link to some neighbour is
 * stronger than the serving one by more than the offset (`radio.handoffMarginDb`), the one with
 * the largest margin is handed to that neighbour. Without such a user (or a neighbour) nothing is
 * requested ('noCandidate'). The target's admission control refuses it when full, or when the user
 * would be below the floor there (a failed handoff: the user stays).
 */
export function handoff(
  cells: readonly CellState[],
  from: number,
  radio: Radio,
  rng: Rng,
): HandoffResult {
  const cell = cells[from]!;
  const nbs = cell.config.neighbours;
  const t = cell.users;
  let user = -1;
  let target = -1;
  let bestMargin = radio.handoffMarginDb;
  for (let i = 0; i < t.length; i++) {
    const r = i * t.stride;
    const serving = cell.power + t.rows[r + GAIN]!;
    let k = -1;
    let margin = bestMargin;
    for (let m = 0; m < nbs.length; m++) {
      const d = cells[nbs[m]!]!.power + t.rows[r + NB + m]! - serving;
      if (d > margin) {
        margin = d;
        k = m;
      }
    }
    if (k >= 0 && isPoorIn(cells, cell, i, radio)) {
      user = i;
      target = k;
      bestMargin = margin;
    }
  }
  if (user < 0) return 'noCandidate';
  const dest = cells[nbs[target]!]!;
  if (isFull(dest)) return 'targetFull';
  if (dest.power + t.rows[user * t.stride + NB + target]! < radio.signalFloorDbm) {
    return 'targetNoSignal';
  }
  rehome(cells, from, user, nbs[target]!, radio, rng);
  t.removeAt(user);
  return 'handedOff';
}

/** Appends user `i` of cell `from` to cell `to`, its channel as seen from its new serving cell. */
function rehome(
  cells: readonly CellState[],
  from: number,
  i: number,
  to: number,
  radio: Radio,
  rng: Rng,
): void {
  const src = cells[from]!.users;
  const r = i * src.stride;
  const dst = cells[to]!.users;
  const gain = gainTowards(cells, from, r, to, radio, rng);
  const newNbs = cells[to]!.config.neighbours;
  // The new serving link's shadowing starts from its current value.
  const q = dst.push(gain, gain, src.rows[r + DEPART]!);
  for (let k = 0; k < newNbs.length; k++) {
    dst.rows[q + NB + k] = gainTowards(cells, from, r, newNbs[k]!, radio, rng);
  }
  if (dst.positioned) dst.place(q, src.rows[r + src.pos]!, src.rows[r + src.pos + 1]!);
}

/** Gain towards cell `j` of the user in row `r` of cell `from`. */
function gainTowards(
  cells: readonly CellState[],
  from: number,
  r: number,
  j: number,
  radio: Radio,
  rng: Rng,
): number {
  const src = cells[from]!.users;
  if (j === from) return src.rows[r + GAIN]!;
  const k = cells[from]!.config.neighbours.indexOf(j);
  if (k >= 0) return src.rows[r + NB + k]!;
  const x = src.positioned ? src.rows[r + src.pos]! : Number.NaN;
  const y = src.positioned ? src.rows[r + src.pos + 1]! : Number.NaN;
  return drawLink(cells, j, x, y, radio, rng);
}

let scratch = new Float64Array(256);
/** A scratch buffer of at least `n` numbers (reused: drift is never re-entered). */
function deviates(n: number): Float64Array {
  if (scratch.length < n) scratch = new Float64Array(Math.max(n, 2 * scratch.length));
  return scratch;
}
