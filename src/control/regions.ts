/**
 * Groups cells into regions for the control plane: leaf regions of at most `leafSize` consecutive
 * cells, and above `fanOut` leaves, groups of `fanOut` leaves under the root.
 *
 * Why: XState copies an actor's whole children map whenever one child is spawned or stopped, so an
 * actor with k children costs O(k²) to shut down; a tree keeps every actor's children few, and
 * shutting down n cells costs O(n·k) with k small (at 10,000 cells, leaves of 64 spent 0.34 s in
 * that copying alone; leaves of 16 a quarter of it).
 */
import { regionGroupSystemId, regionSystemId } from './ids.js';

export const LEAF_SIZE = 16;
export const FAN_OUT = 16;

/** A leaf region: the base stations of up to `LEAF_SIZE` consecutive cells. */
export interface Region {
  /** Actor id, `region:<k>` for the k-th leaf. */
  readonly id: string;
  readonly cells: readonly number[];
}

/** A group of up to `FAN_OUT` consecutive regions, `regions:<first>-<last>`. */
export interface RegionGroup {
  readonly id: string;
  readonly regions: readonly Region[];
}

/** Consecutive cells, at most `size` per region. */
export function regionsOf(cellCount: number, size = LEAF_SIZE): number[][] {
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError('region size must be a positive integer');
  const regions: number[][] = [];
  for (let start = 0; start < cellCount; start += size) {
    regions.push(Array.from({ length: Math.min(size, cellCount - start) }, (_, k) => start + k));
  }
  return regions;
}

/**
 * What the simulation root spawns: the leaf regions themselves when there are at most `fanOut`
 * of them, else groups of `fanOut` leaves (so the root has n / (leafSize·fanOut) children: 40 at
 * 10,000 cells).
 */
export function regionTree(
  cellCount: number,
  leafSize = LEAF_SIZE,
  fanOut = FAN_OUT,
): Region[] | RegionGroup[] {
  if (!Number.isInteger(fanOut) || fanOut < 1)
    throw new RangeError('region fan-out must be a positive integer');
  const leaves = regionsOf(cellCount, leafSize).map((cells, k) => ({
    id: regionSystemId(k),
    cells,
  }));
  if (leaves.length <= fanOut) return leaves;
  const groups: RegionGroup[] = [];
  for (let k = 0; k < leaves.length; k += fanOut) {
    const regions = leaves.slice(k, k + fanOut);
    groups.push({ id: regionGroupSystemId(k, k + regions.length - 1), regions });
  }
  return groups;
}
