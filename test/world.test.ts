import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACTION_COUNT, epsilonAt, HANDOFF, MAINTAIN, stateCount } from '../src/agents/space.js';
import type { EpisodeCounters, Phase } from '../src/metrics/counters.js';
import { ArrivalWindow, generateArrivals } from '../src/model/arrivals.js';
import { countPoor } from '../src/model/cell.js';
import {
  advanceWorldTo,
  beginEpisode,
  createWorld,
  endEpisode,
  enqueueArrivals,
  observe,
  stepWorld,
  type World,
} from '../src/model/world.js';
import { Rng } from '../src/rng.js';
import { parseScenario } from '../src/scenario/load.js';
import { type ModelConfig, resolveModel } from '../src/scenario/resolve.js';
import { qOf } from './helpers/agents.js';
import { queueEpisodeArrivals } from './helpers/arrivals.js';

const paperScenario = parseScenario(readFileSync('scenarios/paper.yaml', 'utf8'));

const model = (traffic = 'normal', over: Partial<ModelConfig> = {}): ModelConfig => ({
  ...resolveModel(paperScenario, traffic),
  stepsPerEpisode: 50,
  trainingEpisodes: 3,
  testEpisodes: 2,
  ...over,
});

/** A config in which no user ever falls below the floor and channels never fade. */
const calm = (over: Partial<ModelConfig> = {}): ModelConfig => {
  const base = model();
  return {
    ...base,
    radio: {
      ...base.radio,
      signalFloorDbm: -1000,
      shadowing: { sdDb: 0, decorrelationSeconds: 50 },
    },
    ...over,
  };
};

interface Sim {
  world: World;
  arrivalRngs: Rng[];
  /** Arrivals queued per cell for the current episode. */
  offered: number[];
}

const setUp = (config: ModelConfig, seed: number): Sim => {
  const root = Rng.create(seed);
  return {
    world: createWorld(config, root),
    arrivalRngs: config.sources.map((s) => root.fork(`arrivals/${s.id}`)),
    offered: config.cells.map(() => 0),
  };
};

/** Begins an episode and queues all of its arrivals. */
const begin = (sim: Sim, phase: Phase, episode: number): void => {
  const { world } = sim;
  const config = world.config;
  beginEpisode(world, phase, episode);
  sim.offered = config.cells.map(() => 0);
  queueEpisodeArrivals(world, sim.arrivalRngs).forEach((n, s) => {
    sim.offered[config.sources[s]!.cellIndex]! += n;
  });
};

const runEpisode = (sim: Sim, phase: Phase, episode: number): EpisodeCounters => {
  begin(sim, phase, episode);
  while (sim.world.step < sim.world.episodeEnd) stepWorld(sim.world);
  return structuredClone(endEpisode(sim.world));
};

const runAll = (config: ModelConfig, seed: number) => {
  const sim = setUp(config, seed);
  const episodes: EpisodeCounters[] = [];
  for (let e = 0; e < config.trainingEpisodes; e++) episodes.push(runEpisode(sim, 'training', e));
  for (let e = 0; e < config.testEpisodes; e++) episodes.push(runEpisode(sim, 'test', e));
  return { episodes, q: sim.world.agents.map((a) => Array.from(qOf(a))), sim };
};

const userCount = (world: World) => world.cells.reduce((n, c) => n + c.users.length, 0);
const dropsSoFar = (world: World) =>
  world.episodeCounters.cells.reduce((n, c) => n + c.droppedRequests, 0);

describe('world step', () => {
  it('without arrivals or drift keeps the number of users (handoffs only move them)', () => {
    const sim = setUp(calm(), 1);
    let moved = 0;
    for (let e = 0; e < 10; e++) {
      beginEpisode(sim.world, 'training', e); // no arrivals queued
      const before = sim.world.cells.map((c) => c.users.length);
      expect(before.reduce((a, b) => a + b)).toBeGreaterThan(0);
      stepWorld(sim.world);
      expect(userCount(sim.world)).toBe(before.reduce((a, b) => a + b));
      const [r, u] = sim.world.episodeCounters.cells;
      expect(sim.world.cells[0]!.users.length).toBe(before[0]! - r!.handoffsDone + u!.handoffsDone);
      moved += r!.handoffsDone + u!.handoffsDone;
      for (const c of sim.world.episodeCounters.cells) {
        expect([c.arrivals, c.blocked, c.uncovered, c.droppedCalls]).toEqual([0, 0, 0, 0]);
      }
    }
    expect(moved).toBeGreaterThan(0);
  });

  it('with every agent maintaining, no arrivals and no drift leaves users and power as they were', () => {
    const sim = setUp(calm(), 2);
    beginEpisode(sim.world, 'training', 0);
    sim.world.epsilon = 0;
    for (const a of sim.world.agents) {
      for (let s = 0; s < stateCount(a.shape); s++) qOf(a)[s * ACTION_COUNT + MAINTAIN] = 1;
    }
    const cells = sim.world.cells.map((c) => ({ power: c.power, users: c.users.toArray() }));
    stepWorld(sim.world);
    expect(sim.world.cells.map((c) => ({ power: c.power, users: c.users.toArray() }))).toEqual(
      cells,
    );
    expect(sim.world.episodeCounters.cells.map((c) => c.actions)).toEqual([
      [0, 0, 1, 0],
      [0, 0, 1, 0],
    ]);
    expect(sim.world.episodeCounters.systemFailures).toBe(0);
  });

  it('counters add up in every episode and cell', () => {
    const config = model('high');
    const sim = setUp(config, 5);
    const totals = { blocked: 0, uncovered: 0, calls: 0, handoff: 0, done: 0, none: 0, nb: 0 };
    for (let e = 0; e < 6; e++) {
      const ep = runEpisode(sim, 'training', e);
      expect(ep.steps).toBe(50);
      ep.cells.forEach((c, i) => {
        const cfg = config.cells[i]!;
        expect(c.droppedRequests).toBe(c.blocked + c.droppedCalls + c.droppedHandoffs);
        expect(c.handoffRequests).toBe(c.handoffsDone + c.droppedHandoffs);
        expect(c.arrivals).toBe(c.admitted + c.blocked + c.uncovered);
        expect(c.admittedNeighbour).toBeLessThanOrEqual(c.admitted);
        expect(c.handoffRequests + c.handoffNoCandidate).toBe(c.actions[HANDOFF]);
        expect(c.rewardSum).toBeCloseTo(
          c.rewardCoverageSum - c.rewardDropSum - c.rewardEnergySum,
          9,
        );
        expect(c.arrivals).toBe(sim.offered[i]);
        expect(c.actions.reduce((a, b) => a + b)).toBe(50);
        expect(c.powerSum).toBeGreaterThanOrEqual(cfg.powerMin * 50);
        expect(c.powerSum).toBeLessThanOrEqual(cfg.powerMax * 50);
        expect(c.usersSum).toBeLessThanOrEqual(cfg.capacity * 50);
        expect(c.llmDecisions).toBe(0);
        totals.blocked += c.blocked;
        totals.uncovered += c.uncovered;
        totals.calls += c.droppedCalls;
        totals.handoff += c.droppedHandoffs;
        totals.done += c.handoffsDone;
        totals.none += c.handoffNoCandidate;
        totals.nb += c.admittedNeighbour;
      });
    }
    // every kind of drop actually happened, so the sums above were exercised
    for (const v of Object.values(totals)) expect(v).toBeGreaterThan(0);
  });

  it('systemFailures counts exactly the steps in which some request was dropped', () => {
    const sim = setUp(model('normal'), 6);
    for (let e = 0; e < 3; e++) {
      begin(sim, 'training', e);
      let failed = 0;
      while (sim.world.step < sim.world.episodeEnd) {
        const before = dropsSoFar(sim.world);
        stepWorld(sim.world);
        const drops = dropsSoFar(sim.world) - before;
        expect(Array.from(sim.world.lastDrops).reduce((a, b) => a + b)).toBe(drops);
        if (drops > 0) failed++;
      }
      const counters = endEpisode(sim.world);
      expect(counters.systemFailures).toBe(failed);
      expect(failed).toBeGreaterThan(0);
      expect(failed).toBeLessThan(counters.steps);
    }
  });

  it('updates a Q-table only when learning, by alpha times the first reward', () => {
    const config = model();
    const learner = setUp(config, 7);
    const frozen = setUp(config, 7);
    begin(learner, 'training', 0);
    begin(frozen, 'training', 0);
    frozen.world.learning = false;
    const states = config.cells.map((_, i) => observe(learner.world, i));
    stepWorld(learner.world);
    stepWorld(frozen.world);
    expect(frozen.world.episodeCounters).toEqual(learner.world.episodeCounters);
    config.cells.forEach((_, i) => {
      const reward = learner.world.episodeCounters.cells[i]!.rewardSum;
      expect(reward).not.toBe(0);
      const at = states[i]! * ACTION_COUNT + learner.world.scratch.action[i]!;
      const q = Array.from(qOf(learner.world.agents[i]!));
      expect(q[at]).toBe(config.agent.alpha * reward);
      expect(q.filter((v) => v !== 0)).toHaveLength(1);
    });
    while (frozen.world.step < frozen.world.episodeEnd) stepWorld(frozen.world);
    for (const a of frozen.world.agents) expect(qOf(a).every((v) => v === 0)).toBe(true);
  });

  it('learns in the test phase only if the scenario says so', () => {
    const base = model();
    const noLearn = { ...base, agent: { ...base.agent, test: { epsilon: 0.2, learn: false } } };
    const sim = setUp(noLearn, 8);
    beginEpisode(sim.world, 'test', 1);
    expect(sim.world).toMatchObject({ learning: false, epsilon: 0.2, phase: 'test', step: 200 });
    for (let k = 0; k < 20; k++) stepWorld(sim.world);
    for (const a of sim.world.agents) expect(qOf(a).every((v) => v === 0)).toBe(true);
    beginEpisode(sim.world, 'training', 2);
    expect(sim.world).toMatchObject({ learning: true, step: 100, episodeEnd: 150 });
    expect(sim.world.epsilon).toBe(epsilonAt(2, base.agent.epsilon));
    const learns = setUp(base, 8);
    beginEpisode(learns.world, 'test', 0);
    expect(learns.world.learning).toBe(true);
    expect(learns.world.epsilon).toBe(base.agent.test.epsilon);
  });
});

describe('episodes', () => {
  it('begin with a power level in range and a load within loadFraction × capacity', () => {
    const config = calm({ initialLoad: { min: 0.25, max: 0.75 } });
    const sim = setUp(config, 9);
    const levels = config.cells.map(() => new Set<number>());
    for (let e = 0; e < 80; e++) {
      beginEpisode(sim.world, 'training', e);
      expect(sim.world.step).toBe(e * 50);
      sim.world.cells.forEach((cell, i) => {
        const c = config.cells[i]!;
        const level = (cell.power - c.powerMin) / c.powerStep;
        expect(Number.isInteger(level)).toBe(true);
        expect(cell.power).toBeGreaterThanOrEqual(c.powerMin);
        expect(cell.power).toBeLessThanOrEqual(c.powerMax);
        levels[i]!.add(level);
        // every user is admitted here (no floor), so the load is exactly the drawn one
        expect(cell.users.length).toBeGreaterThanOrEqual(Math.floor(0.25 * c.capacity));
        expect(cell.users.length).toBeLessThanOrEqual(Math.floor(0.75 * c.capacity));
        for (const u of cell.users.toArray()) expect(u.departStep).toBeGreaterThan(e * 50);
      });
    }
    expect(levels.map((l) => l.size)).toEqual([4, 8]);
  });

  it('begin from fresh, admissible users and zeroed counters', () => {
    const config = model();
    const sim = setUp(config, 10);
    runEpisode(sim, 'training', 0);
    for (let e = 1; e < 20; e++) {
      beginEpisode(sim.world, 'training', e);
      expect(sim.world.episodeCounters.steps).toBe(0);
      expect(sim.world.episodeCounters.cells.every((c) => c.droppedRequests === 0)).toBe(true);
      expect(Array.from(sim.world.lastDrops)).toEqual([0, 0]);
      sim.world.cells.forEach((cell, i) => {
        const c = config.cells[i]!;
        expect(cell.users.length).toBeLessThanOrEqual(Math.floor(0.8 * c.capacity));
        expect(cell.poorUsers).toBe(countPoor(cell, config.radio));
        for (const u of cell.users.toArray()) {
          expect(cell.power + u.gain).toBeGreaterThanOrEqual(config.radio.signalFloorDbm);
          expect(u.neighbourGain).toHaveLength(c.neighbours.length);
        }
      });
    }
  });

  it('never admit arrivals queued for before the episode', () => {
    const config = model();
    const sim = setUp(config, 11);
    config.sources.forEach((source, s) => {
      const early = generateArrivals(
        sim.arrivalRngs[s]!,
        source,
        config.cells,
        0,
        50,
        config.stepsPerEpisode,
        config.radio,
      );
      expect(early.length).toBeGreaterThan(0);
      enqueueArrivals(sim.world, s, early);
    });
    beginEpisode(sim.world, 'training', 1);
    while (sim.world.step < sim.world.episodeEnd) stepWorld(sim.world);
    expect(sim.world.episodeCounters.cells.map((c) => c.arrivals)).toEqual([0, 0]);
  });

  it('treats an arrival that reaches the world after its step as an engine error', () => {
    const config = model();
    const sim = setUp(config, 11);
    beginEpisode(sim.world, 'training', 1);
    stepWorld(sim.world);
    const start = sim.world.step - 1;
    const late = new ArrivalWindow(1, false);
    late.add(start, -100, 5);
    late.neighbourGainDb[0] = -100;
    enqueueArrivals(sim.world, 0, late);
    expect(() => stepWorld(sim.world)).toThrow(
      `internal error: an arrival of source '${config.sources[0]!.id}' for step ${start} reached the world at step ${start + 1}`,
    );
  });

  it('advanceWorldTo runs the steps starting before the time, within the episode', () => {
    const sim = setUp(model(), 12);
    begin(sim, 'training', 1);
    expect(advanceWorldTo(sim.world, 50_000)).toBe(0);
    expect(advanceWorldTo(sim.world, 52_500)).toBe(3);
    expect(sim.world.step).toBe(53);
    expect(advanceWorldTo(sim.world, 1e9)).toBe(47);
    expect(sim.world.step).toBe(100);
    expect(sim.world.episodeCounters.steps).toBe(50);
  });

  it('test-phase counters accumulate into the test totals, training ones do not', () => {
    const { episodes, sim } = runAll(model(), 13);
    const totals = sim.world.testTotals;
    const test = episodes.slice(3);
    expect(totals.steps).toBe(100);
    expect(totals.systemFailures).toBe(test[0]!.systemFailures + test[1]!.systemFailures);
    totals.cells.forEach((c, i) => {
      expect(c.arrivals).toBe(test[0]!.cells[i]!.arrivals + test[1]!.cells[i]!.arrivals);
      expect(c.actions).toEqual(
        c.actions.map((_, k) => test[0]!.cells[i]!.actions[k]! + test[1]!.cells[i]!.actions[k]!),
      );
    });
  });
});

describe('determinism', () => {
  it('the same seed gives identical counters and Q-tables, another seed different ones', () => {
    const config = model('normal');
    const a = runAll(config, 21);
    const b = runAll(config, 21);
    const c = runAll(config, 22);
    expect(b.episodes).toEqual(a.episodes);
    expect(b.q).toEqual(a.q);
    expect(a.q.flat().some((v) => v !== 0)).toBe(true);
    expect(c.episodes).not.toEqual(a.episodes);
    expect(c.q).not.toEqual(a.q);
  });
});
