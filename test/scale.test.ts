/**
 * The planner at scale: regional planners batch their own region's requests, each with its own
 * call in flight and a share of the rate budget; LLM calls grow far slower than cells.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runActors } from '../src/engine/actorEngine.js';
import { callEvaluator, createAlignmentCore, takeEvaluationJob } from '../src/llm/evaluator.js';
import { readEvaluatorSnapshot } from '../src/llm/prompt.js';
import { SimulatedProvider } from '../src/llm/simulated.js';
import type { CallResult, LlmProvider, ModelGateway, Prompt } from '../src/llm/types.js';
import { beginEpisode, createWorld, endEpisode, stepWorld } from '../src/model/world.js';
import { Rng } from '../src/rng.js';
import { executeRun } from '../src/run/execute.js';
import { buildSummary } from '../src/run/summary.js';
import { loadScenarioFile, parseScenario } from '../src/scenario/load.js';
import { resolveModel } from '../src/scenario/resolve.js';
import type { Scenario } from '../src/scenario/schema.js';
import { fakeServer } from './helpers/fakeLlm.js';

const city = (planner: Partial<Scenario['guidance']['planner']>, rings = 3): Scenario => {
  const base = loadScenarioFile('scenarios/city-sinr.yaml');
  return {
    ...base,
    layout: { hex: { ...base.layout!.hex!, rings } },
    episodes: { training: 2, test: 1 },
    time: { ...base.time, stepsPerEpisode: 40 },
    guidance: { ...base.guidance, planner: { ...base.guidance.planner, ...planner } },
  };
};

/** The simulated model, remembering every planner prompt's targets and evaluator prompt's agents. */
function recording(): { provider: LlmProvider; targets: string[][]; evaluated: string[][] } {
  const targets: string[][] = [];
  const evaluated: string[][] = [];
  const inner = new SimulatedProvider(
    { model: 'rec', errorRate: 0, failureRate: 0, verbosity: 'terse' },
    Rng.create(5),
  );
  return {
    targets,
    evaluated,
    provider: {
      name: 'rec',
      model: 'rec',
      complete: (p: Prompt) => {
        if (p.kind === 'planner') {
          targets.push(/Target cells: ([^.]*)\./.exec(p.user)![1]!.split(', '));
        } else {
          evaluated.push(readEvaluatorSnapshot(p.user)!.agents.map((a) => a.id));
        }
        return inner.complete(p);
      },
    },
  };
}

describe('regional planners', () => {
  it('one planner per region; every prompt asks about one region only', async () => {
    const model = resolveModel(city({ scope: 'region', regionCells: 8 }), 'normal', 'guided');
    // ⌈37 / 8⌉ = 5 regions of nearly equal size.
    expect(model.guidance!.plannerRegions.map((r) => r.length)).toEqual([8, 7, 8, 7, 7]);
    const { provider, targets } = recording();
    const outcome = await runActors(model, { seed: 1, provider: () => provider });
    const regionOf = new Map(model.cells.map((c, i) => [c.id, model.guidance!.plannerOfCell[i]]));
    expect(targets.length).toBeGreaterThan(0);
    for (const t of targets) expect(new Set(t.map((id) => regionOf.get(id))).size).toBe(1);
    // Every region's planner was asked.
    expect(new Set(targets.map((t) => regionOf.get(t[0]!)))).toEqual(new Set([0, 1, 2, 3, 4]));
    const ledger = outcome.world.guidance!.ledger.training;
    expect(ledger.suggestions).toBeGreaterThan(0);
  });

  it('regions are compact patches along a Hilbert curve over the positions', () => {
    const model = resolveModel(city({ scope: 'region', regionCells: 16 }, 6), 'normal', 'guided');
    const g = model.guidance!;
    expect(g.plannerRegions.map((r) => r.length)).toEqual([16, 16, 16, 16, 16, 16, 16, 15]);
    let inside = 0;
    let links = 0;
    model.cells.forEach((c, i) => {
      for (const j of c.neighbours) {
        links++;
        if (g.plannerOfCell[i] === g.plannerOfCell[j]) inside++;
      }
    });
    // Consecutive ring-by-ring numbering keeps under half of the links inside a region.
    expect(inside / links).toBeGreaterThan(0.6);
    for (const region of g.plannerRegions) {
      const span = Math.max(
        ...region.flatMap((a) =>
          region.map((b) =>
            Math.hypot(
              model.cells[a]!.x - model.cells[b]!.x,
              model.cells[a]!.y - model.cells[b]!.y,
            ),
          ),
        ),
      );
      expect(span).toBeLessThan(8 * 0.5); // a 16-cell patch, not a 127-cell ring's arc
    }
  });

  it('requests are all accounted for, with the budget shared between the planners', async () => {
    const { summary } = await executeRun({
      scenario: city({ scope: 'region', regionCells: 8, requestsPerMinute: 20 }),
      traffic: 'normal',
      config: 'guided',
      seed: 2,
    });
    const g = summary.guidance!;
    expect(g.planners).toBe(5);
    for (const p of [g.training, g.test]) {
      const fates =
        p.suggestions +
        p.rejected +
        p.failedSuggestions +
        p.supersededRequests +
        p.outdatedRequests +
        p.unansweredAtEnd;
      expect(fates).toBe(p.requests);
    }
    // 20 requests/min over 5 planners: 4 each, so the planners wait for budget.
    expect(g.training.rateLimitedMs).toBeGreaterThan(0);
  });

  it('LLM calls grow far slower than cells', async () => {
    const calls = async (rings: number, planner: Partial<Scenario['guidance']['planner']>) => {
      const scenario = city(
        { maxBatchSize: 64, requestsPerMinute: 1e5, tokensPerMinute: 1e9, ...planner },
        rings,
      );
      const { summary } = await executeRun({
        scenario,
        traffic: 'normal',
        config: 'guided',
        seed: 1,
      });
      return { cells: 1 + 3 * rings * (rings + 1), calls: summary.guidance!.training.calls };
    };
    const small = await calls(1, {}); // 7 cells
    const large = await calls(6, {}); // 127 cells
    expect(large.cells / small.cells).toBeGreaterThan(18);
    expect(large.calls / small.calls).toBeLessThan(3);
    const regional = await calls(6, { scope: 'region', regionCells: 64 });
    expect(regional.calls / small.calls).toBeLessThan(3);
  }, 30_000);

  it('keeps no per-cell counters per episode when asked (memory flat over episodes), same summary', async () => {
    const model = resolveModel(city({}), 'normal', 'aura');
    const kept = await runActors(model, { seed: 4 });
    const flat = await runActors(model, { seed: 4, keepEpisodes: false });
    expect(kept.episodes.every((e) => e.counters.cells.length === 37)).toBe(true);
    expect(flat.episodes.every((e) => e.counters.cells.length === 0)).toBe(true);
    expect(buildSummary(model, 'aura', 4, flat)).toEqual(buildSummary(model, 'aura', 4, kept));
  });

  it('streams the series to disk as episodes end: nothing per episode is kept in memory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aura-series-'));
    const file = join(dir, 'episodes.csv.partial');
    const scenario = city({});
    const rowsOnDisk: number[] = [];
    const streamed = await executeRun({
      scenario,
      traffic: 'normal',
      config: 'aura',
      seed: 3,
      seriesFile: file,
      onEpisode: () => {
        rowsOnDisk.push(readFileSync(file, 'utf8').trim().split('\n').length);
      },
    });
    expect(streamed.files.episodesCsv).toEqual({ file });
    expect(rowsOnDisk).toEqual([2, 3, 4]); // the header, then each episode's row as it ends
    const kept = await executeRun({ scenario, traffic: 'normal', config: 'aura', seed: 3 });
    expect(readFileSync(file, 'utf8')).toBe(kept.files.episodesCsv);
    expect(streamed.summary).toEqual(kept.summary);
  });

  it('the network scope is the single planner of before', () => {
    const model = resolveModel(city({}), 'normal', 'guided');
    expect(model.guidance!.plannerRegions).toHaveLength(1);
    expect(model.guidance!.plannerRegions[0]).toHaveLength(37);
  });
});

describe('results at scale', () => {
  it('are deterministic per seed and identical whatever the worker count (127 cells, SINR, regional planners)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aura-scale-'));
    const args = (workers: string, out: string) => [
      'dist/src/cli/main.js',
      'experiment',
      'scenarios/city-sinr.yaml',
      ...['--configs', 'marl-only,guided', '--traffic', 'normal', '--seeds', '2', '--no-progress'],
      ...['--set', 'layout.hex.rings=6', '--set', 'episodes={training: 1, test: 1}'],
      ...['--set', 'time.stepsPerEpisode=30', '--set', 'guidance.planner.scope=region'],
      ...['--set', 'guidance.planner.regionCells=32', '--workers', workers, '--out', out],
    ];
    const summaryTexts = (out: string) =>
      ['marl-only', 'guided'].flatMap((config) =>
        [1, 2].map((seed) =>
          readFileSync(join(out, 'runs', config, 'normal', `seed-${seed}`, 'summary.json'), 'utf8'),
        ),
      );
    for (const [workers, out] of [
      ['1', join(dir, 'one')],
      ['2', join(dir, 'two')],
    ] as const) {
      const res = spawnSync(process.execPath, args(workers, out), { encoding: 'utf8' });
      expect(res.status, res.stderr).toBe(0);
    }
    const one = summaryTexts(join(dir, 'one'));
    expect(one).toEqual(summaryTexts(join(dir, 'two')));
    expect(JSON.parse(one[2]!).guidance.planners).toBe(4);
    expect(new Set(one).size).toBe(4); // seeds and configurations differ
  }, 120_000);
});

describe('regional evaluations (aura, alignment.scope: region)', () => {
  const aura = (scope: 'network' | 'region') => {
    const s = city({ scope: 'region', regionCells: 8 });
    return resolveModel(
      { ...s, guidance: { ...s.guidance, alignment: { ...s.guidance.alignment, scope } } },
      'normal',
      'aura',
    );
  };

  it('one evaluator prompt per planner region, each scoring exactly its agents', async () => {
    const model = aura('region');
    const { provider, evaluated } = recording();
    const outcome = await runActors(model, { seed: 1, provider: () => provider });
    const regions = model.guidance!.plannerRegions.map((r) => r.map((i) => model.cells[i]!.id));
    // One window per phase while the agents learn (training only here): five prompts.
    expect(evaluated).toEqual(regions);
    const ledger = outcome.world.guidance!.ledger.training;
    expect(ledger.evaluations).toBe(5);
    expect(ledger.delayedRewards).toBe(model.cells.length); // every agent scored once
    expect(ledger.rejectedScores).toBe(0);
  });

  it("'network' keeps one prompt for every agent; 'region' prompts are each a fraction of it", async () => {
    const prompts = async (scope: 'network' | 'region') => {
      const sizes: number[] = [];
      const inner = recording().provider;
      await runActors(aura(scope), {
        seed: 1,
        provider: () => ({
          ...inner,
          complete: (p: Prompt) => {
            if (p.kind === 'evaluator') sizes.push(p.user.length);
            return inner.complete(p);
          },
        }),
      });
      return sizes;
    };
    const [whole] = await prompts('network');
    const parts = await prompts('region');
    expect(parts).toHaveLength(5);
    for (const size of parts) expect(size).toBeLessThan(whole! / 3);
  });

  it('over the network the region prompts are all in flight together; the evaluation waits for the last', async () => {
    // The fifth evaluator request is answered only after the other four have arrived.
    let waiting: (() => void)[] = [];
    const server = await fakeServer('openai', (req) => {
      if (req.prompt.kind !== 'evaluator') return undefined;
      return new Promise<undefined>((resolve) => {
        waiting.push(() => resolve(undefined));
        if (waiting.length === 5) {
          for (const go of waiting.reverse()) go();
          waiting = [];
        }
      });
    });
    try {
      const s = city({ scope: 'region', regionCells: 8 });
      const { summary } = await executeRun({
        scenario: {
          ...s,
          guidance: {
            ...s.guidance,
            llm: {
              ...s.guidance.llm,
              provider: 'openai-compatible',
              baseUrl: server.url,
              concurrency: 8,
            },
            alignment: { ...s.guidance.alignment, scope: 'region' },
          },
        },
        traffic: 'normal',
        config: 'aura',
        seed: 1,
      });
      const evaluations = server.requests.filter((r) => r.prompt.kind === 'evaluator');
      expect(evaluations).toHaveLength(5);
      const g = summary.guidance!;
      expect(g.training.evaluations).toBe(5);
      expect(g.training.delayedRewards).toBe(37);
      expect(summary.llm.failedCalls).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('a regional evaluation has settled when its last part has, its latency the slowest part’s', () => {
    const model = aura('region');
    const world = createWorld(model, Rng.create(1));
    beginEpisode(world, 'training', 0);
    for (let k = 0; k < 10; k++) stepWorld(world);
    endEpisode(world);
    const pending: ((r: CallResult) => void)[] = [];
    const gateway: ModelGateway = {
      call: (_role, _prompt, onSettled) => {
        pending.push(onSettled);
        return null; // a network call: answered later
      },
    };
    let late = 0;
    const guidance = world.guidance!;
    const core = createAlignmentCore(world, guidance, guidance.config.alignment!, {
      name: 'evaluator',
      gateway,
      latencyRng: Rng.create(2),
    });
    const call = callEvaluator(core, takeEvaluationJob(world), () => late++);
    expect(call.parts.map((p) => p.cells)).toEqual(model.guidance!.plannerRegions);
    const reply = (): CallResult => ({
      completion: { text: '<scores>\n</scores>', inputTokens: 1, outputTokens: 1 },
      failure: null,
      detail: null,
      measuredMs: 5,
      attempts: 1,
    });
    for (const settle of pending.slice(0, 4)) settle(reply());
    expect([late, call.settled]).toEqual([0, false]);
    pending[4]!(reply());
    expect([late, call.settled]).toEqual([1, true]);
    expect(call.latencyMs).toBe(Math.max(...call.parts.map((p) => p.latencyMs)));
    expect(new Set(call.parts.map((p) => p.latencyMs)).size).toBeGreaterThan(1); // drawn per part
  });

  it('refuses region evaluations without regional planners, naming the field', () => {
    const text = 'extends: paper.yaml\nguidance:\n  alignment:\n    scope: region\n';
    expect(() => parseScenario(text, 'scenarios/x.yaml')).toThrow(
      /guidance\.alignment\.scope \(line 4\): alignment\.scope 'region' .* set guidance\.planner\.scope: region too/,
    );
  });

  it('is deterministic: the same seed gives the same summary', async () => {
    const run = async () => {
      const s = city({ scope: 'region', regionCells: 8 });
      const { summary } = await executeRun({
        scenario: {
          ...s,
          guidance: { ...s.guidance, alignment: { ...s.guidance.alignment, scope: 'region' } },
        },
        traffic: 'normal',
        config: 'aura',
        seed: 3,
      });
      return JSON.stringify(summary);
    };
    expect(await run()).toBe(await run());
  });
});
