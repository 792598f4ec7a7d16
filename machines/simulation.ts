/**
 * The simulation root. It spawns the regions (each spawns up to 16 base stations, one per cell,
 * and each station the arrival processes of its cell; above 16 regions, groups of 16 regions sit
 * between the root and them), then runs the training episodes and the test episodes. Each episode
 * lasts `stepsPerEpisode` steps of simulated time (one delayed event on the shared clock); at its
 * end the root closes the episode's counters and publishes the episode (`episode.completed`, an
 * emitted event the run adapter listens to). The regions hear of it with the next episode's start
 * (`episode.next`, one message for both) or, at the end of a phase, `episode.ended`.
 *
 * The data plane is not stepped by messages: the clock's advance hook lets the world catch up to
 * the instant of each control event, so messages per agent-step stay far below one.
 *
 * With LLM guidance the root also spawns the planner (`guided`, `aura`) and the alignment
 * controller (`aura`), and at the end of every evaluation window hands the controller the agents'
 * histories.
 */
import { type ActorRefFrom, assign, emit, enqueueActions, setup } from 'xstate';
import { ALIGNMENT_ID, plannerSystemId } from '../src/control/ids.js';
import { regionTree } from '../src/control/regions.js';
import { takeEvaluationJob, windowEnds } from '../src/llm/evaluator.js';
import type { LlmRole } from '../src/llm/types.js';
import type { Phase } from '../src/metrics/counters.js';
import { type EpisodeRecord, recordOf } from '../src/model/report.js';
import { beginEpisode, endEpisode, type World } from '../src/model/world.js';
import type { Rng } from '../src/rng.js';
import { type AlignmentAppliedEvent, alignmentControllerMachine } from './alignmentController.js';
import { plannerMachine } from './planner.js';
import { regionMachine } from './region.js';
import { regionGroupMachine } from './regionGroup.js';

export interface SimulationInput {
  readonly world: World;
  /** One stream per traffic source, in source order. */
  readonly arrivalRngs: readonly Rng[];
  /** The planner's and the evaluator's models (with guidance). */
  readonly llm: { readonly planner: LlmRole; readonly evaluator: LlmRole } | null;
}

export interface SimulationContext extends SimulationInput {
  /** The regions, or groups of regions, under the root. */
  readonly regions: readonly (
    | ActorRefFrom<typeof regionMachine>
    | ActorRefFrom<typeof regionGroupMachine>
  )[];
  /** The planner, or one per region (`guidance.planner.scope: region`); none without guidance. */
  readonly planners: readonly ActorRefFrom<typeof plannerMachine>[];
  readonly alignment: ActorRefFrom<typeof alignmentControllerMachine> | null;
  readonly phase: Phase;
  readonly episode: number;
  /** Evaluations sent to the alignment controller and not yet applied. */
  readonly pendingEvaluations: number;
}

export type SimulationEvent = { readonly type: 'sim.start' } | AlignmentAppliedEvent;

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
    region: regionMachine,
    regionGroup: regionGroupMachine,
    planner: plannerMachine,
    alignmentController: alignmentControllerMachine,
  },
  actions: {
    spawnActors: assign(({ context, spawn }) => {
      const { world, llm } = context;
      const guidance = world.guidance;
      const alignment = guidance?.config.alignment;
      return {
        planners:
          guidance && llm
            ? guidance.config.plannerRegions.map((region, k, all) =>
                spawn('planner', {
                  id: plannerSystemId(k, all.length),
                  systemId: plannerSystemId(k, all.length),
                  // Each region's share of the budget is its share of the cells.
                  input: {
                    world,
                    guidance,
                    role: llm.planner,
                    share: region.length / world.config.cells.length,
                  },
                }),
              )
            : [],
        alignment:
          guidance && alignment && llm
            ? spawn('alignmentController', {
                id: ALIGNMENT_ID,
                systemId: ALIGNMENT_ID,
                input: { world, guidance, alignment, role: llm.evaluator },
              })
            : null,
        regions: regionTree(world.config.cells.length).map((node) =>
          'cells' in node
            ? spawn('region', {
                id: node.id,
                systemId: node.id,
                input: { world, cells: node.cells, arrivalRngs: context.arrivalRngs },
              })
            : spawn('regionGroup', {
                id: node.id,
                systemId: node.id,
                input: { world, regions: node.regions, arrivalRngs: context.arrivalRngs },
              }),
        ),
      };
    }),
    enterPhase: assign((_, params: { phase: Phase }) => ({ phase: params.phase, episode: 0 })),
    nextEpisode: assign({ episode: ({ context }) => context.episode + 1 }),
    beginEpisode: ({ context }) => beginEpisode(context.world, context.phase, context.episode),
    // The first episode of a phase starts; a later one ends the previous and starts itself, in
    // one message per actor (the stations report the episode just closed, from the world).
    announceEpisode: enqueueActions(({ context, enqueue }) => {
      const type = context.episode === 0 ? 'episode.started' : 'episode.next';
      for (const region of context.regions) enqueue.sendTo(region, { type });
    }),
    closeEpisode: ({ context }) => {
      endEpisode(context.world);
    },
    evaluateWindow: enqueueActions(({ context, enqueue }) => {
      const last = context.episode + 1 >= episodesIn(context);
      // The end of the run: nothing is left for a delayed reward to shape.
      if (last && context.phase === 'test') return;
      if (context.alignment && windowEnds(context.world, last)) {
        enqueue.sendTo(context.alignment, {
          type: 'alignment.evaluate',
          job: takeEvaluationJob(context.world),
        });
        enqueue.assign({ pendingEvaluations: context.pendingEvaluations + 1 });
      }
    }),
    evaluationApplied: assign({
      pendingEvaluations: ({ context }) => context.pendingEvaluations - 1,
    }),
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
    alignmentSettled: ({ context }) => context.pendingEvaluations === 0,
  },
  delays: {
    episode: ({ context }) => context.world.config.stepsPerEpisode * context.world.config.stepMs,
  },
}).createMachine({
  id: 'simulation',
  context: ({ input }) => ({
    ...input,
    regions: [],
    planners: [],
    alignment: null,
    pendingEvaluations: 0,
    phase: 'training',
    episode: 0,
  }),
  initial: 'idle',
  on: { 'alignment.applied': { actions: 'evaluationApplied' } },
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
      entry: ['closeEpisode', 'evaluateWindow', 'publishEpisode'],
      always: [
        { guard: 'moreEpisodes', target: 'episode', actions: 'nextEpisode' },
        { target: 'settling', actions: 'announceEnd' },
      ],
    },
    // The phase ends once the alignment controller has applied every window of it (simulated
    // time passes; no agent acts). Immediate without a controller.
    settling: {
      always: { guard: 'alignmentSettled', target: 'finished' },
    },
    finished: { type: 'final' },
  } as const;
}
