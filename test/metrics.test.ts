/** The metric list drives the counters, summary.json, episodes.csv and docs/metrics.md. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { addCounters, zeroCounters } from '../src/metrics/counters.js';
import { renderMetricsDoc } from '../src/metrics/doc.js';
import {
  AGENT_FIELDS,
  CELL_METRICS,
  METRIC_SPECS,
  NETWORK_METRICS,
  TEST_FIELDS,
} from '../src/metrics/list.js';
import type { EpisodeRecord } from '../src/model/report.js';
import { executeRun } from '../src/run/execute.js';
import { shortPaper } from './helpers/paper.js';

const guidedRun = async () => {
  const records: EpisodeRecord[] = [];
  const run = await executeRun({
    scenario: shortPaper({ episodes: { training: 3, test: 2 } }),
    traffic: 'high',
    config: 'guided',
    seed: 5,
    onEpisode: (r) => records.push(r),
  });
  return { run, records };
};

describe('the metric list', () => {
  it('names each counter once, and each output field once', () => {
    const unique = (xs: string[]) => expect(new Set(xs).size).toBe(xs.length);
    unique(METRIC_SPECS.map((m) => m.key));
    unique([...AGENT_FIELDS]);
    unique([...TEST_FIELDS]);
    unique(CELL_METRICS.flatMap((m) => (m.csv ? [m.csv.name] : [])));
    // A readout divides by steps or by another cell counter.
    const cellKeys = new Set<string>(CELL_METRICS.map((m) => m.key));
    for (const m of METRIC_SPECS) {
      for (const r of [m.summary, m.csv]) {
        if (r?.per !== undefined) expect(r.per === 'step' || cellKeys.has(r.per)).toBe(true);
      }
    }
    // Network counters are read as counted (a network total per cell would not mean anything).
    for (const m of NETWORK_METRICS) {
      expect(m.summary?.per ?? m.csv?.per).toBeUndefined();
    }
  });

  it('zeroes every counter and adds them up: sums, and the maximum for a maximum', () => {
    const total = zeroCounters(2);
    expect(Object.keys(total)).toEqual([...NETWORK_METRICS.map((m) => m.key), 'cells']);
    expect(Object.keys(total.cells[0]!)).toEqual([...CELL_METRICS.map((m) => m.key), 'actions']);
    const episode = (x: number) => {
      const e = zeroCounters(2);
      for (const m of NETWORK_METRICS) e[m.key] = x;
      for (const c of e.cells) {
        for (const m of CELL_METRICS) c[m.key] = x;
        c.actions.fill(x);
      }
      return e;
    };
    addCounters(total, episode(3));
    addCounters(total, episode(2));
    for (const m of NETWORK_METRICS) expect(total[m.key]).toBe(5);
    for (const c of total.cells) {
      for (const m of CELL_METRICS)
        expect([m.key, c[m.key]]).toEqual([m.key, m.combine === 'max' ? 3 : 5]);
      expect(c.actions).toEqual([5, 5, 5, 5]);
    }
    expect(CELL_METRICS.find((m) => m.key === 'suggestionAgeMaxMs')?.combine).toBe('max');
  });

  it('summary.json has the fields of the list, in its order', async () => {
    const { run } = await guidedRun();
    const { test } = run.summary;
    expect(Object.keys(test)).toEqual([...TEST_FIELDS, 'agents']);
    for (const agent of Object.values(test.agents)) {
      expect(Object.keys(agent)).toEqual([...AGENT_FIELDS, 'actions']);
    }
  });
});

describe('episodes.csv', () => {
  it('has rows as wide as the header, each column holding the counter it names', async () => {
    const { run, records } = await guidedRun();
    const [header, ...rows] = (run.files.episodesCsv as string).trimEnd().split('\n');
    const cols = header!.split(',');
    const cells = Object.keys(run.summary.test.agents);
    const perCell = CELL_METRICS.filter((m) => m.csv).length;
    const network = METRIC_SPECS.filter((m) => m.csv && (m.scope === 'network' || m.csv.network));
    // phase, episode, epsilon; the network's; every cell's; every cell's trust.
    expect(cols).toHaveLength(3 + network.length + cells.length * (perCell + 1));
    expect(new Set(cols).size).toBe(cols.length);
    expect(rows).toHaveLength(records.length);
    rows.forEach((line, e) => {
      const row = line.split(',');
      expect(row).toHaveLength(cols.length);
      const at = (name: string) => Number(row[cols.indexOf(name)]);
      const r = records[e]!;
      expect(row.slice(0, 2)).toEqual([r.phase, String(r.episode)]);
      const steps = r.counters.steps;
      expect(steps).toBeGreaterThan(0);
      for (const m of NETWORK_METRICS) if (m.csv) expect(at(m.csv.name)).toBe(r.counters[m.key]);
      cells.forEach((id, i) => {
        const c = r.counters.cells[i]!;
        for (const m of CELL_METRICS) {
          if (!m.csv) continue;
          const { name, per } = m.csv;
          expect(cols).toContain(`${id}.${name}`);
          const den = per === undefined ? 1 : per === 'step' ? steps : c[per as typeof m.key];
          const want = den > 0 ? c[m.key] / den : 0;
          expect(at(`${id}.${name}`)).toBeCloseTo(want, 5);
          if (m.csv.network) {
            expect(at(name)).toBe(r.counters.cells.reduce((s, x) => s + x[m.key], 0));
          }
        }
        expect(at(`${id}.trust`)).toBeCloseTo(r.trust![i]!, 5);
      });
    });
    // The counts are not all zero: the columns are told apart by their values.
    expect(new Set(rows.at(-1)!.split(',')).size).toBeGreaterThan(10);
  });
});

describe('docs/metrics.md', () => {
  it('is up to date with the metric list', () => {
    const onDisk = readFileSync('docs/metrics.md', 'utf8');
    expect(
      onDisk === renderMetricsDoc(),
      'docs/metrics.md is stale: the metric list changed. Run `npm run docs:metrics` and commit the result.',
    ).toBe(true);
  });
});
