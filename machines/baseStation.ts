/**
 * A base station: one per cell. It owns its cell's place in the control plane: it spawns the
 * arrival processes of its cell and takes in their users, acts (its Q-learning agent steps inside
 * the data plane while it is `acting`) and keeps a report of its last episode in its context
 * (recorded on `episode.next`, which re-enters its state, and on `episode.ended`, the end of a
 * phase).
 *
 * With LLM guidance (`guided`, `aura`), an episode cycles through `requesting` (it sends the
 * planner its cell's and neighbours' state), `awaitingGuidance` (until the planner answers; its
 * agent keeps acting on the last fresh suggestion or its own policy meanwhile) and `acting`, with
 * a new request every `planner.intervalSteps` steps. A suggestion goes into the data plane, where
 * the trust gate weighs it at each decision.
 */
import { type ActorRefFrom, assign, sendTo, setup } from 'xstate';
import { arrivalSystemId, plannerSystemId } from '../src/control/ids.js';
import { requestSnapshots } from '../src/llm/context.js';
import { acceptSuggestion, setAwaiting } from '../src/model/guidance.js';
import { type CellReport, cellReport } from '../src/model/report.js';
import { enqueueArrivals, observe, type World } from '../src/model/world.js';
import type { Rng } from '../src/rng.js';
import { arrivalProcessMachine, type UsersArrivedEvent } from './arrivalProcess.js';
import type { PlanOutcomeEvent, PlanRequestedEvent } from './planner.js';

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
  /** Observation time of the request awaiting an answer (awaitingGuidance). */
  readonly requestedAtMs: number;
}

/** Episode boundaries, sent by the root through the regions. */
export type EpisodeEvent =
  | { readonly type: 'episode.started' }
  /** The previous episode ended and the next began (within a phase). */
  | { readonly type: 'episode.next' }
  | { readonly type: 'episode.ended' };

export type BaseStationEvent = UsersArrivedEvent | EpisodeEvent | PlanOutcomeEvent;

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
              radio: config.radio,
              rng,
              windowSteps: config.windowSteps,
              stepMs: config.stepMs,
              episodeSteps: config.stepsPerEpisode,
              totalSteps: config.stepsPerEpisode * (config.trainingEpisodes + config.testEpisodes),
            },
          });
        }),
    }),
    queueArrivals: ({ context, event }) => {
      if (event.type === 'users.arrived')
        enqueueArrivals(context.world, event.sourceIndex, event.arrivals);
    },
    recordReport: assign({ lastReport: ({ context }) => cellReport(context.world, context.index) }),
    requestGuidance: sendTo(
      ({ system, context }) => {
        const g = context.world.config.guidance!;
        return system.get(
          plannerSystemId(g.plannerOfCell[context.index]!, g.plannerRegions.length),
        );
      },
      ({ context }): PlanRequestedEvent => ({
        type: 'plan.requested',
        cellIndex: context.index,
        cellId: context.cellId,
        observedAtMs: context.world.nowMs,
        state: observe(context.world, context.index),
        cells: requestSnapshots(context.world, context.index),
      }),
    ),
    noteRequest: assign({ requestedAtMs: ({ context }) => context.world.nowMs }),
    markAwaiting: ({ context }) => setAwaiting(context.world.guidance!, context.index, true),
    markAnswered: ({ context }) => setAwaiting(context.world.guidance!, context.index, false),
    takeSuggestion: ({ context, event }) => {
      if (event.type !== 'plan.suggested') return;
      const { world, index } = context;
      acceptSuggestion(
        world.guidance!,
        index,
        event.action,
        event.observedAtMs,
        event.state,
        world.nowMs,
        world.episodeCounters.cells[index]!,
      );
    },
  },
  guards: {
    guided: ({ context }) => context.world.guidance?.reasoning === true,
    answersRequest: ({ context, event }) =>
      'observedAtMs' in event && event.observedAtMs === context.requestedAtMs,
  },
  delays: {
    guidance: ({ context }) => context.world.config.guidance!.intervalMs,
  },
}).createMachine({
  id: 'baseStation',
  context: ({ input }) => ({ ...input, arrivalProcesses: [], lastReport: null, requestedAtMs: -1 }),
  entry: 'spawnArrivalProcesses',
  initial: 'idle',
  on: {
    'users.arrived': { actions: 'queueArrivals' },
  },
  states: {
    idle: {
      on: {
        'episode.started': [{ guard: 'guided', target: 'guided' }, { target: 'acting' }],
      },
    },
    acting: {
      on: {
        'episode.next': { target: 'acting', reenter: true, actions: 'recordReport' },
        'episode.ended': { target: 'idle', actions: 'recordReport' },
      },
    },
    guided: {
      initial: 'cycle',
      on: {
        'episode.next': { target: 'guided', reenter: true, actions: 'recordReport' },
        'episode.ended': { target: 'idle', actions: 'recordReport' },
        'plan.suggested': { actions: 'takeSuggestion' },
      },
      states: {
        // One guidance period: re-entered every `intervalSteps`, so requests keep their rhythm
        // whatever the planner's latency.
        cycle: {
          initial: 'requesting',
          after: { guidance: { target: 'cycle', reenter: true } },
          states: {
            requesting: {
              entry: ['noteRequest', 'markAwaiting', 'requestGuidance'],
              always: 'awaitingGuidance',
            },
            awaitingGuidance: {
              exit: 'markAnswered',
              on: {
                // Only the answer to this request ends the wait (a late one to an earlier
                // request is still taken, by the parent state, if fresh).
                'plan.suggested': {
                  guard: 'answersRequest',
                  target: 'acting',
                  actions: 'takeSuggestion',
                },
                'plan.rejected': { guard: 'answersRequest', target: 'acting' },
                'plan.failed': { guard: 'answersRequest', target: 'acting' },
              },
            },
            acting: {},
          },
        },
      },
    },
  },
});
