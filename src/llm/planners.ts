/**
 * The simulated provider's planner policies: what the embedded stand-in suggests for each target
 * cell of a planner prompt, reading only the prompt's `<network_state>` block (none has world
 * access; none is a language model). Chosen by `guidance.llm.policy`; thresholds in
 * `guidance.llm.rules` (defaults in `DEFAULT_PLANNER_RULES`).
 *
 * naive (the default, the original heuristic), per target, first rule that fires:
 *   (a) handoff (4): the cell has poorly served users and a neighbour has spare room — at least
 *       max(handoffMinFree, handoffMinFreeShare of capacity) free places after adding its rising
 *       user trend — and no event (signal) under way or coming at that neighbour that would fill it;
 *   (b) increase (1): coverage is fair or poor, or the cell dropped requests recently while it
 *       still had room (so the drops came from weak signal, not congestion), and power < max;
 *   (c) increase (1), pre-emptive: a signal concerning the cell is under way or coming, and
 *       power < max (the prompt builder only lists signals within its lookahead);
 *   (d) decrease (2), save energy: coverage good, no poorly served users, no recent drops, load
 *       (plus rising trend) below lowLoadShare of capacity, no signal coming, and power > min;
 *   (e) maintain (3) otherwise (also for a target the snapshot does not describe).
 *
 * expert, per target, first rule that fires:
 *   (a) increase: power < max and coverage is fair or poor, or at least raiseMinRecentDrops recent
 *       drops while the cell has room (weak signal, which power fixes — congestion it does not);
 *   (b) handoff: at least handoffMinPoorUsers poorly served users and a neighbour with room (as
 *       naive's, with its own thresholds) that transmits at least handoffPowerGapDb above the cell
 *       (users sit in their own cell's area, so only a stronger neighbour can beat a user's serving
 *       link by the A3 offset; without per-user margins in the prompt this is the best proxy);
 *   (c) increase: a signal concerning the cell is under way or coming, and power < max;
 *   (d) decrease: coverage good, no poorly served users, no drops (recent or last step), load
 *       (plus rising trend) below saveEnergyMaxLoadShare, no signal, and power > min;
 *   (e) maintain otherwise.
 *
 * adversarial (a lower bound: the opposite of sound advice), first rule that fires:
 *   (a) decrease: coverage fair or poor, or at least weakMinRecentDrops recent drops, and power > min;
 *   (b) increase: coverage good and power < max (energy spent for nothing);
 *   (c) handoff: at most handoffMaxPoorUsers poorly served users (nobody to move);
 *   (d) maintain otherwise.
 *
 * random: one uniform draw per target from the provider's `planner/random` stream, over the four
 * actions (whatever the snapshot says, also for a target it does not describe).
 *
 * oracle is not here: it reads the world, not the snapshot (`oracle.ts`).
 */
import { ACTIONS, type Action } from '../agents/space.js';
import type { Rng } from '../rng.js';
import {
  DEFAULT_PLANNER_RULES,
  type PlannerPolicy,
  type PlannerRules,
} from '../scenario/schema/llm.js';
import {
  ACTION_CODES,
  type CellSnapshot,
  type PlannerSnapshot,
  type SignalSnapshot,
} from './types.js';

// --- Shared ------------------------------------------------------------------------------------

export type PlannerRule =
  | 'handoff'
  | 'weak-coverage'
  | 'signal'
  | 'save-energy'
  | 'maintain'
  | 'random'
  | 'adversarial'
  | 'oracle';

/** The heuristic's choice for one target cell, with the reason a verbose reply gives. */
export interface PlannedAction {
  readonly cell: string;
  readonly code: number;
  readonly rule: PlannerRule;
  readonly reason: string;
}

/** Signals concerning `cellId` that are under way or still to come. */
function activeSignals(cellId: string, signals: readonly SignalSnapshot[]): SignalSnapshot[] {
  return signals.filter(
    (s) => s.cells.includes(cellId) && s.startsInSeconds + s.durationSeconds > 0,
  );
}

/** Free places the neighbour can offer, net of the users it is gaining anyway. */
function spareRoom(n: CellSnapshot): number {
  return n.capacity - n.users - Math.max(0, n.usersTrend);
}

/** Room for handoffs: `minFree` places and `minFreeShare` of capacity, and no event coming. */
function canTakeHandoffs(
  n: CellSnapshot,
  signals: readonly SignalSnapshot[],
  minFree: number,
  minFreeShare: number,
): boolean {
  const margin = Math.max(minFree, Math.ceil(minFreeShare * n.capacity));
  return spareRoom(n) >= margin && activeSignals(n.id, signals).length === 0;
}

/** The roomiest neighbour of `cell` that passes `ok`, ties by id. */
function roomiestNeighbour(
  cell: CellSnapshot,
  byId: ReadonlyMap<string, CellSnapshot>,
  ok: (n: CellSnapshot) => boolean,
): CellSnapshot | undefined {
  return cell.neighbours
    .map((id) => byId.get(id))
    .filter((n): n is CellSnapshot => n !== undefined && ok(n))
    .sort((a, b) => spareRoom(b) - spareRoom(a) || a.id.localeCompare(b.id))[0];
}

/** `choose(action, rule, reason)` for `target`. */
const chooser =
  (target: string) =>
  (action: Action, rule: PlannerRule, reason: string): PlannedAction => ({
    cell: target,
    code: ACTION_CODES[action],
    rule,
    reason,
  });

const noMeasurements = (target: string): PlannedAction =>
  chooser(target)('maintain', 'maintain', `I have no measurements for ${target}, so I keep it.`);

const fmt = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(1));

function describeSignal(s: SignalSnapshot): string {
  const when =
    s.startsInSeconds >= 0
      ? `starts in ${fmt(s.startsInSeconds)} s`
      : `has been under way for ${fmt(-s.startsInSeconds)} s`;
  return `${s.id} (${s.description}) ${when}`;
}

/** Both rule planners' answer to a signalled event: more power ahead of the extra demand. */
function raiseForSignal(
  target: string,
  signal: SignalSnapshot,
  load: string,
  powerDbm: number,
): PlannedAction {
  return chooser(target)(
    'increase',
    'signal',
    `${describeSignal(signal)} near ${target} (${load}, ${fmt(powerDbm)} dBm), so I raise ` +
      'power ahead of the extra demand.',
  );
}

// --- naive: the original heuristic ---------------------------------------------------------------

/**
 * The original ("naive") heuristic's action for one target cell; deterministic given the snapshot.
 * Its handoff rule comes first and fires whenever a cell has any poorly served user and a roomy
 * neighbour, which is most of the time and mostly a no-op in the A3 model: a poor advisor.
 */
export function planCell(
  snapshot: PlannerSnapshot,
  target: string,
  rules: PlannerRules['naive'] = DEFAULT_PLANNER_RULES.naive,
): PlannedAction {
  const byId = new Map(snapshot.cells.map((c) => [c.id, c]));
  const cell = byId.get(target);
  const choose = chooser(target);
  if (!cell) return noMeasurements(target);
  const load = `${fmt(cell.users)}/${fmt(cell.capacity)} users`;
  const belowMax = cell.powerDbm < cell.powerMaxDbm;

  // (a) Handing off only helps if someone is poorly served and a neighbour will stay roomy.
  if (cell.poorUsers > 0) {
    const helper = cell.neighbours
      .map((id) => byId.get(id))
      .filter(
        (n): n is CellSnapshot =>
          n !== undefined &&
          canTakeHandoffs(n, snapshot.signals, rules.handoffMinFree, rules.handoffMinFreeShare),
      )
      .sort((a, b) => spareRoom(b) - spareRoom(a) || a.id.localeCompare(b.id))[0];
    if (helper) {
      return choose(
        'handoff',
        'handoff',
        `${target} has ${fmt(cell.poorUsers)} poorly served users (${load}, ${cell.coverage} coverage) ` +
          `while neighbour ${helper.id} has ${fmt(helper.users)}/${fmt(helper.capacity)} users and no ` +
          'event coming, so a handoff moves them to better service.',
      );
    }
  }

  // (b) Drops while the cell still had room come from weak signal, which power can fix.
  const weakDrops = cell.recentDrops > 0 && cell.users < cell.capacity;
  if ((cell.coverage !== 'good' || weakDrops) && belowMax) {
    return choose(
      'increase',
      'weak-coverage',
      `${target} has ${cell.coverage} coverage, ${fmt(cell.poorUsers)} poorly served users and ` +
        `${fmt(cell.recentDrops)} recent drops with ${load}, at ${fmt(cell.powerDbm)} dBm of ` +
        `${fmt(cell.powerMaxDbm)} dBm, so more power should reach them.`,
    );
  }

  // (c) Raise power before an event's crowd arrives rather than after the drops start.
  const signals = activeSignals(target, snapshot.signals);
  if (signals[0] && belowMax) return raiseForSignal(target, signals[0], load, cell.powerDbm);

  // (d) A quiet, well-covered cell wastes energy at high power.
  const projectedLoad = cell.users + Math.max(0, cell.usersTrend);
  if (
    cell.coverage === 'good' &&
    cell.poorUsers === 0 &&
    cell.recentDrops === 0 &&
    projectedLoad < rules.lowLoadShare * cell.capacity &&
    signals.length === 0 &&
    cell.powerDbm > cell.powerMinDbm
  ) {
    return choose(
      'decrease',
      'save-energy',
      `${target} has good coverage, no recent drops and only ${load}, so lowering power from ` +
        `${fmt(cell.powerDbm)} dBm saves energy without hurting service.`,
    );
  }

  // (e) Nothing above applies (or power is already at its limit).
  const why =
    !belowMax && (cell.coverage !== 'good' || weakDrops || signals[0])
      ? `it is already at its maximum power of ${fmt(cell.powerMaxDbm)} dBm`
      : 'no change would clearly help';
  return choose(
    'maintain',
    'maintain',
    `${target} has ${cell.coverage} coverage, ${load} and ${fmt(cell.recentDrops)} recent drops; ` +
      `${why}, so I keep its settings.`,
  );
}

/** The naive heuristic's plan for every target, in request order. */
export function planTargets(
  snapshot: PlannerSnapshot,
  rules: PlannerRules['naive'] = DEFAULT_PLANNER_RULES.naive,
): PlannedAction[] {
  return snapshot.targets.map((t) => planCell(snapshot, t, rules));
}

// --- expert ------------------------------------------------------------------------------------

/** Competent rules on what the prompt carries (see the file comment); deterministic. */
export function planCellExpert(
  snapshot: PlannerSnapshot,
  target: string,
  rules: PlannerRules['expert'] = DEFAULT_PLANNER_RULES.expert,
): PlannedAction {
  const byId = new Map(snapshot.cells.map((c) => [c.id, c]));
  const cell = byId.get(target);
  if (!cell) return noMeasurements(target);
  const choose = chooser(target);
  const load = `${fmt(cell.users)}/${fmt(cell.capacity)} users`;
  const belowMax = cell.powerDbm < cell.powerMaxDbm;

  // (a) Weak signal (poor coverage, or drops while there was room) is what power fixes.
  const weakDrops = cell.recentDrops >= rules.raiseMinRecentDrops && cell.users < cell.capacity;
  if ((cell.coverage !== 'good' || weakDrops) && belowMax) {
    return choose(
      'increase',
      'weak-coverage',
      `${target} has ${cell.coverage} coverage, ${fmt(cell.poorUsers)} poorly served users and ` +
        `${fmt(cell.recentDrops)} recent drops with ${load}, at ${fmt(cell.powerDbm)} dBm of ` +
        `${fmt(cell.powerMaxDbm)} dBm, so more power should reach them.`,
    );
  }

  // (b) A handoff needs a poorly served user whose neighbour link is clearly better: only a
  // neighbour transmitting well above this cell can offer that, and it must have room.
  if (cell.poorUsers >= Math.max(1, rules.handoffMinPoorUsers)) {
    const helper = roomiestNeighbour(
      cell,
      byId,
      (n) =>
        n.powerDbm - cell.powerDbm >= rules.handoffPowerGapDb &&
        canTakeHandoffs(n, snapshot.signals, rules.handoffMinFree, rules.handoffMinFreeShare),
    );
    if (helper) {
      return choose(
        'handoff',
        'handoff',
        `${target} has ${fmt(cell.poorUsers)} poorly served users (${load}, ${cell.coverage} ` +
          `coverage${belowMax ? '' : ', power at its maximum'}) while neighbour ${helper.id} ` +
          `transmits ${fmt(helper.powerDbm)} dBm against ${fmt(cell.powerDbm)} dBm and has ` +
          `${fmt(helper.users)}/${fmt(helper.capacity)} users, so it can serve some of them better.`,
      );
    }
  }

  // (c) Raise power before an event's crowd arrives.
  const signals = activeSignals(target, snapshot.signals);
  if (signals[0] && belowMax) return raiseForSignal(target, signals[0], load, cell.powerDbm);

  // (d) Lower power only when it is plainly safe: everyone well served, nothing dropped.
  const projectedLoad = cell.users + Math.max(0, cell.usersTrend);
  if (
    cell.coverage === 'good' &&
    cell.poorUsers === 0 &&
    cell.recentDrops === 0 &&
    cell.dropsLastStep === 0 &&
    projectedLoad < rules.saveEnergyMaxLoadShare * cell.capacity &&
    signals.length === 0 &&
    cell.powerDbm > cell.powerMinDbm
  ) {
    return choose(
      'decrease',
      'save-energy',
      `${target} serves all ${load} well and dropped nothing, so lowering power from ` +
        `${fmt(cell.powerDbm)} dBm saves energy.`,
    );
  }

  return choose(
    'maintain',
    'maintain',
    `${target} has ${cell.coverage} coverage, ${load} and ${fmt(cell.recentDrops)} recent drops at ` +
      `${fmt(cell.powerDbm)} dBm; no change would clearly help, so I keep its settings.`,
  );
}

// --- adversarial ---------------------------------------------------------------------------------

/** A deliberately harmful advisor, the ladder's lower bound (see the file comment). */
export function planCellAdversarial(
  snapshot: PlannerSnapshot,
  target: string,
  rules: PlannerRules['adversarial'] = DEFAULT_PLANNER_RULES.adversarial,
): PlannedAction {
  const cell = snapshot.cells.find((c) => c.id === target);
  if (!cell) return noMeasurements(target);
  const choose = chooser(target);
  const state = `${target} has ${cell.coverage} coverage, ${fmt(cell.users)}/${fmt(cell.capacity)} users and ${fmt(cell.recentDrops)} recent drops`;
  const struggling = cell.coverage !== 'good' || cell.recentDrops >= rules.weakMinRecentDrops;
  if (struggling && cell.powerDbm > cell.powerMinDbm) {
    return choose('decrease', 'adversarial', `${state}, so I lower its power.`);
  }
  if (cell.coverage === 'good' && cell.powerDbm < cell.powerMaxDbm) {
    return choose('increase', 'adversarial', `${state}, so I raise its power.`);
  }
  if (cell.poorUsers <= rules.handoffMaxPoorUsers) {
    return choose('handoff', 'adversarial', `${state}, so I hand users off.`);
  }
  return choose('maintain', 'adversarial', `${state}, so I keep its settings.`);
}

// --- random and dispatch -------------------------------------------------------------------------

/** A uniformly random action: one draw from `rng` (the provider's `planner/random` stream). */
export function planCellRandom(target: string, rng: Rng): PlannedAction {
  const action = ACTIONS[Math.floor(rng.next() * ACTIONS.length)]!;
  return chooser(target)(action, 'random', `I chose to ${action} at ${target} at random.`);
}

/** The plan of `policy` for every target, in request order (`rng` is used by `random` only). */
export function planWith(
  policy: PlannerPolicy,
  snapshot: PlannerSnapshot,
  rules: PlannerRules,
  rng: Rng,
): PlannedAction[] {
  switch (policy) {
    case 'naive':
      return planTargets(snapshot, rules.naive);
    case 'expert':
      return snapshot.targets.map((t) => planCellExpert(snapshot, t, rules.expert));
    case 'adversarial':
      return snapshot.targets.map((t) => planCellAdversarial(snapshot, t, rules.adversarial));
    case 'random':
      return snapshot.targets.map((t) => planCellRandom(t, rng));
    case 'oracle':
      throw new Error(
        'internal error: the oracle plans from the world, not from a snapshot (oracle.ts)',
      );
  }
}
