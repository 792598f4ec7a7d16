/**
 * The per-episode series of a run, as CSV (one row per episode, per-cell columns). Header and rows
 * come from one column list, built from the metric list (`metrics/list.ts`), so they cannot fall
 * out of step.
 */
import { CELL_METRICS, METRIC_SPECS, type NetworkCount } from '../metrics/list.js';
import { cellValue, networkValue, round6 } from '../metrics/readout.js';
import type { EpisodeRecord } from '../model/report.js';
import type { ModelConfig } from '../scenario/resolve.js';

export interface Column {
  readonly name: string;
  readonly value: (record: EpisodeRecord) => string | number;
}

const steps = (r: EpisodeRecord) => Math.max(1, r.counters.steps);

/**
 * The columns: the episode, the network's metrics, every cell's metrics, then with guidance every
 * cell's guided metrics and its trust at the episode's end.
 */
export function episodeColumns(config: ModelConfig): Column[] {
  const cols: Column[] = [
    { name: 'phase', value: (r) => r.phase },
    { name: 'episode', value: (r) => r.episode },
    { name: 'epsilon', value: (r) => round6(r.epsilon) },
  ];
  for (const m of METRIC_SPECS) {
    const csv = m.csv;
    if (!csv) continue;
    if (m.scope === 'network') {
      const key = m.key as NetworkCount;
      cols.push({ name: csv.name, value: (r) => r.counters[key] });
    } else if (csv.network) {
      const cell = m as (typeof CELL_METRICS)[number];
      cols.push({ name: csv.name, value: (r) => networkValue(r.counters, cell, csv) });
    }
  }
  const perCell = (guided: boolean) =>
    CELL_METRICS.filter((m) => m.csv && !m.csv.guided === !guided);
  config.cells.forEach((cell, i) => {
    for (const m of perCell(false)) {
      cols.push({
        name: `${cell.id}.${m.csv!.name}`,
        value: (r) => cellValue(r.counters.cells[i]!, m, m.csv!, steps(r)),
      });
    }
  });
  if (config.guidance) {
    config.cells.forEach((cell, i) => {
      for (const m of perCell(true)) {
        cols.push({
          name: `${cell.id}.${m.csv!.name}`,
          value: (r) => cellValue(r.counters.cells[i]!, m, m.csv!, steps(r)),
        });
      }
      cols.push({ name: `${cell.id}.trust`, value: (r) => round6(r.trust![i]!) });
    });
  }
  return cols;
}

/** episodes.csv of one run: its header, and a row per episode record. */
export function episodesCsv(config: ModelConfig): {
  header: string;
  row: (record: EpisodeRecord) => string;
} {
  const cols = episodeColumns(config);
  return {
    header: cols.map((c) => c.name).join(','),
    row: (record) => cols.map((c) => c.value(record)).join(','),
  };
}
