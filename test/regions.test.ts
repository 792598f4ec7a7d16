import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { lineScenario } from '../bench/scenarios.js';
import { simulationMachine } from '../machines/simulation.js';
import { regionsOf, regionTree } from '../src/control/regions.js';
import { SimClock } from '../src/engine/clock.js';
import { setUpRun } from '../src/engine/run.js';
import { type ModelConfig, resolveModel } from '../src/scenario/resolve.js';
import { shortPaper } from './helpers/paper.js';

/** The simulation actor of `model`, started: every actor spawned, the first episode begun. */
function started(model: ModelConfig) {
  const { world, arrivalRngs, llm } = setUpRun(model, { seed: 1 });
  const actor = createActor(simulationMachine, {
    clock: new SimClock(),
    input: { world, arrivalRngs, llm },
  });
  actor.start();
  actor.send({ type: 'sim.start' });
  return actor;
}

describe('regions', () => {
  it('groups consecutive cells, at most `size` per region, covering every cell once', () => {
    expect(regionsOf(2)).toEqual([[0, 1]]);
    expect(regionsOf(5, 2)).toEqual([[0, 1], [2, 3], [4]]);
    expect(regionsOf(0)).toEqual([]);
    const big = regionsOf(1000, 64);
    expect(big).toHaveLength(16);
    expect(big.flat()).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(() => regionsOf(3, 0)).toThrow(RangeError);
    expect(regionsOf(40)).toHaveLength(3); // 16 per region by default
  });

  it('puts leaf regions under the root up to 16 of them, else groups of 16 leaves', () => {
    const small = regionTree(256);
    expect(small.map((r) => r.id)).toEqual(Array.from({ length: 16 }, (_, k) => `region:${k}`));
    const big = regionTree(10_000);
    expect(big).toHaveLength(40); // 625 leaves in groups of 16
    expect(big[0]!.id).toBe('regions:0-15');
    expect(big.at(-1)!.id).toBe('regions:624-624');
    const cells = big.flatMap((g) => ('regions' in g ? g.regions : [g])).flatMap((r) => r.cells);
    expect(cells).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
    expect(regionTree(3, 1, 2).map((g) => g.id)).toEqual(['regions:0-1', 'regions:2-2']);
    expect(() => regionTree(3, 1, 0)).toThrow(RangeError);
  });

  it('with more than 16 regions the tree is root → group → region → base station', () => {
    const actor = started(resolveModel(lineScenario(300), 'normal'));
    expect(Object.keys(actor.getSnapshot().children)).toEqual(['regions:0-15', 'regions:16-18']);
    const group = actor.system.get('regions:16-18')!;
    expect(Object.keys(group.getSnapshot().children)).toEqual([
      'region:16',
      'region:17',
      'region:18',
    ]);
    const last = actor.system.get('region:18')!;
    expect(Object.keys(last.getSnapshot().children)).toEqual(
      Array.from({ length: 12 }, (_, k) => `bs:c${288 + k}`),
    );
    expect(actor.system.get('bs:c299')!.getSnapshot().value).toBe('acting');
    actor.stop();
  });

  it('the actor tree is root → region → base station → arrival process', () => {
    const actor = started(resolveModel(shortPaper(), 'normal'));
    const region = actor.system.get('region:0');
    expect(region).toBeDefined();
    expect(Object.keys(actor.getSnapshot().children)).toEqual(['region:0']);
    expect(Object.keys(region!.getSnapshot().children)).toEqual(['bs:rural', 'bs:urban']);
    const rural = actor.system.get('bs:rural')!;
    expect(Object.keys(rural.getSnapshot().children)).toEqual(['arrivals:rural-users']);
    expect(rural.getSnapshot().value).toBe('acting');
    actor.stop();
  });
});
