import { describe, expect, it } from 'vitest';
import { runActors } from '../src/engine/actorEngine.js';
import { runPlainLoop } from '../src/engine/plainLoop.js';
import { generateArrivals } from '../src/model/arrivals.js';
import { diurnalAt, flashAt, scheduleAt, sourceMultipliers } from '../src/model/profiles.js';
import { Rng } from '../src/rng.js';
import { parseScenario } from '../src/scenario/load.js';
import { resolveModel } from '../src/scenario/resolve.js';
import type { Scenario } from '../src/scenario/schema.js';
import { qOf } from './helpers/agents.js';
import { shortPaper } from './helpers/paper.js';

const crowd = {
  id: 'concert',
  cells: ['urban'],
  startStep: 10,
  rampSteps: 3,
  durationSteps: 5,
  multiplier: 5,
};

/** The short paper scenario with the urban source and the traffic section overridden. */
function withTraffic(
  urban: Partial<Scenario['traffic']['sources'][number]>,
  traffic: Partial<Scenario['traffic']> = {},
): Scenario {
  const base = shortPaper();
  return {
    ...base,
    traffic: {
      ...base.traffic,
      ...traffic,
      sources: base.traffic.sources.map((s) => (s.cell === 'urban' ? { ...s, ...urban } : s)),
    },
  };
}

describe('traffic profiles', () => {
  it('a schedule holds each piece until the next; 1 before the first', async () => {
    const schedule = [
      { fromStep: 5, multiplier: 2 },
      { fromStep: 20, multiplier: 0.5 },
    ];
    expect([0, 4, 5, 19, 20, 99].map((t) => scheduleAt(schedule, t))).toEqual([
      1, 1, 2, 2, 0.5, 0.5,
    ]);
  });

  it('a diurnal cycle peaks at its peak step and bottoms out half a period later', async () => {
    const d = { periodSteps: 100, amplitude: 0.8, peakStep: 30 };
    expect(diurnalAt(d, 30)).toBeCloseTo(1.8);
    expect(diurnalAt(d, 80)).toBeCloseTo(0.2);
    expect(diurnalAt(d, 55)).toBeCloseTo(1);
  });

  it('a flash crowd ramps up, holds, ramps down', async () => {
    const m = [9, 10, 11, 12, 13, 17, 18, 19, 20, 21].map((t) => flashAt(crowd, t));
    expect(m).toEqual([1, 2, 3, 4, 5, 5, 4, 3, 2, 1]);
  });

  it('composes by product for the cells a crowd covers, and costs nothing without a profile', async () => {
    const source = {
      id: 's',
      cell: 'urban',
      arrivalRate: 1,
      meanHoldingSteps: 20,
      schedule: [{ fromStep: 0, multiplier: 2 }],
    };
    const m = sourceMultipliers(source, 'urban', [crowd], 30)!;
    expect(m[0]).toBe(2);
    expect(m[14]).toBe(10);
    expect(sourceMultipliers(source, 'rural', [crowd], 30)![14]).toBe(2);
    expect(sourceMultipliers({ ...source, schedule: undefined }, 'rural', [crowd], 30)).toBeNull();
  });

  it('arrivals follow the profile and restart with every episode', async () => {
    const model = resolveModel(
      withTraffic({ arrivalRate: 2, schedule: [{ fromStep: 50, multiplier: 0 }] }),
      'normal',
    );
    const urban = model.sources.find((s) => s.id === 'urban-users')!;
    const arrivals = generateArrivals(
      Rng.create(1),
      urban,
      model.cells,
      0,
      300,
      model.stepsPerEpisode,
      model.radio,
    ).toArray();
    const inEpisode = arrivals.map((a) => a.step % 100);
    expect(inEpisode.every((t) => t < 50)).toBe(true);
    expect(arrivals.some((a) => a.step >= 200)).toBe(true);
    expect(urban.meanRatePerStep).toBeCloseTo(1);
  });

  it('a trace gives the exact arrivals, scaled by the traffic level', async () => {
    const trace = { arrivals: [3, 0, 1, 2] };
    const model = resolveModel(withTraffic({ trace }), 'high');
    const urban = model.sources.find((s) => s.id === 'urban-users')!;
    expect(Array.from(urban.trace!)).toEqual([5, 0, 1, 3]); // ×1.5: running totals 4.5→5, 6→6, 9→9
    const half = resolveModel(withTraffic({ trace: { arrivals: [1, 1, 1, 1] } }), 'low');
    expect(Array.from(half.sources.find((s) => s.id === 'urban-users')!.trace!)).toEqual([
      1, 0, 1, 0,
    ]);
    const arrivals = generateArrivals(
      Rng.create(1),
      urban,
      model.cells,
      0,
      200,
      model.stepsPerEpisode,
      model.radio,
    ).toArray();
    const perStep = (t: number) => arrivals.filter((a) => a.step === t).length;
    expect([0, 1, 2, 3, 4, 100, 102].map(perStep)).toEqual([5, 0, 1, 3, 0, 5, 1]);
    expect(urban.meanRatePerStep).toBeCloseTo(9 / 100);
  });

  it('the actor engine and the plain loop agree with profiles, crowds and traces, whatever the window', async () => {
    const scenario = withTraffic(
      { diurnal: { periodSteps: 50, amplitude: 0.5, peakStep: 10 } },
      { flashCrowds: [crowd], windowSteps: 7 },
    );
    const comparable = (o: Awaited<ReturnType<typeof runActors>>) => ({
      e: o.episodes,
      q: o.world.agents.map((a) => Array.from(qOf(a))),
    });
    const actors = await runActors(resolveModel(scenario, 'high'), { seed: 4 });
    expect(comparable(actors)).toEqual(
      comparable(runPlainLoop(resolveModel(scenario, 'high'), { seed: 4 })),
    );
    const wide = { ...scenario, traffic: { ...scenario.traffic, windowSteps: 200 } };
    expect(comparable(await runActors(resolveModel(wide, 'high'), { seed: 4 }))).toEqual(
      comparable(actors),
    );
    const plain = await runActors(resolveModel(shortPaper(), 'high'), { seed: 4 });
    expect(comparable(plain)).not.toEqual(comparable(actors)); // the profile changed the traffic
  });

  it('an announced crowd becomes a signal the planner sees', async () => {
    const scenario = withTraffic(
      {},
      { flashCrowds: [{ ...crowd, announce: 'Concert ends at the stadium' }] },
    );
    const model = resolveModel(scenario, 'normal', 'guided');
    expect(model.guidance!.signals).toEqual([
      {
        id: 'concert',
        description: 'Concert ends at the stadium',
        cells: ['urban'],
        startSeconds: 10,
        durationSeconds: 11,
      },
    ]);
    expect(resolveModel(scenario, 'normal').guidance).toBeNull();
  });
});

describe('area sources', () => {
  it("give each cell of the area its own source, with the area's settings and overrides", async () => {
    const text = `name: area
cells:
  - { id: a, type: urban }
  - { id: b, type: urban }
  - { id: c, type: rural }
traffic:
  areas:
    - { id: downtown, cells: [a, b], arrivalRate: 2, diurnal: { periodSteps: 50, amplitude: 0.5 } }
  sources:
    - { id: c-users, cell: c, arrivalRate: 1 }
  levels:
    normal: { scale: 1 }
    rush: { scale: 1, arrivalRates: { downtown: 3 } }
`;
    const s = parseScenario(text);
    const normal = resolveModel(s, 'normal');
    expect(normal.sources.map((x) => [x.id, x.cellIndex, x.ratePerStep])).toEqual([
      ['c-users', 2, 1],
      ['downtown-a', 0, 2],
      ['downtown-b', 1, 2],
    ]);
    expect(normal.sources[1]!.multipliers).not.toBeNull();
    expect(resolveModel(s, 'rush').sources[2]!.ratePerStep).toBe(3);
    const bad = text.replace('cells: [a, b]', 'cells: [a, z]');
    expect(() => parseScenario(bad, 'x.yaml')).toThrow(
      /traffic\.areas\[0\]\.cells\[1\] \(line 8\): unknown cell 'z'/,
    );
  });
});

describe('profile validation', () => {
  const mini = `name: mini
cellTypes:
  macro:
    power: { min: 40, max: 46, step: 2 }
    capacity: 20
cells:
  - id: a
    type: macro
traffic:
  sources:
    - id: a-users
      cell: a
      arrivalRate: 1
`;
  const problems = (extra: string) => {
    try {
      parseScenario(mini + extra, 'x.yaml');
    } catch (err) {
      return (err as { problems: { path: string; message: string }[] }).problems;
    }
    return [];
  };

  it('refuses a crowd outside the episode or at an unknown cell', async () => {
    expect(
      problems(
        '  flashCrowds:\n    - { id: c, cells: [b], startStep: 120, durationSteps: 5, multiplier: 2 }\n',
      ),
    ).toEqual([
      expect.objectContaining({
        path: 'traffic.flashCrowds[0].cells[0]',
        message: "unknown cell 'b'",
      }),
      expect.objectContaining({
        path: 'traffic.flashCrowds[0].startStep',
        message: "starts at step 120, after the episode's 100 steps",
      }),
    ]);
    expect(
      problems(
        '  flashCrowds:\n    - { id: c, cells: [a], startStep: 90, rampSteps: 3, durationSteps: 5, multiplier: 2 }\n',
      ),
    ).toEqual([
      expect.objectContaining({
        path: 'traffic.flashCrowds[0].durationSteps',
        message:
          "lasts until step 101 (start + 2 × ramp + duration), beyond the episode's 100 steps",
      }),
    ]);
  });

  it('refuses unordered or late schedule pieces, and a trace combined with a profile', async () => {
    const withSource = (fields: string) =>
      mini.replace('      arrivalRate: 1\n', `      arrivalRate: 1\n${fields}`);
    const p = (text: string) => {
      try {
        parseScenario(text, 'x.yaml');
      } catch (err) {
        return (err as { problems: { path: string; message: string }[] }).problems;
      }
      return [];
    };
    expect(
      p(
        withSource(
          '      schedule: [{ fromStep: 20, multiplier: 2 }, { fromStep: 10, multiplier: 1 }]\n',
        ),
      ),
    ).toEqual([
      expect.objectContaining({
        path: 'traffic.sources[0].schedule',
        message: 'schedule pieces must start at strictly increasing steps',
      }),
    ]);
    expect(p(withSource('      schedule: [{ fromStep: 150, multiplier: 2 }]\n'))).toEqual([
      expect.objectContaining({ path: 'traffic.sources[0].schedule[0].fromStep' }),
    ]);
    expect(
      p(
        withSource(
          '      trace: { arrivals: [1, 2] }\n      diurnal: { periodSteps: 10, amplitude: 0.5 }\n',
        ),
      ),
    ).toEqual([expect.objectContaining({ path: 'traffic.sources[0].trace' })]);
    expect(p(withSource('      diurnal: { periodSteps: 10, amplitude: 1.5 }\n'))).toEqual([
      expect.objectContaining({ path: 'traffic.sources[0].diurnal.amplitude' }),
    ]);
  });
});
