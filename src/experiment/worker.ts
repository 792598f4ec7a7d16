/**
 * A worker thread of the experiment pool: runs one job and writes its run directory (atomically,
 * summary last). Returns the job's summary; the per-episode series stays on disk.
 */
import { executeRun } from '../run/execute.js';
import { writeRunDir } from '../run/runDir.js';
import type { Summary } from '../run/summary.js';
import type { JobTask } from './jobs.js';

export default function runJob(task: JobTask): Summary {
  const { job, scenario, dir, playbookFile } = task;
  const result = executeRun({
    scenario,
    traffic: job.traffic,
    config: job.config,
    seed: job.seed,
    playbookFile,
  });
  writeRunDir(dir, result.files);
  return result.summary;
}
