/**
 * The 'sinr' radio model: path loss, geometry and interference with known answers, and power
 * decisions that reach the neighbours' users.
 */
import { describe, expect, it } from 'vitest';
import { runActors } from '../src/engine/actorEngine.js';
import { runPlainLoop } from '../src/engine/plainLoop.js';
import { drawUser } from '../src/model/arrivals.js';
import {
  ADMITTED,
  admit,
  type CellState,
  countPoor,
  isPoorIn,
  usersFor,
} from '../src/model/cell.js';
import { dbToLinear, pathLossDb, type Radio, sinrDb } from '../src/model/radio.js';
import { Rng } from '../src/rng.js';
import { loadScenarioFile } from '../src/scenario/load.js';
import { resolveModel } from '../src/scenario/resolve.js';
import type { Scenario } from '../src/scenario/schema.js';
import { qOf } from './helpers/agents.js';

const city = (over: Partial<Scenario> = {}): Scenario => ({
  ...loadScenarioFile('scenarios/city-sinr.yaml'),
  ...over,
});

/** A two-cell line, 1 km apart, no shadowing: every link is known in closed form. */
function pair(shadowingSdDb = 0) {
  const base = city();
  const scenario: Scenario = {
    ...base,
    layout: undefined,
    cells: [
      { id: 'a', type: 'macro', position: { x: 0, y: 0 }, neighbours: ['b'] },
      { id: 'b', type: 'macro', position: { x: 1, y: 0 }, neighbours: ['a'] },
    ],
    traffic: { ...base.traffic, everyCell: undefined, sources: [] },
    radio: { ...base.radio, sinr: { ...base.radio.sinr, shadowingSdDb } },
  };
  return resolveModel(scenario, 'normal');
}

const state = (config: ReturnType<typeof pair>, powers: [number, number]): CellState[] =>
  config.cells.map((c, i) => ({
    config: c,
    power: powers[i]!,
    users: usersFor(c, config.radio),
    poorUsers: 0,
  }));

describe("the 'sinr' radio model", () => {
  it('uses the TR 36.814 macro path loss: 128.1 + 37.6·log10(d km)', () => {
    const p = city().radio.sinr;
    expect(pathLossDb(p, 1)).toBeCloseTo(128.1, 10);
    expect(pathLossDb(p, 0.1)).toBeCloseTo(90.5, 10);
    expect(pathLossDb(p, 2)).toBeCloseTo(128.1 + 37.6 * Math.log10(2), 10);
    expect(pathLossDb(p, 0)).toBe(pathLossDb(p, 0.035)); // never closer than 35 m
  });

  it('places users within their radius; links follow the geometry exactly without shadowing', () => {
    const config = pair();
    const [a, b] = config.cells;
    expect(a!.userRadiusKm).toBe(0.5); // half the distance to the nearest neighbour
    const rng = Rng.create(3);
    for (let k = 0; k < 200; k++) {
      const u = drawUser(rng, a!, config.cells, 0, 10, config.radio);
      const da = Math.hypot(u.x!, u.y!);
      const db = Math.hypot(u.x! - 1, u.y!);
      expect(da).toBeLessThanOrEqual(0.5);
      expect(da).toBeGreaterThanOrEqual(0.035); // never closer than minDistanceKm
      expect(u.gainDb).toBeCloseTo(-pathLossDb(config.radio.sinr, da), 9);
      expect(u.neighbourGainDb[0]).toBeCloseTo(-pathLossDb(config.radio.sinr, db), 9);
      expect(b).toBeDefined();
    }
  });

  it('a user midway between two equal cells has an SINR just below 0 dB (the noise)', () => {
    const config = pair();
    const cells = state(config, [40, 40]);
    const signal = 40 - pathLossDb(config.radio.sinr, 0.5);
    const arrival = {
      step: 0,
      gainDb: -pathLossDb(config.radio.sinr, 0.5),
      holdingSteps: 10,
      neighbourGainDb: [-pathLossDb(config.radio.sinr, 0.5)],
      x: 0.5,
      y: 0,
    };
    expect(admit(cells, 0, arrival, config.radio, Rng.create(1))).toBe(ADMITTED); // own cell at a tie
    const user = 0; // the first (only) user
    const noiseMw = dbToLinear(-97);
    const expected = signal - 10 * Math.log10(noiseMw + dbToLinear(signal));
    expect(sinrDb(signal, -97, dbToLinear(signal))).toBeCloseTo(expected, 12);
    expect(expected).toBeLessThan(0);
    expect(expected).toBeGreaterThan(-0.05); // interference-limited: noise costs 0.04 dB
    // Poorly served exactly when the threshold is above that SINR.
    const at = (poorSnrDb: number): Radio => ({ ...config.radio, poorSnrDb });
    expect(isPoorIn(cells, cells[0]!, user, at(expected + 0.001))).toBe(true);
    expect(isPoorIn(cells, cells[0]!, user, at(expected - 0.001))).toBe(false);
  });

  it("a neighbour raising its power degrades this cell's users; raising one's own helps", () => {
    const config = pair();
    const radio: Radio = { ...config.radio, poorSnrDb: 7 };
    const cells = state(config, [42, 42]);
    // Users of cell a at 0.1 … 0.45 km towards b.
    for (const d of [0.1, 0.2, 0.3, 0.35, 0.4, 0.45]) {
      const a = {
        step: 0,
        gainDb: -pathLossDb(radio.sinr, d),
        holdingSteps: 10,
        neighbourGainDb: [-pathLossDb(radio.sinr, 1 - d)],
        x: d,
        y: 0,
      };
      expect(admit(cells, 0, a, radio, Rng.create(1))).toBe(ADMITTED);
    }
    const poor = (pa: number, pb: number) => {
      cells[0]!.power = pa;
      cells[1]!.power = pb;
      return countPoor(cells[0]!, radio, cells);
    };
    // Interference-limited: SINR ≈ (Pa − Pb) + 37.6·log10((1−d)/d) dB. At equal power the users at
    // 0.45 km (3.3 dB) and 0.4 km (6.6 dB) are below 7 dB; 4 dB more from b adds the one at 0.35 km
    // (10.1 → 6.1 dB); 4 dB more from a lifts both (7.3 and 10.6 dB).
    expect(poor(42, 42)).toBe(2);
    expect(poor(42, 46)).toBe(3);
    expect(poor(46, 42)).toBe(0);
    // countPoor and the per-user test agree.
    for (const [pa, pb] of [
      [38, 46],
      [42, 42],
      [46, 38],
    ] as const) {
      cells[0]!.power = pa;
      cells[1]!.power = pb;
      let each = 0;
      for (let u = 0; u < cells[0]!.users.length; u++) {
        if (isPoorIn(cells, cells[0]!, u, radio)) each++;
      }
      expect(countPoor(cells[0]!, radio, cells)).toBe(each);
    }
  });

  it('needs positions; defaults half the neighbour distance; the hex city resolves', () => {
    const base = city();
    expect(() =>
      resolveModel({ ...base, layout: undefined, cells: [{ id: 'x', type: 'macro' }] }, 'normal'),
    ).toThrow(/radio.model 'sinr' needs every cell's position: cell 'x' has none/);
    const model = resolveModel(base, 'normal');
    expect(model.cells).toHaveLength(37);
    expect(new Set(model.cells.map((c) => c.userRadiusKm.toFixed(6)))).toEqual(
      new Set(['0.250000']),
    );
    expect(model.cells[0]!.neighbours).toHaveLength(6);
  });

  it('runs identically on the actor engine and the plain loop, deterministic per seed', async () => {
    const short = city({ episodes: { training: 3, test: 1 } });
    const model = resolveModel(short, 'normal');
    const a = await runActors(model, { seed: 2 });
    const p = runPlainLoop(model, { seed: 2 });
    expect(a.episodes).toEqual(p.episodes);
    expect(a.world.agents.map((x) => Array.from(qOf(x)))).toEqual(
      p.world.agents.map((x) => Array.from(qOf(x))),
    );
    const again = await runActors(model, { seed: 2 });
    expect(again.episodes).toEqual(a.episodes);
    expect((await runActors(model, { seed: 3 })).episodes).not.toEqual(a.episodes);
  });

  it('the paper model ignores the sinr settings (its results do not move)', async () => {
    const paper = loadScenarioFile('scenarios/paper.yaml');
    const short = { ...paper, episodes: { training: 3, test: 1 } };
    const tweaked = {
      ...short,
      radio: { ...short.radio, sinr: { ...short.radio.sinr, noiseDbm: -50, shadowingSdDb: 20 } },
    };
    const a = await runActors(resolveModel(short, 'normal'), { seed: 1 });
    const b = await runActors(resolveModel(tweaked, 'normal'), { seed: 1 });
    expect(b.episodes).toEqual(a.episodes);
  });
});
