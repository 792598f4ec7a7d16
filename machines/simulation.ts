/**
 * The simulation root. It spawns the regions (each spawns up to 64 base stations, one per cell,
 * and each station the arrival processes of its cell), then runs the training episodes and the
 * test episodes. Each episode lasts `stepsPerEpisode` steps of simulated time (one delayed event
 * on the shared clock); at its end the root closes the episode's counters, tells every region, and
 * publishes the episode (`episode.completed`, an emitted event the run adapter listens to).
 *
 * The data plane is not stepped by messages: the clock's advance hook lets the world catch up to
 * the instant of each control event, so messages per agent-step stay far below one.
 *
 * Slots for the next issue: the LLM planner and the alignment controller are spawned here beside
 * the base stations when the configuration asks for them.
 */
import { type ActorRefFrom, assign, emit, enqueueActions, setup } from 'xstate';
import { regionsOf } from '../src/engine/regions.js';
import type { Rng } from '../src/engine/rng.js';
import { type EpisodeRecord, recordOf } from '../src/engine/run.js';
import { beginEpisode, endEpisode, type Phase, type World } from '../src/model/world.js';
import { regionSystemId } from './ids.js';
import { regionMachine } from './region.js';

export interface SimulationInput {
  readonly world: World;
  /** One stream per traffic source, in source order. */
  readonly arrivalRngs: readonly Rng[];
}

export interface SimulationContext extends SimulationInput {
  readonly regions: readonly ActorRefFrom<typeof regionMachine>[];
  readonly phase: Phase;
  readonly episode: number;
}

export type SimulationEvent = { readonly type: 'sim.start' };

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
  actors: { region: regionMachine },
  actions: {
    spawnActors: assign({
      regions: ({ context, spawn }) =>
        regionsOf(context.world.config.cells.length).map((cells, index) =>
          spawn('region', {
            id: regionSystemId(index),
            systemId: regionSystemId(index),
            input: { world: context.world, cells, arrivalRngs: context.arrivalRngs },
          }),
        ),
    }),
    enterPhase: assign((_, params: { phase: Phase }) => ({ phase: params.phase, episode: 0 })),
    nextEpisode: assign({ episode: ({ context }) => context.episode + 1 }),
    beginEpisode: ({ context }) => beginEpisode(context.world, context.phase, context.episode),
    announceEpisode: enqueueActions(({ context, enqueue }) => {
      for (const region of context.regions) enqueue.sendTo(region, { type: 'episode.started' });
    }),
    closeEpisode: ({ context }) => {
      endEpisode(context.world);
    },
    announceEnd: enqueueActions(({ context, enqueue }) => {
      for (const region of context.regions) enqueue.sendTo(region, { type: 'episode.ended' });
    }),
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
    moreEpisodes: ({ context }) => context.episode + 1 < episodesIn(context),
  },
  delays: {
    episode: ({ context }) => context.world.config.stepsPerEpisode * context.world.config.stepMs,
  },
}).createMachine({
  id: 'simulation',
  context: ({ input }) => ({
    ...input,
    regions: [],
    phase: 'training',
    episode: 0,
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

/** The episode cycle shared by both phases: run, close, continue or finish. */
function episodeLoop() {
  return {
    starting: {
      always: [{ guard: 'phaseIsEmpty', target: 'finished' }, { target: 'episode' }],
    },
    episode: {
      entry: ['beginEpisode', 'announceEpisode'],
      after: { episode: 'closed' },
    },
    closed: {
      entry: ['closeEpisode', 'announceEnd', 'publishEpisode'],
      always: [
        { guard: 'moreEpisodes', target: 'episode', actions: 'nextEpisode' },
        { target: 'finished' },
      ],
    },
    finished: { type: 'final' },
  } as const;
}
