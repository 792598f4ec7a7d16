/**
 * A user arrival process (one per traffic source, spawned by the base station of its cell). Every
 * `windowSteps` steps of simulated time it draws the next window of arrivals from its own random
 * stream and sends them, as one `users.arrived` event, to that base station.
 */
import { assign, sendParent, setup } from 'xstate';
import type { Rng } from '../src/engine/rng.js';
import { ArrivalWindow, generateArrivals } from '../src/model/arrivals.js';
import type { Radio } from '../src/model/cell.js';
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
}

export interface ArrivalProcessContext extends ArrivalProcessInput {
  /** First step of the next window to generate. */
  readonly nextStep: number;
  /** The window generated on entering `emitting` (handed to the base station). */
  readonly window: ArrivalWindow;
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
    drawWindow: assign(({ context }) => ({
      window: generateArrivals(
        context.rng,
        context.source,
        context.cells,
        context.nextStep,
        context.nextStep + context.windowSteps,
        context.episodeSteps,
        context.radio,
      ),
      nextStep: context.nextStep + context.windowSteps,
    })),
    deliverWindow: sendParent(
      ({ context }): UsersArrivedEvent => ({
        type: 'users.arrived',
        sourceIndex: context.sourceIndex,
        arrivals: context.window,
      }),
    ),
  },
  delays: {
    window: ({ context }) => context.windowSteps * context.stepMs,
  },
}).createMachine({
  id: 'arrivalProcess',
  context: ({ input }) => ({
    ...input,
    nextStep: 0,
    window: new ArrivalWindow(0, false, 0),
  }),
  initial: 'emitting',
  states: {
    emitting: {
      entry: ['drawWindow', 'deliverWindow'],
      always: 'waiting',
    },
    waiting: {
      after: { window: 'emitting' },
    },
  },
});
