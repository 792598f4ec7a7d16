import { describe, expect, it } from 'vitest';
import { lineScenario } from '../bench/scenarios.js';
import { HANDOFF } from '../src/agents/space.js';
import {
  beginEpisode,
  createWorld,
  decideCell,
  endEpisode,
  handOffCell,
  neighbourLag,
  runSteps,
  settleCell,
  type World,
} from '../src/model/world.js';
import { Rng } from '../src/rng.js';
import { loadScenarioFile } from '../src/scenario/load.js';
import { type ModelConfig, resolveModel } from '../src/scenario/resolve.js';
import type { Scenario } from '../src/scenario/schema.js';
import { qOf } from './helpers/agents.js';
import { queueEpisodeArrivals } from './helpers/arrivals.js';

/**
 * The definition `runSteps` must match: each phase over every cell, in cell order, before the
 * next; step after step.
 */
function referenceStep(world: World): void {
  const n = world.cells.length;
  const step = world.step;
  for (let i = 0; i < n; i++) decideCell(world, i, step);
  for (let i = 0; i < n; i++) if (world.scratch.action[i] === HANDOFF) handOffCell(world, i);
  let failed = false;
  for (let i = 0; i < n; i++) if (settleCell(world, i, step)) failed = true;
  world.episodeCounters.steps++;
  if (failed) world.episodeCounters.systemFailures++;
  world.step++;
}

/** Everything a run leaves behind: counters, Q-tables, users, power and random states. */
function run(config: ModelConfig, stepper: (world: World) => void) {
  const root = Rng.create(11);
  const world = createWorld(config, root);
  const arrivalRngs = config.sources.map((s) => root.fork(`arrivals/${s.id}`));
  const episodes = [];
  for (let e = 0; e < config.trainingEpisodes; e++) {
    beginEpisode(world, 'training', e);
    queueEpisodeArrivals(world, arrivalRngs);
    stepper(world);
    episodes.push(structuredClone(endEpisode(world)));
  }
  return {
    episodes,
    q: world.agents.map((a) => Array.from(qOf(a))),
    users: world.cells.map((c) => c.users.toArray()),
    power: world.cells.map((c) => c.power),
    rng: [...world.rng.agent, ...world.rng.channel].map((r) => r.save()),
  };
}

const blocked = (world: World) => {
  // Uneven batches: blocks cut short at a batch's end, batches shorter than a block.
  for (const count of [1, 7, 150]) {
    runSteps(world, Math.min(count, world.episodeEnd - world.step));
  }
  if (world.step < world.episodeEnd) runSteps(world, world.episodeEnd - world.step);
};
const reference = (world: World) => {
  while (world.step < world.episodeEnd) referenceStep(world);
};

const episodes = (s: Scenario, steps: number, training: number): Scenario => ({
  ...s,
  time: { ...s.time, stepsPerEpisode: steps },
  episodes: { training, test: 0 },
});

/** Cells with neighbours up to `reach` indices away, in both directions, at random. */
function scattered(cells: number, reach: number): Scenario {
  const line = lineScenario(cells);
  const rng = Rng.create(`scattered-${reach}`);
  const ids = line.cells.map((c) => c.id);
  const links = new Set<string>();
  for (let i = 0; i < cells; i++) {
    const j = Math.min(cells - 1, i + rng.int(1, reach));
    if (j !== i) links.add(`${i} ${j}`);
  }
  const neighbours = ids.map(() => new Set<string>());
  for (const l of links) {
    const [a, b] = l.split(' ').map(Number) as [number, number];
    neighbours[a]!.add(ids[b]!);
    neighbours[b]!.add(ids[a]!);
  }
  return { ...line, cells: line.cells.map((c, i) => ({ ...c, neighbours: [...neighbours[i]!] })) };
}

describe('blocked step schedule', () => {
  // Name, configuration, its lag.
  const cases: [string, ModelConfig, number][] = [
    [
      'a line of 300 cells (lag 1: blocks of 25 steps), high traffic',
      resolveModel(episodes(lineScenario(300), 120, 2), 'high'),
      1,
    ],
    [
      '300 cells with neighbours up to 9 cells away (blocks of 3 steps)',
      resolveModel(episodes(scattered(300, 9), 120, 2), 'high'),
      9,
    ],
    [
      'a hexagonal SINR layout (37 cells: one step at a time)',
      resolveModel(episodes(loadScenarioFile('scenarios/city-sinr.yaml'), 90, 2), 'high'),
      29,
    ],
  ];

  it.each(cases)('%s: identical to phase after phase, step after step', (_, config, lag) => {
    expect(neighbourLag(config.cells)).toBe(lag);
    const fast = run(config, blocked);
    const slow = run(config, reference);
    expect(fast).toEqual(slow);
    // The cells interacted: users were handed between neighbours, and some handoffs failed.
    const total = (key: 'handoffsDone' | 'droppedHandoffs') =>
      slow.episodes.reduce((n, e) => n + e.cells.reduce((m, c) => m + c[key], 0), 0);
    expect(total('handoffsDone')).toBeGreaterThan(0);
    expect(total('droppedHandoffs') + total('handoffsDone')).toBeGreaterThan(total('handoffsDone'));
  });

  it('the lag is the largest index distance between neighbours', () => {
    expect(neighbourLag([{ neighbours: [1] }, { neighbours: [0, 2] }, { neighbours: [1] }])).toBe(
      1,
    );
    expect(
      neighbourLag([
        { neighbours: [3] },
        { neighbours: [] },
        { neighbours: [] },
        { neighbours: [0] },
      ]),
    ).toBe(3);
    expect(neighbourLag([{ neighbours: [] }])).toBe(0);
  });
});
