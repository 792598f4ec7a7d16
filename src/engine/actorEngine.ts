/**
 * Runs a simulation as an XState actor system on the simulated clock.
 *
 * The clock's advance hook steps the data plane up to the instant of the next control event, then
 * the event is delivered; the loop ends when the simulation root reaches its final state.
 *
 * Simulated time stands still while anything outside the simulation is awaited: network model
 * calls in flight (the gateway hands their replies over in call order before the clock moves on)
 * and the `beforeStep` hook (the inspector's pacing, pause and single-step). With neither, the
 * loop never yields to the event loop and runs as fast as the synchronous engine did.
 */
import { createActor, type InspectionEvent } from 'xstate';
import { simulationMachine } from '../../machines/simulation.js';
import { advanceWorldTo } from '../model/world.js';
import type { ModelConfig } from '../scenario/resolve.js';
import { SimClock } from './clock.js';
import { copyAgent, EpisodeLog, type RunOptions, type RunOutcome, setUpRun } from './run.js';

export interface ActorRunOptions extends RunOptions {
  /** Extra inspection observer (e.g. the inspector). Messages are counted either way. */
  readonly inspect?: (event: InspectionEvent) => void;
  /**
   * Called, and awaited, before each control event is delivered, with the simulated time it is
   * due at (pacing against the wall clock, pause, single-step). Simulated time stands still
   * meanwhile; results do not depend on it.
   */
  readonly beforeStep?: (nextAtMs: number) => void | Promise<void>;
}

export async function runActors(
  config: ModelConfig,
  options: ActorRunOptions,
): Promise<RunOutcome> {
  const { world, arrivalRngs, llm, gateway } = setUpRun(config, options);
  const clock = new SimClock({ onAdvance: (_from, to) => advanceWorldTo(world, to) });
  let messages = 0;
  const extra = options.inspect;
  const actor = createActor(simulationMachine, {
    clock,
    input: { world, arrivalRngs, llm },
    inspect: (ev) => {
      if (ev.type === '@xstate.event') messages++;
      extra?.(ev);
    },
  });
  const log = new EpisodeLog(config.cells.length, options.keepEpisodes ?? true);
  // Copied when the training phase ends (always before the test phase, even an empty one).
  let trainedAgents: RunOutcome['trainedAgents'] | null = null;
  actor.on('episode.completed', ({ record }) => {
    log.add(record);
    options.onEpisode?.(record);
  });
  actor.on('phase.completed', (ev) => {
    if (ev.phase === 'training') trainedAgents = world.agents.map(copyAgent);
  });
  let failure: unknown;
  actor.subscribe({
    error: (err) => {
      failure = err;
    },
  });
  const { beforeStep } = options;
  try {
    actor.start();
    actor.send({ type: 'sim.start' });
    while (actor.getSnapshot().status === 'active' && failure === undefined) {
      if (gateway?.pending) await gateway.settle();
      if (beforeStep) {
        const next = clock.peek();
        if (next === undefined) break;
        const waiting = beforeStep(next);
        if (waiting) await waiting;
      }
      // each step delivers one control event; the world catches up in the advance hook
      if (!clock.step()) break;
    }
  } catch (err) {
    gateway?.close();
    actor.stop();
    throw err;
  }
  if (failure !== undefined) throw failure;
  const status = actor.getSnapshot().status;
  if (status !== 'done')
    throw new Error(`simulation ended in status '${status}' with no pending events`);
  return {
    world,
    ...log.outcome(),
    trainedAgents: trainedAgents ?? world.agents.map(copyAgent),
    messages,
  };
}
