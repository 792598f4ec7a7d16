/**
 * The LLM planner: one per simulation (configurations `guided` and `aura`). Base stations send it
 * `plan.requested`; it collects requests for `batchSeconds` (or until a batch is full), waits for
 * rate budget if it must, sends one prompt per batch to its provider, waits out the call's latency
 * in simulated time, then hands each requesting station its suggestion (`plan.suggested`), or
 * tells it the suggestion was rejected or the call failed (the station keeps its own policy).
 * Requests arriving meanwhile queue up for the next batch. The logic is in `src/llm/planner.ts`.
 */
import { assign, enqueueActions, setup } from 'xstate';
import type { Rng } from '../src/engine/rng.js';
import {
  batchIsFull,
  createPlannerCore,
  deliverCall,
  dispatchBatch,
  enqueueRequest,
  type GuidanceRequest,
  noteRateWait,
  type PlannerCore,
  rateWaitMs,
} from '../src/llm/planner.js';
import type { CallFailure, LlmProvider } from '../src/llm/types.js';
import type { World } from '../src/model/world.js';
import { baseStationSystemId } from './ids.js';

export interface PlannerInput {
  readonly world: World;
  readonly provider: LlmProvider;
  readonly latencyRng: Rng;
}

export interface PlannerContext {
  readonly core: PlannerCore;
  /** Budget wait decided on entering `rateLimited`, ms. */
  readonly waitMs: number;
}

export type PlanRequestedEvent = { readonly type: 'plan.requested' } & GuidanceRequest;

/** Sent to a base station when its batch returns. */
export type PlanOutcomeEvent =
  | {
      readonly type: 'plan.suggested';
      readonly action: number;
      readonly observedAtMs: number;
      /** The agent's state the suggestion was made for. */
      readonly state: number;
    }
  | { readonly type: 'plan.rejected'; readonly reason: string; readonly observedAtMs: number }
  | { readonly type: 'plan.failed'; readonly reason: CallFailure; readonly observedAtMs: number };

export const plannerMachine = setup({
  types: {
    input: {} as PlannerInput,
    context: {} as PlannerContext,
    events: {} as PlanRequestedEvent,
  },
  actions: {
    enqueue: ({ context, event }) => {
      const { type: _type, ...request } = event;
      enqueueRequest(context.core, request, context.core.world.nowMs);
    },
    decideWait: assign({
      waitMs: ({ context }) => rateWaitMs(context.core, context.core.world.nowMs),
    }),
    noteWait: ({ context }) => noteRateWait(context.core, context.waitMs),
    dispatch: ({ context }) => {
      dispatchBatch(context.core, context.core.world.nowMs);
    },
    deliver: enqueueActions(({ context, enqueue, system }) => {
      for (const { request, outcome } of deliverCall(context.core)) {
        const station = system.get(baseStationSystemId(request.cellId));
        if (!station) continue;
        const event =
          outcome.kind === 'suggested'
            ? {
                type: 'plan.suggested',
                action: outcome.action,
                observedAtMs: request.observedAtMs,
                state: request.state,
              }
            : {
                type: outcome.kind === 'rejected' ? 'plan.rejected' : 'plan.failed',
                reason: outcome.reason,
                observedAtMs: request.observedAtMs,
              };
        enqueue.sendTo(station, event as PlanOutcomeEvent);
      }
    }),
  },
  guards: {
    batchFull: ({ context }) => batchIsFull(context.core),
    queued: ({ context }) => context.core.queue.length > 0,
    nothingQueued: ({ context }) => context.core.queue.length === 0,
    mustWait: ({ context }) => context.waitMs > 0,
  },
  delays: {
    batch: ({ context }) => context.core.world.config.guidance!.batchMs,
    budget: ({ context }) => context.waitMs,
    latency: ({ context }) => context.core.call?.latencyMs ?? 0,
  },
}).createMachine({
  id: 'planner',
  context: ({ input }) => ({
    core: createPlannerCore(input.world, input.provider, input.latencyRng),
    waitMs: 0,
  }),
  initial: 'idle',
  on: { 'plan.requested': { actions: 'enqueue' } },
  states: {
    idle: {
      on: { 'plan.requested': { target: 'collecting', actions: 'enqueue' } },
    },
    collecting: {
      always: { guard: 'batchFull', target: 'dispatching' },
      after: { batch: 'dispatching' },
    },
    dispatching: {
      entry: 'decideWait',
      always: [
        { guard: 'nothingQueued', target: 'idle' }, // every queued request was outdated
        { guard: 'mustWait', target: 'rateLimited' },
        { target: 'inFlight', actions: 'dispatch' },
      ],
    },
    rateLimited: {
      entry: 'noteWait',
      after: { budget: 'dispatching' },
    },
    inFlight: {
      after: { latency: 'delivering' },
    },
    delivering: {
      entry: 'deliver',
      always: [{ guard: 'queued', target: 'dispatching' }, { target: 'idle' }],
    },
  },
});
