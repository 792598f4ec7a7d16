/**
 * The Centralized Alignment Controller (configuration `aura`). The root sends it
 * `alignment.evaluate` with the histories it took at the end of an evaluation window; it asks its
 * evaluator (`calling`: a network model's reply is awaited with simulated time standing still;
 * then `evaluating`, for the call's latency in simulated time), then applies the delayed
 * rewards and feedback (`applying`) and tells the root (`alignment.applied`). A window that ends
 * while an evaluation is in flight waits its turn. The logic is in `src/llm/evaluator.ts`.
 */
import { sendParent, setup } from 'xstate';
import {
  type AlignmentConfig,
  type AlignmentCore,
  createAlignmentCore,
  type EvaluationJob,
  finishEvaluation,
  startEvaluation,
} from '../src/llm/evaluator.js';
import type { LlmRole } from '../src/llm/types.js';
import type { GuidanceState } from '../src/model/guidance.js';
import type { World } from '../src/model/world.js';

export interface AlignmentInput {
  readonly world: World;
  /** The run's guidance state and resolved configuration. */
  readonly guidance: GuidanceState;
  readonly alignment: AlignmentConfig;
  readonly role: LlmRole;
}

export interface AlignmentContext {
  readonly core: AlignmentCore;
}

export type AlignmentEvent =
  | { readonly type: 'alignment.evaluate'; readonly job: EvaluationJob }
  | { readonly type: 'llm.replied' };

/** Sent to the root when an evaluation's rewards and feedback have been applied. */
export type AlignmentAppliedEvent = { readonly type: 'alignment.applied' };

export const alignmentControllerMachine = setup({
  types: {
    input: {} as AlignmentInput,
    context: {} as AlignmentContext,
    events: {} as AlignmentEvent,
  },
  actions: {
    queueJob: ({ context, event }) => {
      if (event.type === 'alignment.evaluate') context.core.waiting.push(event.job);
    },
    callEvaluator: ({ context, self }) =>
      startEvaluation(context.core, () => self.send({ type: 'llm.replied' })),
    apply: ({ context }) => finishEvaluation(context.core),
    reportApplied: sendParent((): AlignmentAppliedEvent => ({ type: 'alignment.applied' })),
  },
  guards: {
    jobsWaiting: ({ context }) => context.core.waiting.length > 0,
    replied: ({ context }) => context.core.call?.settled ?? true,
  },
  delays: {
    latency: ({ context }) => context.core.call?.latencyMs ?? 0,
  },
}).createMachine({
  id: 'alignmentController',
  context: ({ input }) => ({
    core: createAlignmentCore(input.world, input.guidance, input.alignment, input.role),
  }),
  initial: 'idle',
  on: { 'alignment.evaluate': { actions: 'queueJob' } },
  states: {
    idle: {
      always: { guard: 'jobsWaiting', target: 'calling' },
    },
    calling: {
      entry: 'callEvaluator',
      always: { guard: 'replied', target: 'evaluating' },
      on: { 'llm.replied': 'evaluating' },
    },
    evaluating: {
      after: { latency: 'applying' },
    },
    applying: {
      entry: ['apply', 'reportApplied'],
      always: 'idle',
    },
  },
});
