/**
 * The simulation root. It spawns one base-station actor per cell (each spawns the arrival-process
 * actors of its cell's traffic sources), then runs the training episodes and the test episodes. Each episode lasts
 * `stepsPerEpisode` steps of simulated time (one delayed event on the shared clock); at its end
 * the root asks every base station for its report and, once all have answered, publishes the
 * episode (`episode.completed`, an emitted event the run adapter listens to).
 *
 * The data plane is not stepped by messages: the clock's advance hook lets the world catch up to
 * the instant of each control event, so messages per agent-step stay far below one.
 *
 * Slots for the next issue: the LLM planner and the alignment controller are spawned here beside
 * the base stations when the configuration asks for them.
 */
import { type ActorRefFrom, assign, emit, enqueueActions, setup } from 'xstate';
import type { Rng } from '../src/engine/rng.js';
import { type EpisodeRecord, recordOf } from '../src/engine/run.js';
import { beginEpisode, endEpisode, type Phase, type World } from '../src/model/world.js';
import { baseStationMachine, type CellReportedEvent } from './baseStation.js';
import { baseStationSystemId } from './ids.js';

export interface SimulationInput {
  readonly world: World;
  /** One stream per traffic source, in source order. */
  readonly arrivalRngs: readonly Rng[];
}

export interface SimulationContext extends SimulationInput {
  readonly stations: readonly ActorRefFrom<typeof baseStationMachine>[];
  readonly phase: Phase;
  readonly episode: number;
  readonly reportsPending: number;
}

export type SimulationEvent = { readonly type: 'sim.start' } | CellReportedEvent;

export type SimulationEmitted =
  | { readonly type: 'episode.completed'; readonly record: EpisodeRecord }
  | { readonly type: 'phase.completed'; readonly phase: Phase };

const episodesIn = (context: SimulationContext): number =>
  context.phase === 'training'
    ? context.world.config.trainingEpisodes
    : context.world.config.testEpisodes;

export const simulationMachine = setup({
  types: {
    input: {} as SimulationInput,
    context: {} as SimulationContext,
    events: {} as SimulationEvent,
    emitted: {} as SimulationEmitted,
  },
  actors: {
    baseStation: baseStationMachine,
  },
  actions: {
    spawnActors: assign({
      // One assign spawning every station: XState copies its children map once, not per child.
      stations: ({ context, spawn }) =>
        context.world.config.cells.map((cell, index) =>
          spawn('baseStation', {
            id: baseStationSystemId(cell.id),
            systemId: baseStationSystemId(cell.id),
            input: {
              cellId: cell.id,
              index,
              world: context.world,
              sources: context.world.sourcesOfCell[index]!.map((sourceIndex) => ({
                sourceIndex,
                rng: context.arrivalRngs[sourceIndex]!,
              })),
            },
          }),
        ),
    }),
    enterPhase: assign((_, params: { phase: Phase }) => ({ phase: params.phase, episode: 0 })),
    nextEpisode: assign({ episode: ({ context }) => context.episode + 1 }),
    beginEpisode: ({ context }) => beginEpisode(context.world, context.phase, context.episode),
    announceEpisode: enqueueActions(({ context, enqueue }) => {
      for (const cell of context.world.config.cells) {
        enqueue.sendTo(baseStationSystemId(cell.id), { type: 'episode.started' });
      }
    }),
    closeEpisode: ({ context }) => {
      endEpisode(context.world);
    },
    askReports: enqueueActions(({ context, enqueue }) => {
      enqueue.assign({ reportsPending: context.world.config.cells.length });
      for (const cell of context.world.config.cells) {
        enqueue.sendTo(baseStationSystemId(cell.id), { type: 'episode.ended' });
      }
    }),
    countReport: assign({ reportsPending: ({ context }) => context.reportsPending - 1 }),
    publishEpisode: emit(({ context }) => ({
      type: 'episode.completed' as const,
      record: recordOf(context.world),
    })),
    publishPhase: emit(({ context }) => ({
      type: 'phase.completed' as const,
      phase: context.phase,
    })),
  },
  guards: {
    phaseIsEmpty: ({ context }) => episodesIn(context) === 0,
    allReported: ({ context }) => context.reportsPending === 0,
    moreEpisodes: ({ context }) => context.episode + 1 < episodesIn(context),
  },
  delays: {
    episode: ({ context }) => context.world.config.stepsPerEpisode * context.world.config.stepMs,
  },
}).createMachine({
  id: 'simulation',
  context: ({ input }) => ({
    ...input,
    stations: [],
    phase: 'training',
    episode: 0,
    reportsPending: 0,
  }),
  initial: 'idle',
  states: {
    idle: {
      on: { 'sim.start': 'running' },
    },
    running: {
      entry: 'spawnActors',
      initial: 'training',
      states: {
        training: {
          entry: { type: 'enterPhase', params: { phase: 'training' } },
          exit: 'publishPhase',
          initial: 'starting',
          states: episodeLoop(),
          onDone: 'testing',
        },
        testing: {
          entry: { type: 'enterPhase', params: { phase: 'test' } },
          exit: 'publishPhase',
          initial: 'starting',
          states: episodeLoop(),
          onDone: '#simulation.done',
        },
      },
    },
    done: { type: 'final' },
  },
});

/** The episode cycle shared by both phases: run, collect reports, continue or finish. */
function episodeLoop() {
  return {
    starting: {
      always: [{ guard: 'phaseIsEmpty', target: 'finished' }, { target: 'episode' }],
    },
    episode: {
      entry: ['beginEpisode', 'announceEpisode'],
      after: { episode: 'collecting' },
    },
    collecting: {
      entry: ['closeEpisode', 'askReports'],
      on: { 'cell.reported': { actions: 'countReport' } },
      always: { guard: 'allReported', target: 'closed' },
    },
    closed: {
      entry: 'publishEpisode',
      always: [
        { guard: 'moreEpisodes', target: 'episode', actions: 'nextEpisode' },
        { target: 'finished' },
      ],
    },
    finished: { type: 'final' },
  } as const;
}
