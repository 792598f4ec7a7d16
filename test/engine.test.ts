import { describe, expect, it } from 'vitest';
import { runActors } from '../src/engine/actorEngine.js';
import { runPlainLoop } from '../src/engine/plainLoop.js';
import { totalAgentSteps } from '../src/engine/run.js';
import { resolveModel } from '../src/scenario/resolve.js';
import { qOf } from './helpers/agents.js';
import { shortPaper } from './helpers/paper.js';

const comparable = (outcome: Awaited<ReturnType<typeof runActors>>) => ({
  episodes: outcome.episodes,
  totals: outcome.world.testTotals,
  q: outcome.world.agents.map((a) => Array.from(qOf(a))),
  trained: outcome.trainedAgents.map((a) => Array.from(qOf(a))),
});

describe('actor engine', () => {
  it.each(['low', 'normal', 'high'])(
    'matches the plain loop exactly (%s traffic)',
    async (traffic) => {
      const model = resolveModel(shortPaper(), traffic);
      const actors = await runActors(model, { seed: 3 });
      const plain = runPlainLoop(model, { seed: 3 });
      expect(actors.episodes).toHaveLength(25);
      expect(actors.world.testTotals.steps).toBe(500);
      expect(comparable(actors)).toEqual(comparable(plain));
    },
  );

  it('sends far fewer XState messages than agent-steps', async () => {
    const model = resolveModel(shortPaper(), 'normal');
    const outcome = await runActors(model, { seed: 1 });
    const perStep = outcome.messages / totalAgentSteps(model);
    expect(outcome.messages).toBeGreaterThan(0);
    expect(perStep).toBeLessThan(0.1);
  });

  it('does not depend on how arrivals are split into windows', async () => {
    const base = shortPaper();
    const a = await runActors(resolveModel(base, 'high'), { seed: 9 });
    for (const windowSteps of [1, 7, 100, 1000]) {
      const b = await runActors(
        resolveModel({ ...base, traffic: { ...base.traffic, windowSteps } }, 'high'),
        { seed: 9 },
      );
      expect(comparable(b)).toEqual(comparable(a));
    }
  });

  it.each([3.333, 0.1 + 0.2, 0.001, 86_400])(
    'matches the plain loop with %s-second steps and 7-step windows',
    async (stepSeconds) => {
      // Fading decorrelates in seconds, so it depends on the step length: uncorrelated fading
      // (decorrelationSeconds 0) keeps the steps comparable across step lengths.
      const paper = shortPaper();
      const base: typeof paper = {
        ...paper,
        radio: { ...paper.radio, shadowing: { sdDb: 4, decorrelationSeconds: 0 } },
      };
      const scenario: typeof base = {
        ...base,
        time: { ...base.time, stepSeconds },
        traffic: { ...base.traffic, windowSteps: 7 },
      };
      const model = resolveModel(scenario, 'high');
      const actors = await runActors(model, { seed: 5 });
      const plain = runPlainLoop(model, { seed: 5 });
      expect(comparable(actors)).toEqual(comparable(plain));
      // Otherwise the step length only sets the time scale: the same users arrive.
      expect(comparable(actors)).toEqual(
        comparable(await runActors(resolveModel(base, 'high'), { seed: 5 })),
      );
    },
  );

  it('reports episodes in order and copies the trained policy at the end of training', async () => {
    const model = resolveModel(shortPaper(), 'normal');
    const outcome = await runActors(model, { seed: 2 });
    expect(outcome.episodes.map((e) => `${e.phase}:${e.episode}`)).toEqual([
      ...Array.from({ length: 20 }, (_, i) => `training:${i}`),
      ...Array.from({ length: 5 }, (_, i) => `test:${i}`),
    ]);
    // The test phase keeps learning, so the final tables moved away from the trained copy.
    expect(qOf(outcome.trainedAgents[0]!)).not.toEqual(qOf(outcome.world.agents[0]!));
    const frozen = resolveModel(
      shortPaper({ agent: { ...shortPaper().agent, test: { epsilon: 0, learn: false } } }),
      'normal',
    );
    const still = await runActors(frozen, { seed: 2 });
    expect(qOf(still.trainedAgents[1]!)).toEqual(qOf(still.world.agents[1]!));
  });

  it('starts from a given policy and can skip training', async () => {
    const trained = await (await runActors(resolveModel(shortPaper(), 'normal'), { seed: 4 }))
      .trainedAgents;
    const model = resolveModel(shortPaper({ episodes: { training: 0, test: 3 } }), 'normal');
    const outcome = await runActors(model, { seed: 4, agents: trained });
    expect(outcome.episodes.every((e) => e.phase === 'test')).toBe(true);
    expect(outcome.trainedAgents.map((a) => Array.from(qOf(a)))).toEqual(
      trained.map((a) => Array.from(qOf(a))),
    );
    expect(runPlainLoop(model, { seed: 4, agents: trained }).world.testTotals).toEqual(
      outcome.world.testTotals,
    );
  });
});
