/**
 * `aura worker`: serves experiment jobs from a Redis queue (submitted with `--queue`) until
 * stopped. A thin adapter over `src/experiment/queueWorker.ts`: flags, signals, exit code.
 */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { parseQueueUrl } from '../../experiment/queue.js';
import { serveQueue } from '../../experiment/queueWorker.js';
import { parsePositive } from '../options.js';

export interface WorkerFlags {
  queue: string;
  concurrency?: number;
  stallSeconds: number;
}

export function addWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description(
      'Run experiment jobs from a Redis queue (submitted with --queue) until stopped; start one on each machine.',
    )
    .requiredOption('--queue <url>', 'Redis: redis://[USER:PASSWORD@]HOST[:PORT][/DB]')
    .option('--concurrency <n>', 'jobs run at once (default: one per CPU)', parsePositive)
    .option(
      '--stall-seconds <n>',
      'a job whose worker stops renewing its lock this long is handed to another worker',
      parsePositive,
      30,
    )
    .action((flags: WorkerFlags) => workerCommand(flags));
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
