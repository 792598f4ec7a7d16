/**
 * Writes an experiment's result files from its finished jobs: `results.csv` and `results.jsonl`
 * (one row per job), `table.csv` (the Figure-2 table), `stats.json`, `failures.jsonl` (if any),
 * `plots/*.svg` and `report.md`. Every file is written atomically.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { checkClaims } from '../report/claims.js';
import { boxPlot, lineChart, type PointRow } from '../report/plots.js';
import { renderReport } from '../report/report.js';
import { json, writeFileAtomic } from '../run/runDir.js';
import type { Summary } from '../run/summary.js';
import { describe } from '../stats/index.js';
import { type Job, jobDir } from './jobs.js';
import { type Analysis, analyse, resultRow, toCsv } from './results.js';
import type { ExperimentOutcome } from './run.js';

export interface WrittenReport {
  readonly analysis: Analysis;
  readonly reportFile: string;
}

/** Per-episode trust of each agent in one guided job, from its `episodes.csv`. */
function trustSeries(outDir: string, job: Job): Map<string, number[]> {
  const file = join(jobDir(outDir, job), 'episodes.csv');
  const series = new Map<string, number[]>();
  if (!existsSync(file)) return series;
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const cols = header!.split(',');
  cols.forEach((c, k) => {
    if (!c.endsWith('.trust')) return;
    series.set(
      c.slice(0, -'.trust'.length),
      lines.map((l) => Number(l.split(',')[k])),
    );
  });
  return series;
}

/** Median and IQR of trust over seeds, per configuration × traffic × agent × episode. */
function trustRows(outDir: string, outcome: ExperimentOutcome, summaries: readonly Summary[]) {
  const done = new Set(summaries.map((s) => `${s.config}/${s.traffic}/seed-${s.seed}`));
  const groups = new Map<string, { job: Job; series: Map<string, number[]> }[]>();
  for (const job of outcome.jobs) {
    if (job.config === 'marl-only' || !done.has(job.id)) continue;
    const key = `${job.config}|${job.traffic}`;
    const list = groups.get(key) ?? [];
    list.push({ job, series: trustSeries(outDir, job) });
    groups.set(key, list);
  }
  const rows: {
    config: string;
    traffic: string;
    agent: string;
    x: number;
    y: number;
    lo: number;
    hi: number;
  }[] = [];
  for (const list of groups.values()) {
    const { config, traffic } = list[0]!.job;
    for (const agent of list[0]!.series.keys()) {
      const runs = list.map((l) => l.series.get(agent) ?? []);
      const episodes = Math.min(...runs.map((r) => r.length));
      const stride = Math.max(1, Math.floor(episodes / 100));
      for (let e = 0; e < episodes; e += stride) {
        const d = describe(runs.map((r) => r[e]!));
        rows.push({ config, traffic, agent, x: e + 1, y: d.median, lo: d.q1, hi: d.q3 });
      }
    }
  }
  return rows;
}

/** `failures.jsonl` lists the failed runs; without failures it must not exist (a stale one would lie). */
export function writeFailures(outDir: string, outcome: ExperimentOutcome): void {
  const file = join(outDir, 'failures.jsonl');
  if (outcome.failures.length === 0) {
    rmSync(file, { force: true });
    return;
  }
  writeFileAtomic(
    file,
    outcome.failures.map((f) => `${JSON.stringify({ ...f.job, message: f.message })}\n`).join(''),
  );
}

export async function writeExperimentOutputs(
  outDir: string,
  scenarioFile: string,
  scenarioName: string,
  grid: { configs: readonly string[]; traffics: readonly string[]; seeds: readonly number[] },
  outcome: ExperimentOutcome,
  options: { allPairs?: boolean } = {},
): Promise<WrittenReport> {
  const { summaries } = outcome;
  const rows = summaries.map(resultRow);
  writeFileAtomic(join(outDir, 'results.csv'), toCsv(rows));
  writeFileAtomic(
    join(outDir, 'results.jsonl'),
    rows.map((r) => `${JSON.stringify(r)}\n`).join(''),
  );
  writeFailures(outDir, outcome);
  const analysis = analyse(summaries, grid, options);
  writeFileAtomic(
    join(outDir, 'table.csv'),
    toCsv(
      analysis.table.map((c) => ({
        metric: c.metric,
        agent: c.agent,
        config: c.config,
        traffic: c.traffic,
        n: c.stats.n,
        median: c.stats.median,
        q1: c.stats.q1,
        q3: c.stats.q3,
        mean: c.stats.mean,
        ci95Low: c.stats.ci95[0],
        ci95High: c.stats.ci95[1],
      })),
    ),
  );
  writeFileAtomic(join(outDir, 'stats.json'), json(analysis.comparisons));
  const claims = checkClaims(summaries, analysis);

  const plotsDir = join(outDir, 'plots');
  mkdirSync(plotsDir, { recursive: true });
  const { configs, traffics, agents } = analysis;
  const perAgent = (f: (s: Summary, agent: string) => number, only?: (s: Summary) => boolean) =>
    summaries
      .filter((s) => only?.(s) ?? true)
      .flatMap((s) =>
        agents.map(
          (agent): PointRow => ({
            config: s.config,
            traffic: s.traffic,
            agent,
            value: f(s, agent),
          }),
        ),
      );
  const guided = configs.filter((c) => c !== 'marl-only');
  const plots: { file: string; caption: string; svg: Promise<string> }[] = [
    {
      file: 'plots/dropped-requests.svg',
      caption: 'Dropped requests per agent (test phase), by configuration and traffic level',
      svg: boxPlot({
        title: 'Dropped requests',
        yTitle: 'dropped requests (test phase)',
        rows: perAgent((s, a) => s.test.agents[a]!.droppedRequests),
        configs,
        traffics,
        byAgent: true,
      }),
    },
    {
      file: 'plots/llm-usage.svg',
      caption: 'LLM usage rate per agent: share of decisions that followed the planner',
      svg: boxPlot({
        title: 'LLM usage rate',
        yTitle: 'share of decisions',
        rows: perAgent(
          (s, a) => s.test.agents[a]!.llmUsageRate,
          (s) => s.config !== 'marl-only',
        ),
        configs: guided,
        traffics,
        byAgent: true,
      }),
    },
    {
      file: 'plots/system-failures.svg',
      caption: 'System failures: test steps in which some request went unserved',
      svg: boxPlot({
        title: 'System failures',
        yTitle: 'steps with a failure (test phase)',
        rows: summaries.map((s) => ({
          config: s.config,
          traffic: s.traffic,
          value: s.test.systemFailures,
        })),
        configs,
        traffics,
      }),
    },
    {
      file: 'plots/trust.svg',
      caption:
        'Trust over episodes (training then test): median over seeds, band = interquartile range',
      svg: lineChart({
        title: 'Trust in the planner',
        xTitle: 'episode',
        yTitle: 'trust',
        rows: trustRows(outDir, outcome, summaries),
        configs: guided,
        traffics,
        byAgent: true,
      }),
    },
  ];
  for (const plot of plots) writeFileAtomic(join(outDir, plot.file), await plot.svg);
  const reportFile = join(outDir, 'report.md');
  writeFileAtomic(
    reportFile,
    renderReport({
      scenario: scenarioName,
      scenarioFile,
      seeds: grid.seeds,
      analysis,
      claims,
      plots: plots.map(({ file, caption }) => ({ file, caption })),
      failures: outcome.failures.map((f) => ({ id: f.job.id, message: f.message })),
      jobs: summaries.length,
      allPairs: options.allPairs,
      summaries,
    }),
  );
  writeFileAtomic(join(outDir, 'claims.json'), json(claims));
  return { analysis, reportFile };
}
