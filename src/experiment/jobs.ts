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
  /** `<config>/<traffic>/seed-<n>`: unique within an experiment, and its run directory. */
  readonly id: string;
  readonly config: ConfigName;
  readonly traffic: string;
  readonly seed: number;
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

export const jobId = (config: string, traffic: string, seed: number): string =>
  `${config}/${traffic}/seed-${seed}`;

/** Every job of the grid, configuration-major, then traffic, then seed. */
export function gridJobs(grid: GridSpec): Job[] {
  return grid.configs.flatMap((config) =>
    grid.traffics.flatMap((traffic) =>
      grid.seeds.map((seed) => ({ id: jobId(config, traffic, seed), config, traffic, seed })),
    ),
  );
}

export const jobDir = (outDir: string, job: Job): string => join(outDir, 'runs', job.id);

/** A short content hash of the scenario: experiments resume only on the very same scenario. */
export function scenarioHash(scenario: Scenario): string {
  return createHash('sha256').update(JSON.stringify(scenario)).digest('hex').slice(0, 16);
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
