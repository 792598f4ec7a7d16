import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACTIONS } from '../src/agents/space.js';
import { BLOCKS, renderBlock } from '../src/llm/blocks.js';
import {
  planCell,
  planCellAdversarial,
  planCellExpert,
  planWith,
  SimulatedProvider,
} from '../src/llm/simulated.js';
import {
  ACTION_CODES,
  type CellSnapshot,
  type PlannerSnapshot,
  type SignalSnapshot,
} from '../src/llm/types.js';
import { Rng } from '../src/rng.js';
import { executeRun } from '../src/run/execute.js';
import { json } from '../src/run/runDir.js';
import { parseScenario, ScenarioError } from '../src/scenario/load.js';
import {
  DEFAULT_PLANNER_RULES,
  PLANNER_POLICIES,
  type PlannerPolicy,
} from '../src/scenario/schema/llm.js';
import { guidedPaper } from './helpers/guided.js';
import { shortPaper } from './helpers/paper.js';

const cell = (id: string, over: Partial<CellSnapshot> = {}): CellSnapshot => ({
  id,
  type: 'urban',
  powerDbm: 34,
  powerMinDbm: 30,
  powerMaxDbm: 37,
  coverage: 'good',
  users: 5,
  capacity: 20,
  poorUsers: 0,
  dropsLastStep: 0,
  recentDrops: 0,
  usersTrend: 0,
  neighbours: [],
  ...over,
});

const snapshot = (
  cells: CellSnapshot[],
  targets: string[] = [cells[0]!.id],
  signals: SignalSnapshot[] = [],
): PlannerSnapshot => ({ timeSeconds: 60, trendSteps: 10, targets, cells, signals });

const CODE = ACTION_CODES;
const expert = (s: PlannerSnapshot) => planCellExpert(s, s.targets[0]!).code;
const adversarial = (s: PlannerSnapshot) => planCellAdversarial(s, s.targets[0]!).code;

/** A strong neighbour (rural-like: 44 dBm, roomy) and a weak one (urban-like, nearly full). */
const strong = cell('strong', { powerDbm: 44, powerMinDbm: 43, powerMaxDbm: 46, capacity: 50 });
const full = cell('full', { powerDbm: 44, users: 19 });

describe('expert planner', () => {
  it('raises power on weak coverage or drops with room, before anything else', () => {
    const n = ['strong'];
    expect(
      expert(snapshot([cell('a', { coverage: 'fair', poorUsers: 4, neighbours: n }), strong])),
    ).toBe(CODE.increase);
    expect(expert(snapshot([cell('a', { recentDrops: 1 })]))).toBe(CODE.increase);
    // Congestion drops (cell full) are not a power problem.
    expect(expert(snapshot([cell('a', { recentDrops: 3, users: 20 })]))).toBe(CODE.maintain);
  });

  it('suggests a handoff only with poorly served users and a stronger neighbour with room', () => {
    const atMax = { powerDbm: 37, coverage: 'poor' as const, poorUsers: 5, users: 12 };
    expect(expert(snapshot([cell('a', { ...atMax, neighbours: ['strong'] }), strong]))).toBe(
      CODE.handoff,
    );
    // No poorly served users: nothing to hand off.
    expect(
      expert(
        snapshot([
          cell('a', { ...atMax, coverage: 'good', poorUsers: 0, neighbours: ['strong'] }),
          strong,
        ]),
      ),
    ).not.toBe(CODE.handoff);
    // The only neighbour is full, or transmits no more than the cell (no better link to offer).
    expect(expert(snapshot([cell('a', { ...atMax, neighbours: ['full'] }), full]))).not.toBe(
      CODE.handoff,
    );
    const weak = cell('weak', { powerDbm: 37 });
    expect(expert(snapshot([cell('a', { ...atMax, neighbours: ['weak'] }), weak]))).not.toBe(
      CODE.handoff,
    );
    // Good coverage with a couple of poor users and a strong roomy neighbour: hand off.
    expect(
      expert(snapshot([cell('a', { poorUsers: 1, users: 12, neighbours: ['strong'] }), strong])),
    ).toBe(CODE.handoff);
  });

  it('never suggests a handoff without poor users or a neighbour with room (sweep)', () => {
    const rng = Rng.create('sweep').fork('cells');
    const int = (n: number) => Math.floor(rng.next() * n);
    const coverages = ['good', 'fair', 'poor'] as const;
    let handoffs = 0;
    for (let k = 0; k < 2000; k++) {
      const a = cell('a', {
        powerDbm: 30 + int(8),
        coverage: coverages[int(3)]!,
        users: int(21),
        poorUsers: int(4),
        recentDrops: int(3),
        neighbours: ['b'],
      });
      const b = cell('b', { powerDbm: 30 + int(17), users: int(21), usersTrend: int(5) - 2 });
      const plan = planCellExpert(snapshot([a, b]), 'a');
      if (plan.code !== CODE.handoff) continue;
      handoffs++;
      expect(a.poorUsers).toBeGreaterThan(0);
      expect(b.capacity - b.users - Math.max(0, b.usersTrend)).toBeGreaterThanOrEqual(2);
    }
    expect(handoffs).toBeGreaterThan(0);
  });

  it('lowers power only when coverage is good and nothing is dropped; else maintains', () => {
    expect(expert(snapshot([cell('a')]))).toBe(CODE.decrease);
    expect(expert(snapshot([cell('a', { dropsLastStep: 1, users: 20 })]))).toBe(CODE.maintain);
    expect(expert(snapshot([cell('a', { poorUsers: 1 })]))).toBe(CODE.maintain);
    expect(expert(snapshot([cell('a', { powerDbm: 30 })]))).toBe(CODE.maintain);
    expect(expert(snapshot([cell('a', { users: 17 })]))).toBe(CODE.maintain);
    expect(planCellExpert(snapshot([cell('a')]), 'ghost').code).toBe(CODE.maintain);
  });

  it('reads its thresholds from the rules', () => {
    const rules = { ...DEFAULT_PLANNER_RULES.expert, handoffPowerGapDb: -20 };
    const s = snapshot([
      cell('a', { powerDbm: 37, coverage: 'poor', poorUsers: 5, neighbours: ['weak'] }),
      cell('weak', { powerDbm: 37 }),
    ]);
    expect(expert(s)).toBe(CODE.maintain);
    expect(planCellExpert(s, 'a', rules).code).toBe(CODE.handoff);
  });
});

describe('adversarial planner', () => {
  it('lowers power on poor coverage, raises it on good, hands off when nobody is poor', () => {
    expect(adversarial(snapshot([cell('a', { coverage: 'poor', poorUsers: 9 })]))).toBe(
      CODE.decrease,
    );
    expect(adversarial(snapshot([cell('a', { recentDrops: 2 })]))).toBe(CODE.decrease);
    expect(adversarial(snapshot([cell('a')]))).toBe(CODE.increase);
    expect(adversarial(snapshot([cell('a', { powerDbm: 37 })]))).toBe(CODE.handoff);
    expect(adversarial(snapshot([cell('a', { powerDbm: 37, poorUsers: 1 })]))).toBe(CODE.maintain);
  });
});

describe('random planner', () => {
  const s = snapshot(
    Array.from({ length: 400 }, (_, i) => cell(`c${i}`)),
    Array.from({ length: 400 }, (_, i) => `c${i}`),
  );
  const codes = (seed: number) =>
    planWith('random', s, DEFAULT_PLANNER_RULES, Rng.create(seed).fork('r')).map((p) => p.code);

  it('is deterministic per seed, differs across seeds, and covers all four actions', () => {
    expect(codes(1)).toEqual(codes(1));
    expect(codes(2)).not.toEqual(codes(1));
    const counts = ACTIONS.map((a) => codes(1).filter((c) => c === CODE[a]).length);
    for (const n of counts) expect(n).toBeGreaterThan(60); // 100 expected each
  });

  it("draws from its own fork, so the provider's error and style draws do not shift", () => {
    const prompt = {
      kind: 'planner' as const,
      system: 'x',
      user: renderBlock(BLOCKS.networkState, JSON.stringify(s)),
    };
    const settings = { model: 'm', errorRate: 0.3, failureRate: 0, verbosity: 'terse' as const };
    const stream = (policy: PlannerPolicy) => {
      const rng = Rng.create(5).fork('llm');
      new SimulatedProvider({ ...settings, policy }, rng).complete(prompt);
      return rng.next();
    };
    expect(stream('random')).toBe(stream('naive'));
    expect(stream('expert')).toBe(stream('naive'));
  });
});

describe('naive planner', () => {
  it('is the original heuristic, its thresholds taken from the rules', () => {
    const s = snapshot([
      cell('a', { poorUsers: 1, neighbours: ['b'] }),
      cell('b', { users: 17, capacity: 20 }),
    ]);
    expect(planCell(s, 'a').code).toBe(CODE.handoff);
    expect(planCell(s, 'a', { ...DEFAULT_PLANNER_RULES.naive, handoffMinFree: 4 }).code).not.toBe(
      CODE.handoff,
    );
    expect(planWith('naive', s, DEFAULT_PLANNER_RULES, Rng.create(1))).toEqual([planCell(s, 'a')]);
  });
});

describe('guidance.llm.policy in scenarios and runs', () => {
  const run = async (policy?: PlannerPolicy, seed = 3) =>
    json(
      (
        await executeRun({
          scenario: guidedPaper({ llm: policy ? { policy } : {} }),
          traffic: 'normal',
          config: 'guided',
          seed,
        })
      ).summary,
    );

  it('is absent from a scenario that does not set it (resolved scenarios and run keys unchanged)', () => {
    const paper = shortPaper();
    expect('policy' in paper.guidance.llm).toBe(false);
    expect('rules' in paper.guidance.llm).toBe(false);
    expect(JSON.stringify(paper)).not.toMatch(/"policy"|"rules"/);
  });

  it('accepts the five policies and refuses others, naming the field', () => {
    const mini = readFileSync('test/fixtures/scenarios/mini.yaml', 'utf8');
    const text = (v: string) => `${mini}guidance: { llm: { policy: ${v} } }\n`;
    for (const p of PLANNER_POLICIES) expect(parseScenario(text(p)).guidance.llm.policy).toBe(p);
    try {
      parseScenario(text('genius'), 'x.yaml');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ScenarioError);
      expect((err as ScenarioError).problems[0]!.path).toBe('guidance.llm.policy');
    }
    const rules = parseScenario(
      `${mini}guidance: { llm: { rules: { expert: { handoffPowerGapDb: 0 } } } }\n`,
    ).guidance.llm.rules!;
    expect(rules.expert).toEqual({ ...DEFAULT_PLANNER_RULES.expert, handoffPowerGapDb: 0 });
    expect(rules.naive).toEqual(DEFAULT_PLANNER_RULES.naive);
  });

  it('omitted gives the summary of before (pinned) and the same as naive', async () => {
    const omitted = await run();
    // The digest of this run's summary.json at the commit before policies existed (eb2aa4e).
    expect(createHash('sha256').update(omitted).digest('hex').slice(0, 16)).toBe(PINNED);
    expect(await run('naive')).toBe(omitted);
  });

  it.each(['expert', 'random', 'adversarial'] as const)(
    '%s: a guided run works and repeats exactly',
    async (policy) => {
      const a = await run(policy);
      expect(await run(policy)).toBe(a);
      expect(a).not.toBe(await run());
      expect(JSON.parse(a).llm.calls).toBeGreaterThan(0);
    },
  );
});

const PINNED = '065aabd8bfcd1ce2';
