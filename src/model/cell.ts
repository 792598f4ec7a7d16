/**
 * Radio physics of one cell, as pure functions over plain data.
 *
 * A user's channel is kept as a path gain relative to the serving cell's transmit power, so a power
 * change moves every user's signal by the same number of dB: signal = power + gain. Gains drift as
 * a Gaussian random walk each step; a user whose signal falls below the floor is dropped. Coverage
 * quality is good/fair/poor by the share of poorly served users (signal or SNR below threshold).
 *
 * The SNR depends on the radio model:
 * - 'paper' (the AURA paper's model): snr = signal + snrOffset, the offset drawn per user from the
 *   cell type's range and drifting on its own;
 * - 'sinr': the signal over noise plus the interference from every neighbour cell at its *current*
 *   transmit power, each link's gain fixed by path loss and shadowing when the user arrives:
 *     sinr = signal − 10·log10(N + Σ_k 10^((P_k + g_k)/10))   (powers in dBm, N in mW)
 *   so one cell raising its power degrades its neighbours' users.
 */
import type { Rng } from '../rng.js';
import type { CellConfig } from '../scenario/resolve.js';
import type { Arrival, ArrivalWindow } from './arrivals.js';
import { dbToLinear, linkGainDb, type Radio } from './radio.js';

/** One user, as an object: what `UserTable.at` returns and `UserTable.add` takes. */
export interface User {
  /** Signal = serving power + gain (dB). */
  gain: number;
  /** SNR = signal + snrOffset (dB). */
  snrOffset: number;
  /** Global step at which the call ends. */
  departStep: number;
  /** Gain towards each neighbour of the serving cell (neighbour order), relative to its power. */
  neighbourGain: number[];
  /** 'sinr': the same gains as linear factors (10^(g/10)), for the interference sum. */
  neighbourLin?: number[];
  /** 'sinr': the user's position, km. */
  x?: number;
  y?: number;
}

/** Column offsets within a user's row of a `UserTable`. */
const GAIN = 0;
const SNR = 1;
const DEPART = 2;
const NB = 3;

/**
 * The users of one cell as rows of one Float64Array (no object per user): drift, departures,
 * coverage and handoff scan every user of every cell each step, and at city scale objects would
 * cost the cache and the garbage collector more than the model's own arithmetic.
 *
 * Row layout, `stride` numbers: gain, snrOffset, departStep, the gain towards each neighbour,
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
  push(gain: number, snrOffset: number, departStep: number): number {
    const r = this.length * this.stride;
    if (r + this.stride > this.rows.length) this.grow();
    this.rows[r + GAIN] = gain;
    this.rows[r + SNR] = snrOffset;
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
      snrOffset: row[r + SNR]!,
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

  /** Appends a user given as an object (tests, tools); 'sinr' linear gains are derived. */
  add(user: User): void {
    const r = this.push(user.gain, user.snrOffset, user.departStep);
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

/** The paper's model: poorly served when signal or SNR is below its threshold. */
export function isPoor(power: number, gain: number, snrOffset: number, radio: Radio): boolean {
  const signal = power + gain;
  return signal < radio.poorSignalDbm || signal + snrOffset < radio.poorSnrDb;
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
  if (radio.model !== 'sinr') return isPoor(cell.power, t.rows[r + GAIN]!, t.rows[r + SNR]!, radio);
  const signal = cell.power + t.rows[r + GAIN]!;
  if (signal < radio.poorSignalDbm) return true;
  // The same comparison as countPoor's, in linear terms: SINR < threshold.
  const noiseAndInterference = dbToLinear(radio.sinr.noiseDbm) + interferenceMw(cells, cell, i);
  return dbToLinear(signal) < dbToLinear(radio.poorSnrDb) * noiseAndInterference;
}

/** Poorly served users of a cell; the 'sinr' model needs every cell (the neighbours' power). */
export function countPoor(cell: CellState, radio: Radio, cells: readonly CellState[] = []): number {
  const t = cell.users;
  const { rows, stride, length } = t;
  const power = cell.power;
  let poor = 0;
  if (radio.model !== 'sinr') {
    const { poorSignalDbm, poorSnrDb } = radio;
    for (let r = 0, end = length * stride; r < end; r += stride) {
      const signal = power + rows[r + GAIN]!;
      if (signal < poorSignalDbm || signal + rows[r + SNR]! < poorSnrDb) poor++;
    }
    return poor;
  }
  // Each neighbour's linear power once per cell, not once per user.
  const nbs = cell.config.neighbours;
  const nbMw = nbs.map((j) => dbToLinear(cells[j]!.power));
  const noiseMw = dbToLinear(radio.sinr.noiseDbm);
  const threshold = dbToLinear(radio.poorSnrDb);
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

export type AdmitResult = 'admitted' | 'full' | 'noSignal';

/** Admission control for a new user: capacity first, then the signal floor. */
export function admit(
  cell: CellState,
  arrival: Arrival,
  cells: readonly CellState[],
  radio: Radio,
): AdmitResult {
  const { step, signalDbm, snrDb, holdingSteps, neighbourSignalDbm, x, y } = arrival;
  return admitUser(
    cell,
    cells,
    radio,
    step,
    signalDbm,
    snrDb,
    holdingSteps,
    neighbourSignalDbm,
    0,
    x ?? Number.NaN,
    y ?? Number.NaN,
  );
}

/** `admit` for arrival `i` of a window (no object per arrival). */
export function admitFrom(
  cell: CellState,
  w: ArrivalWindow,
  i: number,
  cells: readonly CellState[],
  radio: Radio,
): AdmitResult {
  return admitUser(
    cell,
    cells,
    radio,
    w.step[i]!,
    w.signalDbm[i]!,
    w.snrDb[i]!,
    w.holdingSteps[i]!,
    w.neighbourSignalDbm,
    i * w.neighbours,
    w.x ? w.x[i]! : Number.NaN,
    w.y ? w.y[i]! : Number.NaN,
  );
}

/**
 * `admit` for the arrival record at `r` of `data` (`ArrivalQueues`): step, signal, SNR, holding
 * steps, the neighbours' signals, and with 'sinr' the position.
 */
export function admitRecord(
  cell: CellState,
  data: Float64Array,
  r: number,
  cells: readonly CellState[],
  radio: Radio,
): AdmitResult {
  const nb = cell.config.neighbours.length;
  const positioned = radio.model === 'sinr';
  return admitUser(
    cell,
    cells,
    radio,
    data[r]!,
    data[r + 1]!,
    data[r + 2]!,
    data[r + 3]!,
    data,
    r + 4,
    positioned ? data[r + 4 + nb]! : Number.NaN,
    positioned ? data[r + 5 + nb]! : Number.NaN,
  );
}

function admitUser(
  cell: CellState,
  cells: readonly CellState[],
  radio: Radio,
  step: number,
  signalDbm: number,
  snrDb: number,
  holdingSteps: number,
  neighbourSignalDbm: ArrayLike<number>,
  base: number,
  x: number,
  y: number,
): AdmitResult {
  if (isFull(cell)) return 'full';
  const c = cell.config;
  const gain = signalDbm - c.powerMin;
  if (cell.power + gain < radio.signalFloorDbm) return 'noSignal';
  const t = cell.users;
  const r = t.push(gain, snrDb - signalDbm, step + holdingSteps);
  const rows = t.rows;
  const nbs = c.neighbours;
  for (let k = 0; k < nbs.length; k++) {
    rows[r + NB + k] = neighbourSignalDbm[base + k]! - cells[nbs[k]!]!.config.powerMin;
  }
  if (t.positioned) {
    for (let k = 0; k < nbs.length; k++) rows[r + t.lin + k] = dbToLinear(rows[r + NB + k]!);
    rows[r + t.pos] = x;
    rows[r + t.pos + 1] = y;
  }
  return 'admitted';
}

/** One step of channel drift; returns how many users fell below the floor and were dropped. */
export function driftUsers(cell: CellState, radio: Radio, rng: Rng): number {
  const { signalSdDb, snrSdDb } = radio.drift;
  const t = cell.users;
  const n = t.length;
  const driftGain = signalSdDb > 0;
  const driftSnr = snrSdDb > 0 && radio.model !== 'sinr';
  const perUser = (driftGain ? 1 : 0) + (driftSnr ? 1 : 0);
  // Every user's draws at once, in the order the loop uses them (each one `normal(0, sd)`).
  const z = deviates(n * perUser);
  if (driftGain) rng.normals(z, n * perUser, signalSdDb, driftSnr ? snrSdDb : signalSdDb);
  else rng.normals(z, n * perUser, snrSdDb);
  const rows = t.rows;
  const stride = t.stride;
  let k = 0;
  let dropped = 0;
  for (let i = n - 1; i >= 0; i--) {
    const r = i * stride;
    if (driftGain) rows[r + GAIN] = rows[r + GAIN]! + z[k++]!;
    if (driftSnr) rows[r + SNR] = rows[r + SNR]! + z[k++]!;
    if (cell.power + rows[r + GAIN]! < radio.signalFloorDbm) {
      t.removeAt(i);
      dropped++;
    }
  }
  return dropped;
}

export type HandoffResult = 'none' | 'handedOff' | 'neighbourFull' | 'neighbourWorse';

/**
 * Hands the cell's worst-served poor user to the neighbour offering it the best signal. The
 * request is dropped if that neighbour is full or not better by the margin. Without a poor user
 * (or a neighbour) no request is made.
 */
export function handoff(
  cells: readonly CellState[],
  from: number,
  radio: Radio,
  rng: Rng,
): HandoffResult {
  const cell = cells[from]!;
  const nbs = cell.config.neighbours;
  if (nbs.length === 0) return 'none';
  const t = cell.users;
  let worst = -1;
  let worstGain = Number.POSITIVE_INFINITY;
  for (let i = 0; i < t.length; i++) {
    const gain = t.rows[i * t.stride + GAIN]!;
    if (isPoorIn(cells, cell, i, radio) && (worst < 0 || gain < worstGain)) {
      worst = i;
      worstGain = gain;
    }
  }
  if (worst < 0) return 'none';
  const r = worst * t.stride;
  let bestK = 0;
  let bestSignal = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < nbs.length; k++) {
    const s = cells[nbs[k]!]!.power + t.rows[r + NB + k]!;
    if (s > bestSignal) {
      bestSignal = s;
      bestK = k;
    }
  }
  const target = cells[nbs[bestK]!]!;
  if (isFull(target)) return 'neighbourFull';
  if (bestSignal < cell.power + worstGain + radio.handoffMarginDb) return 'neighbourWorse';
  rehome(cells, from, worst, nbs[bestK]!, radio, rng);
  t.removeAt(worst);
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
  const q = dst.push(gain, src.rows[r + SNR]!, src.rows[r + DEPART]!);
  for (let k = 0; k < newNbs.length; k++) {
    dst.rows[q + NB + k] = gainTowards(cells, from, r, newNbs[k]!, radio, rng);
  }
  if (dst.positioned) {
    for (let k = 0; k < newNbs.length; k++) {
      dst.rows[q + dst.lin + k] = dbToLinear(dst.rows[q + NB + k]!);
    }
    dst.rows[q + dst.pos] = src.rows[r + src.pos]!;
    dst.rows[q + dst.pos + 1] = src.rows[r + src.pos + 1]!;
  }
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
  // A cell the user had no channel to yet: draw one (from where it is, with 'sinr').
  const c = cells[j]!.config;
  if (radio.model === 'sinr') {
    return linkGainDb(radio.sinr, c, src.rows[r + src.pos]!, src.rows[r + src.pos + 1]!, rng);
  }
  return rng.uniform(c.signalMin, c.signalMax) - c.powerMin;
}

let scratch = new Float64Array(256);
/** A scratch buffer of at least `n` numbers (reused: drift is never re-entered). */
function deviates(n: number): Float64Array {
  if (scratch.length < n) scratch = new Float64Array(Math.max(n, 2 * scratch.length));
  return scratch;
}
