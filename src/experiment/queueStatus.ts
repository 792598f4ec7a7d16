/**
 * `aura queue-status`: what the queues on a Redis hold — jobs by state, the workers serving each
 * queue, and why the latest failed jobs failed. One queue per build of aura-sim (`runs-<build>`);
 * the one this build would use is marked.
 */
import { Redis } from 'ioredis';
import { codeFingerprint } from './jobs.js';
import {
  checkRedis,
  connectionOptions,
  JobPayloadSchema,
  openQueue,
  QUEUE_PREFIX,
  type QueueUrl,
  queueName,
  scrub,
} from './queue.js';

export interface QueueState {
  readonly name: string;
  /** This build's queue (the one its workers serve and its submissions go to). */
  readonly current: boolean;
  readonly counts: Readonly<Record<string, number>>;
  /** Connected workers, by the name they gave (`aura-worker@<host>`). */
  readonly workers: readonly string[];
  /** The latest failed jobs: what they were and why they failed. */
  readonly failed: readonly { readonly job: string; readonly reason: string }[];
}

const STATES = ['wait', 'active', 'delayed', 'prioritized', 'completed', 'failed'] as const;

/** The names of the aura-sim queues in the database (found by their `meta` keys). */
async function queueNames(url: QueueUrl): Promise<string[]> {
  const client = new Redis({ ...(connectionOptions(url) as object), maxRetriesPerRequest: 1 });
  client.on('error', () => {});
  try {
    const names = new Set<string>();
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(
        cursor,
        'MATCH',
        `${QUEUE_PREFIX}:runs-*:meta`,
        'COUNT',
        1000,
      );
      cursor = next;
      for (const key of keys) names.add(key.slice(QUEUE_PREFIX.length + 1, -':meta'.length));
    } while (cursor !== '0');
    return [...names].sort();
  } finally {
    client.disconnect();
  }
}

export async function queueStatus(url: QueueUrl, failedShown = 5): Promise<QueueState[]> {
  await checkRedis(url);
  const current = queueName(codeFingerprint());
  const names = await queueNames(url);
  const states: QueueState[] = [];
  if (!names.includes(current)) {
    // Not opened: opening a BullMQ queue writes its keys, and looking must not change anything.
    states.push({ name: current, current: true, counts: {}, workers: [], failed: [] });
  }
  for (const name of names) {
    const queue = openQueue(url, name, () => {});
    try {
      const counts = await queue.getJobCounts(...STATES);
      const workers = (await queue.getWorkers().catch(() => []))
        .map((w) => String(w.rawname ?? '').split(':w:')[1] ?? '')
        .filter(Boolean)
        .sort();
      const failed = (await queue.getFailed(0, failedShown - 1)).flatMap((job) => {
        if (!job) return [];
        const payload = JobPayloadSchema.safeParse(job.data);
        const what = payload.success
          ? `${payload.data.config}/${payload.data.traffic}/seed-${payload.data.seed} of '${payload.data.scenario.name}'`
          : 'not a scenario job';
        return [{ job: `${what} [${job.id}]`, reason: scrub(job.failedReason ?? '', url) }];
      });
      states.push({ name, current: name === current, counts, workers, failed });
    } finally {
      await queue.close();
    }
  }
  return states;
}
