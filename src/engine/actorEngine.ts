/**
 * Runs a simulation as an XState actor system on the simulated clock.
 *
 * The clock's advance hook steps the data plane up to the instant of the next control event, then
 * the event is delivered; the loop ends when the simulation root reaches its final state.
 */
import { createActor, type InspectionEvent } from 'xstate';
import { simulationMachine } from '../../machines/simulation.js';
import { advanceWorldTo } from '../model/world.js';
import type { ModelConfig } from '../scenario/resolve.js';
import { SimClock } from './clock.js';
import {
  copyAgent,
  type EpisodeRecord,
  type RunOptions,
  type RunOutcome,
  setUpRun,
} from './run.js';

export interface ActorRunOptions extends RunOptions {
  /** Extra inspection observer (e.g. the inspector). Messages are counted either way. */
  readonly inspect?: (event: InspectionEvent) => void;
}

export function runActors(config: ModelConfig, options: ActorRunOptions): RunOutcome {
  const { world, arrivalRngs, llm } = setUpRun(config, options);
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
  const episodes: EpisodeRecord[] = [];
  let trainedAgents = world.agents.map(copyAgent);
  actor.on('episode.completed', ({ record }) => {
    episodes.push(record);
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
  actor.start();
  actor.send({ type: 'sim.start' });
  while (actor.getSnapshot().status === 'active' && clock.step()) {
    // each step delivers one control event; the world catches up in the advance hook
  }
  if (failure !== undefined) throw failure;
  const status = actor.getSnapshot().status;
  if (status !== 'done')
    throw new Error(`simulation ended in status '${status}' with no pending events`);
  return { world, episodes, trainedAgents, messages };
}
