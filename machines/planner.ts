/**
 * The LLM planner: one per simulation (configurations `guided` and `aura`). Base stations send it
 * `plan.requested`; it collects requests for `batchSeconds` (or until a batch is full), waits for
 * rate budget if it must, sends one prompt per batch to its model (`calling`: a network model's
 * reply is awaited with simulated time standing still), waits out the call's latency in simulated
 * time (`inFlight`), then hands each requesting station its suggestion (`plan.suggested`), or
 * tells it the suggestion was rejected or the call failed (the station keeps its own policy).
 * Requests arriving meanwhile queue up for the next batch. The logic is in `src/llm/planner.ts`.
 */
import { assign, enqueueActions, setup } from 'xstate';
import { baseStationSystemId } from '../src/control/ids.js';
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
import type { CallFailure, LlmRole } from '../src/llm/types.js';
import type { GuidanceState } from '../src/model/guidance.js';
import type { World } from '../src/model/world.js';

export interface PlannerInput {
  readonly world: World;
  /** The run's guidance state and resolved configuration. */
  readonly guidance: GuidanceState;
  readonly role: LlmRole;
  /** This planner's share of the rate budget (1 for the single network-wide planner). */
  readonly share?: number;
}

export interface PlannerContext {
  readonly core: PlannerCore;
  /** Budget wait decided on entering `rateLimited`, ms. */
  readonly waitMs: number;
}

export type PlanRequestedEvent = { readonly type: 'plan.requested' } & GuidanceRequest;

/** A network model's reply has arrived (sent by the gateway while simulated time stands still). */
export type LlmRepliedEvent = { readonly type: 'llm.replied' };

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
    events: {} as PlanRequestedEvent | LlmRepliedEvent,
  },
  actions: {
    enqueue: ({ context, event }) => {
      if (event.type !== 'plan.requested') return;
      const { type: _type, ...request } = event;
      enqueueRequest(context.core, request, context.core.world.nowMs);
    },
    decideWait: assign({
      waitMs: ({ context }) => rateWaitMs(context.core, context.core.world.nowMs),
    }),
    noteWait: ({ context }) => noteRateWait(context.core, context.waitMs),
    dispatch: ({ context, self }) => {
      dispatchBatch(context.core, context.core.world.nowMs, () =>
        self.send({ type: 'llm.replied' }),
      );
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
    replied: ({ context }) => context.core.call?.settled ?? true,
  },
  delays: {
    batch: ({ context }) => context.core.guidance.config.batchMs,
    budget: ({ context }) => context.waitMs,
    latency: ({ context }) => context.core.call?.latencyMs ?? 0,
  },
}).createMachine({
  id: 'planner',
  context: ({ input }) => ({
    core: createPlannerCore(input.world, input.guidance, input.role, input.share ?? 1),
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
        { target: 'calling', actions: 'dispatch' },
      ],
    },
    calling: {
      always: { guard: 'replied', target: 'inFlight' },
      on: { 'llm.replied': 'inFlight' },
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
