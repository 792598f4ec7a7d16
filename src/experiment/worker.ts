/**
 * A worker thread of the experiment pool. `runJob` (the default export) runs one job and writes
 * its run directory (atomically, summary last), returning the summary; the per-episode series
 * stays on disk. `computeJob` runs one job for a queue worker and returns the run directory's
 * files as text instead, for the queue to carry back to the submitter.
 */

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { LlmFatalError } from '../llm/types.js';
import { executeRun } from '../run/execute.js';
import {
  json,
  type RunFileName,
  runDirTexts,
  writeFileAtomic,
  writeRunDir,
} from '../run/runDir.js';
import type { Summary } from '../run/summary.js';
import type { ConfigName } from '../scenario/resolve.js';
import type { Scenario } from '../scenario/schema.js';
import { FATAL_PREFIX, JOB_FILE, type JobTask } from './jobs.js';

export default async function runJob(task: JobTask): Promise<Summary> {
  const { job, scenario, dir, playbookFile, fingerprint, llm } = task;
  let result: Awaited<ReturnType<typeof executeRun>>;
  try {
    result = await executeRun({
      scenario,
      traffic: job.traffic,
      config: job.config,
      seed: job.seed,
      playbookFile,
      llm,
      seriesFile: join(dir, 'episodes.csv.partial'),
    });
  } catch (err) {
    // Errors cross the thread boundary as plain errors: mark the fatal ones by their message.
    if (err instanceof LlmFatalError) throw new Error(`${FATAL_PREFIX}${err.message}`);
    throw err;
  }
  // job.json first: summary.json, written last by writeRunDir, marks the run finished.
  rmSync(join(dir, 'summary.json'), { force: true }); // a run by another build is not finished
  writeFileAtomic(join(dir, JOB_FILE), json({ job, fingerprint }));
  writeRunDir(dir, result.files);
  return result.summary;
}

/** One run as a queue worker asks for it: plain, validated data. */
export interface ComputeTask {
  readonly scenario: Scenario;
  readonly config: ConfigName;
  readonly traffic: string;
  readonly seed: number;
}

/**
 * The run's files, or the message of a problem with the job itself (a `UserError`: its class does
 * not survive the trip out of the thread, so it is returned, not thrown).
 */
export type ComputeResult =
  | { readonly files: [RunFileName, string][] }
  | { readonly userError: string };

export async function computeJob(task: ComputeTask): Promise<ComputeResult> {
  try {
    const result = await executeRun(task);
    return { files: runDirTexts(result.files) };
  } catch (err) {
    // A fatal model error (no key, refused key): this worker's environment may be the problem,
    // so the job is retried (perhaps elsewhere) before it is reported. (It is a UserError too:
    // test it first.)
    if (err instanceof LlmFatalError) throw new Error(`${FATAL_PREFIX}${err.message}`);
    if (err instanceof UserError) return { userError: err.message };
    throw err;
  }
}
