import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { simulationMachine } from '../machines/simulation.js';
import { SimClock } from '../src/engine/clock.js';
import { regionsOf } from '../src/engine/regions.js';
import { setUpRun } from '../src/engine/run.js';
import { resolveModel } from '../src/scenario/resolve.js';
import { shortPaper } from './helpers/paper.js';

describe('regions', () => {
  it('groups consecutive cells, at most `size` per region, covering every cell once', () => {
    expect(regionsOf(2)).toEqual([[0, 1]]);
    expect(regionsOf(5, 2)).toEqual([[0, 1], [2, 3], [4]]);
    expect(regionsOf(0)).toEqual([]);
    const big = regionsOf(1000);
    expect(big).toHaveLength(16);
    expect(big.flat()).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(() => regionsOf(3, 0)).toThrow(RangeError);
  });

  it('the actor tree is root → region → base station → arrival process', () => {
    const model = resolveModel(shortPaper(), 'normal');
    const { world, arrivalRngs, llm } = setUpRun(model, { seed: 1 });
    const actor = createActor(simulationMachine, {
      clock: new SimClock(),
      input: { world, arrivalRngs, llm },
    });
    actor.start();
    actor.send({ type: 'sim.start' });
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
