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
import type { Rng } from '../engine/rng.js';
import type { LlmCounts } from '../model/guidance.js';
import type { Phase, World } from '../model/world.js';
import { budgetWaitMs, chargeBudget, createBudget, type RateBudget } from './budget.js';
import { plannerSnapshot } from './context.js';
import { sampleLatencyMs } from './latency.js';
import { buildPlannerPrompt } from './prompt.js';
import { translateActions } from './translator.js';
import {
  type CallFailure,
  type CellSnapshot,
  type Completion,
  estimateTokens,
  type LlmProvider,
  type Prompt,
  ProviderError,
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
  readonly latencyMs: number;
  readonly completion: Completion | null;
  readonly failure: CallFailure | null;
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
  readonly provider: LlmProvider;
  readonly latencyRng: Rng;
  readonly budget: RateBudget;
  queue: Queued[];
  call: Call | null;
  /** The next batch's prompt, kept from the budget check for the dispatch that follows it. */
  next: { readonly key: string; readonly batch: Queued[]; readonly prompt: Prompt } | null;
}

export function createPlannerCore(
  world: World,
  provider: LlmProvider,
  latencyRng: Rng,
): PlannerCore {
  const p = world.config.guidance!.planner;
  return {
    world,
    provider,
    latencyRng,
    budget: createBudget(p.requestsPerMinute, p.tokensPerMinute),
    queue: [],
    call: null,
    next: null,
  };
}

const ledger = (core: PlannerCore, phase: Phase = core.world.phase): LlmCounts =>
  core.world.guidance!.ledger[phase === 'test' ? 'test' : 'training'];

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
  core.queue.length >= core.world.config.guidance!.planner.maxBatchSize;

/** Drops queued requests observed before the current episode began (counted as outdated). */
function dropOutdated(core: PlannerCore): void {
  const since = core.world.guidance!.episodeStartMs;
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
    .slice(0, core.world.config.guidance!.planner.maxBatchSize)
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
    core.world.guidance!,
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
 * Sends the next batch: charges the budget, calls the provider, draws the latency. Null when
 * nothing is left to send (every queued request was outdated).
 */
export function dispatchBatch(core: PlannerCore, nowMs: number): Call | null {
  const { batch, prompt } = nextBatch(core);
  core.next = null;
  if (batch.length === 0) return null;
  const sent = new Set(batch);
  core.queue = core.queue.filter((q) => !sent.has(q));
  const tokens = estimateTokens(prompt.system + prompt.user);
  chargeBudget(core.budget, nowMs, tokens);
  const counts = ledger(core);
  counts.calls++;
  counts.batchedRequests += batch.length;
  for (const r of batch) counts.queueWaitMs += nowMs - r.receivedAtMs;
  const { timeoutMs } = core.world.config.guidance!;
  let latencyMs = sampleLatencyMs(core.world.config.guidance!.llm.latency, core.latencyRng);
  let completion: Completion | null = null;
  let failure: CallFailure | null = null;
  try {
    completion = core.provider.complete(prompt);
  } catch (err) {
    if (!(err instanceof ProviderError)) throw err;
    failure = err.failure;
  }
  if (latencyMs > timeoutMs) {
    latencyMs = timeoutMs;
    failure = 'timeout';
    completion = null;
  }
  if (completion) {
    counts.inputTokens += completion.inputTokens;
    counts.outputTokens += completion.outputTokens;
  } else {
    counts.inputTokens += tokens; // a failed call still spent its prompt
    counts.failedCalls++;
    if (failure === 'timeout') counts.timeouts++;
  }
  core.call = { batch, sentAtMs: nowMs, latencyMs, completion, failure };
  return core.call;
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
