/**
 * The alignment controller's logic (its statechart is `machines/alignmentController.ts`): at the
 * end of every `alignment.everyEpisodes` episodes (and of each phase), each agent's (state,
 * action) history and the window's counters are taken from the world, an evaluator scores each
 * agent in [−1, 1] with a short verbal feedback, and after the call's latency each agent applies
 * its score as a delayed reward to exactly the pairs of the taken history (`agents/alignment.ts`)
 * while the feedback becomes bounded parameter changes (`llm/feedback.ts`).
 *
 * A rejected score (missing or out of range) or a failed call leaves that agent unchanged,
 * counted. Windows are evaluated only while the agents learn. The root waits for the last training
 * window's evaluation before the test phase begins, so every delayed reward shapes the phase whose
 * history earned it.
 */
import { applyDelayedReward, type History, takeHistory } from '../agents/alignment.js';
import { type EpisodeCounters, type Phase, zeroCounters } from '../metrics/counters.js';
import type { GuidanceState, LlmCounts } from '../model/guidance.js';
import type { World } from '../model/world.js';
import type { GuidanceConfig } from '../scenario/resolve.js';
import { askModel, type SimulatedOutcome } from './call.js';
import { evaluatorSnapshot } from './context.js';
import { translateFeedback } from './feedback.js';
import { buildEvaluatorPrompt } from './prompt.js';
import { translateScores } from './translator.js';
import type { CallFailure, Completion, LlmRole } from './types.js';

/** The alignment controller's settings (`guidance.alignment`, present in `aura`). */
export type AlignmentConfig = NonNullable<GuidanceConfig['alignment']>;

export interface EvaluationJob {
  readonly phase: Phase;
  /** The last episode of the window (phase-local). */
  readonly episode: number;
  readonly episodes: { readonly from: number; readonly to: number; readonly phase: string };
  readonly histories: readonly History[];
  readonly window: EpisodeCounters;
}

/** One prompt of an evaluation: the agents (cell indices) it scores and its call's outcome. */
export interface EvaluatorPart {
  readonly cells: readonly number[];
  /** False while a network call is in flight (simulated time stands still meanwhile). */
  settled: boolean;
  latencyMs: number;
  completion: Completion | null;
  failure: CallFailure | null;
}

/**
 * An evaluation in flight: one part for the whole network, or one per planner region
 * (`alignment.scope: region`), sent together. It is settled when every part is, and its results
 * arrive after the slowest part's latency.
 */
export interface EvaluatorCall {
  readonly job: EvaluationJob;
  readonly parts: readonly EvaluatorPart[];
  settled: boolean;
  latencyMs: number;
}

const ledgerOf = (guidance: GuidanceState, phase: Phase): LlmCounts =>
  guidance.ledger[phase === 'test' ? 'test' : 'training'];

/** Whether the episode just closed ends an evaluation window (never while agents are frozen). */
export function windowEnds(world: World, lastOfPhase: boolean): boolean {
  const a = world.guidance?.config.alignment;
  if (!a || !world.guidance?.history || !world.learning) return false;
  return lastOfPhase || world.episode + 1 - world.guidance.windowFrom >= a.everyEpisodes;
}

/** Takes the histories and window counters out of the world (leaving them empty). */
export function takeEvaluationJob(world: World): EvaluationJob {
  const g = world.guidance;
  // The root asks only when `windowEnds` said so, which needs both.
  if (!g?.history) throw new Error('an evaluation window needs guidance with histories (aura)');
  const history = g.history;
  const window = g.window;
  g.window = zeroCounters(world.config.cells.length);
  const job: EvaluationJob = {
    phase: world.phase,
    episode: world.episode,
    episodes: { from: g.windowFrom, to: world.episode, phase: world.phase },
    histories: history.map(takeHistory),
    window,
  };
  g.windowFrom = world.episode + 1;
  return job;
}

/**
 * The alignment controller's state: its configuration, its model, the windows waiting, the call
 * in flight.
 */
export interface AlignmentCore {
  readonly world: World;
  /** The run's guidance state, with its resolved configuration (`guidance.config`). */
  readonly guidance: GuidanceState;
  readonly alignment: AlignmentConfig;
  readonly role: LlmRole;
  readonly waiting: EvaluationJob[];
  call: EvaluatorCall | null;
}

export function createAlignmentCore(
  world: World,
  guidance: GuidanceState,
  alignment: AlignmentConfig,
  role: LlmRole,
): AlignmentCore {
  return { world, guidance, alignment, role, waiting: [], call: null };
}

/**
 * Sends the oldest waiting window to the evaluator. A network model answers later:
 * `onLateReply` is called once the call has settled.
 */
export function startEvaluation(core: AlignmentCore, onLateReply: () => void): void {
  const job = core.waiting.shift();
  if (job) core.call = callEvaluator(core, job, onLateReply);
}

/** Applies the reply of the call in flight. */
export function finishEvaluation(core: AlignmentCore): void {
  if (core.call) applyEvaluation(core, core.call);
  core.call = null;
}

/**
 * Calls the evaluator for a job: builds the prompts (one, or one per region), draws each call's
 * latency, asks the model. `onLateReply` runs once, when the last network reply has settled.
 */
export function callEvaluator(
  core: AlignmentCore,
  job: EvaluationJob,
  onLateReply: () => void = () => {},
): EvaluatorCall {
  const { world, guidance: g } = core;
  const counts = ledgerOf(g, job.phase);
  const groups: readonly (readonly number[])[] =
    core.alignment.scope === 'region'
      ? g.config.plannerRegions
      : [world.config.cells.map((_, i) => i)];
  const prompts = groups.map((cells) =>
    buildEvaluatorPrompt(
      evaluatorSnapshot(world, g, job.window, job.histories, job.episodes, cells),
    ),
  );
  // The next window is compared with this one.
  const steps = Math.max(1, job.window.steps);
  job.window.cells.forEach((c, i) => {
    g.previousDropsPerStep[i] = Number((c.droppedRequests / steps).toFixed(3));
  });
  const parts: EvaluatorPart[] = groups.map((cells) => ({
    cells,
    settled: false,
    latencyMs: 0,
    completion: null,
    failure: null,
  }));
  const call: EvaluatorCall = { job, parts, settled: false, latencyMs: 0 };
  /** Records a part's outcome; true when it was the last part to settle. */
  const settle = (part: EvaluatorPart, outcome: SimulatedOutcome) => {
    Object.assign(part, outcome, { settled: true });
    if (!outcome.completion) counts.failedEvaluations++;
    if (parts.every((p) => p.settled)) {
      call.settled = true;
      call.latencyMs = Math.max(...parts.map((p) => p.latencyMs));
      return true;
    }
    return false;
  };
  parts.forEach((part, k) => {
    counts.evaluations++;
    askModel(core.role, g.config, prompts[k]!, counts, (outcome, late) => {
      if (settle(part, outcome) && late) onLateReply();
    });
  });
  return call;
}

/** Applies an evaluator's reply: delayed rewards and feedback, per agent. */
export function applyEvaluation(core: AlignmentCore, call: EvaluatorCall): void {
  const { world, guidance: g, alignment } = core;
  const counts = ledgerOf(g, call.job.phase);
  for (const part of call.parts) {
    if (!part.completion) continue;
    const ids = part.cells.map((i) => world.config.cells[i]!.id);
    const { scores, rejected } = translateScores(part.completion.text, ids);
    counts.rejectedScores += rejected.length;
    ids.forEach((id, k) => {
      const scored = scores.get(id);
      if (!scored) return;
      const i = part.cells[k]!;
      counts.delayedPairs += applyDelayedReward(
        world.agents[i]!,
        call.job.histories[i]!,
        scored.score,
        world.config.agent.alpha,
        alignment.apply,
      );
      counts.delayedRewards++;
      counts.delayedRewardSum += scored.score;
      if (!alignment.feedback || scored.feedback === '') return;
      const { tuning, changes } = translateFeedback(scored.feedback, g.tuning[i]!);
      g.tuning[i] = tuning;
      counts.parameterChanges += changes.length;
      for (const ch of changes) {
        g.feedbackLog.push({
          phase: call.job.phase,
          episode: call.job.episode,
          agent: id,
          feedback: scored.feedback,
          parameter: ch.parameter,
          from: ch.from,
          to: ch.to,
          rule: ch.rule,
        });
      }
    });
  }
}
