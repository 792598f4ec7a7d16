/**
 * The experiment's unit of work. A job is one cell of the grid — configuration × traffic level ×
 * seed — described by plain data (the validated scenario travels with it), so it can run in a
 * worker thread here or, later, on another machine behind a job queue. Its results live in its own
 * run directory, `runs/<config>/<traffic>/seed-<n>/`, whose `summary.json` (written last) marks the
 * job as finished.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LlmFiles } from '../run/execute.js';
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
/** Marks a fatal model error crossing from a worker thread (errors arrive as plain errors). */
export const FATAL_PREFIX = 'fatal model error: ';

export interface JobTask {
  readonly job: Job;
  readonly scenario: Scenario;
  /** Identifies what produced the run (scenario contents and code); kept in `job.json`. */
  readonly fingerprint: string;
  /** Absolute run directory of the job. */
  readonly dir: string;
  readonly playbookFile?: string;
  /** Record model exchanges to a file, or replay them from one. */
  readonly llm?: LlmFiles;
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

let codeHash: string | undefined;

/**
 * A digest of the code that runs jobs (every file of the compiled package, or of the sources in
 * development): a run made by another build is not reused on resume.
 */
export function codeFingerprint(): string {
  if (codeHash !== undefined) return codeHash;
  const root = join(dirname(fileURLToPath(import.meta.url)), '..'); // src/ or dist/src/
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(js|ts)$/.test(name) && !name.endsWith('.d.ts')) {
        hash.update(name).update(readFileSync(path));
      }
    }
  };
  walk(root);
  codeHash = hash.digest('hex').slice(0, 16);
  return codeHash;
}

/** What a finished run records about its making: the job and the fingerprint. */
export const JOB_FILE = 'job.json';

export type Finished =
  | { readonly state: 'done'; readonly summary: unknown }
  | { readonly state: 'missing' }
  | { readonly state: 'foreign' }; // made by another scenario or build: run again

/**
 * Whether the job finished in `outDir` under this `fingerprint`: its `job.json` matches and its
 * summary.json (written last) exists and names the job.
 */
export function finishedSummary(outDir: string, job: Job, fingerprint: string): Finished {
  const dir = jobDir(outDir, job);
  const file = join(dir, 'summary.json');
  if (!existsSync(file)) return { state: 'missing' };
  try {
    const made = JSON.parse(readFileSync(join(dir, JOB_FILE), 'utf8'));
    if (made.fingerprint !== fingerprint) return { state: 'foreign' };
    const s = JSON.parse(readFileSync(file, 'utf8'));
    const same = s.config === job.config && s.traffic === job.traffic && s.seed === job.seed;
    return same ? { state: 'done', summary: s } : { state: 'foreign' };
  } catch {
    return { state: 'missing' }; // unreadable or without job.json: run it again
  }
}
