/**
 * The data plane: every cell, user and agent of one simulation, stepped in lockstep.
 *
 * One step (for all cells, in cell order):
 *   1. each agent observes its cell and picks an action (epsilon-greedy on its action values);
 *   2. power changes apply, then handoff requests are resolved against the neighbours;
 *   3. calls end, arriving users select a cell (their own or a neighbour) and are admitted,
 *      blocked or uncovered; channels fade (users below the floor are dropped calls);
 *   4. each agent gets its immediate reward and learns from it; counters accumulate.
 * Per cell these are three phases: decide (1 and 2's power change), hand off (2), settle (3 and
 * 4; each reads its own cell and its neighbours, whose power is final by then, and may add a user
 * to a neighbour). A step in which the network failed a request it could have served (a blocked
 * arrival, a dropped call or a failed handoff) is a system failure; coverage holes and handoffs
 * without a candidate are counted apart and are not.
 *
 * `runSteps` orders the phases for locality (see there); the results are exactly those of running
 * each phase over all cells, in cell order, before the next, step after step.
 *
 * The world is plain mutable data driven by these functions; it does no I/O and reads no clock.
 * The actor engine and the plain-loop runner drive the very same functions.
 */
import type { Agent } from '../agents/agent.js';
import { createAgent } from '../agents/registry.js';
import {
  DECREASE,
  dropBucket,
  epsilonAt,
  HANDOFF,
  INCREASE,
  stateIndex,
  stateShape,
} from '../agents/space.js';
import {
  addCounters,
  type EpisodeCounters,
  type Phase,
  zeroCounters,
} from '../metrics/counters.js';
import type { Rng } from '../rng.js';
import type { ModelConfig } from '../scenario/resolve.js';
import { ArrivalQueues, ArrivalWindow, drawUserInto } from './arrivals.js';
import {
  ADMITTED_NEIGHBOUR,
  admitInitial,
  admitRecord,
  BLOCKED,
  type CellState,
  changePower,
  countPoor,
  coverageOf,
  departUsers,
  driftUsers,
  handoff,
  isFull,
  powerLevel,
  powerShare,
  UNCOVERED,
  usersFor,
} from './cell.js';
import {
  beginGuidedEpisode,
  createGuidance,
  endGuidedEpisode,
  type GuidanceState,
  guidedDecision,
  learnFromGuidance,
  recordTrends,
} from './guidance.js';

export interface World {
  readonly config: ModelConfig;
  /** Simulated time of the control plane (the clock's time at the event being handled), ms. */
  nowMs: number;
  /**
   * Step `k` starts at `k·stepMs + offsetMs`. Zero unless the run paused between episodes (the
   * alignment controller finishing its last training evaluation); set when an episode begins.
   */
  offsetMs: number;
  readonly cells: CellState[];
  readonly agents: Agent[];
  /** Global step about to run. */
  step: number;
  /** Steps run only while step < episodeEnd (exclusive). */
  episodeEnd: number;
  phase: Phase;
  /** Episode index within the phase. */
  episode: number;
  epsilon: number;
  learning: boolean;
  episodeCounters: EpisodeCounters;
  testTotals: EpisodeCounters;
  readonly rng: {
    readonly init: Rng[];
    readonly channel: Rng[];
    readonly agent: Rng[];
  };
  /** Pending arrivals of every traffic source (filled by the arrival processes). */
  readonly arrivals: ArrivalQueues;
  /** Source indices feeding each cell, in source order. */
  readonly sourcesOfCell: number[][];
  /**
   * The same, flat, for the step loop: cell `i`'s sources are
   * `sourceList[sourceStart[i] .. sourceStart[i + 1])` (an array per cell cost a cache miss per
   * cell and step at 1,000 cells).
   */
  readonly sourceStart: Int32Array;
  readonly sourceList: Int32Array;
  /** The largest index distance between neighbours (0 without any): `runSteps`' lag. */
  readonly lag: number;
  /** Drops in the last step, per cell (the next observation's drop count). */
  readonly lastDrops: Int32Array;
  readonly scratch: {
    state: Int32Array;
    action: Int32Array;
    drops: Int32Array;
    /** Per step of a block: whether a request went unserved. */
    failed: Uint8Array;
  };
  /** LLM guidance (suggestions, trust, histories); null in `marl-only`. */
  readonly guidance: GuidanceState | null;
  /** The episode closed last, as it ended (read by the base stations' reports); null before. */
  closed: ClosedEpisode | null;
}

/** An episode as it ended: its counters and each cell's final power and users. */
export interface ClosedEpisode {
  readonly phase: Phase;
  readonly episode: number;
  readonly counters: EpisodeCounters;
  readonly power: Float64Array;
  readonly users: Int32Array;
}

export function createWorld(config: ModelConfig, rng: Rng): World {
  const n = config.cells.length;
  const cells = config.cells.map(
    (c): CellState => ({
      config: c,
      power: c.powerMin,
      users: usersFor(c, config.radio),
      poorUsers: 0,
    }),
  );
  const agents = config.cells.map((c) =>
    createAgent(config.agent.algorithm, stateShape(c.powerLevels, config.agent)),
  );
  const sourcesOfCell: number[][] = config.cells.map(() => []);
  config.sources.forEach((s, i) => {
    sourcesOfCell[s.cellIndex]!.push(i);
  });
  const sourceStart = new Int32Array(n + 1);
  sourcesOfCell.forEach((list, i) => {
    sourceStart[i + 1] = sourceStart[i]! + list.length;
  });
  return {
    config,
    cells,
    agents,
    nowMs: 0,
    offsetMs: 0,
    step: 0,
    episodeEnd: 0,
    phase: 'training',
    episode: 0,
    epsilon: config.agent.epsilon.start,
    learning: true,
    episodeCounters: zeroCounters(n),
    testTotals: zeroCounters(n),
    rng: {
      init: config.cells.map((c) => rng.fork(`init/${c.id}`)),
      channel: config.cells.map((c) => rng.fork(`channel/${c.id}`)),
      agent: config.cells.map((c) => rng.fork(`agent/${c.id}`)),
    },
    arrivals: new ArrivalQueues(
      config.sources.map((src) => config.cells[src.cellIndex]!.neighbours.length),
      config.radio.model === 'sinr',
      // A window's worth at the mean rate, with room to spare; a busier window makes room.
      config.sources.map((src) => Math.ceil(1.25 * src.meanRatePerStep * config.windowSteps) + 8),
    ),
    sourcesOfCell,
    sourceStart,
    sourceList: Int32Array.from(sourcesOfCell.flat()),
    lag: neighbourLag(config.cells),
    lastDrops: new Int32Array(n),
    scratch: {
      state: new Int32Array(n),
      action: new Int32Array(n),
      drops: new Int32Array(n),
      failed: new Uint8Array(BLOCK_CELLS),
    },
    guidance: createGuidance(config, rng, () => zeroCounters(n)),
    closed: null,
  };
}

/** Replaces the agents (a derived policy loaded from disk). */
export function setAgents(world: World, agents: readonly Agent[]): void {
  agents.forEach((a, i) => {
    world.agents[i] = a;
  });
}

/** Global step at which episode `globalEpisode` starts. */
export function episodeStart(config: ModelConfig, globalEpisode: number): number {
  return globalEpisode * config.stepsPerEpisode;
}

/**
 * Starts an episode from randomised conditions: a uniform power level and an initial load drawn
 * from `initial.loadFraction` with fresh channels, per cell.
 */
export function beginEpisode(world: World, phase: Phase, episode: number): void {
  const cfg = world.config;
  const globalEpisode = phase === 'training' ? episode : cfg.trainingEpisodes + episode;
  const start = episodeStart(cfg, globalEpisode);
  world.step = start;
  world.episodeEnd = start + cfg.stepsPerEpisode;
  world.offsetMs = Math.max(0, world.nowMs - start * cfg.stepMs);
  world.phase = phase;
  world.episode = episode;
  world.epsilon =
    phase === 'training' ? epsilonAt(episode, cfg.agent.epsilon) : cfg.agent.test.epsilon;
  world.learning = phase === 'training' || cfg.agent.test.learn;
  world.episodeCounters = zeroCounters(cfg.cells.length);
  world.lastDrops.fill(0);
  world.cells.forEach((cell, i) => {
    const c = cell.config;
    const rng = world.rng.init[i]!;
    cell.power = c.powerMin + rng.int(0, c.powerLevels - 1) * c.powerStep;
    const load = Math.floor(rng.uniform(cfg.initialLoad.min, cfg.initialLoad.max) * c.capacity);
    const holding = meanHolding(world, i);
    cell.users.clear();
    const initial = new ArrivalWindow(c.neighbours.length, cfg.radio.model === 'sinr', load);
    for (let u = 0; u < load; u++) {
      drawUserInto(initial, rng, c, cfg.cells, start, holding, cfg.radio);
      admitInitial(cell, initial, u, world.cells, cfg.radio); // uncovered users never start
    }
  });
  for (const cell of world.cells) cell.poorUsers = countPoor(cell, cfg.radio, world.cells);
  for (let s = 0; s < world.config.sources.length; s++) dropStale(world.arrivals, s, start);
  if (world.guidance) {
    beginGuidedEpisode(
      world.guidance,
      start * cfg.stepMs + world.offsetMs,
      phase,
      episode,
      world.cells,
    );
  }
}

/** Mean holding time of the sources feeding a cell (20 steps if none does). */
function meanHolding(world: World, cell: number): number {
  const src = world.sourcesOfCell[cell]!;
  if (src.length === 0) return 20;
  let sum = 0;
  for (const s of src) sum += world.config.sources[s]!.meanHoldingSteps;
  return sum / src.length;
}

/** Adds a window of arrivals produced by traffic source `source`. */
export function enqueueArrivals(world: World, source: number, arrivals: ArrivalWindow): void {
  world.arrivals.push(source, arrivals);
}

function dropStale(q: ArrivalQueues, s: number, step: number): void {
  while (q.due[s]! < step) q.pop(s);
}

/**
 * An arrival due before the current step is still queued: its window reached the world after the
 * step had run. That would silently lose users, so it is an engine error, never a result.
 */
function lateArrival(world: World, source: number, step: number): never {
  throw new Error(
    `internal error: an arrival of source '${world.config.sources[source]!.id}' for step ${world.arrivals.due[source]} reached the world at step ${step}`,
  );
}

/** Runs every step whose start time lies before `timeMs`, within the current episode. */
export function advanceWorldTo(world: World, timeMs: number): number {
  const stepMs = world.config.stepMs;
  if (timeMs > world.nowMs) world.nowMs = timeMs;
  let end = world.step;
  while (end < world.episodeEnd && end * stepMs + world.offsetMs < timeMs) end++;
  const ran = end - world.step;
  if (ran > 0) runSteps(world, ran);
  return ran;
}

/** Observation of cell i as a Q-table state index. */
export function observe(world: World, i: number): number {
  const cell = world.cells[i]!;
  const agent = world.agents[i]!;
  return stateIndex(
    powerLevel(cell),
    coverageOf(cell, world.config.radio),
    isFull(cell),
    dropBucket(world.lastDrops[i]!, world.config.agent.dropBuckets),
    agent.shape,
  );
}

/** One synchronous step of all cells. */
export function stepWorld(world: World): void {
  runSteps(world, 1);
}

/**
 * Cells whose data a blocked schedule keeps in flight: about `BLOCK_CELLS` cells' users, Q-table
 * rows and counters stay in the CPU's caches between one step's use and the next.
 */
const BLOCK_CELLS = 128;

/**
 * Runs `count` steps of all cells (within the current episode), with exactly the results of
 * `count` times: every cell decides, then every cell hands off, then every cell settles, each
 * phase in cell order.
 *
 * A step that walked all cells three times would find nothing of a city-sized network in cache:
 * everything a step touches per cell (its users, Q-table rows, counters, random state) is a few
 * kilobytes, and a thousand cells overflow the L2 cache, so every step would fetch every cell
 * from further away. Instead the phases run as a wavefront, and the steps as a skewed block:
 *
 * - within a step, at position `k` cell `k` decides, cell `k − lag` hands off and cell
 *   `k − 3·lag` settles, `lag` being the largest index distance between neighbours: a cell hands
 *   off once it and its neighbours have decided and before its neighbours settle; it settles (and
 *   may admit a user into a neighbour) once every cell that may read that neighbour's load in a
 *   handoff — up to `2·lag` away — has handed off;
 * - step `b` of a block runs `4·lag + 1` positions behind step `b − 1`: a cell decides again only
 *   after every cell within `lag` has settled the previous step (whose power and users it may
 *   read, and which may have added users to it).
 *
 * Each cell's phases use its own random streams, so their order across cells changes no number.
 * A block is at most `BLOCK_CELLS / (4·lag + 1)` steps, so about `BLOCK_CELLS` cells are in
 * flight. A block is one step in networks of up to `2·BLOCK_CELLS` cells, which stay in cache
 * anyway (blocking would only add bookkeeping), and with LLM guidance (the planner's trend rings
 * are written for all cells at the end of each step).
 */
export function runSteps(world: World, count: number): void {
  const n = world.cells.length;
  const lag = world.lag;
  const shift = 4 * lag + 1;
  const span = n + 3 * lag; // positions in one step
  const blockSteps =
    world.guidance || n <= 2 * BLOCK_CELLS ? 1 : Math.max(1, Math.floor(BLOCK_CELLS / shift));
  const counters = world.episodeCounters;
  const failed = world.scratch.failed;
  for (let done = 0; done < count; ) {
    const steps = Math.min(blockSteps, count - done);
    const first = world.step;
    failed.fill(0, 0, steps);
    for (let g = 0, end = span + (steps - 1) * shift; g < end; g++) {
      // Steps of the block active at position g: those with 0 <= g − b·shift < span.
      const lo = g < span ? 0 : Math.floor((g - span) / shift) + 1;
      const hi = Math.min(steps - 1, Math.floor(g / shift));
      for (let b = lo; b <= hi; b++) {
        const k = g - b * shift;
        const step = first + b;
        if (k < n) decideCell(world, k, step);
        const h = k - lag;
        if (h >= 0 && h < n && world.scratch.action[h] === HANDOFF) handOffCell(world, h);
        const i = k - 3 * lag;
        if (i >= 0 && settleCell(world, i, step)) failed[b] = 1;
      }
    }
    for (let b = 0; b < steps; b++) {
      counters.steps++;
      if (failed[b]) counters.systemFailures++;
    }
    if (world.guidance) recordTrends(world.guidance, world.scratch.drops, world.cells);
    world.step = first + steps;
    done += steps;
  }
}

/**
 * Observe, decide (with guidance: the trust gate between the suggestion and own choice) and apply
 * the power change: an observation reads its own cell only.
 */
export function decideCell(world: World, i: number, step: number): void {
  const { scratch, guidance } = world;
  const agent = world.agents[i]!;
  const s = observe(world, i);
  scratch.state[i] = s;
  let a: number;
  if (guidance) {
    const nowMs = step * world.config.stepMs + world.offsetMs;
    const own = agent.act(s, explorationRate(world, guidance, i), world.rng.agent[i]!);
    a = guidedDecision(guidance, i, s, own, nowMs, world.episodeCounters.cells[i]!);
  } else {
    a = agent.act(s, world.epsilon, world.rng.agent[i]!);
  }
  scratch.action[i] = a;
  scratch.drops[i] = 0;
  if (a === INCREASE) changePower(world.cells[i]!, 1);
  else if (a === DECREASE) changePower(world.cells[i]!, -1);
}

/** Agent `i`'s exploration rate: the world's, scaled by its feedback tuning under guidance. */
function explorationRate(world: World, guidance: GuidanceState, i: number): number {
  return Math.min(1, world.epsilon * guidance.tuning[i]!.epsilonScale);
}

/**
 * A `handoff` action, against the neighbours' new power and current load: a request to the target
 * (done or failed), or nothing to hand off (no candidate: no drop, no failure, no penalty).
 */
export function handOffCell(world: World, i: number): void {
  const c = world.episodeCounters.cells[i]!;
  const result = handoff(world.cells, i, world.config.radio, world.rng.channel[i]!);
  if (result === 'noCandidate') {
    c.handoffNoCandidate++;
    return;
  }
  c.handoffRequests++;
  if (result === 'handedOff') c.handoffsDone++;
  else {
    c.droppedHandoffs++;
    world.scratch.drops[i]!++;
  }
}

/**
 * Departures, arrivals, drift; then reward, learning, counters. A cell's reward reads its own
 * users and its neighbours' (final) power only. Returns whether a request went unserved.
 */
export function settleCell(world: World, i: number, step: number): boolean {
  const { cells, config, scratch, arrivals, guidance } = world;
  const { radio, agent: params } = config;
  const cell = cells[i]!;
  const c = world.episodeCounters.cells[i]!;
  departUsers(cell, step);
  for (let j = world.sourceStart[i]!, end = world.sourceStart[i + 1]!; j < end; j++) {
    const s = world.sourceList[j]!;
    let due = arrivals.due[s]!;
    if (due < step) lateArrival(world, s, step);
    while (due === step) {
      const rng = world.rng.channel[i]!;
      const result = admitRecord(cells, i, arrivals.data, arrivals.next(s), radio, rng);
      arrivals.pop(s);
      due = arrivals.due[s]!;
      c.arrivals++;
      if (result === BLOCKED) {
        c.blocked++;
        scratch.drops[i]!++;
      } else if (result === UNCOVERED) c.uncovered++;
      else {
        c.admitted++;
        if (result === ADMITTED_NEIGHBOUR) c.admittedNeighbour++;
      }
    }
  }
  const lost = driftUsers(cell, radio, config.shadowingRho, world.rng.channel[i]!);
  c.droppedCalls += lost;
  scratch.drops[i]! += lost;

  cell.poorUsers = countPoor(cell, radio, cells);
  const drops = scratch.drops[i]!;
  world.lastDrops[i] = drops;
  const users = cell.users.length;
  const served = users > 0 ? 1 - cell.poorUsers / users : 1;
  const w = params.reward;
  const coverageTerm = w.coverage * served;
  const dropTerm = w.drop * drops;
  const energyTerm = w.energy * powerShare(cell);
  const base = coverageTerm - dropTerm - energyTerm;
  // With feedback the agent learns from its own (tuned) weights; results report `base`, so
  // mean rewards stay comparable across configurations.
  const tuned = guidance ? guidance.tuning[i]!.reward : null;
  const reward = tuned
    ? tuned.coverage * served - tuned.drop * drops - tuned.energy * powerShare(cell)
    : base;
  const a = scratch.action[i]!;
  if (world.learning) {
    const agent = world.agents[i]!;
    const next = observe(world, i);
    // The rate it decided with (its target policy's, for an on-policy target).
    const epsilon = guidance ? explorationRate(world, guidance, i) : world.epsilon;
    if (guidance) {
      const realised = reward + params.gamma * agent.nextValue(next, epsilon);
      learnFromGuidance(guidance, i, agent, scratch.state[i]!, a, realised);
    }
    agent.learn(scratch.state[i]!, a, reward, next, epsilon, params);
  }
  c.droppedRequests += drops;
  c.rewardSum += base;
  c.rewardCoverageSum += coverageTerm;
  c.rewardDropSum += dropTerm;
  c.rewardEnergySum += energyTerm;
  c.servedSum += served;
  c.powerSum += cell.power;
  c.usersSum += users;
  c.actions[a]!++;
  return drops > 0;
}

/** The largest index distance between a cell and one of its neighbours (0 without any). */
export function neighbourLag(cells: readonly { readonly neighbours: readonly number[] }[]): number {
  let lag = 0;
  cells.forEach((c, i) => {
    for (const j of c.neighbours) lag = Math.max(lag, Math.abs(i - j));
  });
  return lag;
}

/** Closes the episode: test-phase counters are added to the test totals. Returns the episode's. */
export function endEpisode(world: World): EpisodeCounters {
  const ep = world.episodeCounters;
  world.closed = {
    phase: world.phase,
    episode: world.episode,
    counters: ep,
    power: Float64Array.from(world.cells, (c) => c.power),
    users: Int32Array.from(world.cells, (c) => c.users.length),
  };
  if (world.guidance) endGuidedEpisode(world.guidance, ep);
  if (world.phase === 'test') addCounters(world.testTotals, ep);
  if (world.guidance?.history) addCounters(world.guidance.window, ep);
  return ep;
}
