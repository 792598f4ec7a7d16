/** `aura queue-status`: the queues on a Redis, their jobs by state, workers and failures. */
import type { Command } from 'commander';
import { parseQueueUrl } from '../../experiment/queue.js';
import { queueStatus } from '../../experiment/queueStatus.js';

export function addQueueStatusCommand(program: Command): void {
  program
    .command('queue-status')
    .description(
      'Show the queues on a Redis: jobs waiting, running, finished and failed (with why), and the workers serving them.',
    )
    .requiredOption('--queue <url>', 'Redis: redis://[USER:PASSWORD@]HOST[:PORT][/DB]')
    .option('--json', 'print the status as JSON')
    .action((flags: { queue: string; json?: boolean }) => queueStatusCommand(flags));
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
