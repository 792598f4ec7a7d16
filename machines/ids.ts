/** System ids under which actors find each other (`system.get(id)`). */
export const baseStationSystemId = (cellId: string): string => `bs:${cellId}`;
export const arrivalSystemId = (sourceId: string): string => `arrivals:${sourceId}`;
