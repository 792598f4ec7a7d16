import { describe, expect, it } from 'vitest';
import { BLOCKS, extractBlock, renderBlock } from '../src/llm/blocks.js';
import {
  FEEDBACK_PHRASES,
  planCell,
  planTargets,
  SimulatedProvider,
  type SimulatedSettings,
} from '../src/llm/simulated.js';
import {
  type AgentHistorySnapshot,
  type CellSnapshot,
  type EvaluatorSnapshot,
  estimateTokens,
  type PlannerSnapshot,
  type Prompt,
  ProviderError,
  type SignalSnapshot,
} from '../src/llm/types.js';
import { Rng } from '../src/rng.js';

const SETTINGS: SimulatedSettings = {
  model: 'test-heuristic',
  errorRate: 0,
  failureRate: 0,
  verbosity: 'normal',
};

const provider = (over: Partial<SimulatedSettings> = {}, seed: number | string = 1) =>
  new SimulatedProvider({ ...SETTINGS, ...over }, Rng.create(seed).fork('llm'));

/** A well-covered, lightly loaded cell at mid power (the heuristic would lower its power). */
const cell = (id: string, over: Partial<CellSnapshot> = {}): CellSnapshot => ({
  id,
  type: 'urban',
  powerDbm: 40,
  powerMinDbm: 30,
  powerMaxDbm: 46,
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

const signal = (
  cells: string[],
  startsInSeconds: number,
  durationSeconds = 600,
): SignalSnapshot => ({
  id: 'concert',
  description: 'open-air concert',
  cells,
  startsInSeconds,
  durationSeconds,
});

const snapshot = (
  cells: CellSnapshot[],
  targets: string[] = [cells[0]!.id],
  signals: SignalSnapshot[] = [],
): PlannerSnapshot => ({ timeSeconds: 120, trendSteps: 5, targets, cells, signals });

const plannerPrompt = (s: PlannerSnapshot): Prompt => ({
  kind: 'planner',
  system: 'x',
  user: `Plan the next step.\n${renderBlock(BLOCKS.networkState, JSON.stringify(s))}`,
});

/** The reply's `<actions>` lines as cell → raw code text. */
function actions(text: string): Map<string, string> {
  const body = extractBlock(text, BLOCKS.actions);
  expect(body).toBeDefined();
  const out = new Map<string, string>();
  for (const line of body!.split('\n')) {
    const [id, code] = line.split(':').map((x) => x.trim());
    if (id) out.set(id, code ?? '');
  }
  return out;
}

const codeFor = (s: PlannerSnapshot, target = s.targets[0]!) =>
  actions(provider().complete(plannerPrompt(s)).text).get(target);

describe('planner heuristic', () => {
  it('(a) hands off poorly served users to a roomy, quiet neighbour', () => {
    const s = snapshot([
      cell('a', { poorUsers: 3, coverage: 'fair', users: 18, neighbours: ['b'] }),
      cell('b', { users: 10 }),
    ]);
    expect(codeFor(s)).toBe('4');
  });

  it('(a) needs a margin of free places, counting the neighbour’s rising trend', () => {
    const base = { poorUsers: 3, coverage: 'fair' as const, neighbours: ['b'] };
    // One free place: below the margin of 2 → falls through to (b).
    expect(codeFor(snapshot([cell('a', base), cell('b', { users: 19 })]))).toBe('1');
    // 10 free but 9 users arriving anyway.
    expect(codeFor(snapshot([cell('a', base), cell('b', { users: 10, usersTrend: 9 })]))).toBe('1');
    // Large neighbour: 10% of 100 = 10 places needed, 8 free.
    expect(codeFor(snapshot([cell('a', base), cell('b', { users: 92, capacity: 100 })]))).toBe('1');
    // No poorly served users: nothing to hand off.
    expect(codeFor(snapshot([cell('a', { ...base, poorUsers: 0 }), cell('b', { users: 2 })]))).toBe(
      '1',
    );
  });

  it('(a) avoids a neighbour an event is about to fill, and picks another one', () => {
    const a = cell('a', { poorUsers: 2, coverage: 'fair', neighbours: ['b'] });
    const b = cell('b', { users: 4 });
    expect(codeFor(snapshot([a, b], ['a'], [signal(['b'], 120)]))).toBe('1');
    expect(codeFor(snapshot([a, b], ['a'], [signal(['b'], -60)]))).toBe('1');
    const a2 = { ...a, neighbours: ['b', 'c'] };
    expect(codeFor(snapshot([a2, b, cell('c', { users: 4 })], ['a'], [signal(['b'], 120)]))).toBe(
      '4',
    );
    // An event that is over does not count.
    expect(codeFor(snapshot([a, b], ['a'], [signal(['b'], -700, 600)]))).toBe('4');
  });

  it('(b) raises power for poor or fair coverage, or drops while the cell had room', () => {
    expect(codeFor(snapshot([cell('a', { coverage: 'poor' })]))).toBe('1');
    expect(codeFor(snapshot([cell('a', { coverage: 'fair', users: 15 })]))).toBe('1');
    expect(codeFor(snapshot([cell('a', { recentDrops: 2, users: 12 })]))).toBe('1');
    // Drops at full capacity are congestion, not weak signal: power would not help.
    expect(codeFor(snapshot([cell('a', { recentDrops: 2, users: 20 })]))).toBe('3');
    // Already at maximum power.
    expect(codeFor(snapshot([cell('a', { coverage: 'poor', powerDbm: 46 })]))).toBe('3');
  });

  it('(c) raises power ahead of an event at the cell, or while it is under way', () => {
    const busy = cell('a', { users: 12 });
    expect(codeFor(snapshot([busy]))).toBe('3');
    expect(codeFor(snapshot([busy], ['a'], [signal(['a'], 300)]))).toBe('1');
    expect(codeFor(snapshot([busy], ['a'], [signal(['a'], -100)]))).toBe('1');
    expect(codeFor(snapshot([busy], ['a'], [signal(['other'], 300)]))).toBe('3');
    expect(codeFor(snapshot([{ ...busy, powerDbm: 46 }], ['a'], [signal(['a'], 300)]))).toBe('3');
  });

  it('(d) lowers power in a quiet, well-covered cell, but not before an event', () => {
    expect(codeFor(snapshot([cell('a')]))).toBe('2');
    expect(codeFor(snapshot([cell('a', { powerDbm: 30 })]))).toBe('3');
    expect(codeFor(snapshot([cell('a', { usersTrend: 6 })]))).toBe('3');
    expect(codeFor(snapshot([cell('a', { users: 10 })]))).toBe('3');
    expect(codeFor(snapshot([cell('a', { powerDbm: 46 })], ['a'], [signal(['a'], 300)]))).toBe('3');
  });

  it('(e) maintains otherwise; the heuristic alone also maintains a target it has no data for', () => {
    expect(codeFor(snapshot([cell('a', { users: 14 })]))).toBe('3');
    expect(planCell(snapshot([cell('a')], ['ghost']), 'ghost').code).toBe(3);
  });

  it('answers one line per target, in request order', () => {
    const s = snapshot(
      [cell('a', { coverage: 'poor' }), cell('b'), cell('c', { users: 14 })],
      ['c', 'a', 'b'],
    );
    const body = extractBlock(provider().complete(plannerPrompt(s)).text, BLOCKS.actions);
    expect(body).toBe('c: 3\na: 1\nb: 2');
  });
});

/** A varied snapshot of many targets, for the error-injection tests. */
function manyTargets(n: number): PlannerSnapshot {
  const cells = Array.from({ length: n }, (_, i) =>
    cell(`c${i}`, {
      coverage: (['good', 'fair', 'poor'] as const)[i % 3]!,
      users: (i * 7) % 21,
      poorUsers: i % 4 === 0 ? 2 : 0,
      neighbours: [`c${(i + 1) % n}`],
    }),
  );
  return snapshot(
    cells,
    cells.map((c) => c.id),
  );
}

describe('error injection and failures', () => {
  it('errorRate 1 corrupts every target: a different code, an invalid one, or no line', () => {
    const s = manyTargets(40);
    const expected = new Map(planTargets(s).map((p) => [p.cell, String(p.code)]));
    const kinds = { wrong: 0, invalid: 0, omitted: 0 };
    for (const seed of [1, 2, 3]) {
      const got = actions(provider({ errorRate: 1 }, seed).complete(plannerPrompt(s)).text);
      for (const [target, code] of expected) {
        const answer = got.get(target);
        expect(answer).not.toBe(code);
        if (answer === undefined) kinds.omitted++;
        else if (['1', '2', '3', '4'].includes(answer)) kinds.wrong++;
        else {
          expect(['0', '5', '7', '9']).toContain(answer);
          kinds.invalid++;
        }
      }
    }
    expect(kinds.wrong).toBeGreaterThan(0);
    expect(kinds.invalid).toBeGreaterThan(0);
    expect(kinds.omitted).toBeGreaterThan(0);
  });

  it('errorRate 0 answers the heuristic’s code for every target', () => {
    const s = manyTargets(40);
    const got = actions(provider().complete(plannerPrompt(s)).text);
    for (const p of planTargets(s)) expect(got.get(p.cell)).toBe(String(p.code));
  });

  it('consumes the same draws whatever the error and verbosity outcomes', () => {
    const s = manyTargets(10);
    const drawAfterCall = (over: Partial<SimulatedSettings>) => {
      const rng = Rng.create(9);
      new SimulatedProvider({ ...SETTINGS, ...over }, rng).complete(plannerPrompt(s));
      return rng.next();
    };
    const reference = drawAfterCall({});
    expect(drawAfterCall({ errorRate: 1 })).toBe(reference);
    expect(drawAfterCall({ errorRate: 0.5, verbosity: 'verbose' })).toBe(reference);
    expect(drawAfterCall({ verbosity: 'terse' })).toBe(reference);
  });

  it('failureRate 1 throws a ProviderError; 0 never does', () => {
    const p = provider({ failureRate: 1 });
    expect(() => p.complete(plannerPrompt(manyTargets(3)))).toThrow(ProviderError);
    expect(() => p.complete(plannerPrompt(manyTargets(3)))).toThrow('simulated provider failure');
    const ok = provider({ failureRate: 0 });
    for (let i = 0; i < 50; i++)
      expect(() => ok.complete(plannerPrompt(manyTargets(3)))).not.toThrow();
  });

  it('fails at about the configured rate', () => {
    const p = provider({ failureRate: 0.3 }, 'rate');
    let failures = 0;
    for (let i = 0; i < 1000; i++) {
      try {
        p.complete(plannerPrompt(manyTargets(2)));
      } catch (e) {
        expect(e).toBeInstanceOf(ProviderError);
        failures++;
      }
    }
    expect(failures).toBeGreaterThan(240);
    expect(failures).toBeLessThan(360);
  });
});

describe('reply text', () => {
  const s = manyTargets(6);

  it('is identical for the same seed', () => {
    for (const verbosity of ['terse', 'normal', 'verbose'] as const) {
      const a = provider({ errorRate: 0.5, verbosity }, 42);
      const b = provider({ errorRate: 0.5, verbosity }, 42);
      for (let i = 0; i < 5; i++) {
        expect(a.complete(plannerPrompt(s)).text).toBe(b.complete(plannerPrompt(s)).text);
      }
    }
  });

  it('verbosity changes the prose but not the block', () => {
    const texts = (['terse', 'normal', 'verbose'] as const).map(
      (verbosity) => provider({ errorRate: 0.5, verbosity }, 7).complete(plannerPrompt(s)).text,
    );
    const [terse, normal, verbose] = texts as [string, string, string];
    const block = extractBlock(terse, BLOCKS.actions);
    expect(terse).toBe(renderBlock(BLOCKS.actions, block!));
    expect(extractBlock(normal, BLOCKS.actions)).toBe(block);
    expect(extractBlock(verbose, BLOCKS.actions)).toBe(block);
    expect(normal.length).toBeGreaterThan(terse.length);
    expect(verbose.length).toBeGreaterThan(normal.length);
    // Verbose explains each target with its metrics.
    for (const t of s.targets) expect(verbose).toContain(`${t} has`);
    expect(verbose).toMatch(/dBm/);
  });

  it('counts tokens of the prompt and of the reply', () => {
    const prompt = plannerPrompt(s);
    for (const verbosity of ['terse', 'verbose'] as const) {
      const c = provider({ verbosity }).complete(prompt);
      expect(c.inputTokens).toBe(estimateTokens(prompt.system + prompt.user));
      expect(c.outputTokens).toBe(estimateTokens(c.text));
    }
  });

  it('answers an unreadable prompt with prose and no block', () => {
    const unreadable: Prompt[] = [
      { kind: 'planner', system: 'x', user: 'What should the cells do?' },
      { kind: 'planner', system: 'x', user: renderBlock(BLOCKS.networkState, '{ not json') },
      { kind: 'planner', system: 'x', user: renderBlock(BLOCKS.networkState, '{"targets":3}') },
      { kind: 'evaluator', system: 'x', user: 'Score the agents.' },
      // A planner state where an evaluator's history is expected.
      {
        kind: 'evaluator',
        system: 'x',
        user: renderBlock(BLOCKS.agentHistory, JSON.stringify(s)),
      },
    ];
    for (const prompt of unreadable) {
      const c = provider({ verbosity: 'verbose' }).complete(prompt);
      expect(c.text).toMatch(/could not find/);
      expect(c.text).not.toMatch(/[<>]/);
      expect(extractBlock(c.text, BLOCKS.actions)).toBeUndefined();
      expect(extractBlock(c.text, BLOCKS.scores)).toBeUndefined();
      expect(c.outputTokens).toBe(estimateTokens(c.text));
    }
  });

  it('has provider name and model', () => {
    const p = provider();
    expect(p.name).toBe('simulated');
    expect(p.model).toBe('test-heuristic');
  });
});

// --- Evaluator ---------------------------------------------------------------------------------

const agent = (id: string, over: Partial<AgentHistorySnapshot> = {}): AgentHistorySnapshot => ({
  id,
  capacity: 20,
  steps: 100,
  distinctPairs: 12,
  actions: { increase: 25, decrease: 25, maintain: 40, handoff: 10 },
  droppedRequests: 0,
  droppedHandoffs: 0,
  blocked: 0,
  servedShare: 0.9,
  loadShare: 0.5,
  powerShare: 0.5,
  previousDropsPerStep: null,
  ...over,
});

const history = (agents: AgentHistorySnapshot[]): EvaluatorSnapshot => ({
  episodes: { from: 1, to: 5, phase: 'training' },
  systemFailures: 3,
  steps: 100,
  agents,
});

const evaluatorPrompt = (h: EvaluatorSnapshot): Prompt => ({
  kind: 'evaluator',
  system: 'x',
  user: `Score these agents.\n${renderBlock(BLOCKS.agentHistory, JSON.stringify(h))}`,
});

/** The reply's `<scores>` lines as agent → { score, feedback }. */
function scores(text: string): Map<string, { score: number; feedback: string }> {
  const body = extractBlock(text, BLOCKS.scores);
  expect(body).toBeDefined();
  const out = new Map<string, { score: number; feedback: string }>();
  for (const line of body!.split('\n')) {
    const m = /^(\S+):\s*(\S+)\s*\|\s*(.+)$/.exec(line.trim());
    if (m) out.set(m[1]!, { score: Number(m[2]), feedback: m[3]! });
  }
  return out;
}

const evaluate = (agents: AgentHistorySnapshot[], over: Partial<SimulatedSettings> = {}) =>
  scores(provider(over).complete(evaluatorPrompt(history(agents))).text);

const VOCABULARY: readonly string[] = Object.values(FEEDBACK_PHRASES);

describe('evaluator heuristic', () => {
  const mixed = [
    agent('good', { servedShare: 0.97, powerShare: 0.4 }),
    agent('dropping', { droppedRequests: 40, servedShare: 0.8 }),
    agent('uncovered', { servedShare: 0.55, loadShare: 0.8 }),
    agent('wasteful', { powerShare: 0.95, servedShare: 0.85 }),
    agent('worse', { droppedRequests: 30, previousDropsPerStep: 0.1 }),
    agent('so-so', { servedShare: 0.8, droppedRequests: 5, powerShare: 0.6, loadShare: 0.2 }),
  ];

  it('scores every agent within [-1, 1], with feedback from the vocabulary', () => {
    const got = evaluate(mixed);
    expect([...got.keys()]).toEqual(mixed.map((a) => a.id));
    for (const { score, feedback } of got.values()) {
      expect(score).toBeGreaterThanOrEqual(-1);
      expect(score).toBeLessThanOrEqual(1);
      expect(Math.round(score * 100) / 100).toBe(score);
      expect(VOCABULARY).toContain(feedback);
    }
  });

  it('names the dominant problem', () => {
    const got = evaluate(mixed);
    expect(got.get('good')?.feedback).toBe(FEEDBACK_PHRASES.exploreLess);
    expect(got.get('dropping')?.feedback).toBe(FEEDBACK_PHRASES.drops);
    expect(got.get('uncovered')?.feedback).toBe(FEEDBACK_PHRASES.coverage);
    expect(got.get('wasteful')?.feedback).toBe(FEEDBACK_PHRASES.energy);
    expect(got.get('worse')?.feedback).toBe(FEEDBACK_PHRASES.exploreMore);
    expect(got.get('so-so')?.feedback).toBe(FEEDBACK_PHRASES.keep);
    // Drops high before and no better now: settle instead.
    const stuck = evaluate([agent('stuck', { droppedRequests: 40, previousDropsPerStep: 0.4 })]);
    expect(stuck.get('stuck')?.feedback).toBe(FEEDBACK_PHRASES.exploreLess);
  });

  it('gives a better history a higher score', () => {
    const got = evaluate([
      agent('better', { servedShare: 0.95, droppedRequests: 0 }),
      agent('worse', { servedShare: 0.7, droppedRequests: 50 }),
    ]);
    expect(got.get('better')!.score).toBeGreaterThan(got.get('worse')!.score);
    // Each term on its own, all else equal.
    const pairs: [Partial<AgentHistorySnapshot>, Partial<AgentHistorySnapshot>][] = [
      [{ servedShare: 0.9 }, { servedShare: 0.7 }],
      [{ droppedRequests: 2 }, { droppedRequests: 20 }],
      [{ powerShare: 0.2 }, { powerShare: 0.9 }],
      [
        { droppedRequests: 10, previousDropsPerStep: 0.3 },
        { droppedRequests: 10, previousDropsPerStep: 0.05 },
      ],
    ];
    for (const [good, bad] of pairs) {
      const g = evaluate([agent('g', good), agent('b', bad)]);
      expect(g.get('g')!.score).toBeGreaterThan(g.get('b')!.score);
    }
    // Fairness: the agent far from the mean load scores lower.
    const f = evaluate([
      agent('even1', { loadShare: 0.5 }),
      agent('even2', { loadShare: 0.5 }),
      agent('odd', { loadShare: 1 }),
    ]);
    expect(f.get('even1')!.score).toBeGreaterThan(f.get('odd')!.score);
  });

  it('errorRate 1 puts every score out of range or leaves its line out', () => {
    const many = Array.from({ length: 30 }, (_, i) => agent(`a${i}`, { droppedRequests: i }));
    let missing = 0;
    for (const seed of [1, 2]) {
      const got = scores(
        provider({ errorRate: 1 }, seed).complete(evaluatorPrompt(history(many))).text,
      );
      for (const a of many) {
        const line = got.get(a.id);
        if (line === undefined) missing++;
        else expect(Math.abs(line.score)).toBeGreaterThan(1);
      }
    }
    expect(missing).toBeGreaterThan(0);
    expect(missing).toBeLessThan(60);
  });

  it('verbosity changes the prose but not the block', () => {
    const h = evaluatorPrompt(history(mixed));
    const terse = provider({ verbosity: 'terse', errorRate: 0.3 }, 5).complete(h).text;
    const verbose = provider({ verbosity: 'verbose', errorRate: 0.3 }, 5).complete(h).text;
    expect(extractBlock(verbose, BLOCKS.scores)).toBe(extractBlock(terse, BLOCKS.scores));
    expect(terse.startsWith('<scores>')).toBe(true);
    expect(verbose.length).toBeGreaterThan(terse.length);
    expect(verbose).toContain('requests per step');
  });
});
