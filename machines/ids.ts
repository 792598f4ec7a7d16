/** Actor ids (and system ids, for `system.get(id)`) of the simulation's actors. */
export const regionSystemId = (index: number): string => `region:${index}`;
export const baseStationSystemId = (cellId: string): string => `bs:${cellId}`;
export const arrivalSystemId = (sourceId: string): string => `arrivals:${sourceId}`;
export const PLANNER_ID = 'planner';
export const ALIGNMENT_ID = 'alignmentController';
