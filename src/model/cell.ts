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
import type { Rng } from '../engine/rng.js';
import type { CellConfig, ModelConfig } from '../scenario/resolve.js';
import type { Arrival, ArrivalWindow } from './arrivals.js';

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

export interface CellState {
  readonly config: CellConfig;
  power: number;
  users: User[];
  /** Poorly served users after the last step (kept for the next observation). */
  poorUsers: number;
}

export type Radio = ModelConfig['radio'];
export type SinrParams = Radio['sinr'];

/** Path loss over `distanceKm` (log-distance, e.g. 3GPP TR 36.814: 128.1 + 37.6·log10(d)), dB. */
export function pathLossDb(p: SinrParams, distanceKm: number): number {
  return p.pathLossDb + p.pathLossSlopeDb * Math.log10(Math.max(distanceKm, p.minDistanceKm));
}

export const dbToLinear = (db: number): number => 10 ** (db / 10);

/** Gain of the link from a cell to a user at (x, y): −path loss + shadowing, dB. */
export function linkGainDb(
  p: SinrParams,
  cell: { readonly x: number; readonly y: number },
  x: number,
  y: number,
  rng: Rng,
): number {
  const shadow = p.shadowingSdDb > 0 ? rng.normal(0, p.shadowingSdDb) : 0;
  return -pathLossDb(p, Math.hypot(x - cell.x, y - cell.y)) + shadow;
}

/** SINR of a signal against noise and interference (mW), dB. */
export function sinrDb(signalDbm: number, noiseDbm: number, interferenceMw: number): number {
  return signalDbm - 10 * Math.log10(dbToLinear(noiseDbm) + interferenceMw);
}

/** Interference a user of cell `cell` receives from its neighbours at their current power, mW. */
export function interferenceMw(cells: readonly CellState[], cell: CellState, user: User): number {
  const nbs = cell.config.neighbours;
  const lin = user.neighbourLin!;
  let sum = 0;
  for (let k = 0; k < nbs.length; k++) sum += dbToLinear(cells[nbs[k]!]!.power) * lin[k]!;
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
export function isPoor(power: number, user: User, radio: Radio): boolean {
  const signal = power + user.gain;
  return signal < radio.poorSignalDbm || signal + user.snrOffset < radio.poorSnrDb;
}

/** Whether a user of `cell` is poorly served, under the scenario's radio model. */
export function isPoorIn(
  cells: readonly CellState[],
  cell: CellState,
  user: User,
  radio: Radio,
): boolean {
  if (radio.model !== 'sinr') return isPoor(cell.power, user, radio);
  const signal = cell.power + user.gain;
  if (signal < radio.poorSignalDbm) return true;
  // The same comparison as countPoor's, in linear terms: SINR < threshold.
  const noiseAndInterference = dbToLinear(radio.sinr.noiseDbm) + interferenceMw(cells, cell, user);
  return dbToLinear(signal) < dbToLinear(radio.poorSnrDb) * noiseAndInterference;
}

/** Poorly served users of a cell; the 'sinr' model needs every cell (the neighbours' power). */
export function countPoor(cell: CellState, radio: Radio, cells: readonly CellState[] = []): number {
  let poor = 0;
  if (radio.model !== 'sinr') {
    for (const u of cell.users) if (isPoor(cell.power, u, radio)) poor++;
    return poor;
  }
  // Each neighbour's linear power once per cell, not once per user.
  const nbs = cell.config.neighbours;
  const nbMw = nbs.map((j) => dbToLinear(cells[j]!.power));
  const noiseMw = dbToLinear(radio.sinr.noiseDbm);
  const threshold = dbToLinear(radio.poorSnrDb);
  for (const u of cell.users) {
    const signal = cell.power + u.gain;
    if (signal < radio.poorSignalDbm) {
      poor++;
      continue;
    }
    let interference = 0;
    const lin = u.neighbourLin!;
    for (let k = 0; k < nbs.length; k++) interference += nbMw[k]! * lin[k]!;
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
  const users = cell.users;
  for (let i = users.length - 1; i >= 0; i--) {
    if (users[i]!.departStep <= step) removeAt(users, i);
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
    x,
    y,
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
    w.x?.[i],
    w.y?.[i],
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
  x: number | undefined,
  y: number | undefined,
): AdmitResult {
  if (isFull(cell)) return 'full';
  const c = cell.config;
  const gain = signalDbm - c.powerMin;
  if (cell.power + gain < radio.signalFloorDbm) return 'noSignal';
  const nbs = c.neighbours;
  const neighbourGain = new Array<number>(nbs.length);
  for (let k = 0; k < nbs.length; k++) {
    neighbourGain[k] = neighbourSignalDbm[base + k]! - cells[nbs[k]!]!.config.powerMin;
  }
  const user: User = {
    gain,
    snrOffset: snrDb - signalDbm,
    departStep: step + holdingSteps,
    neighbourGain,
  };
  if (radio.model === 'sinr') {
    user.neighbourLin = neighbourGain.map(dbToLinear);
    user.x = x;
    user.y = y;
  }
  cell.users.push(user);
  return 'admitted';
}

/** One step of channel drift; returns how many users fell below the floor and were dropped. */
export function driftUsers(cell: CellState, radio: Radio, rng: Rng): number {
  const { signalSdDb, snrSdDb } = radio.drift;
  const users = cell.users;
  const driftGain = signalSdDb > 0;
  const driftSnr = snrSdDb > 0 && radio.model !== 'sinr';
  const perUser = (driftGain ? 1 : 0) + (driftSnr ? 1 : 0);
  // Every user's draws at once, in the order the loop uses them (each one `normal(0, sd)`).
  const sds = driftGain && driftSnr ? [signalSdDb, snrSdDb] : [driftGain ? signalSdDb : snrSdDb];
  const z = deviates(users.length * perUser);
  rng.normals(z, users.length * perUser, sds);
  let k = 0;
  let dropped = 0;
  for (let i = users.length - 1; i >= 0; i--) {
    const u = users[i]!;
    if (driftGain) u.gain += z[k++]!;
    if (driftSnr) u.snrOffset += z[k++]!;
    if (cell.power + u.gain < radio.signalFloorDbm) {
      removeAt(users, i);
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
  let worst = -1;
  for (let i = 0; i < cell.users.length; i++) {
    const u = cell.users[i]!;
    if (isPoorIn(cells, cell, u, radio) && (worst < 0 || u.gain < cell.users[worst]!.gain))
      worst = i;
  }
  if (worst < 0) return 'none';
  const user = cell.users[worst]!;
  let bestK = 0;
  let bestSignal = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < nbs.length; k++) {
    const s = cells[nbs[k]!]!.power + user.neighbourGain[k]!;
    if (s > bestSignal) {
      bestSignal = s;
      bestK = k;
    }
  }
  const target = cells[nbs[bestK]!]!;
  if (isFull(target)) return 'neighbourFull';
  if (bestSignal < cell.power + user.gain + radio.handoffMarginDb) return 'neighbourWorse';
  removeAt(cell.users, worst);
  target.users.push(rehome(user, cells, from, nbs[bestK]!, radio, rng));
  return 'handedOff';
}

/** The user's channel as seen from its new serving cell. */
function rehome(
  user: User,
  cells: readonly CellState[],
  from: number,
  to: number,
  radio: Radio,
  rng: Rng,
): User {
  const oldNbs = cells[from]!.config.neighbours;
  const gainTo = (j: number): number => {
    if (j === from) return user.gain;
    const k = oldNbs.indexOf(j);
    if (k >= 0) return user.neighbourGain[k]!;
    // A cell the user had no channel to yet: draw one (from where it is, with 'sinr').
    const c = cells[j]!.config;
    if (radio.model === 'sinr') return linkGainDb(radio.sinr, c, user.x!, user.y!, rng);
    return rng.uniform(c.signalMin, c.signalMax) - c.powerMin;
  };
  const gain = gainTo(to);
  const neighbourGain = cells[to]!.config.neighbours.map(gainTo);
  const moved: User = {
    gain,
    snrOffset: user.snrOffset,
    departStep: user.departStep,
    neighbourGain,
  };
  if (radio.model === 'sinr') {
    moved.neighbourLin = neighbourGain.map(dbToLinear);
    moved.x = user.x;
    moved.y = user.y;
  }
  return moved;
}

let scratch = new Float64Array(256);
/** A scratch buffer of at least `n` numbers (reused: drift is never re-entered). */
function deviates(n: number): Float64Array {
  if (scratch.length < n) scratch = new Float64Array(Math.max(n, 2 * scratch.length));
  return scratch;
}

function removeAt<T>(items: T[], i: number): void {
  const last = items.pop()!;
  if (i < items.length) items[i] = last;
}
