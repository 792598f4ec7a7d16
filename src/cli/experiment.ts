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
import { parseQueueUrl } from '../experiment/queue.js';
import { submitToQueue } from '../experiment/queueSubmit.js';
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
  /** `redis://…`: run the grid on the workers of this queue instead of locally. */
  queue?: string;
  /** With `--queue`: return once the jobs are queued (`aura collect` gathers them). */
  detach?: boolean;
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
export function progressReporter(total: number, enabled: boolean) {
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

/** How a grid is described before it runs (stderr). */
function announce(
  grid: { configs: ConfigName[]; traffics: string[]; seeds: number[] },
  settings: number | null,
  total: number,
  where: string,
  outDir: string,
): void {
  process.stderr.write(
    `${settings !== null ? `sweep: ${n(settings, 'setting')} × ` : 'experiment: '}${n(grid.configs.length, 'configuration')} × ${n(grid.traffics.length, 'traffic level')} × ${n(grid.seeds.length, 'seed')} = ${n(total, 'run')} ${where} → ${outDir}\n`,
  );
}

const n = (count: number, what: string) => `${count} ${what}${count === 1 ? '' : 's'}`;

/**
 * Runs `work` with a progress reporter and Ctrl-C wired to an abort signal; the reporter is
 * stopped and the handler removed whatever happens.
 */
export async function withProgress<T>(
  total: number,
  enabled: boolean,
  work: (
    signal: AbortSignal,
    onJob: (e: JobEvent) => void,
    onNotice: (message: string) => void,
  ) => Promise<T>,
): Promise<T> {
  const progress = progressReporter(total, enabled);
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  try {
    return await work(abort.signal, progress.onJob, (message) =>
      process.stderr.write(`note: ${message}\n`),
    );
  } finally {
    progress.stop();
    process.off('SIGINT', onSigint);
  }
}

/** Reports an interrupted or resumed grid; null if it was interrupted. */
export function settled(
  outcome: ExperimentOutcome,
  outDir: string,
  resumeHint: string,
): ExperimentOutcome | null {
  if (outcome.interrupted) {
    process.stderr.write(
      `interrupted: ${outcome.summaries.length} of ${outcome.jobs.length} runs finished and kept in ${outDir}; ${resumeHint}\n`,
    );
    process.exitCode = 130;
    return null;
  }
  if (outcome.skipped > 0) {
    process.stderr.write(`resumed: ${outcome.skipped} finished runs reused\n`);
  }
  return outcome;
}

interface GridRequest {
  readonly kind: 'experiment' | 'sweep';
  readonly file: string;
  readonly scenario: Scenario;
  readonly grid: { configs: ConfigName[]; traffics: string[]; seeds: number[] };
  readonly outDir: string;
  readonly variants?: Variant[];
  /** A sweep's `--vary` specifications, as given (recorded for `aura collect`). */
  readonly vary?: string[];
}

/**
 * Runs a grid (an experiment's or a sweep's) with progress and Ctrl-C, locally or on a queue;
 * null if interrupted or detached.
 */
async function runGrid(
  req: GridRequest,
  flags: ExperimentFlags,
): Promise<ExperimentOutcome | null> {
  const { file, scenario, grid, outDir, variants } = req;
  const settings = variants ? variants.length : null;
  const total = (settings ?? 1) * grid.configs.length * grid.traffics.length * grid.seeds.length;
  if (flags.detach && !flags.queue) throw new UserError('--detach needs --queue <url>');
  if (flags.queue) {
    if (flags.workers !== undefined) {
      throw new UserError(
        '--workers sets local threads; with --queue the jobs run on `aura worker` processes (each with --concurrency)',
      );
    }
    if (flags.record || flags.replay) {
      throw new UserError(
        '--record and --replay use files on this machine: they cannot be used with --queue (the runs happen on the workers)',
      );
    }
    const url = parseQueueUrl(flags.queue);
    announce(grid, settings, total, `on queue ${url.display}`, outDir);
    const submitted = await withProgress(
      flags.detach ? 0 : total,
      flags.progress && !flags.detach,
      (signal, onJob, onNotice) =>
        submitToQueue({
          kind: req.kind,
          scenario,
          variants,
          scenarioFile: file,
          grid,
          outDir,
          resume: flags.resume ?? false,
          url,
          vary: req.vary ?? [],
          allPairs: flags.allPairs ?? false,
          detach: flags.detach ?? false,
          signal,
          onJob,
          onNotice,
        }),
    );
    if (submitted.detached) {
      process.stdout.write(
        `submitted: ${submitted.queued} of ${submitted.total} runs on the queue; when the workers are done, gather them with:\n  aura collect ${outDir} --queue ${url.display}\n`,
      );
      return null;
    }
    return settled(
      submitted.outcome,
      outDir,
      `the jobs stay queued and the workers go on: gather them with aura collect ${outDir} --queue ${url.display}`,
    );
  }
  const workers = flags.workers ?? Math.max(1, availableParallelism());
  announce(grid, settings, total, `on ${n(Math.min(workers, total), 'worker')}`, outDir);
  const outcome = await withProgress(total, flags.progress, (signal, onJob, onNotice) =>
    runExperiment({
      scenario,
      variants,
      scenarioFile: file,
      grid,
      outDir,
      workers,
      resume: flags.resume ?? false,
      llm: llmFilesOf(flags),
      signal,
      onJob,
      onNotice,
    }),
  );
  return settled(outcome, outDir, 'run the same command with --resume to finish');
}

function seedsOf(flags: ExperimentFlags): number[] {
  if (flags.seeds !== undefined && flags.seedList !== undefined) {
    throw new UserError('--seeds and --seed-list both choose the seeds: give one');
  }
  return flags.seedList ?? Array.from({ length: flags.seeds ?? 10 }, (_, i) => i + 1);
}

export function failuresError(outcome: ExperimentOutcome, outDir: string): UserError {
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
  const outcome = await runGrid(
    { kind: 'sweep', file, scenario, grid, outDir, variants, vary: flags.vary },
    flags,
  );
  if (!outcome) return;
  await finishSweep(
    outDir,
    file,
    grid,
    varies.map((v) => v.path),
    outcome,
  );
}

/** A sweep's outputs from its outcome, the paths on stdout; throws if some runs failed. */
export async function finishSweep(
  outDir: string,
  file: string,
  grid: { configs: readonly string[]; traffics: readonly string[]; seeds: readonly number[] },
  paths: string[],
  outcome: ExperimentOutcome,
): Promise<void> {
  const report = await writeSweepOutputs(outDir, file, grid, paths, outcome);
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
  const outcome = await runGrid({ kind: 'experiment', file, scenario, grid, outDir }, flags);
  if (!outcome) return;
  await finishExperiment(outDir, file, scenario.name, grid, outcome, flags.allPairs ?? false);
}

/** An experiment's outputs from its outcome, the headline table on stdout; throws if runs failed. */
export async function finishExperiment(
  outDir: string,
  file: string,
  scenarioName: string,
  grid: { configs: readonly string[]; traffics: readonly string[]; seeds: readonly number[] },
  outcome: ExperimentOutcome,
  allPairs: boolean,
): Promise<void> {
  const { analysis, reportFile } = await writeExperimentOutputs(
    outDir,
    file,
    scenarioName,
    grid,
    outcome,
    { allPairs },
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
