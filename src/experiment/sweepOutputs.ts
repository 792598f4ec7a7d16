/**
 * A sweep's result files: `sweep.csv` (one row per run: the varied values, then the metrics,
 * latency-aware ones included), `plots/<metric>-vs-<parameter>.svg` (median and interquartile band
 * of each metric against each varied parameter, per configuration and traffic level; other
 * parameters pooled), and `report.md` with the best and worst settings of each guided
 * configuration tested against `marl-only` under the same setting.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { METRIC_SPECS, type TestField } from '../metrics/list.js';
import { lineChart } from '../report/plots.js';
import { json, writeFileAtomic } from '../run/runDir.js';
import type { Summary } from '../run/summary.js';
import { describe, kruskalWallis, significanceStars } from '../stats/index.js';
import type { Job, Variant } from './jobs.js';
import { writeFailures } from './outputs.js';
import { type Row, resultRow, toCsv } from './results.js';
import type { ExperimentOutcome } from './run.js';

interface SweepMetric {
  readonly key: string;
  readonly label: string;
  readonly value: (s: Summary) => number | null;
}

/**
 * A network metric of the list (`metrics/list.ts`) under its table label, plotted as `slug`;
 * `guided`: only runs with guidance have it.
 */
function listed(name: TestField, slug: string, guided = false): SweepMetric {
  const label = METRIC_SPECS.find((m) => m.summary?.name === name)?.table?.label ?? name;
  return { key: slug, label, value: (s) => (guided && !s.guidance ? null : s.test[name]) };
}

/**
 * Metrics plotted against each varied parameter: a pick (each plot is a chart per parameter; every
 * metric is in sweep.csv anyway), from the metric list and the guidance summary.
 */
const SWEEP_METRICS: readonly SweepMetric[] = [
  listed('droppedRequests', 'dropped-requests'),
  listed('systemFailures', 'system-failures'),
  listed('llmUsageRate', 'llm-usage', true),
  {
    key: 'suggestion-age-p95',
    label: 'Suggestion age at use, p95 (s)',
    value: (s) => (s.guidance ? s.guidance.test.p95SuggestionAgeMs / 1000 : null),
  },
  {
    key: 'stale-share',
    label: 'Share of suggestions discarded as stale',
    value: (s) => (s.guidance ? s.guidance.test.staleShare : null),
  },
  {
    key: 'trust',
    label: 'Final trust (mean over agents)',
    value: (s) => {
      const t = s.guidance ? Object.values(s.guidance.trust) : [];
      return t.length > 0 ? t.reduce((sum, x) => sum + x.final, 0) / t.length : null;
    },
  },
];

const label = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** One row per run: varied values first, then the results and the latency-aware metrics. */
export function sweepRow(variant: Variant, s: Summary): Row {
  const row: Row = {};
  for (const [path, value] of Object.entries(variant.values)) {
    row[path] = typeof value === 'number' || typeof value === 'string' ? value : label(value);
  }
  Object.assign(row, resultRow(s));
  const g = s.guidance?.test;
  row.meanSuggestionAgeMs = g?.meanSuggestionAgeMs ?? null;
  row.p95SuggestionAgeMs = g?.p95SuggestionAgeMs ?? null;
  row.staleShare = g?.staleShare ?? null;
  row.decisionsAwaiting = g?.decisionsAwaiting ?? null;
  row.meanQueueWaitMs = g?.meanQueueWaitMs ?? null;
  for (const [id, t] of Object.entries(s.guidance?.trust ?? {})) {
    row[`${id}.trustMin`] = t.min;
    row[`${id}.trustSettledAfterEpisode`] = t.settledAfterEpisode;
  }
  return row;
}

export async function writeSweepOutputs(
  outDir: string,
  scenarioFile: string,
  grid: { configs: readonly string[]; traffics: readonly string[]; seeds: readonly number[] },
  paths: readonly string[],
  outcome: ExperimentOutcome,
): Promise<string> {
  const { finished, variants } = outcome;
  const rows = finished.map(({ job, summary }) => sweepRow(variants[job.variant]!, summary));
  writeFileAtomic(join(outDir, 'sweep.csv'), toCsv(rows));
  writeFailures(outDir, outcome);
  const configs = grid.configs.filter((c) => finished.some((f) => f.job.config === c));
  const traffics = grid.traffics.filter((t) => finished.some((f) => f.job.traffic === t));
  mkdirSync(join(outDir, 'plots'), { recursive: true });
  const plotLines: string[] = [];
  for (const path of paths) {
    const values = [
      ...new Map(variants.map((v) => [label(v.values[path]), v.values[path]])).values(),
    ];
    const numeric = values.every((v) => typeof v === 'number');
    const xOf = (v: unknown) =>
      numeric ? (v as number) : values.findIndex((x) => label(x) === label(v)) + 1;
    for (const metric of SWEEP_METRICS) {
      const chartRows: {
        config: string;
        traffic: string;
        x: number;
        y: number;
        lo: number;
        hi: number;
      }[] = [];
      for (const config of configs) {
        for (const traffic of traffics) {
          for (const value of values) {
            const ys = finished
              .filter(
                ({ job }) =>
                  job.config === config &&
                  job.traffic === traffic &&
                  label(variants[job.variant]!.values[path]) === label(value),
              )
              .map(({ summary }) => metric.value(summary))
              .filter((y): y is number => y !== null && Number.isFinite(y));
            if (ys.length === 0) continue;
            const d = describe(ys);
            chartRows.push({ config, traffic, x: xOf(value), y: d.median, lo: d.q1, hi: d.q3 });
          }
        }
      }
      if (chartRows.length === 0) continue;
      const file = `plots/${metric.key}-vs-${path.replace(/[^\w.-]+/g, '_')}.svg`;
      // The path's last two parts keep the axis title short enough for a facet.
      const short = path.split('.').slice(-2).join('.');
      const xTitle = numeric ? short : `${short} (${values.map(label).join(' | ')})`;
      const svg = await lineChart({
        title: `${metric.label} against ${path}`,
        xTitle,
        yTitle: metric.label,
        rows: chartRows,
        configs: configs.filter((c) => chartRows.some((r) => r.config === c)),
        traffics,
      });
      writeFileAtomic(join(outDir, file), svg);
      plotLines.push(`![${metric.label} against ${path}](${file})`, '');
    }
  }
  const extremes = bestAndWorst(finished, variants, configs, traffics, paths);
  writeFileAtomic(join(outDir, 'extremes.json'), json(extremes));
  const report = [
    `# Sweep report`,
    '',
    `Scenario \`${scenarioFile}\`; varied: ${paths.map((p) => `\`${p}\``).join(', ')} (${variants.length} settings); configurations ${configs.map((c) => `\`${c}\``).join(', ')}; traffic ${traffics.map((t) => `\`${t}\``).join(', ')}; ${grid.seeds.length} seeds; ${finished.length} runs. Every run's files are under \`runs/<setting>/<config>/<traffic>/seed-<n>/\`; \`sweep.csv\` has one row per run. How to read this report: \`docs/latency-study.md\`.`,
    '',
    '## Settings',
    '',
    `| setting | ${paths.join(' | ')} |`,
    `| --- |${paths.map(() => ' --- |').join('')}`,
    ...variants.map((v) => `| ${v.key} | ${paths.map((p) => label(v.values[p])).join(' | ')} |`),
    '',
    '## Metrics against each varied parameter',
    '',
    'Lines: median over runs (seeds, and every value of the other varied parameters); band: interquartile range.',
    '',
    ...plotLines,
    '## Best and worst settings against marl-only',
    '',
    'For each guided configuration and traffic level: the settings with the lowest and highest median dropped requests, each against `marl-only` runs of the same setting (Kruskal–Wallis on the two groups; stars: * p < .05, ** p < .01, *** p < .001).',
    '',
    '| configuration | traffic | | setting | median dropped | marl-only median | change | H | p |',
    '| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...extremes.map(
      (e) =>
        `| ${e.config} | ${e.traffic} | ${e.which} | ${e.setting} | ${e.median} | ${e.baseline ?? '–'} | ${e.change === null ? '–' : `${(100 * e.change).toFixed(1)}%`} | ${e.H === null ? '–' : e.H.toFixed(2)} | ${e.p === null ? '–' : `${e.p.toPrecision(3)} ${significanceStars(e.p)}`} |`,
    ),
    '',
    ...(outcome.failures.length > 0
      ? [
          '## Failed runs',
          '',
          ...outcome.failures.map((f) => `- \`${f.job.id}\`: ${f.message}`),
          '',
        ]
      : []),
  ].join('\n');
  const file = join(outDir, 'report.md');
  writeFileAtomic(file, `${report}\n`);
  return file;
}

interface Extreme {
  config: string;
  traffic: string;
  which: 'best' | 'worst';
  setting: string;
  median: number;
  baseline: number | null;
  change: number | null;
  H: number | null;
  p: number | null;
}

function bestAndWorst(
  finished: readonly { job: Job; summary: Summary }[],
  variants: readonly Variant[],
  configs: readonly string[],
  traffics: readonly string[],
  paths: readonly string[],
): Extreme[] {
  const out: Extreme[] = [];
  const drops = (config: string, traffic: string, variant: number) =>
    finished
      .filter(
        (f) => f.job.config === config && f.job.traffic === traffic && f.job.variant === variant,
      )
      .map((f) => f.summary.test.droppedRequests);
  const settingOf = (v: number) =>
    `${variants[v]!.key} (${paths.map((p) => `${p}=${label(variants[v]!.values[p])}`).join(', ')})`;
  for (const config of configs.filter((c) => c !== 'marl-only')) {
    for (const traffic of traffics) {
      const ranked = variants
        .map((_, v) => ({ v, ys: drops(config, traffic, v) }))
        .filter((x) => x.ys.length > 0)
        .map((x) => ({ ...x, median: describe(x.ys).median }))
        .sort((a, b) => a.median - b.median || a.v - b.v);
      if (ranked.length === 0) continue;
      const picks: ['best' | 'worst', (typeof ranked)[number]][] = [['best', ranked[0]!]];
      if (ranked.length > 1) picks.push(['worst', ranked.at(-1)!]);
      for (const [which, r] of picks) {
        const base = drops('marl-only', traffic, r.v);
        const baseline = base.length > 0 ? describe(base).median : null;
        const test = base.length > 0 ? kruskalWallis([base, r.ys]) : null;
        out.push({
          config,
          traffic,
          which,
          setting: settingOf(r.v),
          median: r.median,
          baseline,
          change: baseline ? r.median / baseline - 1 : null,
          H: test?.H ?? null,
          p: test?.pValue ?? null,
        });
      }
    }
  }
  return out;
}
