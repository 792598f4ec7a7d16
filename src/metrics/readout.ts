/** Reading a metric out of the counters, as summary.json and episodes.csv report it. */
import { type CellCounters, type EpisodeCounters, sumOverCells } from './counters.js';
import type { CellCount, MetricSpec, Readout } from './list.js';

/** Rounds to 6 decimals so outputs stay readable; rounding is deterministic. */
export const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/** `x / den` rounded, 0 when there is nothing to divide by. */
export const ratio = (x: number, den: number): number => (den > 0 ? round6(x / den) : 0);

type CellMetric = MetricSpec & { readonly key: CellCount };

/** A cell's value of a metric over `steps` steps. */
export function cellValue(c: CellCounters, m: CellMetric, r: Readout, steps: number): number {
  const x = c[m.key];
  if (r.per === undefined) return x;
  return ratio(x, r.per === 'step' ? steps : c[r.per as CellCount]);
}

/**
 * The network's value of a cell metric: the total (or maximum) over cells, per cell and step for a
 * per-step readout, or a ratio of totals.
 */
export function networkValue(counters: EpisodeCounters, m: CellMetric, r: Readout): number {
  const cells = counters.cells;
  const x =
    m.combine === 'max' ? Math.max(0, ...cells.map((c) => c[m.key])) : sumOverCells(cells, m.key);
  if (r.per === undefined) return x;
  return ratio(
    x,
    r.per === 'step' ? counters.steps * cells.length : sumOverCells(cells, r.per as CellCount),
  );
}
