/**
 * A worker thread of the experiment pool: runs one job and writes its run directory (atomically,
 * summary last). Returns the job's summary; the per-episode series stays on disk.
 */

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { LlmFatalError } from '../llm/types.js';
import { executeRun } from '../run/execute.js';
import { json, writeFileAtomic, writeRunDir } from '../run/runDir.js';
import type { Summary } from '../run/summary.js';
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
