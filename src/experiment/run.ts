/**
 * Runs an experiment grid: every job not finished yet goes to a pool of worker threads (piscina);
 * each worker writes its job's run directory; a job that fails is recorded with its cell and seed
 * and the others go on. Interrupted (Ctrl-C, a killed process), the experiment restarts with
 * `resume` and runs only the jobs whose `summary.json` is missing. Results are the same whatever
 * the number of workers: each job depends only on the scenario, its cell and its seed.
 */
import { setMaxListeners } from 'node:events';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Piscina } from 'piscina';
import { UserError } from '../errors.js';
import type { LlmFiles } from '../run/execute.js';
import { json, writeFileAtomic } from '../run/runDir.js';
import type { Summary } from '../run/summary.js';
import type { Scenario } from '../scenario/schema.js';
import { VERSION } from '../version.js';
import {
  codeFingerprint,
  FATAL_PREFIX,
  finishedSummary,
  type GridSpec,
  gridJobs,
  type Job,
  type JobTask,
  jobDir,
  scenarioHash,
  type Variant,
} from './jobs.js';

export const EXPERIMENT_FORMAT = 'aura-sim/experiment@1';

export interface ExperimentOptions {
  readonly scenario: Scenario;
  /** A sweep's variants of the scenario (default: the scenario alone). */
  readonly variants?: readonly Variant[];
  readonly scenarioFile: string;
  readonly grid: GridSpec;
  readonly outDir: string;
  readonly workers: number;
  readonly resume: boolean;
  readonly playbookFile?: string;
  readonly llm?: LlmFiles;
  /** Aborting stops the pool; finished jobs stay on disk for `resume`. */
  readonly signal?: AbortSignal;
  readonly onJob?: (event: JobEvent) => void;
  /** Things the user should know before the runs start (a changed grid, runs made by another build). */
  readonly onNotice?: (message: string) => void;
}

export interface JobEvent {
  readonly job: Job;
  readonly status: 'done' | 'failed' | 'skipped';
  readonly done: number;
  readonly total: number;
  readonly message?: string;
}

export interface JobFailure {
  readonly job: Job;
  readonly message: string;
}

export interface ExperimentOutcome {
  /** Summaries of the finished jobs, in grid order. */
  readonly summaries: Summary[];
  /** The same, with their jobs. */
  readonly finished: { readonly job: Job; readonly summary: Summary }[];
  readonly failures: JobFailure[];
  /** Jobs found finished on disk and not run again. */
  readonly skipped: number;
  readonly interrupted: boolean;
  readonly jobs: Job[];
  readonly variants: readonly Variant[];
}

interface Manifest {
  readonly format: string;
  readonly scenario: string;
  readonly scenarioHash: string;
  readonly scenarioFile: string;
  readonly grid: GridSpec;
  readonly version: string;
}

/** What `prepareOutDir` and `planGrid` need of an experiment's options. */
export type GridOptions = Pick<
  ExperimentOptions,
  'scenario' | 'variants' | 'scenarioFile' | 'grid' | 'outDir' | 'resume' | 'onJob' | 'onNotice'
>;

/** Checks (or creates) `experiment.json`: a resumed experiment must run the same scenario. */
export function prepareOutDir(opts: GridOptions, variants: readonly Variant[]): string[] {
  const notices: string[] = [];
  const file = join(opts.outDir, 'experiment.json');
  const hash = scenarioHash(variants.map((v) => v.scenario));
  if (existsSync(opts.outDir) && !statSync(opts.outDir).isDirectory()) {
    throw new UserError(`--out ${opts.outDir} is a file, not a directory`);
  }
  if (existsSync(file)) {
    if (!opts.resume) {
      throw new UserError(
        `${opts.outDir} already holds an experiment; pass --resume to finish it, or choose another --out`,
      );
    }
    let old: Manifest;
    try {
      old = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new UserError(`${file}: unreadable (${(err as Error).message})`);
    }
    if (old.scenarioHash !== hash) {
      throw new UserError(
        `${opts.outDir}: the experiment there ran scenario '${old.scenario}' (${old.scenarioFile}) with different contents; resume it with the same scenario, or choose another --out`,
      );
    }
    if (JSON.stringify(old.grid) !== JSON.stringify(opts.grid)) {
      notices.push(
        `the grid differs from the one recorded in ${file}; the results will cover this command's grid`,
      );
    }
  } else if (existsSync(join(opts.outDir, 'runs'))) {
    throw new UserError(
      `${opts.outDir} holds runs but no experiment.json: it is not an experiment this command can resume; choose another --out`,
    );
  }
  mkdirSync(opts.outDir, { recursive: true });
  const manifest: Manifest = {
    format: EXPERIMENT_FORMAT,
    scenario: opts.scenario.name,
    scenarioHash: hash,
    scenarioFile: opts.scenarioFile,
    grid: opts.grid,
    version: VERSION,
  };
  writeFileAtomic(file, json(manifest));
  return notices;
}

/** An experiment's jobs, split into those finished on disk (resume) and those still to run. */
export interface GridPlan {
  readonly jobs: Job[];
  readonly variants: readonly Variant[];
  /** Per variant: what made its runs (scenario contents and code), recorded in `job.json`. */
  readonly fingerprints: readonly string[];
  readonly pending: Job[];
  /** Summaries of the finished jobs, by job id. */
  readonly summaries: Map<string, Summary>;
  readonly skipped: number;
}

/**
 * Prepares the output directory and finds which jobs still have to run; reports the reused ones
 * through `onJob` and anything worth knowing through `onNotice`. `code` is the fingerprint of the
 * code that runs the jobs (default: this build).
 */
export function planGrid(opts: GridOptions, code = codeFingerprint()): GridPlan {
  const variants = opts.variants ?? [{ key: '', scenario: opts.scenario, values: {} }];
  const notices = prepareOutDir(opts, variants);
  const jobs = gridJobs(opts.grid, variants);
  const fingerprints = variants.map((v) => `${scenarioHash([v.scenario])}-${code}`);
  let foreign = 0;
  const summaries = new Map<string, Summary>();
  let skipped = 0;
  const pending: Job[] = [];
  for (const job of jobs) {
    const finished = opts.resume
      ? finishedSummary(opts.outDir, job, fingerprints[job.variant]!)
      : ({ state: 'missing' } as const);
    if (finished.state === 'foreign') foreign++;
    if (finished.state === 'done') {
      summaries.set(job.id, finished.summary as Summary);
      skipped++;
      opts.onJob?.({ job, status: 'skipped', done: skipped, total: jobs.length });
    } else pending.push(job);
  }
  if (foreign > 0) {
    notices.push(
      `${foreign} finished run${foreign === 1 ? ' was' : 's were'} made by another build of aura-sim: running ${foreign === 1 ? 'it' : 'them'} again`,
    );
  }
  for (const n of notices) opts.onNotice?.(n);
  return { jobs, variants, fingerprints, pending, summaries, skipped };
}

/** The outcome of a grid from its plan, the summaries gathered and the failures. */
export function gridOutcome(
  plan: GridPlan,
  failures: JobFailure[],
  interrupted: boolean,
): ExperimentOutcome {
  const { jobs, summaries } = plan;
  const order = new Map(jobs.map((j, i) => [j.id, i]));
  failures.sort((a, b) => order.get(a.job.id)! - order.get(b.job.id)!);
  return {
    summaries: jobs.flatMap((j) => summaries.get(j.id) ?? []),
    finished: jobs.flatMap((job) => {
      const summary = summaries.get(job.id);
      return summary ? [{ job, summary }] : [];
    }),
    failures,
    skipped: plan.skipped,
    interrupted,
    jobs,
    variants: plan.variants,
  };
}

export async function runExperiment(opts: ExperimentOptions): Promise<ExperimentOutcome> {
  const plan = planGrid(opts);
  const { jobs, variants, fingerprints, pending, summaries } = plan;
  const failures: JobFailure[] = [];
  let done = plan.skipped;
  let interrupted = false;
  // A fatal model error (no key, refused key, unknown model) stops every run: they would all fail.
  let fatal: string | undefined;
  const stop = new AbortController();
  opts.signal?.addEventListener('abort', () => stop.abort(), { once: true });
  // Every queued task listens to the abort signal: more than Node's default of 10.
  setMaxListeners(pending.length + 10, stop.signal);
  if (pending.length > 0) {
    const pool = new Piscina({
      filename: new URL('./worker.js', import.meta.url).href,
      minThreads: Math.min(opts.workers, pending.length),
      maxThreads: Math.min(opts.workers, pending.length),
    });
    try {
      await Promise.all(
        pending.map(async (job) => {
          const task: JobTask = {
            job,
            scenario: variants[job.variant]!.scenario,
            dir: resolve(jobDir(opts.outDir, job)),
            fingerprint: fingerprints[job.variant]!,
            playbookFile: opts.playbookFile,
            llm: opts.llm,
          };
          try {
            const summary: Summary = await pool.run(task, { signal: stop.signal });
            summaries.set(job.id, summary);
            done++;
            opts.onJob?.({ job, status: 'done', done, total: jobs.length });
          } catch (err) {
            if (fatal) return; // stopped by a fatal model error
            if (opts.signal?.aborted) {
              interrupted = true;
              return;
            }
            const message = (err as Error).message ?? String(err);
            if (message.startsWith(FATAL_PREFIX)) {
              fatal ??= message.slice(FATAL_PREFIX.length);
              stop.abort();
              return;
            }
            failures.push({ job, message });
            done++;
            opts.onJob?.({ job, status: 'failed', done, total: jobs.length, message });
          }
        }),
      );
    } finally {
      await pool.destroy();
    }
  }
  if (fatal !== undefined) {
    throw new UserError(
      `${fatal}\n(stopped the runs; ${summaries.size} finished runs are kept in ${opts.outDir}: fix this and use --resume)`,
    );
  }
  return gridOutcome(plan, failures, interrupted);
}
