import { describe, expect, it } from 'vitest';
import { Q_TABLE_FORMAT, QTablesSchema } from '../src/agents/policyFormat.js';
import { QLearningAgent, qLearning } from '../src/agents/qlearning.js';
import {
  ACTION_COUNT,
  COVERAGE,
  decodeState,
  dropBucket,
  encodeState,
  epsilonAt,
  stateCount,
  stateIndex,
  stateShape,
} from '../src/agents/space.js';
import { greedyAction } from '../src/agents/table.js';
import { UserError } from '../src/errors.js';
import { Rng } from '../src/rng.js';
import { qOf } from './helpers/agents.js';

const edges = [1, 2, 4];
const shape = stateShape(4, { dropBuckets: edges });

const withRow = (row: number[], state = 5): QLearningAgent => {
  const agent = new QLearningAgent(shape);
  agent.q.set(row, state * ACTION_COUNT);
  return agent;
};

const histogram = (draw: () => number, n: number): number[] => {
  const counts = new Array(ACTION_COUNT).fill(0);
  for (let i = 0; i < n; i++) counts[draw()]++;
  return counts;
};

describe('state encoding', () => {
  it('has one state per (power level, coverage, capacity flag, drop bucket)', () => {
    expect(shape).toEqual({ powerLevels: 4, dropBuckets: 4 });
    expect(stateCount(shape)).toBe(4 * 3 * 2 * 4);
    expect(new QLearningAgent(shape).q).toHaveLength(stateCount(shape) * ACTION_COUNT);
  });

  it('decodes and re-encodes every state index to itself', () => {
    const seen = new Set<string>();
    for (let s = 0; s < stateCount(shape); s++) {
      const d = decodeState(s, shape);
      expect(d.powerLevel).toBeGreaterThanOrEqual(0);
      expect(d.powerLevel).toBeLessThan(4);
      expect(d.dropBucket).toBeLessThan(4);
      const coverage = COVERAGE.indexOf(d.coverage);
      expect(stateIndex(d.powerLevel, coverage, d.atCapacity, d.dropBucket, shape)).toBe(s);
      const drops = d.dropBucket === 0 ? 0 : edges[d.dropBucket - 1]!;
      expect(
        encodeState(
          { powerLevel: d.powerLevel, coverage, atCapacity: d.atCapacity, drops },
          shape,
          edges,
        ),
      ).toBe(s);
      seen.add(JSON.stringify(d));
    }
    expect(seen.size).toBe(stateCount(shape));
    expect(decodeState(stateCount(shape) - 1, shape)).toEqual({
      powerLevel: 3,
      coverage: 'poor',
      atCapacity: true,
      dropBucket: 3,
    });
    expect(decodeState(0, shape)).toEqual({
      powerLevel: 0,
      coverage: 'good',
      atCapacity: false,
      dropBucket: 0,
    });
  });

  it('buckets drop counts by their lower edges', () => {
    expect([0, 1, 2, 3, 4, 5, 100].map((d) => dropBucket(d, edges))).toEqual([0, 1, 2, 2, 3, 3, 3]);
    expect([0, 1, 2, 3].map((d) => dropBucket(d, [3]))).toEqual([0, 0, 0, 1]);
    expect(dropBucket(7, [])).toBe(0);
  });
});

describe('Q-learning update', () => {
  it('matches Q += alpha * (r + gamma * max Q(next) - Q) by hand', () => {
    const agent = new QLearningAgent(shape);
    agent.q.set([1, 5, -2, 3], 9 * ACTION_COUNT); // next state
    agent.q.set([2, 0, 0, 0], 4 * ACTION_COUNT);
    expect(agent.best(9)).toBe(5);
    agent.learn(4, 0, 0.7, 9, 0, { alpha: 0.1, gamma: 0.9 });
    expect(agent.q[4 * ACTION_COUNT]).toBeCloseTo(2 + 0.1 * (0.7 + 0.9 * 5 - 2), 12);
    expect(Array.from(agent.q.subarray(9 * 4, 10 * 4))).toEqual([1, 5, -2, 3]);
    const others = Array.from(agent.q).filter((_, i) => i !== 16 && (i < 36 || i >= 40));
    expect(others.every((v) => v === 0)).toBe(true);
  });

  it('uses the maximum of the next row even when it is negative, and reads it before writing', () => {
    const agent = new QLearningAgent(shape);
    agent.q.set([-4, -1, -3, -2], 2 * ACTION_COUNT);
    agent.learn(2, 1, 1, 2, 0, { alpha: 0.5, gamma: 0.5 });
    expect(agent.q[2 * ACTION_COUNT + 1]).toBeCloseTo(-1 + 0.5 * (1 + 0.5 * -1 - -1), 12);
    agent.learn(3, 2, -1, 2, 0, { alpha: 1, gamma: 0 });
    expect(agent.q[3 * ACTION_COUNT + 2]).toBe(-1);
  });
});

describe('action selection', () => {
  it('greedyAction picks the single maximum', () => {
    const rng = Rng.create(1);
    for (let a = 0; a < ACTION_COUNT; a++) {
      const row = [0.1, -2, 0.3, 0.2];
      row[a] = 9;
      const agent = withRow(row);
      expect(histogram(() => greedyAction(agent.q, 5, rng), 200)[a]).toBe(200);
    }
  });

  it.each([
    [
      [1, 3, 3, 2],
      [1, 2],
    ],
    [
      [3, 3, 1, 3],
      [0, 1, 3],
    ],
    [
      [0, 0, 0, 0],
      [0, 1, 2, 3],
    ],
    [
      [-1, -5, -5, -1],
      [0, 3],
    ],
    [
      [2, 1, 1, 2],
      [0, 3],
    ],
  ])('greedyAction breaks ties uniformly across all tied maxima %j', (row, tied) => {
    const agent = withRow(row);
    const rng = Rng.create(`ties/${row.join(',')}`);
    const n = 6000;
    const counts = histogram(() => greedyAction(agent.q, 5, rng), n);
    counts.forEach((c, a) => {
      if (tied.includes(a)) expect(Math.abs(c / n - 1 / tied.length)).toBeLessThan(0.04);
      else expect(c).toBe(0);
    });
  });

  it('selectAction with epsilon 1 is uniform over all actions', () => {
    const agent = withRow([0, 0, 10, 0]);
    const rng = Rng.create(2);
    const n = 8000;
    const counts = histogram(() => agent.act(5, 1, rng), n);
    for (const c of counts) expect(Math.abs(c / n - 0.25)).toBeLessThan(0.03);
  });

  it('selectAction with epsilon 0 is greedy, and in between explores the given share', () => {
    const agent = withRow([0, 0, 10, 0]);
    const rng = Rng.create(3);
    expect(histogram(() => agent.act(5, 0, rng), 500)).toEqual([0, 0, 500, 0]);
    const n = 8000;
    const counts = histogram(() => agent.act(5, 0.2, rng), n);
    expect(Math.abs(counts[2]! / n - (0.8 + 0.2 / 4))).toBeLessThan(0.02);
    for (const a of [0, 1, 3]) expect(Math.abs(counts[a]! / n - 0.05)).toBeLessThan(0.015);
  });
});

describe('epsilon schedule', () => {
  const exp = {
    start: 1,
    end: 0.05,
    schedule: 'exponential',
    decayEpisodes: 150,
  } as const;
  const lin = { ...exp, schedule: 'linear' } as const;

  it('exponential: start, geometric mean halfway, end at decayEpisodes and beyond', () => {
    expect(epsilonAt(0, exp)).toBe(1);
    expect(epsilonAt(75, exp)).toBeCloseTo(Math.sqrt(0.05), 12);
    expect(epsilonAt(150, exp)).toBeCloseTo(0.05, 12);
    expect(epsilonAt(1000, exp)).toBeCloseTo(0.05, 12);
    const s = { ...exp, start: 0.8, end: 0.2, decayEpisodes: 10 };
    expect(epsilonAt(5, s)).toBeCloseTo(0.4, 12);
    expect(epsilonAt(2, s)).toBeCloseTo(0.8 * 0.25 ** 0.2, 12);
  });

  it('linear: start, midpoint halfway, end at decayEpisodes and beyond', () => {
    expect(epsilonAt(0, lin)).toBe(1);
    expect(epsilonAt(75, lin)).toBeCloseTo(0.525, 12);
    expect(epsilonAt(150, lin)).toBeCloseTo(0.05, 12);
    expect(epsilonAt(151, lin)).toBeCloseTo(0.05, 12);
    expect(epsilonAt(30, lin)).toBeCloseTo(1 - 0.95 * 0.2, 12);
  });

  it('decreases monotonically, and an exponential decay to 0 falls back to linear', () => {
    for (const e of [exp, lin]) {
      for (let i = 1; i <= 160; i++)
        expect(epsilonAt(i, e)).toBeLessThanOrEqual(epsilonAt(i - 1, e));
    }
    const toZero = { ...exp, end: 0 };
    expect(epsilonAt(75, toZero)).toBeCloseTo(0.5, 12);
    expect(epsilonAt(150, toZero)).toBe(0);
  });
});

describe('persistence', () => {
  const trained = (): QLearningAgent => {
    const agent = new QLearningAgent(shape);
    const rng = Rng.create('q');
    for (let s = 0; s < stateCount(shape); s++) {
      if (rng.next() < 0.4) continue; // leave some rows empty
      for (let a = 0; a < ACTION_COUNT; a++) {
        if (rng.next() < 0.8) agent.q[s * ACTION_COUNT + a] = rng.normal(0, 3) / 7;
      }
    }
    return agent;
  };

  it('round-trips exactly through agentToJson, JSON text, QTablesSchema and agentFromJson', () => {
    const agent = trained();
    const doc = {
      format: Q_TABLE_FORMAT,
      scenario: 'paper',
      agents: { rural: agent.toJson() },
    };
    const nonEmpty = Array.from({ length: stateCount(shape) }, (_, s) =>
      agent.q.subarray(s * ACTION_COUNT, (s + 1) * ACTION_COUNT).some((v) => v !== 0),
    ).filter(Boolean).length;
    expect(doc.agents.rural.states).toHaveLength(nonEmpty);
    expect(nonEmpty).toBeGreaterThan(10);
    const parsed = QTablesSchema.parse(JSON.parse(JSON.stringify(doc)));
    const back = qLearning.fromJson(parsed.agents.rural!, shape, 'rural');
    expect(back.shape).toEqual(shape);
    expect(Array.from(qOf(back))).toEqual(Array.from(agent.q));
  });

  it('lists only the non-empty states, readable by name', () => {
    const agent = new QLearningAgent(shape);
    const s = stateIndex(2, 1, true, 3, shape);
    agent.q[s * ACTION_COUNT + 3] = -0.5;
    expect(agent.toJson()).toEqual({
      powerLevels: 4,
      dropBuckets: 4,
      states: [
        {
          powerLevel: 2,
          coverage: 'fair',
          atCapacity: true,
          dropBucket: 3,
          q: { increase: 0, decrease: 0, maintain: 0, handoff: -0.5 },
        },
      ],
    });
  });

  it('agentFromJson refuses a table of another shape with a UserError naming the mismatch', () => {
    const doc = trained().toJson();
    const other = stateShape(8, { dropBuckets: edges });
    expect(() => qLearning.fromJson(doc, other, 'agents.urban')).toThrow(UserError);
    expect(() => qLearning.fromJson(doc, other, 'agents.urban')).toThrow(
      'agents.urban: table has 4 power levels × 4 drop buckets, the scenario needs 8 × 4',
    );
    const fewerBuckets = stateShape(4, { dropBuckets: [1] });
    expect(() => qLearning.fromJson(doc, fewerBuckets, 'x')).toThrow(/4 × 2/);
  });

  it('agentFromJson refuses a state outside the table', () => {
    const doc = {
      powerLevels: 4,
      dropBuckets: 4,
      states: [
        {
          powerLevel: 4,
          coverage: 'good' as const,
          atCapacity: false,
          dropBucket: 0,
          q: { increase: 1, decrease: 0, maintain: 0, handoff: 0 },
        },
      ],
    };
    expect(() => qLearning.fromJson(doc, shape, 'a')).toThrow(UserError);
    expect(() => qLearning.fromJson(doc, shape, 'a')).toThrow(
      'a.states[0]: state outside the table',
    );
  });

  it('QTablesSchema rejects a wrong format, an unknown coverage and extra keys', () => {
    const good = { format: Q_TABLE_FORMAT, scenario: 'x', agents: { a: trained().toJson() } };
    expect(QTablesSchema.safeParse(good).success).toBe(true);
    expect(QTablesSchema.safeParse({ ...good, format: 'aura-sim/q-tables@2' }).success).toBe(false);
    expect(QTablesSchema.safeParse({ ...good, extra: 1 }).success).toBe(false);
    const bad = structuredClone(good);
    (bad.agents.a!.states[0] as { coverage: string }).coverage = 'great';
    expect(QTablesSchema.safeParse(bad).success).toBe(false);
  });
});
