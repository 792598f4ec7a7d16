/**
 * A region: up to 16 consecutive base stations, under the simulation root or a region group
 * (`regionGroup.ts`). It spawns its stations and relays the root's episode events to them.
 */
import { type ActorRefFrom, assign, enqueueActions, setup } from 'xstate';
import { baseStationSystemId } from '../src/control/ids.js';
import type { World } from '../src/model/world.js';
import type { Rng } from '../src/rng.js';
import { baseStationMachine, type EpisodeEvent } from './baseStation.js';

export interface RegionInput {
  readonly world: World;
  /** Indices of this region's cells. */
  readonly cells: readonly number[];
  /** One stream per traffic source of the whole scenario, in source order. */
  readonly arrivalRngs: readonly Rng[];
}

export interface RegionContext extends RegionInput {
  readonly stations: readonly ActorRefFrom<typeof baseStationMachine>[];
}

export type RegionEvent = EpisodeEvent;

/**
 * The states of a region and a region group: idle between phases, running within one; every
 * episode event goes on to the children (their `relay` action).
 */
export const RELAY_STATES = {
  idle: {
    on: { 'episode.started': { target: 'running', actions: 'relay' } },
  },
  running: {
    on: {
      'episode.next': { actions: 'relay' },
      'episode.ended': { target: 'idle', actions: 'relay' },
    },
  },
} as const;

export const regionMachine = setup({
  types: {
    input: {} as RegionInput,
    context: {} as RegionContext,
    events: {} as RegionEvent,
  },
  actors: { baseStation: baseStationMachine },
  actions: {
    // One assign spawning every station: XState copies the children map once, not per child.
    spawnStations: assign({
      stations: ({ context, spawn }) =>
        context.cells.map((index) => {
          const cell = context.world.config.cells[index]!;
          return spawn('baseStation', {
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
          });
        }),
    }),
    relay: enqueueActions(({ context, event, enqueue }) => {
      for (const station of context.stations) enqueue.sendTo(station, event);
    }),
  },
}).createMachine({
  id: 'region',
  context: ({ input }) => ({ ...input, stations: [] }),
  entry: 'spawnStations',
  initial: 'idle',
  states: RELAY_STATES,
});
