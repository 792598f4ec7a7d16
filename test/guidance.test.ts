import { describe, expect, it } from 'vitest';
import { distinctPairs } from '../src/agents/alignment.js';
import { DECREASE, HANDOFF, INCREASE, MAINTAIN } from '../src/agents/space.js';
import { runActors } from '../src/engine/actorEngine.js';
import { plannerSnapshot, requestSnapshots, signalsNear } from '../src/llm/context.js';
import { takeEvaluationJob } from '../src/llm/evaluator.js';
import { buildPlannerPrompt } from '../src/llm/prompt.js';
import type { EpisodeCounters } from '../src/metrics/counters.js';
import {
  acceptSuggestion,
  agePercentileMs,
  beginGuidedEpisode,
  coversOneDecision,
  endGuidedEpisode,
  guidedDecision,
  recordTrends,
  setAwaiting,
  trendOf,
} from '../src/model/guidance.js';
import { beginEpisode, createWorld, stepWorld } from '../src/model/world.js';
import { Rng } from '../src/rng.js';
import { executeRun } from '../src/run/execute.js';
import { settlingEpisode } from '../src/run/guidanceSummary.js';
import { resolveModel } from '../src/scenario/resolve.js';
import { qOf } from './helpers/agents.js';
import { guidedPaper } from './helpers/guided.js';

const guidedWorld = (
  over: Parameters<typeof guidedPaper>[0] = {},
  config: 'guided' | 'aura' = 'guided',
) => {
  const model = resolveModel(guidedPaper(over), 'normal', config);
  const world = createWorld(model, Rng.create(1));
  beginEpisode(world, 'training', 0);
  return { model, world, g: world.guidance!, c: world.episodeCounters.cells[0]! };
};

describe('suggestions and staleness', () => {
  it('a suggestion holds while fresh, then is dropped as stale', async () => {
    // maxAge 3 s, 1 s steps: observed at 0, consulted at steps 0..3, gone at step 4.
    const { world, g, c } = guidedWorld({ planner: { maxAgeSeconds: 3, suggestionScope: 'hold' } });
    expect(acceptSuggestion(g, 0, MAINTAIN, 0, 0, 500, c)).toBe(true);
    for (let k = 0; k < 6; k++) stepWorld(world);
    expect(c.llmAvailable).toBe(4);
    expect(c.suggestionAgeSumMs).toBe(0 + 1000 + 2000 + 3000);
    expect(c.suggestionAgeMaxMs).toBe(3000);
    expect(c.suggestionsStale).toBe(0); // consulted before it expired
    expect(g.suggested[0]).toBe(-1);
  });

  it('ignores a suggestion that arrives already older than the maximum age', async () => {
    const { world, g, c } = guidedWorld({ planner: { maxAgeSeconds: 3 } });
    world.step = 10; // 10 s into the episode
    expect(acceptSuggestion(g, 0, MAINTAIN, 5000, 0, 10_000, c)).toBe(false);
    expect(c.suggestionsStale).toBe(1);
    expect(c.suggestionsReceived).toBe(1);
    stepWorld(world);
    expect(c.llmAvailable).toBe(0);
    expect(c.llmDecisions).toBe(0);
  });

  it('counts a suggestion that expires before any decision as stale', async () => {
    const { world, g, c } = guidedWorld({
      planner: { maxAgeSeconds: 0.5, suggestionScope: 'hold' },
    });
    // Observed at 0, delivered at 400 ms; the next decision is at 1000 ms, too late.
    expect(acceptSuggestion(g, 0, MAINTAIN, 0, 0, 400, c)).toBe(true);
    world.step = 1;
    stepWorld(world);
    expect(c.llmAvailable).toBe(0);
    expect(c.suggestionsStale).toBe(1);
  });

  it('ignores a suggestion observed in an earlier episode', async () => {
    const { world, model, g } = guidedWorld();
    beginEpisode(world, 'training', 1);
    const start = model.stepsPerEpisode * model.stepMs;
    const c = world.episodeCounters.cells[0]!;
    expect(acceptSuggestion(g, 0, MAINTAIN, start - 1, 0, start + 1, c)).toBe(false);
    expect(c.suggestionsStale).toBe(1);
  });

  it('covers decisions in the state it was made for (state), or the next decision only (once)', async () => {
    const { g, c } = guidedWorld({ planner: { maxAgeSeconds: 60 } });
    acceptSuggestion(g, 0, MAINTAIN, 0, 7, 0, c);
    g.trust[0] = 1;
    expect(guidedDecision(g, 0, 8, 0, 1000, c)).toBe(0); // another state: own action
    expect(guidedDecision(g, 0, 7, 0, 2000, c)).toBe(MAINTAIN);
    expect(guidedDecision(g, 0, 7, 0, 3000, c)).toBe(MAINTAIN);
    expect(c.llmAvailable).toBe(2);

    const once = guidedWorld({ planner: { maxAgeSeconds: 60, suggestionScope: 'once' } });
    acceptSuggestion(once.g, 0, MAINTAIN, 0, 7, 0, once.c);
    once.g.trust[0] = 1;
    expect(guidedDecision(once.g, 0, 8, 0, 1000, once.c)).toBe(MAINTAIN); // any state, once
    expect(guidedDecision(once.g, 0, 8, 0, 2000, once.c)).toBe(0);
    expect(once.c.llmAvailable).toBe(1);
  });

  it('action scope: a handoff covers one decision in its state, then is dropped (used once)', async () => {
    const { g, c } = guidedWorld({ planner: { maxAgeSeconds: 60, suggestionScope: 'action' } });
    const counters = { cells: [c] } as unknown as EpisodeCounters;
    acceptSuggestion(g, 0, HANDOFF, 0, 7, 0, c);
    g.trust[0] = 1;
    expect(guidedDecision(g, 0, 8, 0, 1000, c)).toBe(0); // another state: not covered, kept
    expect(g.suggested[0]).toBe(HANDOFF);
    expect(guidedDecision(g, 0, 7, 0, 2000, c)).toBe(HANDOFF); // its state: consulted…
    expect(g.suggested[0]).toBe(-1); // …and dropped
    expect(guidedDecision(g, 0, 7, 0, 3000, c)).toBe(0); // not repeated
    expect(c.llmAvailable).toBe(1);
    expect(c.llmDecisions).toBe(1);
    expect(c.suggestionsUsed).toBe(1);
    endGuidedEpisode(g, counters);
    expect(c.suggestionsUnused).toBe(0); // consumed, not unused
    // Consulted and not followed (trust 0) still spends it: the planner's advice was heard once.
    acceptSuggestion(g, 0, HANDOFF, 3000, 7, 3000, c);
    g.trust[0] = 0;
    expect(guidedDecision(g, 0, 7, 0, 4000, c)).toBe(0);
    expect(g.suggested[0]).toBe(-1);
    expect(c.suggestionsUsed).toBe(2);
  });

  it.each([INCREASE, DECREASE])(
    'action scope: a power step (%i) is spent like a handoff: one decision in its state',
    async (action) => {
      const { g, c } = guidedWorld({ planner: { maxAgeSeconds: 60, suggestionScope: 'action' } });
      acceptSuggestion(g, 0, action, 0, 7, 0, c);
      g.trust[0] = 1;
      expect(guidedDecision(g, 0, 8, 3, 1000, c)).toBe(3); // another state: not covered, kept
      expect(guidedDecision(g, 0, 7, 3, 2000, c)).toBe(action);
      expect(guidedDecision(g, 0, 7, 3, 3000, c)).toBe(3); // one step, not repeated
      expect(c.llmAvailable).toBe(1);
      expect(c.suggestionsUsed).toBe(1);
    },
  );

  it('action scope: maintain is scoped as state (holds in its state while fresh)', async () => {
    const { g, c } = guidedWorld({ planner: { maxAgeSeconds: 60, suggestionScope: 'action' } });
    acceptSuggestion(g, 0, MAINTAIN, 0, 7, 0, c);
    g.trust[0] = 1;
    for (const t of [1000, 2000, 3000]) expect(guidedDecision(g, 0, 7, 3, t, c)).toBe(MAINTAIN);
    expect(guidedDecision(g, 0, 8, 3, 4000, c)).toBe(3); // another state: not covered
    expect(guidedDecision(g, 0, 7, 3, 5000, c)).toBe(MAINTAIN); // back in its state: still holds
    expect(c.llmAvailable).toBe(4);
    expect(c.suggestionsUsed).toBe(1);
  });

  it('which suggestions one decision spends, per scope and action', async () => {
    for (const a of [INCREASE, DECREASE, MAINTAIN, HANDOFF]) {
      expect(coversOneDecision('once', a)).toBe(true);
      expect(coversOneDecision('state', a)).toBe(false);
      expect(coversOneDecision('hold', a)).toBe(false);
      expect(coversOneDecision('action', a)).toBe(a !== MAINTAIN);
    }
  });

  it('follows a fresh suggestion as often as trust says', async () => {
    const { g, c } = guidedWorld({ trust: { initial: 0.3, min: 0.3, max: 0.3 } });
    let followed = 0;
    for (let k = 0; k < 4000; k++) {
      g.suggested[0] = MAINTAIN;
      g.observedAtMs[0] = 0;
      if (guidedDecision(g, 0, 0, 0, 0, c) === MAINTAIN) followed++;
    }
    expect(c.llmDecisions).toBe(followed);
    expect(followed / 4000).toBeGreaterThan(0.27);
    expect(followed / 4000).toBeLessThan(0.33);
    expect(c.trustSum).toBeCloseTo(0.3 * 4000);
  });
});

describe('latency-aware metrics', () => {
  it('the age percentile reads the histogram of ages at use', async () => {
    const h = new Uint32Array(11);
    h[0] = 50; // 50 decisions at age 0
    h[4] = 45; // 45 at 4 buckets
    h[10] = 5; // 5 at 10 buckets
    expect(agePercentileMs(h, 1000, 0.5)).toBe(0);
    expect(agePercentileMs(h, 1000, 0.95)).toBe(4000);
    expect(agePercentileMs(h, 1000, 0.96)).toBe(10_000);
    expect(agePercentileMs(new Uint32Array(3), 1000, 0.95)).toBe(0);
  });

  it('records the age of every consulted suggestion, and decisions made while awaiting an answer', async () => {
    const { g, c } = guidedWorld({ planner: { maxAgeSeconds: 60, suggestionScope: 'hold' } });
    acceptSuggestion(g, 0, MAINTAIN, 0, 0, 0, c);
    setAwaiting(g, 0, true);
    for (const t of [1000, 2000, 3000, 20_000]) guidedDecision(g, 0, 0, 0, t, c);
    setAwaiting(g, 0, false);
    guidedDecision(g, 0, 0, 0, 21_000, c);
    expect(c.decisionsAwaiting).toBe(4);
    expect(agePercentileMs(g.ageHistogram.training, g.ageBucketMs, 0.5)).toBe(3000);
    expect(agePercentileMs(g.ageHistogram.training, g.ageBucketMs, 0.95)).toBe(21_000);
    expect(g.ageHistogram.test.every((n) => n === 0)).toBe(true);
  });

  it('trust settles after the last episode it strayed more than 0.05 from its final value', async () => {
    expect(settlingEpisode([0.5, 0.7, 0.62, 0.6, 0.61, 0.6], 0.05)).toBe(2);
    expect(settlingEpisode([0.6, 0.6, 0.6], 0.05)).toBe(0);
    expect(settlingEpisode([0.9, 0.1, 0.5], 0.05)).toBe(2);
    expect(settlingEpisode([], 0.05)).toBe(0);
  });
});

describe('context encoder', () => {
  it('reports drops over the last trendSteps steps and the change in users over as many', async () => {
    const { g } = guidedWorld({ planner: { trendSteps: 3 } });
    const cells = (n: number) => [{ users: new Array(n) }, { users: [] }];
    beginGuidedEpisode(g, 0, 'training', 1, cells(10));
    expect(trendOf(g, 0, 10)).toEqual({ recentDrops: 0, usersTrend: 0 });
    const users = [12, 15, 11, 20, 26];
    users.forEach((n, k) => {
      recordTrends(g, Int32Array.from([k + 1, 0]), cells(n));
    });
    // After 5 steps: drops of steps 3..5, users now (26) against 3 steps ago (15).
    expect(trendOf(g, 0, 26)).toEqual({ recentDrops: 3 + 4 + 5, usersTrend: 26 - 15 });
    const early = guidedWorld({ planner: { trendSteps: 3 } }).g;
    beginGuidedEpisode(early, 0, 'training', 1, cells(10));
    recordTrends(early, Int32Array.from([2, 0]), cells(14));
    expect(trendOf(early, 0, 14)).toEqual({ recentDrops: 2, usersTrend: 4 }); // since the start
  });

  it('shows the signals near the requesting cells that are under way or within the lookahead', async () => {
    const signal = (id: string, cells: string[], startSeconds: number) => ({
      id,
      description: `${id} event`,
      cells,
      startSeconds,
      durationSeconds: 30,
    });
    const { world, g, model } = guidedWorld({
      planner: { signalLookaheadSeconds: 60 },
      scenario: {
        signals: [
          signal('soon', ['urban'], 50),
          signal('later', ['urban'], 200),
          signal('over', ['rural'], 0),
          signal('now', ['rural'], 10),
        ],
      },
    });
    beginEpisode(world, 'training', 2);
    const start = g.episodeStartMs;
    expect(start).toBe(2 * model.stepsPerEpisode * model.stepMs);
    const at = start + 20_000; // 20 s into the episode
    const near = signalsNear(g, new Set(['rural', 'urban']), at);
    expect(near.map((s) => [s.id, s.startsInSeconds])).toEqual([
      ['soon', 30],
      ['over', -20],
      ['now', -10],
    ]);
    expect(signalsNear(g, new Set(['rural']), at).map((s) => s.id)).toEqual(['over', 'now']);
    expect(signalsNear(g, new Set(['rural']), start + 31_000).map((s) => s.id)).toEqual(['now']);
    // The planner's prompt carries them, and the simulated planner acts ahead of them.
    const snap = plannerSnapshot(g, ['urban'], requestSnapshots(world, 1), at);
    expect(snap.signals.map((s) => s.id)).toEqual(['soon', 'over', 'now']);
    expect(buildPlannerPrompt(snap).user).toContain('soon event');
  });
});

describe('alignment controller data', () => {
  it('takes exactly the recorded history and window, leaving both empty', async () => {
    const { world, g } = guidedWorld({}, 'aura');
    for (let k = 0; k < 30; k++) stepWorld(world);
    expect(g.history!.every((h) => h.steps === 30)).toBe(true);
    const pairs = g.history!.map(distinctPairs);
    expect(pairs.every((p) => p > 0)).toBe(true);
    const job = takeEvaluationJob(world);
    expect(job.histories.map((h) => h.steps)).toEqual([30, 30]);
    expect(job.histories.map(distinctPairs)).toEqual(pairs);
    expect(g.history!.every((h) => h.steps === 0 && distinctPairs(h) === 0)).toBe(true);
    expect(g.window.steps).toBe(0);
  });
});

describe('guided and aura runs', () => {
  it('batch requests: far fewer planner calls than decisions', async () => {
    const { summary } = await executeRun({
      scenario: guidedPaper({}),
      traffic: 'normal',
      config: 'guided',
      seed: 1,
    });
    const g = summary.guidance!;
    const decisions = 2 * 100 * 20;
    expect(g.training.requests).toBe(decisions / 10); // every 10 steps per agent
    expect(g.training.calls).toBeLessThan(g.training.requests);
    expect(g.training.calls / decisions).toBeLessThan(0.1);
    expect(g.training.meanBatchSize).toBeGreaterThan(1.5);
    expect(summary.test.llmUsageRate).toBe(g.test.llmUsageRate);
    expect(summary.test.llmUsageRate).toBeGreaterThan(0);
    expect(summary.llm.calls).toBe(g.training.calls + g.test.calls);
    // Latency-aware figures hang together.
    expect(g.test.p95SuggestionAgeMs).toBeGreaterThanOrEqual(g.test.meanSuggestionAgeMs * 0.5);
    expect(g.test.p95SuggestionAgeMs).toBeLessThanOrEqual(g.test.maxSuggestionAgeMs);
    expect(g.training.decisionsAwaiting).toBeGreaterThan(0);
    for (const t of Object.values(g.trust)) {
      expect(t.min).toBeLessThanOrEqual(t.final);
      expect(t.settledAfterEpisode).toBeGreaterThanOrEqual(0);
      expect(t.settledAfterEpisode).toBeLessThanOrEqual(25);
    }
  });

  it.each(['state', 'once', 'hold', 'action'] as const)(
    'accounts for every request and every suggestion (%s scope, slow model)',
    async (suggestionScope) => {
      const { summary } = await executeRun({
        scenario: guidedPaper({
          planner: { intervalSteps: 3, suggestionScope, maxAgeSeconds: 8 },
          llm: { latency: { model: 'lognormal', medianSeconds: 4, sigma: 0.8 }, errorRate: 0.2 },
        }),
        traffic: 'high',
        config: 'aura',
        seed: 5,
      });
      for (const p of [summary.guidance!.training, summary.guidance!.test]) {
        expect(p.supersededRequests).toBeGreaterThan(0);
        expect(p.unansweredAtEnd).toBeGreaterThanOrEqual(0);
        expect(
          p.suggestions +
            p.rejected +
            p.failedSuggestions +
            p.supersededRequests +
            p.outdatedRequests +
            p.unansweredAtEnd,
        ).toBe(p.requests);
        expect(p.usedSuggestions + p.staleSuggestions + p.unusedSuggestions).toBe(
          p.suggestionsReceived,
        );
        expect(p.meanBatchSize).toBeLessThanOrEqual(2);
      }
      // Suggestions count in the phase of their request, receipts in the phase they arrive in.
      const { test } = summary.guidance!;
      expect(summary.guidance!.training.suggestionsReceived + test.suggestionsReceived).toBe(
        summary.guidance!.training.suggestions + test.suggestions,
      );
      const { training } = summary.guidance!;
      expect(training.outdatedRequests + training.staleSuggestions).toBeGreaterThan(0);
      expect(summary.guidance!.test.unansweredAtEnd).toBeLessThanOrEqual(2);
      expect(summary.guidance!.training.unansweredAtEnd).toBe(0);
    },
  );

  it('action scope: a guided run repeats exactly and spends each one-shot suggestion on one decision', async () => {
    const run = async (suggestionScope?: 'state' | 'action') =>
      (
        await executeRun({
          scenario: guidedPaper({ planner: suggestionScope ? { suggestionScope } : {} }),
          traffic: 'normal',
          config: 'guided',
          seed: 3,
        })
      ).summary;
    const omitted = await run();
    expect(JSON.stringify(await run('state'))).toBe(JSON.stringify(omitted)); // the default
    const action = await run('action');
    expect(JSON.stringify(await run('action'))).toBe(JSON.stringify(action));
    for (const phase of ['training', 'test'] as const) {
      const a = action.guidance![phase];
      const s = omitted.guidance![phase];
      expect(a.usedSuggestions + a.staleSuggestions + a.unusedSuggestions).toBe(
        a.suggestionsReceived,
      );
      // Fewer decisions per used suggestion: handoffs and power steps no longer repeat.
      expect(a.decisionsWithSuggestion / a.usedSuggestions).toBeLessThan(
        s.decisionsWithSuggestion / s.usedSuggestions,
      );
    }
  });

  it('a dead provider: every call fails, agents fall back, the run completes', async () => {
    const { summary } = await executeRun({
      scenario: guidedPaper({ llm: { failureRate: 1 } }),
      traffic: 'normal',
      config: 'aura',
      seed: 1,
    });
    const g = summary.guidance!;
    expect(g.training.failedCalls).toBe(g.training.calls);
    expect(g.training.failedSuggestions).toBeGreaterThan(0);
    expect(g.training.llmDecisions).toBe(0);
    expect(g.training.failedEvaluations).toBe(g.training.evaluations);
    expect(g.training.delayedRewards).toBe(0);
    expect(summary.test.llmUsageRate).toBe(0);
    expect(summary.test.steps).toBe(500);
  });

  it('aura evaluates every K episodes and applies delayed rewards and feedback', async () => {
    const { summary } = await executeRun({
      scenario: guidedPaper({ alignment: { everyEpisodes: 4 }, llm: { errorRate: 0 } }),
      traffic: 'high',
      config: 'aura',
      seed: 2,
    });
    const g = summary.guidance!;
    expect(g.training.evaluations).toBe(20 / 4);
    expect(g.training.delayedRewards).toBe(2 * 5);
    expect(g.training.delayedPairs).toBeGreaterThan(0);
    expect(g.test.evaluations).toBe(1); // 5 test episodes: one window; none at the very end
    expect(g.test.delayedRewards).toBe(2); // applied before the run ended
  });

  it('the last training window is applied before the test phase, which starts that much later', async () => {
    const model = resolveModel(
      guidedPaper({
        alignment: { everyEpisodes: 4 },
        llm: { errorRate: 0, latency: { model: 'fixed', seconds: 5 } },
        scenario: { episodes: { training: 8, test: 3 } },
      }),
      'normal',
      'aura',
    );
    const outcome = await runActors(model, { seed: 1 });
    const g = outcome.world.guidance!;
    expect(g.ledger.training.evaluations).toBe(2);
    expect(g.ledger.training.delayedRewards).toBe(4); // both windows, in training
    expect(g.ledger.test.evaluations).toBe(0); // 3 test episodes: the run's end is not evaluated
    expect(g.feedbackLog.every((f) => f.phase === 'training')).toBe(true);
    expect(g.feedbackLog.map((f) => f.episode)).toContain(7);
    // Training ran on time; the test waited 5 s for the last evaluation, then ran whole episodes.
    expect(outcome.world.offsetMs).toBe(5000);
    expect(outcome.episodes.every((e) => e.counters.steps === 100)).toBe(true);
    // The derived policy already holds the last window's delayed rewards.
    const trained = outcome.trainedAgents.map((a) => Array.from(qOf(a)));
    const noReply = await runActors(
      resolveModel(
        guidedPaper({
          alignment: { everyEpisodes: 4 },
          llm: { errorRate: 0, failureRate: 1, latency: { model: 'fixed', seconds: 5 } },
          scenario: { episodes: { training: 8, test: 3 } },
        }),
        'normal',
        'aura',
      ),
      { seed: 1 },
    );
    expect(noReply.world.guidance!.ledger.training.delayedRewards).toBe(0);
    expect(trained).not.toEqual(noReply.trainedAgents.map((a) => Array.from(qOf(a))));
  });

  it('frozen test agents (test.learn: false) are neither evaluated nor tuned', async () => {
    const base = guidedPaper({ alignment: { everyEpisodes: 2 } });
    const scenario = { ...base, agent: { ...base.agent, test: { epsilon: 0.05, learn: false } } };
    const outcome = await runActors(resolveModel(scenario, 'normal', 'aura'), { seed: 1 });
    const g = outcome.world.guidance!;
    expect(g.ledger.training.evaluations).toBe(10);
    expect(g.ledger.test.evaluations).toBe(0);
    expect(g.ledger.test.parameterChanges).toBe(0);
    expect(outcome.trainedAgents.map((a) => Array.from(qOf(a)))).toEqual(
      outcome.world.agents.map((a) => Array.from(qOf(a))),
    );
  });

  it('guided runs have no alignment controller', async () => {
    const outcome = await runActors(resolveModel(guidedPaper({}), 'normal', 'guided'), { seed: 1 });
    expect(outcome.world.guidance!.history).toBeNull();
    expect(outcome.world.guidance!.ledger.training.evaluations).toBe(0);
  });
});
