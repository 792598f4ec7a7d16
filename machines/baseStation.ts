/**
 * A base station: one per cell. It owns its cell's place in the control plane: it spawns the
 * arrival processes of its cell and takes in their users, acts (its Q-learning agent steps inside
 * the data plane while it is `acting`) and keeps a report of its last episode in its context.
 *
 * Slot for the LLM planner (next issue): an `awaitingGuidance` state entered on a guidance tick,
 * left on `plan.suggested`; the agent keeps acting on its own policy meanwhile.
 */
import { type ActorRefFrom, assign, setup } from 'xstate';
import type { Rng } from '../src/engine/rng.js';
import { type CellReport, cellReport } from '../src/model/report.js';
import { enqueueArrivals, type World } from '../src/model/world.js';
import { arrivalProcessMachine, type UsersArrivedEvent } from './arrivalProcess.js';
import { arrivalSystemId } from './ids.js';

export interface BaseStationInput {
  readonly cellId: string;
  readonly index: number;
  readonly world: World;
  /** The traffic sources arriving at this cell, each with its own random stream. */
  readonly sources: readonly { readonly sourceIndex: number; readonly rng: Rng }[];
}

export interface BaseStationContext extends BaseStationInput {
  readonly arrivalProcesses: readonly ActorRefFrom<typeof arrivalProcessMachine>[];
  readonly lastReport: CellReport | null;
}

/** Episode boundaries, sent by the root through the regions. */
export type EpisodeEvent =
  | { readonly type: 'episode.started' }
  | { readonly type: 'episode.ended' };

export type BaseStationEvent = UsersArrivedEvent | EpisodeEvent;

export const baseStationMachine = setup({
  types: {
    input: {} as BaseStationInput,
    context: {} as BaseStationContext,
    events: {} as BaseStationEvent,
  },
  actors: { arrivalProcess: arrivalProcessMachine },
  actions: {
    spawnArrivalProcesses: assign({
      arrivalProcesses: ({ context, spawn }) =>
        context.sources.map(({ sourceIndex, rng }) => {
          const { config } = context.world;
          const source = config.sources[sourceIndex]!;
          return spawn('arrivalProcess', {
            id: arrivalSystemId(source.id),
            input: {
              sourceIndex,
              source,
              cells: config.cells,
              rng,
              windowSteps: config.windowSteps,
              stepMs: config.stepMs,
            },
          });
        }),
    }),
    queueArrivals: ({ context, event }) => {
      if (event.type === 'users.arrived')
        enqueueArrivals(context.world, event.sourceIndex, event.arrivals);
    },
    recordReport: assign({ lastReport: ({ context }) => cellReport(context.world, context.index) }),
  },
}).createMachine({
  id: 'baseStation',
  context: ({ input }) => ({ ...input, arrivalProcesses: [], lastReport: null }),
  entry: 'spawnArrivalProcesses',
  initial: 'idle',
  on: {
    'users.arrived': { actions: 'queueArrivals' },
  },
  states: {
    idle: {
      on: { 'episode.started': 'acting' },
    },
    acting: {
      on: { 'episode.ended': { target: 'idle', actions: 'recordReport' } },
    },
  },
});
