/**
 * A user arrival process (one per traffic source, spawned by the base station of its cell). Every
 * `windowSteps` steps of simulated time it draws the next window of arrivals from its own random
 * stream and sends them, as one `users.arrived` event, to that base station. Once the windows
 * cover the whole run it rests (`exhausted`).
 */
import { enqueueActions, setup } from 'xstate';
import { type ArrivalWindow, generateArrivals } from '../src/model/arrivals.js';
import type { Radio } from '../src/model/radio.js';
import type { Rng } from '../src/rng.js';
import type { CellConfig, SourceConfig } from '../src/scenario/resolve.js';

export interface ArrivalProcessInput {
  readonly sourceIndex: number;
  readonly source: SourceConfig;
  readonly cells: readonly CellConfig[];
  readonly radio: Radio;
  readonly rng: Rng;
  readonly windowSteps: number;
  readonly stepMs: number;
  /** Steps per episode: traffic profiles restart with every episode. */
  readonly episodeSteps: number;
  /** Steps of the whole run: past them the process has nothing left to draw. */
  readonly totalSteps: number;
}

export interface ArrivalProcessContext extends ArrivalProcessInput {
  /** First step of the next window to generate. */
  readonly nextStep: number;
}

/** Sent to a base station: one window of new users for its cell. */
export interface UsersArrivedEvent {
  readonly type: 'users.arrived';
  readonly sourceIndex: number;
  readonly arrivals: ArrivalWindow;
}

export const arrivalProcessMachine = setup({
  types: {
    input: {} as ArrivalProcessInput,
    context: {} as ArrivalProcessContext,
  },
  actions: {
    // Draws the next window and hands it to the base station, which queues it in the world: the
    // window is not kept in the context (that would double the arrivals held in memory).
    emitWindow: enqueueActions(({ context, enqueue }) => {
      const arrivals = generateArrivals(
        context.rng,
        context.source,
        context.cells,
        context.nextStep,
        Math.min(context.nextStep + context.windowSteps, context.totalSteps),
        context.episodeSteps,
        context.radio,
      );
      enqueue.sendParent({
        type: 'users.arrived',
        sourceIndex: context.sourceIndex,
        arrivals,
      } satisfies UsersArrivedEvent);
      enqueue.assign({ nextStep: context.nextStep + context.windowSteps });
    }),
  },
  guards: {
    runCovered: ({ context }) => context.nextStep >= context.totalSteps,
  },
  delays: {
    window: ({ context }) => context.windowSteps * context.stepMs,
  },
}).createMachine({
  id: 'arrivalProcess',
  context: ({ input }) => ({
    ...input,
    nextStep: 0,
  }),
  initial: 'emitting',
  states: {
    emitting: {
      entry: 'emitWindow',
      always: [{ guard: 'runCovered', target: 'exhausted' }, { target: 'waiting' }],
    },
    waiting: {
      after: { window: 'emitting' },
    },
    // Every step of the run has its arrivals: no timer is left pending. (XState cancels an
    // actor's timers on stop by scanning every pending timer of the system; with one left per
    // source, stopping 10,000 of them took quadratic time.)
    exhausted: {},
  },
});
