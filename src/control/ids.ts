/** Actor ids (and system ids, for `system.get(id)`) of the simulation's actors. */
export const regionSystemId = (index: number): string => `region:${index}`;
/** A group of leaf regions `first`..`last` (both inclusive). */
export const regionGroupSystemId = (first: number, last: number): string =>
  `regions:${first}-${last}`;
export const baseStationSystemId = (cellId: string): string => `bs:${cellId}`;
export const arrivalSystemId = (sourceId: string): string => `arrivals:${sourceId}`;
export const PLANNER_ID = 'planner';
/** The planner of region `k` out of `count` (the single network-wide planner is `planner`). */
export const plannerSystemId = (k: number, count: number): string =>
  count === 1 ? PLANNER_ID : `${PLANNER_ID}:${k}`;
export const ALIGNMENT_ID = 'alignmentController';
