import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runActors } from '../src/engine/actorEngine.js';
import { loadScenarioFile } from '../src/scenario/load.js';
import { resolveModel } from '../src/scenario/resolve.js';

const gallery = readdirSync('scenarios').filter((f) => /\.ya?ml$/.test(f));

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

  it.each(gallery)('%s validates and runs (shortened), in every configuration', async (file) => {
    const scenario = loadScenarioFile(`scenarios/${file}`);
    const short = { ...scenario, episodes: { training: 2, test: 1 } };
    for (const config of ['marl-only', 'guided', 'aura'] as const) {
      const outcome = await runActors(resolveModel(short, scenario.traffic.default, config), {
        seed: 1,
      });
      expect(outcome.world.testTotals.steps).toBe(scenario.time.stepsPerEpisode);
      expect(outcome.world.testTotals.cells.some((c) => c.arrivals > 0)).toBe(true);
    }
  });

  it('the stadium announces its crowd to the planner; the trace-driven cell replays its file', async () => {
    const stadium = resolveModel(loadScenarioFile('scenarios/stadium.yaml'), 'normal', 'guided');
    expect(stadium.guidance!.signals.map((s) => s.id)).toEqual(['concert-ends']);
    const trace = resolveModel(loadScenarioFile('scenarios/trace-driven.yaml'), 'normal');
    const urban = trace.sources.find((s) => s.id === 'urban-users')!;
    expect(urban.trace![0]).toBe(1);
    expect(resolveModel(loadScenarioFile('scenarios/hex-19.yaml')).cells).toHaveLength(19);
  });
});
