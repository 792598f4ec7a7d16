/**
 * Groups cells into regions for the control plane: consecutive cells, at most `size` per region.
 *
 * Why: XState copies an actor's whole children map whenever one child is spawned or stopped, so an
 * actor with N children costs O(N²) to shut down. Keeping every actor's children few (root →
 * regions → base stations) keeps start-up and shutdown linear in practice at thousands of cells.
 */
export const REGION_SIZE = 64;

export function regionsOf(cellCount: number, size = REGION_SIZE): number[][] {
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError('region size must be a positive integer');
  const regions: number[][] = [];
  for (let start = 0; start < cellCount; start += size) {
    regions.push(Array.from({ length: Math.min(size, cellCount - start) }, (_, k) => start + k));
  }
  return regions;
}
