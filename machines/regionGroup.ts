/**
 * A group of regions (above 16 regions, i.e. 256 cells): it spawns up to 16 leaf regions and relays
 * the root's episode events to them, so that no actor has many children (XState's shutdown is
 * quadratic in an actor's children; see `src/control/regions.ts`).
 */
import { type ActorRefFrom, assign, enqueueActions, setup } from 'xstate';
import type { Region } from '../src/control/regions.js';
import type { World } from '../src/model/world.js';
import type { Rng } from '../src/rng.js';
import type { EpisodeEvent } from './baseStation.js';
import { RELAY_STATES, regionMachine } from './region.js';

export interface RegionGroupInput {
  readonly world: World;
  readonly regions: readonly Region[];
  /** One stream per traffic source of the whole scenario, in source order. */
  readonly arrivalRngs: readonly Rng[];
}

export interface RegionGroupContext extends RegionGroupInput {
  readonly children: readonly ActorRefFrom<typeof regionMachine>[];
}

export const regionGroupMachine = setup({
  types: {
    input: {} as RegionGroupInput,
    context: {} as RegionGroupContext,
    events: {} as EpisodeEvent,
  },
  actors: { region: regionMachine },
  actions: {
    // One assign spawning every region: XState copies the children map once, not per child.
    spawnRegions: assign({
      children: ({ context, spawn }) =>
        context.regions.map((region) =>
          spawn('region', {
            id: region.id,
            systemId: region.id,
            input: { world: context.world, cells: region.cells, arrivalRngs: context.arrivalRngs },
          }),
        ),
    }),
    relay: enqueueActions(({ context, event, enqueue }) => {
      for (const child of context.children) enqueue.sendTo(child, event);
    }),
  },
}).createMachine({
  id: 'regionGroup',
  context: ({ input }) => ({ ...input, children: [] }),
  entry: 'spawnRegions',
  initial: 'idle',
  states: RELAY_STATES,
});
