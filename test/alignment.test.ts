import { describe, expect, it } from 'vitest';
import {
  applyDelayedReward,
  createHistory,
  distinctPairs,
  recordPair,
  takeHistory,
} from '../src/agents/alignment.js';
import { QLearningAgent } from '../src/agents/qlearning.js';
import { ACTION_COUNT, stateShape } from '../src/agents/space.js';
import {
  type AlignmentCore,
  applyEvaluation,
  createAlignmentCore,
  type EvaluationJob,
  type EvaluatorCall,
  takeEvaluationJob,
} from '../src/llm/evaluator.js';
import type { Completion, ModelGateway } from '../src/llm/types.js';
import {
  beginEpisode,
  createWorld,
  endEpisode,
  stepWorld,
  type World,
} from '../src/model/world.js';
import { Rng } from '../src/rng.js';
import { resolveModel } from '../src/scenario/resolve.js';
import { qOf } from './helpers/agents.js';
import { guidedPaper } from './helpers/guided.js';

const shape = stateShape(4, { dropBuckets: [1, 2, 4] });

describe('delayed rewards', () => {
  it('change exactly the pairs of the history, once each by default', () => {
    const agent = new QLearningAgent(shape);
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
    const agent = new QLearningAgent(shape);
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
    const agent = new QLearningAgent(shape);
    expect(applyDelayedReward(agent, h, 1, 0.1, 'distinct')).toBe(0);
    expect(agent.q.every((v) => v === 0)).toBe(true);
  });
});

describe('applying an evaluation', () => {
  const setUp = () => {
    const model = resolveModel(guidedPaper({}), 'normal', 'aura');
    const world = createWorld(model, Rng.create(1));
    beginEpisode(world, 'training', 0);
    for (let k = 0; k < 20; k++) stepWorld(world);
    endEpisode(world);
    return { world, job: takeEvaluationJob(world) };
  };
  const reply = (text: string) => ({ text, inputTokens: 10, outputTokens: 5 });
  /** The controller's core for `world` (its model is never asked here). */
  const coreOf = (world: World): AlignmentCore => {
    const guidance = world.guidance!;
    const never: ModelGateway = {
      call: () => {
        throw new Error('no model call expected');
      },
    };
    return createAlignmentCore(world, guidance, guidance.config.alignment!, {
      name: 'evaluator',
      gateway: never,
      latencyRng: Rng.create(2),
    });
  };
  /** A network-wide evaluation that has come back with `completion` (null: failed). */
  const settledCall = (job: EvaluationJob, completion: Completion | null): EvaluatorCall => ({
    job,
    settled: true,
    latencyMs: 0,
    parts: [
      {
        cells: [0, 1],
        settled: true,
        latencyMs: 0,
        completion,
        failure: completion ? null : 'error',
      },
    ],
  });

  it('rewards each scored agent on exactly its taken history and tunes it by its feedback', () => {
    const { world, job } = setUp();
    const before = world.agents.map((a) => qOf(a).slice());
    applyEvaluation(
      coreOf(world),
      settledCall(
        job,
        reply('<scores>\nrural: 0.5 | explore less\nurban: 7 | save energy\n</scores>'),
      ),
    );
    const changed = (i: number) =>
      [...qOf(world.agents[i]!).keys()].filter((k) => qOf(world.agents[i]!)[k] !== before[i]![k]);
    const visited = (i: number) =>
      [...job.histories[i]!.counts.keys()].filter((k) => job.histories[i]!.counts[k]! > 0);
    expect(changed(0)).toEqual(visited(0));
    for (const k of changed(0))
      expect(qOf(world.agents[0]!)[k]! - before[0]![k]!).toBeCloseTo(0.1 * 0.5);
    expect(changed(1)).toEqual([]); // out-of-range score: rejected, no reward, no tuning
    const g = world.guidance!;
    expect(g.tuning[0]!.epsilonScale).toBe(0.8);
    expect(g.tuning[1]).toEqual({ epsilonScale: 1, reward: world.config.agent.reward });
    expect(g.ledger.training).toMatchObject({
      delayedRewards: 1,
      rejectedScores: 1,
      parameterChanges: 1,
    });
    expect(g.feedbackLog).toEqual([
      expect.objectContaining({
        phase: 'training',
        episode: 0,
        agent: 'rural',
        parameter: 'epsilonScale',
        from: 1,
        to: 0.8,
      }),
    ]);
  });

  it('a failed evaluation changes nothing', () => {
    const { world, job } = setUp();
    const before = world.agents.map((a) => Array.from(qOf(a)));
    applyEvaluation(coreOf(world), settledCall(job, null));
    expect(world.agents.map((a) => Array.from(qOf(a)))).toEqual(before);
    expect(world.guidance!.feedbackLog).toEqual([]);
  });
});
