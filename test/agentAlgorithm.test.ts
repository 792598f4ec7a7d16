import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExpectedSarsaAgent } from '../src/agents/expectedSarsa.js';
import { QLearningAgent } from '../src/agents/qlearning.js';
import type { AlgorithmName } from '../src/agents/registry.js';
import { runActors } from '../src/engine/actorEngine.js';
import { runPlainLoop } from '../src/engine/plainLoop.js';
import { UserError } from '../src/errors.js';
import { loadPolicy, policyDocument } from '../src/run/policy.js';
import { parseScenario, ScenarioError } from '../src/scenario/load.js';
import { resolveModel } from '../src/scenario/resolve.js';
import { qOf } from './helpers/agents.js';
import { shortPaper } from './helpers/paper.js';

const paper = shortPaper();
const withAlgorithm = (algorithm: AlgorithmName) => ({
  ...paper,
  agent: { ...paper.agent, algorithm },
});
const model = (algorithm?: AlgorithmName) =>
  resolveModel(algorithm ? withAlgorithm(algorithm) : paper, 'normal', 'marl-only');

describe('agent.algorithm', () => {
  it('is absent from a scenario that does not set it (resolved scenarios and run keys unchanged)', () => {
    expect('algorithm' in paper.agent).toBe(false);
    expect(JSON.stringify(paper)).not.toContain('algorithm');
    expect(model().agent.algorithm).toBeUndefined();
  });

  it('accepts each registered algorithm and refuses others, naming the field and the options', () => {
    const mini = readFileSync('test/fixtures/scenarios/mini.yaml', 'utf8');
    const text = (v: string) => `${mini}agent: { algorithm: ${v} }\n`;
    expect(parseScenario(text('expected-sarsa')).agent.algorithm).toBe('expected-sarsa');
    expect(parseScenario(text('q-learning')).agent.algorithm).toBe('q-learning');
    try {
      parseScenario(text('sarsa'), 'x.yaml');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ScenarioError);
      const problem = (err as ScenarioError).problems[0]!;
      expect(problem.path).toBe('agent.algorithm');
      expect(problem.message).toMatch(/q-learning.*expected-sarsa/);
    }
  });

  it('chooses the agents the world learns with; the default is Q-learning', async () => {
    const q = await runPlainLoop(model(), { seed: 4 });
    const es = await runPlainLoop(model('expected-sarsa'), { seed: 4 });
    expect(q.world.agents.every((a) => a instanceof QLearningAgent)).toBe(true);
    expect(es.world.agents.every((a) => a instanceof ExpectedSarsaAgent)).toBe(true);
    expect(es.trainedAgents.every((a) => a instanceof ExpectedSarsaAgent)).toBe(true);
    expect(es.world.agents.map((a) => Array.from(qOf(a)))).not.toEqual(
      q.world.agents.map((a) => Array.from(qOf(a))),
    );
  });

  it('runs identically in the actor engine and the plain loop; guided runs repeat exactly', async () => {
    const m = model('expected-sarsa');
    const [a, p] = [await runActors(m, { seed: 9 }), await runPlainLoop(m, { seed: 9 })];
    expect(a.episodeDrops).toEqual(p.episodeDrops);
    expect(a.world.agents.map((x) => Array.from(qOf(x)))).toEqual(
      p.world.agents.map((x) => Array.from(qOf(x))),
    );
    const aura = resolveModel(withAlgorithm('expected-sarsa'), 'normal', 'aura');
    const [g1, g2] = [await runActors(aura, { seed: 9 }), await runActors(aura, { seed: 9 })];
    expect(g1.world.agents.every((x) => x instanceof ExpectedSarsaAgent)).toBe(true);
    expect(g1.episodeDrops).toEqual(g2.episodeDrops);
    expect(g1.world.agents.map((x) => Array.from(qOf(x)))).toEqual(
      g2.world.agents.map((x) => Array.from(qOf(x))),
    );
  });
});

describe('policy files and the algorithm', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aura-algorithm-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("record a non-default algorithm, keep Q-learning's format, and load for the same algorithm only", async () => {
    const es = model('expected-sarsa');
    const trained = (await runPlainLoop(es, { seed: 2 })).trainedAgents;
    const doc = policyDocument(es, trained);
    expect(doc.algorithm).toBe('expected-sarsa');
    expect(Object.keys(policyDocument(model(), trained))).toEqual(['format', 'scenario', 'agents']);
    const file = join(dir, 'es.json');
    writeFileSync(file, JSON.stringify(doc));
    const back = loadPolicy(file, es);
    expect(back.every((a) => a instanceof ExpectedSarsaAgent)).toBe(true);
    expect(back.map((a) => a.toJson())).toEqual(trained.map((a) => a.toJson()));
    expect(() => loadPolicy(file, model())).toThrow(UserError);
    expect(() => loadPolicy(file, model())).toThrow(
      "the Q-tables were learnt by expected-sarsa, this run's agents use q-learning (set agent.algorithm: expected-sarsa, or pass --transfer to use them anyway)",
    );
    expect(
      loadPolicy(file, model(), { transfer: true }).every((a) => a instanceof QLearningAgent),
    ).toBe(true);
  });
});
