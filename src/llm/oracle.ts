/**
 * The `oracle` planner policy (docs/guidance.md, "Planner policies of the simulated LLM"): an
 * upper-bound advisor for calibration. **It reads the world, not the prompt** — every user's
 * links, shadowing and call end, the very state the next step will act on — which no real model
 * could see. It is a reference against which the other policies and trust are measured, not a
 * model of an LLM.
 *
 * For each target cell it looks one step ahead on a throwaway copy of the cell and its neighbours
 * (`cloneCells`; the world is never written), once per action, and suggests the action of the
 * best immediate reward (`agent.reward`'s weights, the scenario's, as results report them):
 *
 *   1. the action: power ±1 step (clamped), or the A3 handoff exactly as the step resolves it
 *      (`handoff` in `model/cell.ts`; a refused one — target full or below the floor there —
 *      counts as a drop, a handoff without a candidate does nothing), the neighbours assumed to
 *      keep their power;
 *   2. the calls that end at this step leave; arrivals are ignored (they do not depend on the
 *      cell's action within a step, up to cell selection);
 *   3. fading by its expectation (`expectedDrift`): each user's serving gain moves to its AR(1) mean
 *      `ḡ + ρ·(g − ḡ)` (coverage is counted on that mean path, `countPoor` with its service-rate
 *      rule), and the drop term counts the *expected* number of dropped calls, Σ P(gain′ < floor),
 *      the deviate being normal with s.d. σ·√(1 − ρ²) (so a decrease that leaves users near the
 *      floor pays for the risk it adds);
 *   4. reward = coverage × (share well served) − drop × (expected drops) − energy × power share.
 *
 * Ties go to maintain (then to the first in increase, decrease, handoff order): an action must be
 * strictly better than doing nothing. A failed handoff is always worse than maintain (the same
 * cell plus a drop), so the oracle never suggests one. It draws nothing from any stream of the
 * run (a handoff that would need a new link for the target's other neighbours — which never
 * enters the evaluated cell's reward — takes it from a fresh stream of its own).
 */
import { ACTIONS, type Action } from '../agents/space.js';
import {
  type CellState,
  changePower,
  countPoor,
  departUsers,
  expectedDrift,
  type HandoffResult,
  handoff,
  powerShare,
} from '../model/cell.js';
import type { World } from '../model/world.js';
import { Rng } from '../rng.js';
import type { PlannedAction } from './planners.js';
import { ACTION_CODES } from './types.js';

/** A planner that reads the world: the plan for the given targets, in their order. */
export type WorldPlanner = (targets: readonly string[]) => PlannedAction[];

/** An independent copy of a cell's state. */
export function cloneCell(cell: CellState): CellState {
  return {
    config: cell.config,
    power: cell.power,
    users: cell.users.copy(),
    poorUsers: cell.poorUsers,
  };
}

/** `cells` with copies at `indices`, the other entries the originals (only ever read). */
export function cloneCells(cells: readonly CellState[], indices: readonly number[]): CellState[] {
  const view = cells.slice();
  for (const i of indices) view[i] = cloneCell(cells[i]!);
  return view;
}

/** What one action would do to its cell over one step, by the reward's terms. */
export interface Lookahead {
  readonly action: Action;
  /** `handoff` only: what the request would do. */
  readonly handoff: HandoffResult | null;
  readonly users: number;
  readonly poorUsers: number;
  /** Expected drops: a refused handoff, plus the expected dropped calls. */
  readonly drops: number;
  readonly coverageTerm: number;
  readonly dropTerm: number;
  readonly energyTerm: number;
  readonly reward: number;
}

/** The one-step outcome of `action` at cell `i`, on copies (the world is not written). */
export function lookahead(world: World, i: number, action: Action): Lookahead {
  const { radio, agent } = world.config;
  const neighbours = world.cells[i]!.config.neighbours;
  const view = cloneCells(world.cells, [i, ...neighbours]);
  const cell = view[i]!;
  let drops = 0;
  let result: HandoffResult | null = null;
  if (action === 'increase') changePower(cell, 1);
  else if (action === 'decrease') changePower(cell, -1);
  else if (action === 'handoff') {
    result = handoff(view, i, radio, Rng.create('oracle/lookahead'));
    if (result === 'targetFull' || result === 'targetNoSignal') drops++;
  }
  departUsers(cell, world.step);
  drops += expectedDrift(cell, radio, world.config.shadowingRho);
  const users = cell.users.length;
  const poorUsers = countPoor(cell, radio, view);
  const served = users > 0 ? 1 - poorUsers / users : 1;
  const w = agent.reward;
  const coverageTerm = w.coverage * served;
  const dropTerm = w.drop * drops;
  const energyTerm = w.energy * powerShare(cell);
  return {
    action,
    handoff: result,
    users,
    poorUsers,
    drops,
    coverageTerm,
    dropTerm,
    energyTerm,
    reward: coverageTerm - dropTerm - energyTerm,
  };
}

/** Strictly better by more than rounding. */
const EPS = 1e-9;
/** Maintain first, so that ties go to it. */
const ORDER: readonly Action[] = ['maintain', ...ACTIONS.filter((a) => a !== 'maintain')];

/** The oracle's choice for cell `i`, with every action's lookahead (in `ORDER`). */
export function oracleChoice(
  world: World,
  i: number,
): { readonly best: Lookahead; readonly all: readonly Lookahead[] } {
  const all = ORDER.map((a) => lookahead(world, i, a));
  let best = all[0]!;
  for (const l of all) if (l.reward > best.reward + EPS) best = l;
  return { best, all };
}

const r3 = (x: number): string => x.toFixed(3);

/** The oracle's plan for one target (maintain for a cell the world does not have). */
export function planCellOracle(world: World, target: string): PlannedAction {
  const i = world.config.cells.findIndex((c) => c.id === target);
  if (i < 0) {
    return {
      cell: target,
      code: ACTION_CODES.maintain,
      rule: 'oracle',
      reason: `There is no cell ${target}, so I keep it.`,
    };
  }
  const { best, all } = oracleChoice(world, i);
  const scores = all.map((l) => `${l.action} ${r3(l.reward)}`).join(', ');
  return {
    cell: target,
    code: ACTION_CODES[best.action],
    rule: 'oracle',
    reason: `Looking one step ahead at ${target}'s true state (${scores}), ${best.action} does best.`,
  };
}

/** The oracle policy reading `world` (at the time it is asked: the call's dispatch). */
export function oraclePlanner(world: World): WorldPlanner {
  return (targets) => targets.map((t) => planCellOracle(world, t));
}
