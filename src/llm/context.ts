/**
 * The context encoder: what the planner is told about the network. For a request from cell `i`
 * it reads, at the instant of the request, that cell's and its neighbours' metrics (power,
 * coverage, load and capacity, recent drops, short trends) and the external signals the scenario
 * declares near that time; for the alignment controller it condenses each agent's evaluation
 * window. Pure reads of the world: nothing here changes it.
 */

import type { History } from '../agents/alignment.js';
import { distinctPairs } from '../agents/alignment.js';
import { ACTIONS, COVERAGE } from '../agents/space.js';
import type { EpisodeCounters } from '../metrics/counters.js';
import { coverageOf } from '../model/cell.js';
import { type GuidanceState, trendOf } from '../model/guidance.js';
import type { World } from '../model/world.js';
import type {
  AgentHistorySnapshot,
  CellSnapshot,
  EvaluatorSnapshot,
  PlannerSnapshot,
  SignalSnapshot,
} from './types.js';

const round = (x: number, digits = 3) => Number(x.toFixed(digits));

export function cellSnapshot(world: World, i: number): CellSnapshot {
  const cell = world.cells[i]!;
  const c = cell.config;
  const g = world.guidance;
  const users = cell.users.length;
  const trend = g ? trendOf(g, i, users) : { recentDrops: 0, usersTrend: 0 };
  return {
    id: c.id,
    type: c.type,
    powerDbm: round(cell.power),
    powerMinDbm: c.powerMin,
    powerMaxDbm: c.powerMax,
    coverage: COVERAGE[coverageOf(cell, world.config.radio)]!,
    users,
    capacity: c.capacity,
    poorUsers: cell.poorUsers,
    dropsLastStep: world.lastDrops[i]!,
    recentDrops: trend.recentDrops,
    usersTrend: trend.usersTrend,
    neighbours: c.neighbours.map((j) => world.config.cells[j]!.id),
  };
}

/** The cells a request from `i` describes: the cell itself, then its neighbours. */
export function requestSnapshots(world: World, i: number): CellSnapshot[] {
  return [i, ...world.config.cells[i]!.neighbours].map((j) => cellSnapshot(world, j));
}

/** Signals concerning `cellIds` that are ongoing or start within the lookahead, at `nowMs`. */
export function signalsNear(g: GuidanceState, cellIds: ReadonlySet<string>, nowMs: number) {
  const sinceStart = (nowMs - g.episodeStartMs) / 1000;
  const out: SignalSnapshot[] = [];
  for (const s of g.config.signals) {
    const startsIn = s.startSeconds - sinceStart;
    const ongoingOrSoon =
      startsIn <= g.config.planner.signalLookaheadSeconds && startsIn + s.durationSeconds > 0;
    if (!ongoingOrSoon || !s.cells.some((c) => cellIds.has(c))) continue;
    out.push({
      id: s.id,
      description: s.description,
      cells: s.cells,
      startsInSeconds: round(startsIn),
      durationSeconds: s.durationSeconds,
    });
  }
  return out;
}

/**
 * The planner prompt's block for a batch: the targets in request order, each described as it was
 * observed at its request (`cells` holds the latest observation of each cell in the batch).
 */
export function plannerSnapshot(
  g: GuidanceState,
  targets: readonly string[],
  cells: readonly CellSnapshot[],
  observedAtMs: number,
): PlannerSnapshot {
  return {
    timeSeconds: round(observedAtMs / 1000),
    trendSteps: g.config.planner.trendSteps,
    targets,
    cells,
    signals: signalsNear(g, new Set(cells.map((c) => c.id)), observedAtMs),
  };
}

/** The evaluator's block: each agent's window counters and history. */
export function evaluatorSnapshot(
  world: World,
  guidance: GuidanceState,
  window: EpisodeCounters,
  histories: readonly History[],
  episodes: { from: number; to: number; phase: string },
  /** The agents to show (cell indices; all by default). */
  only?: readonly number[],
): EvaluatorSnapshot {
  const steps = Math.max(1, window.steps);
  const cells = only ?? world.config.cells.map((_, i) => i);
  return {
    episodes,
    systemFailures: window.systemFailures,
    steps: window.steps,
    agents: cells.map((i): AgentHistorySnapshot => {
      const cell = world.config.cells[i]!;
      const c = window.cells[i]!;
      const users = c.usersSum / steps;
      return {
        id: cell.id,
        capacity: cell.capacity,
        steps: window.steps,
        distinctPairs: distinctPairs(histories[i]!),
        actions: Object.fromEntries(ACTIONS.map((a, k) => [a, c.actions[k]!])) as Record<
          (typeof ACTIONS)[number],
          number
        >,
        droppedRequests: c.droppedRequests,
        droppedHandoffs: c.droppedHandoffs,
        blocked: c.blocked,
        servedShare: round(c.servedSum / steps),
        loadShare: round(users / cell.capacity),
        powerShare: round(
          cell.powerMax > cell.powerMin
            ? (c.powerSum / steps - cell.powerMin) / (cell.powerMax - cell.powerMin)
            : 0,
        ),
        previousDropsPerStep: guidance.previousDropsPerStep[i]!,
      };
    }),
  };
}
