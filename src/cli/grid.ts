/**
 * What `experiment` and `sweep` share: the grid's flags, loading and checking the scenario, and
 * running the grid with progress and Ctrl-C, locally or on a queue (whose results `collect`
 * finishes). A thin adapter over `src/experiment/`.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import type { Variant } from '../experiment/jobs.js';
import { parseQueueUrl } from '../experiment/queue.js';
import { submitToQueue } from '../experiment/queueSubmit.js';
import { type ExperimentOutcome, runExperiment } from '../experiment/run.js';
import { loadScenarioFile } from '../scenario/load.js';
import type { ConfigName } from '../scenario/resolve.js';
import type { Scenario } from '../scenario/schema.js';
import { checkLlmAccess, type LlmFlags, llmFilesOf, llmOptions, llmSets } from './llm.js';
import {
  chooseConfigs,
  chooseLevels,
  parsePositive,
  parseSeedList,
  SET_OPTION,
  scenarioLabel,
} from './options.js';
import { withProgress } from './progress.js';

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

/** The options `experiment` and `sweep` share: the grid, the pool, the output, resume. */
export function gridOptions(command: Command, what: string, traffic: string): void {
  command
    .option('-c, --configs <names>', `configurations: comma-separated, or 'all'`, 'all')
    .option('-t, --traffic <levels>', "traffic levels: comma-separated, or 'all'", traffic)
    .option('-n, --seeds <n>', 'seeds 1..n (default 10)', parsePositive)
    .option('--seed-list <seeds>', 'explicit seeds, comma-separated', parseSeedList)
    .option('-w, --workers <n>', 'worker threads (default: one per CPU)', parsePositive)
    .option('-o, --out <dir>', `${what} directory (default runs/<scenario>-${what})`)
    .option('--resume', `finish an interrupted ${what} in --out: skip the runs already done`)
    .option(
      '--queue <url>',
      'run the jobs on `aura worker` processes through Redis at redis://[USER:PASSWORD@]HOST[:PORT][/DB] instead of locally',
    )
    .option('--detach', 'with --queue: return once the jobs are queued (gather with aura collect)')
    .option('--no-progress', 'no progress output')
    .option(...SET_OPTION);
  llmOptions(command);
}

/** What `experiment` and `sweep` share before they run: the scenario, the grid, the checks. */
export function prepareGrid(file: string, flags: ExperimentFlags) {
  const configs = chooseConfigs(flags.configs, '--configs');
  const set = [...llmSets(flags), ...flags.set];
  const scenario = loadScenarioFile(file, { set });
  const traffics = chooseLevels(scenario, flags.traffic, file);
  // On a queue the runs need the keys on the workers, not here.
  if (!flags.queue) {
    checkLlmAccess(
      scenario,
      configs.some((c) => c !== 'marl-only'),
      llmFilesOf(flags),
    );
  }
  return { label: scenarioLabel(file, set), scenario, configs, traffics };
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

export interface GridRequest {
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
export async function runGrid(
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

/** The seeds `--seeds` or `--seed-list` choose (1..10 by default). */
export function seedsOf(flags: ExperimentFlags): number[] {
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
