/**
 * The LLM planner's logic (its statechart is `machines/planner.ts`): a queue of guidance
 * requests, batches of at most `maxBatchSize`, one prompt per batch, a rate budget and a latency
 * in simulated time, and the translation of each reply into one suggestion per requesting agent.
 *
 * A cell has at most one queued request: a newer request from the same cell replaces the older
 * one in place (its state is more recent; the older is counted as superseded). A request observed
 * in an episode that has since ended is dropped at dispatch (counted as outdated): no answer could
 * still apply. A batch lists its targets in cell order and describes every cell as last observed
 * by a request in the batch; each suggestion carries its own request's observation time, from
 * which the agent judges its age.
 *
 * Ledger: a request, and whatever becomes of it, counts in the phase it was made in; a call, its
 * tokens and queue waits, in the phase it was sent in.
 */
import type { Phase } from '../metrics/counters.js';
import type { GuidanceState, LlmCounts } from '../model/guidance.js';
import type { World } from '../model/world.js';
import { budgetWaitMs, chargeBudget, createBudget, type RateBudget } from './budget.js';
import { askModel, type SimulatedOutcome } from './call.js';
import { plannerSnapshot } from './context.js';
import { buildPlannerPrompt } from './prompt.js';
import { translateActions } from './translator.js';
import {
  type CallFailure,
  type CellSnapshot,
  type Completion,
  estimateTokens,
  type LlmRole,
  type Prompt,
} from './types.js';

export interface GuidanceRequest {
  readonly cellIndex: number;
  readonly cellId: string;
  /** When the state was observed (the request's time). */
  readonly observedAtMs: number;
  /** The requesting agent's own observation (Q-table state) at that time. */
  readonly state: number;
  /** The cell and its neighbours as observed. */
  readonly cells: readonly CellSnapshot[];
}

interface Queued extends GuidanceRequest {
  readonly receivedAtMs: number;
  readonly phase: Phase;
}

export interface Call {
  readonly batch: readonly Queued[];
  readonly sentAtMs: number;
  readonly phase: Phase;
  /** False while a network call is in flight (simulated time stands still meanwhile). */
  settled: boolean;
  latencyMs: number;
  completion: Completion | null;
  failure: CallFailure | null;
}

/** What each agent of a delivered batch gets. */
export type Outcome =
  | { readonly kind: 'suggested'; readonly action: number }
  | { readonly kind: 'rejected'; readonly reason: string }
  | { readonly kind: 'failed'; readonly reason: CallFailure };

export interface Delivery {
  readonly request: GuidanceRequest;
  readonly outcome: Outcome;
}

export interface PlannerCore {
  readonly world: World;
  /** The run's guidance state, with its resolved configuration (`guidance.config`). */
  readonly guidance: GuidanceState;
  readonly role: LlmRole;
  readonly budget: RateBudget;
  queue: Queued[];
  call: Call | null;
  /** The next batch's prompt, kept from the budget check for the dispatch that follows it. */
  next: { readonly key: string; readonly batch: Queued[]; readonly prompt: Prompt } | null;
}

export function createPlannerCore(
  world: World,
  guidance: GuidanceState,
  role: LlmRole,
  share = 1,
): PlannerCore {
  const p = guidance.config.planner;
  return {
    world,
    guidance,
    role,
    budget: createBudget(p.requestsPerMinute * share, p.tokensPerMinute * share),
    queue: [],
    call: null,
    next: null,
  };
}

const ledger = (core: PlannerCore, phase: Phase = core.world.phase): LlmCounts =>
  core.guidance.ledger[phase === 'test' ? 'test' : 'training'];

export function enqueueRequest(core: PlannerCore, request: GuidanceRequest, nowMs: number): void {
  const queued: Queued = { ...request, receivedAtMs: nowMs, phase: core.world.phase };
  ledger(core, queued.phase).requests++;
  const at = core.queue.findIndex((q) => q.cellIndex === request.cellIndex);
  if (at >= 0) {
    ledger(core, core.queue[at]!.phase).supersededRequests++;
    core.queue[at] = queued;
  } else core.queue.push(queued);
}

export const batchIsFull = (core: PlannerCore): boolean =>
  core.queue.length >= core.guidance.config.planner.maxBatchSize;

/** Drops queued requests observed before the current episode began (counted as outdated). */
function dropOutdated(core: PlannerCore): void {
  const since = core.guidance.episodeStartMs;
  if (core.queue.every((q) => q.observedAtMs >= since)) return;
  core.queue = core.queue.filter((q) => {
    if (q.observedAtMs >= since) return true;
    ledger(core, q.phase).outdatedRequests++;
    return false;
  });
}

/** The oldest requests, up to a batch, in cell order; with its prompt (built once). */
function nextBatch(core: PlannerCore): { batch: Queued[]; prompt: Prompt } {
  dropOutdated(core);
  const batch = core.queue
    .slice(0, core.guidance.config.planner.maxBatchSize)
    .sort((a, b) => a.cellIndex - b.cellIndex);
  const key = batch.map((r) => `${r.cellIndex}@${r.observedAtMs}`).join(',');
  if (core.next?.key !== key) core.next = { key, batch, prompt: batchPrompt(core, batch) };
  return core.next;
}

/** The prompt for a batch: targets in request order, each cell as last observed in the batch. */
export function batchPrompt(core: PlannerCore, batch: readonly Queued[]): Prompt {
  const cells = new Map<string, { at: number; snapshot: CellSnapshot }>();
  let latest = 0;
  for (const r of batch) {
    latest = Math.max(latest, r.observedAtMs);
    for (const c of r.cells) {
      const seen = cells.get(c.id);
      if (!seen || seen.at <= r.observedAtMs) cells.set(c.id, { at: r.observedAtMs, snapshot: c });
    }
  }
  const snapshot = plannerSnapshot(
    core.guidance,
    batch.map((r) => r.cellId),
    [...cells.values()].map((c) => c.snapshot),
    latest,
  );
  return buildPlannerPrompt(snapshot);
}

/** Simulated milliseconds to wait for rate budget before the next batch may go (0: now). */
export function rateWaitMs(core: PlannerCore, nowMs: number): number {
  const { batch, prompt } = nextBatch(core);
  if (batch.length === 0) return 0;
  return budgetWaitMs(core.budget, nowMs, estimateTokens(prompt.system + prompt.user));
}

export function noteRateWait(core: PlannerCore, waitMs: number): void {
  ledger(core).rateLimitedMs += waitMs;
}

/**
 * Sends the next batch: charges the budget, draws the latency, asks the model. Null when nothing
 * is left to send (every queued request was outdated). A network model answers later:
 * `onLateReply` is called once the call has settled (simulated time has not moved meanwhile).
 */
export function dispatchBatch(
  core: PlannerCore,
  nowMs: number,
  onLateReply: () => void,
): Call | null {
  const { batch, prompt } = nextBatch(core);
  core.next = null;
  if (batch.length === 0) return null;
  const sent = new Set(batch);
  core.queue = core.queue.filter((q) => !sent.has(q));
  const promptTokens = estimateTokens(prompt.system + prompt.user);
  chargeBudget(core.budget, nowMs, promptTokens);
  const counts = ledger(core);
  counts.calls++;
  counts.batchedRequests += batch.length;
  for (const r of batch) counts.queueWaitMs += nowMs - r.receivedAtMs;
  const call: Call = {
    batch,
    sentAtMs: nowMs,
    phase: core.world.phase,
    settled: false,
    latencyMs: 0,
    completion: null,
    failure: null,
  };
  core.call = call;
  // Tokens, latencies and failures count in the phase the call was sent in (`counts`).
  askModel(core.role, core.guidance.config, prompt, counts, (outcome, late) => {
    settleCall(call, counts, outcome);
    if (late) onLateReply();
  });
  return call;
}

/** Records how a call ended: its simulated latency and reply, and its failure if any. */
function settleCall(call: Call, counts: LlmCounts, outcome: SimulatedOutcome): void {
  call.latencyMs = outcome.latencyMs;
  call.completion = outcome.completion;
  call.failure = outcome.failure;
  call.settled = true;
  if (!outcome.completion) {
    counts.failedCalls++;
    if (outcome.failure === 'timeout') counts.timeouts++;
  }
}

/** The reply of the call in flight, translated: one outcome per request of the batch. */
export function deliverCall(core: PlannerCore): Delivery[] {
  const call = core.call;
  if (!call) return [];
  core.call = null;
  if (!call.completion) {
    for (const r of call.batch) ledger(core, r.phase).failedSuggestions++;
    return call.batch.map((request) => ({
      request,
      outcome: { kind: 'failed', reason: call.failure ?? 'error' },
    }));
  }
  const targets = call.batch.map((r) => r.cellId);
  const { actions, rejected } = translateActions(call.completion.text, targets);
  const reasons = new Map(rejected.map((r) => [r.cell, r.reason]));
  return call.batch.map((request): Delivery => {
    const action = actions.get(request.cellId);
    const counts = ledger(core, request.phase);
    if (action === undefined) {
      counts.rejected++;
      return {
        request,
        outcome: { kind: 'rejected', reason: reasons.get(request.cellId) ?? 'missing' },
      };
    }
    counts.suggestions++;
    return { request, outcome: { kind: 'suggested', action } };
  });
}
