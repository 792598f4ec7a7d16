/**
 * The counters the model accumulates over an episode, shaped by the metric list (`list.ts`): one
 * plain number field per entry, incremented directly by the step code, plus the per-action counts.
 */
import { ACTION_COUNT } from '../agents/space.js';
import { CELL_METRICS, type CellCount, NETWORK_METRICS, type NetworkCount } from './list.js';

export type { CellCount, NetworkCount } from './list.js';

export type Phase = 'training' | 'test';

/** Per-cell counters, accumulated over an episode (what each one counts: `list.ts`). */
export type CellCounters = Record<CellCount, number> & {
  /** Decisions per action, in `ACTIONS` order. */
  actions: number[];
};

export type EpisodeCounters = Record<NetworkCount, number> & { cells: CellCounters[] };

/**
 * Zeroed counters as JSON text, parsed per use: JSON.parse gives every field an in-object slot, as
 * the object literal it replaces did (a loop or a spread keeps four in the object and the rest
 * behind a pointer, one more load per increment in the step code).
 */
const zeroCell = JSON.stringify({
  ...Object.fromEntries(CELL_METRICS.map((m) => [m.key, 0])),
  actions: new Array(ACTION_COUNT).fill(0),
});
const zeroNetwork = JSON.stringify({
  ...Object.fromEntries(NETWORK_METRICS.map((m) => [m.key, 0])),
  cells: [],
});

export function zeroCounters(cells: number): EpisodeCounters {
  const counters = JSON.parse(zeroNetwork) as EpisodeCounters;
  for (let i = 0; i < cells; i++) counters.cells.push(JSON.parse(zeroCell) as CellCounters);
  return counters;
}

/** The network counters alone, without the cells' (an episode kept only as totals). */
export function withoutCells(counters: EpisodeCounters): EpisodeCounters {
  const out = JSON.parse(zeroNetwork) as EpisodeCounters;
  for (const m of NETWORK_METRICS) out[m.key] = counters[m.key];
  return out;
}

/** Adds `from` into `into`, cell by cell: sums, or the larger value for a maximum. */
export function addCounters(into: EpisodeCounters, from: EpisodeCounters): void {
  for (const m of NETWORK_METRICS) {
    into[m.key] =
      m.combine === 'max' ? Math.max(into[m.key], from[m.key]) : into[m.key] + from[m.key];
  }
  from.cells.forEach((c, i) => {
    const t = into.cells[i]!;
    for (const m of CELL_METRICS) {
      t[m.key] = m.combine === 'max' ? Math.max(t[m.key], c[m.key]) : t[m.key] + c[m.key];
    }
    c.actions.forEach((v, k) => {
      t.actions[k]! += v;
    });
  });
}

/** The sum of one counter over all cells. */
export function sumOverCells(cells: readonly CellCounters[], field: CellCount): number {
  let sum = 0;
  for (const c of cells) sum += c[field];
  return sum;
}
