/**
 * `aura experiment`: the paper's grid (configurations × traffic levels × seeds) on a pool of
 * worker threads, then the results, statistics and report. A thin adapter over
 * `src/experiment/`: flags, progress, Ctrl-C, exit codes.
 */

import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { SingleBar } from 'cli-progress';
import { InvalidArgumentError } from 'commander';
import { UserError } from '../errors.js';
import type { Variant } from '../experiment/jobs.js';
import { writeExperimentOutputs } from '../experiment/outputs.js';
import { cellOf } from '../experiment/results.js';
import { type ExperimentOutcome, type JobEvent, runExperiment } from '../experiment/run.js';
import { parseVary, sweepVariants } from '../experiment/sweep.js';
import { writeSweepOutputs } from '../experiment/sweepOutputs.js';
import type { ConfigName } from '../scenario/resolve.js';
import type { Scenario } from '../scenario/schema.js';
import { type LlmFlags, llmFilesOf } from './llm.js';

export interface ExperimentFlags extends LlmFlags {
  configs: string;
  traffic: string;
  seeds?: number;
  seedList?: number[];
  workers?: number;
  out?: string;
  resume?: boolean;
  allPairs?: boolean;
  progress: boolean;
  /** `--set` overrides, already applied to the scenario by the loader. */
  set: string[];
}

/** `--seed-list 1,2,7`: distinct non-negative integers. */
export function parseSeedList(value: string): number[] {
  const seeds = value.split(',').map((s) => s.trim());
  if (
    seeds.length === 0 ||
    seeds.some((s) => !/^\d+$/.test(s) || !Number.isSafeInteger(Number(s)))
  ) {
    throw new InvalidArgumentError('expected a comma-separated list of non-negative integers.');
  }
  return [...new Set(seeds.map(Number))];
}

export function parsePositive(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError('expected a positive integer.');
  }
  return n;
}

const duration = (ms: number) => {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
};

/**
 * Progress on stderr: a bar with ETA on a terminal, else a line every 10% or 10 seconds. Runs
 * reused on resume count as done but not in the rate the ETA is computed from.
 */
function progressReporter(total: number, enabled: boolean) {
  let started = Date.now();
  let failed = 0;
  let reused = 0;
  const eta = (done: number, now: number) => {
    const ran = done - reused;
    return ran > 0 ? ((now - started) / ran) * (total - done) : 0;
  };
  if (enabled && process.stderr.isTTY) {
    const bar = new SingleBar({
      stream: process.stderr,
      format: 'runs [{bar}] {value}/{total} | {failed} failed | ETA {eta}',
      hideCursor: true,
    });
    bar.start(total, 0, { failed, eta: '–' });
    return {
      onJob: (e: JobEvent) => {
        if (e.status === 'failed') failed++;
        if (e.status === 'skipped') {
          reused++;
          started = Date.now();
        }
        bar.update(e.done, {
          failed,
          eta: e.done < total ? duration(eta(e.done, Date.now())) : '0s',
        });
      },
      stop: () => bar.stop(),
    };
  }
  let lastAt = started;
  let lastShare = 0;
  return {
    onJob: (e: JobEvent) => {
      if (e.status === 'skipped') {
        reused++;
        started = Date.now();
        lastShare = e.done / total;
        return; // reported once, in the summary line
      }
      if (e.status === 'failed') {
        failed++;
        process.stderr.write(`run ${e.job.id} failed: ${e.message}\n`);
      }
      const now = Date.now();
      const share = e.done / total;
      if (e.done < total && share - lastShare < 0.1 && now - lastAt < 10_000) return;
      lastAt = now;
      lastShare = share;
      process.stderr.write(
        `[${String(e.done).padStart(String(total).length)}/${total}] ${(100 * share).toFixed(0)}% of runs done, ${failed} failed${e.done < total ? `, ETA ${duration(eta(e.done, now))}` : `, ${duration(now - started)}`}\n`,
      );
    },
    stop: () => {},
  };
}

/** Runs a grid (an experiment's or a sweep's) with progress and Ctrl-C; null if interrupted. */
async function runGrid(
  file: string,
  scenario: Scenario,
  grid: { configs: ConfigName[]; traffics: string[]; seeds: number[] },
  flags: ExperimentFlags,
  outDir: string,
  variants?: Variant[],
): Promise<ExperimentOutcome | null> {
  const workers = flags.workers ?? Math.max(1, availableParallelism());
  const settings = variants?.length ?? 1;
  const total = settings * grid.configs.length * grid.traffics.length * grid.seeds.length;
  const n = (count: number, what: string) => `${count} ${what}${count === 1 ? '' : 's'}`;
  process.stderr.write(
    `${variants ? `sweep: ${n(settings, 'setting')} × ` : 'experiment: '}${n(grid.configs.length, 'configuration')} × ${n(grid.traffics.length, 'traffic level')} × ${n(grid.seeds.length, 'seed')} = ${n(total, 'run')} on ${n(Math.min(workers, total), 'worker')} → ${outDir}\n`,
  );
  const progress = progressReporter(total, flags.progress);
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  let outcome: ExperimentOutcome;
  try {
    outcome = await runExperiment({
      scenario,
      variants,
      scenarioFile: file,
      grid,
      outDir,
      workers,
      resume: flags.resume ?? false,
      llm: llmFilesOf(flags),
      signal: abort.signal,
      onJob: progress.onJob,
      onNotice: (message) => process.stderr.write(`note: ${message}\n`),
    });
  } finally {
    progress.stop();
    process.off('SIGINT', onSigint);
  }
  if (outcome.interrupted) {
    process.stderr.write(
      `interrupted: ${outcome.summaries.length} of ${total} runs finished and kept in ${outDir}; run the same command with --resume to finish\n`,
    );
    process.exitCode = 130;
    return null;
  }
  if (outcome.skipped > 0) {
    process.stderr.write(`resumed: ${outcome.skipped} finished runs reused\n`);
  }
  return outcome;
}

function seedsOf(flags: ExperimentFlags): number[] {
  if (flags.seeds !== undefined && flags.seedList !== undefined) {
    throw new UserError('--seeds and --seed-list both choose the seeds: give one');
  }
  return flags.seedList ?? Array.from({ length: flags.seeds ?? 10 }, (_, i) => i + 1);
}

function failuresError(outcome: ExperimentOutcome, outDir: string): UserError {
  const total = outcome.jobs.length;
  return new UserError(
    `${outcome.failures.length} of ${total} runs failed (listed in ${join(outDir, 'failures.jsonl')} and the report):\n${outcome.failures
      .map((f) => `  - ${f.job.id}: ${f.message}`)
      .join('\n')}`,
  );
}

export interface SweepFlags extends ExperimentFlags {
  vary: string[];
}

export async function sweepCommand(
  file: string,
  scenario: Scenario,
  configs: ConfigName[],
  traffics: string[],
  flags: SweepFlags,
): Promise<void> {
  if (flags.vary.length === 0) throw new UserError('sweep: give at least one --vary PATH=V1,V2,…');
  const varies = flags.vary.map(parseVary);
  const variants = sweepVariants(scenario, varies);
  const grid = { configs, traffics, seeds: seedsOf(flags) };
  const outDir = flags.out ?? join('runs', `${scenario.name}-sweep`);
  const outcome = await runGrid(file, scenario, grid, flags, outDir, variants);
  if (!outcome) return;
  const report = await writeSweepOutputs(
    outDir,
    file,
    grid,
    varies.map((v) => v.path),
    outcome,
  );
  process.stdout.write(`sweep: ${join(outDir, 'sweep.csv')}\nreport: ${report}\n`);
  if (outcome.failures.length > 0) throw failuresError(outcome, outDir);
}

export async function experimentCommand(
  file: string,
  scenario: Scenario,
  configs: ConfigName[],
  traffics: string[],
  flags: ExperimentFlags,
): Promise<void> {
  const grid = { configs, traffics, seeds: seedsOf(flags) };
  const outDir = flags.out ?? join('runs', `${scenario.name}-experiment`);
  const outcome = await runGrid(file, scenario, grid, flags, outDir);
  if (!outcome) return;
  const { analysis, reportFile } = await writeExperimentOutputs(
    outDir,
    file,
    scenario.name,
    grid,
    outcome,
    { allPairs: flags.allPairs },
  );
  // The headline table: median dropped requests per agent, LLM usage, system failures.
  const lines: string[] = [];
  const header = ['configuration', ...analysis.traffics].map((s) => s.padEnd(14)).join('');
  for (const [metric, label] of [
    ['droppedRequests', 'dropped requests (median)'],
    ['llmUsageRate', 'LLM usage rate (median)'],
  ] as const) {
    for (const agent of analysis.agents) {
      lines.push(`${label} — ${agent}`, header);
      for (const config of analysis.configs) {
        const cells = analysis.traffics.map((t) => {
          const m = cellOf(analysis, metric, agent, config, t)?.stats.median;
          const text =
            m === undefined
              ? '–'
              : metric === 'llmUsageRate'
                ? `${(100 * m).toFixed(1)}%`
                : String(m);
          return text.padEnd(14);
        });
        lines.push([config.padEnd(14), ...cells].join(''));
      }
      lines.push('');
    }
  }
  lines.push('system failures (median)', header);
  for (const config of analysis.configs) {
    const cells = analysis.traffics.map((t) =>
      String(cellOf(analysis, 'systemFailures', null, config, t)?.stats.median ?? '–').padEnd(14),
    );
    lines.push([config.padEnd(14), ...cells].join(''));
  }
  process.stdout.write(`${lines.join('\n')}\n\nreport: ${reportFile}\n`);
  if (outcome.failures.length > 0) throw failuresError(outcome, outDir);
}
