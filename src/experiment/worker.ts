/**
 * A worker thread of the experiment pool: runs one job and writes its run directory (atomically,
 * summary last). Returns the job's summary; the per-episode series stays on disk.
 */

import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { executeRun } from '../run/execute.js';
import { json, writeFileAtomic, writeRunDir } from '../run/runDir.js';
import type { Summary } from '../run/summary.js';
import { JOB_FILE, type JobTask } from './jobs.js';

export default async function runJob(task: JobTask): Promise<Summary> {
  const { job, scenario, dir, playbookFile, fingerprint } = task;
  const result = await executeRun({
    scenario,
    traffic: job.traffic,
    config: job.config,
    seed: job.seed,
    playbookFile,
  });
  // job.json first: summary.json, written last by writeRunDir, marks the run finished.
  mkdirSync(dir, { recursive: true });
  rmSync(join(dir, 'summary.json'), { force: true }); // a run by another build is not finished
  writeFileAtomic(join(dir, JOB_FILE), json({ job, fingerprint }));
  writeRunDir(dir, result.files);
  return result.summary;
}
