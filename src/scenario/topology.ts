/**
 * Topology: the scenario's full list of cells and their neighbours. Cells come from the explicit
 * `cells` list and from a generated hexagonal layout (`layout.hex`: a centre cell and `rings`
 * rings around it, `spacingKm` apart); a cell's neighbours are given explicitly, or — when omitted
 * and `topology.neighbourRadiusKm` is set — every cell within that distance of its position.
 * Pure: the same scenario always yields the same cells in the same order.
 */
import type { Cell, HexLayout, Layout, Topology } from './schema/cells.js';

export interface CellDef {
  readonly id: string;
  readonly type: string;
  readonly position?: { readonly x: number; readonly y: number };
  /** Explicit neighbours, or undefined to derive them from positions. */
  readonly neighbours?: readonly string[];
  readonly power?: Cell['power'];
  readonly capacity?: number;
}

/** The parts of a scenario that say which cells there are and how they neighbour. */
export interface CellsSection {
  readonly cells: readonly Cell[];
  readonly layout?: Layout;
  readonly topology?: Topology;
}

/** The six axial directions, in clockwise order starting east. */
const DIRECTIONS: readonly [number, number][] = [
  [1, 0],
  [1, -1],
  [0, -1],
  [-1, 0],
  [-1, 1],
  [0, 1],
];

/** How many cells a hexagonal layout of `rings` rings has: the centre and 6k cells in ring k. */
export function hexCellCount(rings: number): number {
  return 1 + 3 * rings * (rings + 1);
}

/**
 * Axial coordinates of a hexagonal layout: the centre, then ring 1, ring 2, … each walked
 * clockwise from its south-west corner (the usual spiral order).
 */
export function hexCoordinates(rings: number): [number, number][] {
  const out: [number, number][] = [[0, 0]];
  for (let k = 1; k <= rings; k++) {
    let q = DIRECTIONS[4]![0] * k;
    let r = DIRECTIONS[4]![1] * k;
    for (let side = 0; side < 6; side++) {
      for (let s = 0; s < k; s++) {
        out.push([q, r]);
        q += DIRECTIONS[side]![0];
        r += DIRECTIONS[side]![1];
      }
    }
  }
  return out;
}

/** The cells of `layout.hex`, with positions (km) and the adjacent hexagons as neighbours. */
export function hexCells(hex: HexLayout): CellDef[] {
  const coords = hexCoordinates(hex.rings);
  const idOf = new Map(coords.map(([q, r], i) => [`${q},${r}`, `${hex.idPrefix}${i}`]));
  return coords.map(([q, r], i) => ({
    id: `${hex.idPrefix}${i}`,
    type: hex.type,
    position: {
      x: Number((hex.spacingKm * (q + r / 2)).toFixed(6)),
      y: Number(((hex.spacingKm * Math.sqrt(3) * r) / 2).toFixed(6)),
    },
    neighbours: DIRECTIONS.flatMap(([dq, dr]) => idOf.get(`${q + dq},${r + dr}`) ?? []),
  }));
}

/** Every cell of the scenario (explicit first, then generated), neighbours not yet derived. */
export function declaredCells(s: CellsSection): CellDef[] {
  return [...s.cells, ...(s.layout?.hex ? hexCells(s.layout.hex) : [])];
}

/**
 * Every cell with its neighbour ids: explicit lists as given; omitted ones derived from positions
 * within `topology.neighbourRadiusKm` (nearest first), or none.
 */
export function scenarioCells(s: CellsSection): (CellDef & { neighbours: readonly string[] })[] {
  const cells = declaredCells(s);
  const radius = s.topology?.neighbourRadiusKm;
  // Cells by square buckets of the radius: a cell's neighbours lie in its 3 × 3 block of buckets,
  // so deriving every list costs about n × (cells per block), not n².
  const buckets = new Map<string, number[]>();
  const keyOf = (x: number, y: number) => `${x},${y}`;
  if (radius !== undefined) {
    cells.forEach((c, index) => {
      if (!c.position) return;
      const k = keyOf(Math.floor(c.position.x / radius), Math.floor(c.position.y / radius));
      const list = buckets.get(k) ?? [];
      list.push(index);
      buckets.set(k, list);
    });
  }
  return cells.map((cell) => {
    if (cell.neighbours) return { ...cell, neighbours: cell.neighbours };
    if (radius === undefined || !cell.position) return { ...cell, neighbours: [] };
    const p = cell.position;
    const bx = Math.floor(p.x / radius);
    const by = Math.floor(p.y / radius);
    const near: { id: string; d: number; index: number }[] = [];
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const index of buckets.get(keyOf(bx + dx, by + dy)) ?? []) {
          const other = cells[index]!;
          if (other.id === cell.id) continue;
          const d = Math.hypot(other.position!.x - p.x, other.position!.y - p.y);
          if (d <= radius + 1e-9) near.push({ id: other.id, d, index });
        }
      }
    }
    near.sort((a, b) => a.d - b.d || a.index - b.index);
    return { ...cell, neighbours: near.map((n) => n.id) };
  });
}
