import { describe, expect, it } from 'vitest';
import {
  applyDelayedReward,
  createHistory,
  distinctPairs,
  recordPair,
  takeHistory,
} from '../src/agents/alignment.js';
import { ACTION_COUNT, createAgent, stateShape } from '../src/agents/qlearning.js';

const shape = stateShape(4, { dropBuckets: [1, 2, 4] });

describe('delayed rewards', () => {
  it('change exactly the pairs of the history, once each by default', () => {
    const agent = createAgent(shape);
    agent.q.fill(1);
    const h = createHistory(shape);
    recordPair(h, 3, 1);
    recordPair(h, 3, 1);
    recordPair(h, 7, 2);
    expect(distinctPairs(h)).toBe(2);
    expect(applyDelayedReward(agent, h, 0.5, 0.1, 'distinct')).toBe(2);
    const changed = [...agent.q.keys()].filter((i) => agent.q[i] !== 1);
    expect(changed).toEqual([3 * ACTION_COUNT + 1, 7 * ACTION_COUNT + 2]);
    expect(agent.q[3 * ACTION_COUNT + 1]).toBeCloseTo(1.05);
    expect(agent.q[7 * ACTION_COUNT + 2]).toBeCloseTo(1.05);
  });

  it('can apply once per occurrence, and a negative reward lowers the values', () => {
    const agent = createAgent(shape);
    const h = createHistory(shape);
    for (let i = 0; i < 3; i++) recordPair(h, 5, 0);
    applyDelayedReward(agent, h, -1, 0.1, 'every');
    expect(agent.q[5 * ACTION_COUNT]).toBeCloseTo(-0.3);
  });

  it('taking the history clears it, and the taken copy keeps the pairs', () => {
    const h = createHistory(shape);
    recordPair(h, 2, 3);
    const taken = takeHistory(h);
    expect(h.steps).toBe(0);
    expect(distinctPairs(h)).toBe(0);
    expect(taken.steps).toBe(1);
    expect(taken.counts[2 * ACTION_COUNT + 3]).toBe(1);
    const agent = createAgent(shape);
    expect(applyDelayedReward(agent, h, 1, 0.1, 'distinct')).toBe(0);
    expect(agent.q.every((v) => v === 0)).toBe(true);
  });
});
