/**
 * `aura worker`, `aura collect` and `aura queue-status`: the commands of a distributed experiment
 * besides the submitting `aura experiment|sweep --queue`. Thin adapters over `src/experiment/queue*.ts`:
 * flags, signals, progress, exit codes.
 */
import { availableParallelism } from 'node:os';
import { parseQueueUrl } from '../experiment/queue.js';
import { queueStatus } from '../experiment/queueStatus.js';
import { collectFromQueue, readQueueRecord } from '../experiment/queueSubmit.js';
import { serveQueue } from '../experiment/queueWorker.js';
import { parseVary } from '../experiment/sweep.js';
import { finishExperiment, finishSweep, settled, withProgress } from './experiment.js';

export interface WorkerFlags {
  queue: string;
  concurrency?: number;
  stallSeconds: number;
}

/**
 * Serves the queue until Ctrl-C (or SIGTERM): the first stops taking jobs and lets the running
 * ones finish; a second abandons them (another worker takes them over once their lock expires).
 */
export async function workerCommand(flags: WorkerFlags): Promise<void> {
  const url = parseQueueUrl(flags.queue);
  const stop = new AbortController();
  const force = new AbortController();
  const onSignal = () => (stop.signal.aborted ? force.abort() : stop.abort());
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await serveQueue({
      url,
      concurrency: flags.concurrency ?? Math.max(1, availableParallelism()),
      stallSeconds: flags.stallSeconds,
      signal: stop.signal,
      force: force.signal,
      log: (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  // Abandoned jobs may still hold a thread or a socket: do not wait for them.
  if (force.signal.aborted) process.exit(130);
}

export interface CollectFlags {
  queue: string;
  progress: boolean;
}

/** Waits for a submission's jobs, gathers them into its directory and writes its outputs. */
export async function collectCommand(dir: string, flags: CollectFlags): Promise<void> {
  const url = parseQueueUrl(flags.queue);
  const record = readQueueRecord(dir);
  const varies = record.vary.map(parseVary);
  const settings = varies.reduce((product, v) => product * v.values.length, 1);
  const { grid } = record;
  const total = settings * grid.configs.length * grid.traffics.length * grid.seeds.length;
  process.stderr.write(
    `collect: ${total} runs of ${record.kind} '${record.scenario.name}' from queue ${record.queue} on ${url.display} → ${dir}\n`,
  );
  const collected = await withProgress(total, flags.progress, (signal, onJob, onNotice) =>
    collectFromQueue(dir, { url, signal, onJob, onNotice }),
  );
  const outcome = settled(collected.outcome, dir, `run the same command again to gather the rest`);
  if (!outcome) return;
  if (record.kind === 'sweep') {
    await finishSweep(
      dir,
      record.scenarioFile,
      grid,
      varies.map((v) => v.path),
      outcome,
    );
  } else {
    await finishExperiment(
      dir,
      record.scenarioFile,
      record.scenario.name,
      grid,
      outcome,
      record.allPairs,
    );
  }
}

/** Prints every aura-sim queue on the Redis: jobs by state, workers, latest failures. */
export async function queueStatusCommand(flags: { queue: string; json?: boolean }): Promise<void> {
  const url = parseQueueUrl(flags.queue);
  const states = await queueStatus(url);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(states, null, 2)}\n`);
    return;
  }
  const lines = [`Redis at ${url.display}`];
  for (const q of states) {
    const c = q.counts;
    lines.push(
      `queue ${q.name}${q.current ? ' (this build)' : ''}`,
      `  waiting ${(c.wait ?? 0) + (c.prioritized ?? 0)}, running ${c.active ?? 0}, retrying ${c.delayed ?? 0}, finished ${c.completed ?? 0}, failed ${c.failed ?? 0}`,
      `  workers: ${q.workers.length}${q.workers.length > 0 ? ` (${q.workers.join(', ')})` : ''}`,
      ...q.failed.map((f) => `  failed: ${f.job}: ${f.reason}`),
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
