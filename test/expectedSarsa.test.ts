import { describe, expect, it } from 'vitest';
import type { Agent } from '../src/agents/agent.js';
import { ExpectedSarsaAgent, expectedSarsa } from '../src/agents/expectedSarsa.js';
import { QLearningAgent } from '../src/agents/qlearning.js';
import { ACTION_COUNT, stateShape } from '../src/agents/space.js';
import { Rng } from '../src/rng.js';

// One power level, no drop buckets: 6 states; the MDP below uses states 0 and 1.
const shape = stateShape(1, { dropBuckets: [] });

/**
 * A two-state "cliff": in START, action 0 walks to the EDGE (reward 0) and action 1 is a safe
 * loop paying 0.4 (actions 2 and 3 loop for 0). At the EDGE, action 0 pays 2 and returns to START;
 * any other action falls off (−10, back to START). Greedy, walking the edge is best (1 per step
 * against 0.4); an agent exploring with ε = 0.5 falls off 37.5 % of its edge visits, so for its
 * ε-greedy policy the safe loop is best.
 */
const START = 0;
const EDGE = 1;
const step = (s: number, a: number): { reward: number; next: number } => {
  if (s === START)
    return a === 0 ? { reward: 0, next: EDGE } : { reward: a === 1 ? 0.4 : 0, next: START };
  return { reward: a === 0 ? 2 : -10, next: START };
};
const gamma = 0.5;
const epsilon = 0.5;

/** Sweeps every (s, a) of the MDP until the values settle (deterministic: sample = expectation). */
function sweep(agent: Agent, sweeps = 400): void {
  for (let k = 0; k < sweeps; k++) {
    for (const s of [START, EDGE]) {
      for (let a = 0; a < ACTION_COUNT; a++) {
        const { reward, next } = step(s, a);
        agent.learn(s, a, reward, next, epsilon, { alpha: 0.5, gamma });
      }
    }
  }
}

const greedy = (agent: Agent, s: number): number => {
  let best = 0;
  for (let a = 1; a < ACTION_COUNT; a++) if (agent.value(s, a) > agent.value(s, best)) best = a;
  return best;
};

describe('Expected SARSA', () => {
  it('bootstraps from the expectation under its epsilon-greedy policy: (1 − ε)·max + ε·mean', () => {
    const agent = new ExpectedSarsaAgent(shape);
    agent.q.set([1, 5, -2, 3], 4 * ACTION_COUNT);
    expect(agent.nextValue(4, 0)).toBe(5);
    expect(agent.nextValue(4, 1)).toBeCloseTo(7 / 4, 12);
    expect(agent.nextValue(4, 0.2)).toBeCloseTo(0.8 * 5 + 0.2 * (7 / 4), 12);
    agent.q.set([2, 0, 0, 0], 3 * ACTION_COUNT);
    agent.learn(3, 0, 0.7, 4, 0.2, { alpha: 0.1, gamma: 0.9 });
    expect(agent.value(3, 0)).toBeCloseTo(2 + 0.1 * (0.7 + 0.9 * (0.8 * 5 + 0.35) - 2), 12);
    // Ties at the maximum: every tied action has the same value, so the formula holds as is.
    agent.q.set([3, 3, 0, 0], 5 * ACTION_COUNT);
    expect(agent.nextValue(5, 0.4)).toBeCloseTo(0.6 * 3 + 0.4 * 1.5, 12);
  });

  it('learns the values of its epsilon-greedy policy on the cliff MDP (by hand)', () => {
    const agent = new ExpectedSarsaAgent(shape);
    sweep(agent);
    // The policy: greedy = safe loop in START, walk on at the EDGE; each greedy action has
    // probability 1 − ε + ε/4, each other ε/4. Its state values solve
    //   V_edge  = Σ π·r(edge) + γ·V_start
    //   V_start = π_walk·γ·V_edge + π_safe·(0.4 + γ·V_start) + 2·π_other·γ·V_start
    const pg = 1 - epsilon + epsilon / 4;
    const po = epsilon / 4;
    const rEdge = pg * 2 + 3 * po * -10;
    // Substituting V_edge: V_start·(1 − γ·(π_walk·γ + π_safe + 2·π_other)) = π_walk·γ·rEdge + π_safe·0.4
    const vStart = (po * gamma * rEdge + pg * 0.4) / (1 - gamma * (po * gamma + pg + 2 * po));
    const vEdge = rEdge + gamma * vStart;
    expect(vStart).toBeCloseTo(3 / 17, 12);
    expect(agent.value(START, 0)).toBeCloseTo(gamma * vEdge, 9);
    expect(agent.value(START, 1)).toBeCloseTo(0.4 + gamma * vStart, 9);
    expect(agent.value(START, 2)).toBeCloseTo(gamma * vStart, 9);
    expect(agent.value(EDGE, 0)).toBeCloseTo(2 + gamma * vStart, 9);
    expect(agent.value(EDGE, 3)).toBeCloseTo(-10 + gamma * vStart, 9);
    expect(greedy(agent, START)).toBe(1); // the safe loop
  });

  it('differs from Q-learning there: Q-learning learns Q* and walks the edge', () => {
    const q = new QLearningAgent(shape);
    sweep(q);
    // Q*: walking the edge, V*_start = γ·(2 + γ·V*_start) = γ·2 / (1 − γ²) = 4/3.
    const vStar = (gamma * 2) / (1 - gamma * gamma);
    expect(q.value(START, 0)).toBeCloseTo(gamma * (2 + gamma * vStar), 9);
    expect(q.value(START, 1)).toBeCloseTo(0.4 + gamma * vStar, 9);
    expect(greedy(q, START)).toBe(0);
  });

  it('acting on its own policy from a seeded stream, it too settles on the safe loop', () => {
    const run = (agent: Agent): Agent => {
      const rng = Rng.create('cliff');
      let s = START;
      for (let t = 0; t < 40_000; t++) {
        const a = agent.act(s, epsilon, rng);
        const { reward, next } = step(s, a);
        agent.learn(s, a, reward, next, epsilon, { alpha: 0.05, gamma });
        s = next;
      }
      return agent;
    };
    expect(greedy(run(new ExpectedSarsaAgent(shape)), START)).toBe(1);
    expect(greedy(run(new QLearningAgent(shape)), START)).toBe(0);
  });

  it('with epsilon 0 it is Q-learning, update for update', () => {
    const es = new ExpectedSarsaAgent(shape);
    const q = new QLearningAgent(shape);
    const rng = Rng.create('same');
    for (let t = 0; t < 2000; t++) {
      const s = rng.int(0, 5);
      const a = rng.int(0, ACTION_COUNT - 1);
      const next = rng.int(0, 5);
      const r = rng.normal(0, 1);
      es.learn(s, a, r, next, 0, { alpha: 0.1, gamma: 0.9 });
      q.learn(s, a, r, next, 0, { alpha: 0.1, gamma: 0.9 });
    }
    expect(Array.from(es.q)).toEqual(Array.from(q.q));
  });

  it('copies independently and round-trips through the policy JSON format', () => {
    const agent = new ExpectedSarsaAgent(shape);
    sweep(agent, 20);
    const copy = agent.copy();
    agent.reinforce(START, 1, 1);
    expect(copy.value(START, 1)).toBe(agent.value(START, 1) - 1);
    const back = expectedSarsa.fromJson(JSON.parse(JSON.stringify(agent.toJson())), shape, 'a');
    expect(back).toBeInstanceOf(ExpectedSarsaAgent);
    expect(back.toJson()).toEqual(agent.toJson());
  });
});
