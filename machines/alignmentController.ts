/**
 * The Centralized Alignment Controller (configuration `aura`). The root sends it
 * `alignment.evaluate` with the histories it took at the end of an evaluation window; it asks its
 * evaluator (`evaluating`, for the call's latency in simulated time), then applies the delayed
 * rewards and feedback (`applying`). A window that ends while an evaluation is in flight waits its
 * turn. The logic is in `src/llm/evaluator.ts`.
 */
import { assign, setup } from 'xstate';
import type { Rng } from '../src/engine/rng.js';
import {
  applyEvaluation,
  callEvaluator,
  type EvaluationJob,
  type EvaluatorCall,
} from '../src/llm/evaluator.js';
import type { LlmProvider } from '../src/llm/types.js';
import type { World } from '../src/model/world.js';

export interface AlignmentInput {
  readonly world: World;
  readonly provider: LlmProvider;
  readonly latencyRng: Rng;
}

export interface AlignmentContext extends AlignmentInput {
  readonly waiting: readonly EvaluationJob[];
  readonly call: EvaluatorCall | null;
}

export type AlignmentEvent = { readonly type: 'alignment.evaluate'; readonly job: EvaluationJob };

export const alignmentControllerMachine = setup({
  types: {
    input: {} as AlignmentInput,
    context: {} as AlignmentContext,
    events: {} as AlignmentEvent,
  },
  actions: {
    queueJob: assign({ waiting: ({ context, event }) => [...context.waiting, event.job] }),
    callNext: assign(({ context }) => ({
      call: callEvaluator(context.world, context.provider, context.latencyRng, context.waiting[0]!),
      waiting: context.waiting.slice(1),
    })),
    apply: assign(({ context }) => {
      if (context.call) applyEvaluation(context.world, context.call);
      return { call: null };
    }),
  },
  guards: {
    jobsWaiting: ({ context }) => context.waiting.length > 0,
  },
  delays: {
    latency: ({ context }) => context.call?.latencyMs ?? 0,
  },
}).createMachine({
  id: 'alignmentController',
  context: ({ input }) => ({ ...input, waiting: [], call: null }),
  initial: 'idle',
  on: { 'alignment.evaluate': { actions: 'queueJob' } },
  states: {
    idle: {
      always: { guard: 'jobsWaiting', target: 'evaluating' },
    },
    evaluating: {
      entry: 'callNext',
      after: { latency: 'applying' },
    },
    applying: {
      entry: 'apply',
      always: 'idle',
    },
  },
});
