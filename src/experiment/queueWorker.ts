/**
 * `aura worker`: serves this build's queue until stopped. Each job's payload is validated (zod)
 * before anything runs — a worker runs scenario jobs, never code — and the run itself goes to a
 * worker thread (piscina), so the main thread stays free to renew the job's lock. A worker killed
 * mid-job stops renewing; after `stallSeconds` another worker's stalled-job check hands the job
 * on, and it finishes once. A job that throws is retried (JOB_ATTEMPTS in all), then left failed
 * with its message for the submitter to report.
 */
import { hostname } from 'node:os';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import { Piscina } from 'piscina';
import type { RunFileName } from '../run/runDir.js';
import { codeFingerprint } from './jobs.js';
import {
  checkRedis,
  connectionOptions,
  encodeResult,
  type JobPayload,
  JobPayloadSchema,
  type JobResult,
  QUEUE_PREFIX,
  type QueueUrl,
  queueName,
  scrub,
  secretsIn,
} from './queue.js';
import type { ComputeResult, ComputeTask } from './worker.js';

/** Runs one validated job; returns its files, or a problem with the job itself. */
export type JobRunner = (task: ComputeTask) => Promise<ComputeResult>;

export interface QueueWorkerOptions {
  readonly url: QueueUrl;
  /** Jobs run at once (worker threads). */
  readonly concurrency: number;
  /** How long a job's lock lives without renewal before another worker may take the job over. */
  readonly stallSeconds: number;
  /** Aborting stops taking jobs and waits for the running ones; `force` abandons them. */
  readonly signal: AbortSignal;
  readonly force?: AbortSignal;
  /** One line per event (start, finish, failure, connection trouble). */
  readonly log: (line: string) => void;
  /** Runs a job (default: a pool of worker threads). */
  readonly run?: JobRunner;
}

const describeJob = (p: Pick<JobPayload, 'config' | 'traffic' | 'seed' | 'scenario'>) =>
  `${p.config}/${p.traffic}/seed-${p.seed} of '${p.scenario.name}'`;

/** The first problem zod found, with its path: enough to tell what is wrong, short. */
function firstIssue(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const path = issue.path.map(String).join('.');
  return `${path || '(payload)'}: ${issue.message}`;
}

export async function serveQueue(opts: QueueWorkerOptions): Promise<void> {
  const { url, log } = opts;
  await checkRedis(url);
  const build = codeFingerprint();
  const name = queueName(build);
  const pool = opts.run
    ? null
    : new Piscina({
        filename: new URL('./worker.js', import.meta.url).href,
        minThreads: opts.concurrency,
        maxThreads: opts.concurrency,
      });
  const run: JobRunner = opts.run ?? ((task) => pool!.run(task, { name: 'computeJob' }));

  // Run times by job id, for the `finished` line: logged once BullMQ has recorded the result
  // (a worker that lost its job's lock computes it but cannot complete it).
  const durations = new Map<string, number>();
  const processor = async (job: Job): Promise<JobResult> => {
    const parsed = JobPayloadSchema.safeParse(job.data);
    if (!parsed.success) {
      const why = `not a scenario job (${firstIssue(parsed.error)})`;
      log(`rejected job ${job.id}: ${why}`);
      throw new UnrecoverableError(`invalid job payload: ${why}`);
    }
    const payload = parsed.data;
    if (payload.build !== build) {
      throw new UnrecoverableError(
        `job made by build ${payload.build}, this worker runs build ${build}`,
      );
    }
    const what = describeJob(payload);
    log(`started ${what} [${job.id}] attempt ${job.attemptsMade + 1}`);
    const started = Date.now();
    const out = await run({
      scenario: payload.scenario,
      config: payload.config,
      traffic: payload.traffic,
      seed: payload.seed,
    });
    // A problem with the job itself (e.g. an unknown traffic level): retrying cannot help.
    if ('userError' in out) throw new UnrecoverableError(out.userError);
    const result = encodeResult(out.files as [RunFileName, string][]);
    const leaked = secretsIn(JSON.stringify(out.files), url);
    if (leaked.length > 0) {
      throw new UnrecoverableError(
        `the result would contain the value of ${leaked.join(', ')}; not stored`,
      );
    }
    durations.set(job.id ?? '', Date.now() - started);
    return result;
  };

  const stallMs = Math.round(opts.stallSeconds * 1000);
  const worker = new Worker(name, processor, {
    connection: connectionOptions(url),
    prefix: QUEUE_PREFIX,
    concurrency: opts.concurrency,
    autorun: false,
    lockDuration: stallMs,
    stalledInterval: Math.max(500, Math.round(stallMs / 2)),
    maxStalledCount: 2,
    name: `aura-worker@${hostname()}`,
  });
  // Connection trouble: said once per distinct message (ioredis retries by itself).
  let lastError = '';
  worker.on('error', (err) => {
    const message = scrub(err.message, url);
    if (message === lastError) return;
    lastError = message;
    log(`Redis: ${message} (retrying)`);
  });
  worker.on('ready', () => {
    if (lastError) log('Redis: connected again');
    lastError = '';
  });
  worker.on('completed', (job) => {
    const ms = durations.get(job.id ?? '') ?? 0;
    durations.delete(job.id ?? '');
    log(
      `finished ${describeJob(job.data as JobPayload)} [${job.id}] in ${(ms / 1000).toFixed(1)}s`,
    );
  });
  worker.on('failed', (job, err) => {
    if (!job) return;
    durations.delete(job.id ?? '');
    const message = scrub(err.message, url);
    const final = err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
    const what = JobPayloadSchema.safeParse(job.data).success
      ? describeJob(job.data as JobPayload)
      : `job ${job.id}`;
    log(
      `failed ${what} [${job.id}]: ${message}${final ? '' : ` (attempt ${job.attemptsMade} of ${job.opts.attempts}; it will be retried)`}`,
    );
  });

  log(
    `worker: serving queue ${name} on ${url.display} with ${opts.concurrency} thread${opts.concurrency === 1 ? '' : 's'} (Ctrl-C stops)`,
  );
  const running = worker.run();
  await new Promise<void>((resolve) => {
    if (opts.signal.aborted) resolve();
    opts.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  log('worker: stopping — finishing the running jobs (Ctrl-C again abandons them)');
  const forced = new Promise<'forced'>((resolve) => {
    if (opts.force?.aborted) resolve('forced');
    opts.force?.addEventListener('abort', () => resolve('forced'), { once: true });
  });
  const closing = worker.close();
  if ((await Promise.race([closing.then(() => 'closed' as const), forced])) === 'forced') {
    log('worker: abandoning the running jobs; another worker takes them over');
    await worker.close(true);
  }
  await running.catch(() => {});
  await pool?.destroy();
  log('worker: stopped');
}
