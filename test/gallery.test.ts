import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HANDOFF } from '../src/agents/space.js';
import { runActors } from '../src/engine/actorEngine.js';
import type { EpisodeCounters } from '../src/metrics/counters.js';
import { loadScenarioFile } from '../src/scenario/load.js';
import { resolveModel } from '../src/scenario/resolve.js';

const gallery = readdirSync('scenarios').filter((f) => /\.ya?ml$/.test(f));

/** The per-cause identities of docs/model.md ("What each count means"), cell by cell. */
function expectCountsAddUp(totals: EpisodeCounters): void {
  let drops = 0;
  for (const c of totals.cells) {
    expect(c.admitted + c.blocked + c.uncovered).toBe(c.arrivals);
    expect(c.admittedNeighbour).toBeLessThanOrEqual(c.admitted);
    expect(c.handoffsDone + c.droppedHandoffs).toBe(c.handoffRequests);
    expect(c.handoffRequests + c.handoffNoCandidate).toBe(c.actions[HANDOFF]);
    expect(c.blocked + c.droppedCalls + c.droppedHandoffs).toBe(c.droppedRequests);
    drops += c.droppedRequests;
  }
  // A failure step has at least one dropped request; a step without one is no failure.
  expect(totals.systemFailures).toBeLessThanOrEqual(Math.min(drops, totals.steps));
  if (drops > 0) expect(totals.systemFailures).toBeGreaterThan(0);
}

describe('scenario gallery', () => {
  it('has the scenarios the docs promise', async () => {
    expect(gallery.sort()).toEqual(
      [
        'city-sinr.yaml',
        'diurnal-city.yaml',
        'hex-19.yaml',
        'highway.yaml',
        'metro-1k.yaml',
        'paper.yaml',
        'stadium.yaml',
        'trace-driven.yaml',
      ].sort(),
    );
  });

  it.each(gallery)(
    '%s validates and runs (shortened), in every configuration, its counts adding up',
    async (file) => {
      const scenario = loadScenarioFile(`scenarios/${file}`);
      const short = { ...scenario, episodes: { training: 2, test: 1 } };
      for (const config of ['marl-only', 'guided', 'aura'] as const) {
        const outcome = await runActors(resolveModel(short, scenario.traffic.default, config), {
          seed: 1,
        });
        expect(outcome.world.testTotals.steps).toBe(scenario.time.stepsPerEpisode);
        expect(outcome.world.testTotals.cells.some((c) => c.arrivals > 0)).toBe(true);
        expectCountsAddUp(outcome.world.testTotals);
        expectCountsAddUp(outcome.trainingTotals);
      }
    },
  );

  it('the stadium announces its crowd to the planner; the trace-driven cell replays its file', async () => {
    const stadium = resolveModel(loadScenarioFile('scenarios/stadium.yaml'), 'normal', 'guided');
    expect(stadium.guidance!.signals.map((s) => s.id)).toEqual(['concert-ends']);
    const trace = resolveModel(loadScenarioFile('scenarios/trace-driven.yaml'), 'normal');
    const urban = trace.sources.find((s) => s.id === 'urban-users')!;
    expect(urban.trace![0]).toBe(1);
    expect(resolveModel(loadScenarioFile('scenarios/hex-19.yaml')).cells).toHaveLength(19);
  });
});
