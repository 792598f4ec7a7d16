/**
 * The experiment's unit of work. A job is one cell of the grid — configuration × traffic level ×
 * seed — described by plain data (the validated scenario travels with it), so it can run in a
 * worker thread here or, later, on another machine behind a job queue. Its results live in its own
 * run directory, `runs/<config>/<traffic>/seed-<n>/`, whose `summary.json` (written last) marks the
 * job as finished.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigName } from '../scenario/resolve.js';
import type { Scenario } from '../scenario/schema.js';

export interface Job {
  /**
   * `[<variant>/]<config>/<traffic>/seed-<n>`: unique within an experiment, and its run
   * directory. The variant part appears only in sweeps.
   */
  readonly id: string;
  /** Index of the sweep variant (0 in a plain experiment). */
  readonly variant: number;
  readonly config: ConfigName;
  readonly traffic: string;
  readonly seed: number;
}

/** One scenario the grid runs: the base scenario, or a sweep's variant of it. */
export interface Variant {
  /** Directory name of the variant's runs (empty in a plain experiment). */
  readonly key: string;
  readonly scenario: Scenario;
  /** The varied parameters' values, by path (empty in a plain experiment). */
  readonly values: Readonly<Record<string, unknown>>;
}

/** What a worker needs to run a job (structured-clone safe). */
export interface JobTask {
  readonly job: Job;
  readonly scenario: Scenario;
  /** Absolute run directory of the job. */
  readonly dir: string;
  readonly playbookFile?: string;
}

export interface GridSpec {
  readonly configs: readonly ConfigName[];
  readonly traffics: readonly string[];
  readonly seeds: readonly number[];
}

export const jobId = (variant: string, config: string, traffic: string, seed: number): string =>
  `${variant ? `${variant}/` : ''}${config}/${traffic}/seed-${seed}`;

/** Every job of the grid: variant-major, then configuration, traffic, seed. */
export function gridJobs(grid: GridSpec, variants: readonly Variant[]): Job[] {
  return variants.flatMap((v, variant) =>
    grid.configs.flatMap((config) =>
      grid.traffics.flatMap((traffic) =>
        grid.seeds.map((seed) => ({
          id: jobId(v.key, config, traffic, seed),
          variant,
          config,
          traffic,
          seed,
        })),
      ),
    ),
  );
}

export const jobDir = (outDir: string, job: Job): string => join(outDir, 'runs', job.id);

/** A short content hash of the scenarios: experiments resume only on the very same ones. */
export function scenarioHash(scenarios: readonly Scenario[]): string {
  const hash = createHash('sha256');
  for (const s of scenarios) hash.update(JSON.stringify(s));
  return hash.digest('hex').slice(0, 16);
}

/** The job's summary if it finished (its summary.json exists and names this job), else null. */
export function finishedSummary(outDir: string, job: Job): unknown {
  const file = join(jobDir(outDir, job), 'summary.json');
  if (!existsSync(file)) return null;
  try {
    const s = JSON.parse(readFileSync(file, 'utf8'));
    return s.config === job.config && s.traffic === job.traffic && s.seed === job.seed ? s : null;
  } catch {
    return null; // unreadable: run it again
  }
}
