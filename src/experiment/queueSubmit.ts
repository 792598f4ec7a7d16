/**
 * The submitting side of a distributed experiment: puts every unfinished job of the grid on the
 * build's BullMQ queue (content-derived ids: a job already there is not added again), waits for
 * the workers, and writes each finished job's run directory from the files its worker stored —
 * byte for byte what a local run writes — so the results, statistics and report that follow are
 * the local ones. `collectFromQueue` does the waiting part later for a `--detach`ed submission,
 * from the `queue.json` the submission left in the experiment directory.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Queue } from 'bullmq';
import { z } from 'zod';
import { UserError } from '../errors.js';
import { json, writeFileAtomic, writeRunTexts } from '../run/runDir.js';
import type { Summary } from '../run/summary.js';
import { CONFIGS } from '../scenario/resolve.js';
import { type Scenario, ScenarioSchema } from '../scenario/schema.js';
import { codeFingerprint, JOB_FILE, type Job, jobDir, type Variant } from './jobs.js';
import {
  checkRedis,
  decodeResult,
  JOB_ATTEMPTS,
  type JobPayload,
  jobPayload,
  openQueue,
  type QueueUrl,
  queueJobId,
  queueName,
  scrub,
  secretsIn,
} from './queue.js';
import {
  type ExperimentOutcome,
  type GridOptions,
  type GridPlan,
  gridOutcome,
  type JobEvent,
  type JobFailure,
  planGrid,
} from './run.js';
import { parseVary, sweepVariants } from './sweep.js';

/** What `aura collect` needs to finish a submission: written to `<out>/queue.json`. */
export const QUEUE_FILE = 'queue.json';
const RECORD_FORMAT = 'aura-sim/queued-experiment@1';

const RecordSchema = z.object({
  format: z.literal(RECORD_FORMAT),
  kind: z.enum(['experiment', 'sweep']),
  scenarioFile: z.string(),
  scenario: ScenarioSchema,
  vary: z.array(z.string()),
  grid: z.object({
    configs: z.array(z.enum(CONFIGS)),
    traffics: z.array(z.string()),
    seeds: z.array(z.number().int().min(0)),
  }),
  allPairs: z.boolean(),
  build: z.string(),
  queue: z.string(),
  /** Where Redis was, without credentials (for the user's eyes only). */
  redis: z.string(),
});

export type QueueRecord = z.infer<typeof RecordSchema>;

export interface QueueGridOptions {
  readonly url: QueueUrl;
  readonly signal?: AbortSignal;
  readonly onJob?: (event: JobEvent) => void;
  readonly onNotice?: (message: string) => void;
  /** How often the queue is asked about the jobs still out (default 500 ms). */
  readonly pollMs?: number;
}

export interface SubmitOptions extends GridOptions, QueueGridOptions {
  readonly kind: 'experiment' | 'sweep';
  /** A sweep's `--vary` specifications, as given (recorded so `collect` rebuilds the variants). */
  readonly vary: readonly string[];
  readonly allPairs: boolean;
  /** Return once the jobs are queued; `collectFromQueue` gathers the results later. */
  readonly detach: boolean;
}

export type SubmitOutcome =
  | { readonly detached: false; readonly outcome: ExperimentOutcome }
  | { readonly detached: true; readonly queued: number; readonly total: number };

/** The most jobs whose state one poll asks for (big grids are checked in turns). */
const CHECKS_PER_POLL = 1000;

/** A job still out on the queue, with what the submitter needs to add it again or collect it. */
interface Entry {
  readonly job: Job;
  readonly queueId: string;
  readonly payload: JobPayload;
}

function entriesOf(plan: GridPlan, build: string): Entry[] {
  return plan.pending.map((job) => {
    const variant = plan.variants[job.variant]!;
    const content = {
      scenario: variant.scenario,
      values: variant.values,
      config: job.config,
      traffic: job.traffic,
      seed: job.seed,
    };
    return { job, queueId: queueJobId(content), payload: jobPayload(content, build) };
  });
}

/** Refuses to send a scenario that carries the value of a secret (an API key, the Redis password). */
function checkNoSecrets(variants: readonly Variant[], url: QueueUrl): void {
  for (const v of variants) {
    const found = secretsIn(JSON.stringify(v.scenario), url);
    if (found.length > 0) {
      throw new UserError(
        `the scenario contains the value of ${found.join(', ')}: secrets must not travel in a job; remove it (API keys are read from the environment of each worker)`,
      );
    }
  }
}

/** Closes the queue's connection without hanging on an unreachable server. */
async function closeQueue(queue: Queue): Promise<void> {
  await Promise.race([queue.close().catch(() => {}), sleep(2000)]);
  await queue.disconnect().catch(() => {});
}

/**
 * Adds the jobs not on the queue yet (all of them, the first time; after a Redis restart that lost
 * data, the lost ones). With `retryFailed`, jobs left failed by an earlier submission run again.
 */
async function enqueue(
  queue: Queue,
  entries: readonly Entry[],
  retryFailed: boolean,
): Promise<{ added: number; present: number; retried: number }> {
  const states = await statesOf(queue, entries);
  const missing = entries.filter((_, k) => states[k] === 'unknown');
  const opts = {
    attempts: JOB_ATTEMPTS,
    backoff: { type: 'fixed', delay: 1000 },
    removeOnComplete: false,
    removeOnFail: false,
  };
  for (let k = 0; k < missing.length; k += 100) {
    await queue.addBulk(
      missing.slice(k, k + 100).map((e) => ({
        name: 'run',
        data: e.payload,
        opts: { ...opts, jobId: e.queueId },
      })),
    );
  }
  let retried = 0;
  if (retryFailed) {
    for (const [k, e] of entries.entries()) {
      if (states[k] !== 'failed') continue;
      await (await queue.getJob(e.queueId))?.retry('failed', { resetAttemptsMade: true });
      retried++;
    }
  }
  return { added: missing.length, present: entries.length - missing.length, retried };
}

async function statesOf(queue: Queue, entries: readonly Entry[]): Promise<string[]> {
  const states: string[] = [];
  for (let k = 0; k < entries.length; k += 100) {
    states.push(
      ...(await Promise.all(entries.slice(k, k + 100).map((e) => queue.getJobState(e.queueId)))),
    );
  }
  return states;
}

/** Writes a job's run directory from its stored files, as the local pool's worker does. */
function writeCollected(outDir: string, job: Job, fingerprint: string, stored: unknown): Summary {
  const files = decodeResult(stored);
  const summary = JSON.parse(files.at(-1)![1]) as Summary;
  if (
    summary.config !== job.config ||
    summary.traffic !== job.traffic ||
    summary.seed !== job.seed
  ) {
    throw new Error('the stored result belongs to another job');
  }
  const dir = jobDir(outDir, job);
  mkdirSync(dir, { recursive: true });
  rmSync(join(dir, 'summary.json'), { force: true });
  writeFileAtomic(join(dir, JOB_FILE), json({ job, fingerprint }));
  writeRunTexts(dir, files);
  return summary;
}

/**
 * Waits until every entry has finished or failed on the queue (or `signal` aborts), collecting
 * each finished job into the experiment directory as soon as it is done. Lost jobs are added
 * again; Redis being unreachable for a while is noted and waited out.
 */
async function gather(
  queue: Queue,
  entries: readonly Entry[],
  plan: GridPlan,
  outDir: string,
  opts: QueueGridOptions,
): Promise<ExperimentOutcome> {
  const pending = new Map(entries.map((e) => [e.queueId, e]));
  const failures: JobFailure[] = [];
  const total = plan.jobs.length;
  let done = plan.skipped;
  let trouble = '';
  const settle = (e: Entry, failure?: string) => {
    pending.delete(e.queueId);
    done++;
    if (failure !== undefined) failures.push({ job: e.job, message: failure });
    opts.onJob?.({
      job: e.job,
      status: failure === undefined ? 'done' : 'failed',
      done,
      total,
      ...(failure === undefined ? {} : { message: failure }),
    });
  };
  try {
    const workers = await queue.getWorkersCount();
    if (workers === 0) {
      opts.onNotice?.(
        `no worker serves queue ${queue.name} yet: start some with \`aura worker --queue ${opts.url.display}\``,
      );
    }
  } catch {
    // CLIENT LIST may be disabled on a managed Redis: the notice is only a courtesy.
  }
  let turn = 0;
  while (pending.size > 0 && !opts.signal?.aborted) {
    try {
      // At most CHECKS_PER_POLL jobs per poll, in turn: Redis' load stays bounded on big grids.
      const all = [...pending.values()];
      const from = turn % all.length;
      const out = [...all.slice(from), ...all.slice(0, from)].slice(0, CHECKS_PER_POLL);
      turn = from + out.length;
      const states = await statesOf(queue, out);
      const lost: Entry[] = [];
      for (const [k, e] of out.entries()) {
        const state = states[k];
        if (state === 'completed') {
          const stored = await queue.getJob(e.queueId);
          try {
            const fingerprint = plan.fingerprints[e.job.variant]!;
            plan.summaries.set(
              e.job.id,
              writeCollected(outDir, e.job, fingerprint, stored?.returnvalue),
            );
            settle(e);
          } catch (err) {
            settle(e, `cannot collect the result: ${(err as Error).message}`);
          }
        } else if (state === 'failed') {
          const stored = await queue.getJob(e.queueId);
          const attempts = stored?.attemptsMade ?? 0;
          settle(
            e,
            `${scrub(stored?.failedReason ?? 'failed', opts.url)} (after ${attempts} attempt${attempts === 1 ? '' : 's'})`,
          );
        } else if (state === 'unknown') lost.push(e);
      }
      if (lost.length > 0) {
        await enqueue(queue, lost, false);
        opts.onNotice?.(
          `${lost.length} job${lost.length === 1 ? ' was' : 's were'} missing from the queue (did Redis restart without its data?): queued again`,
        );
      }
      if (trouble) opts.onNotice?.('Redis: reachable again');
      trouble = '';
    } catch (err) {
      const message = scrub((err as Error).message ?? String(err), opts.url);
      if (message !== trouble) {
        opts.onNotice?.(`Redis: ${message}; still waiting (finished results are kept)`);
      }
      trouble = message;
    }
    if (pending.size === 0) break;
    await sleep(opts.pollMs ?? 500, undefined, { signal: opts.signal }).catch(() => {});
  }
  return gridOutcome(plan, failures, pending.size > 0);
}

/**
 * Submits an experiment's (or a sweep's) grid to the queue and, unless `detach`, waits for it and
 * returns the same outcome a local run gives.
 */
export async function submitToQueue(opts: SubmitOptions): Promise<SubmitOutcome> {
  const variants = opts.variants ?? [{ key: '', scenario: opts.scenario, values: {} }];
  checkNoSecrets(variants, opts.url);
  await checkRedis(opts.url);
  const build = codeFingerprint();
  const plan = planGrid({ ...opts, variants });
  const record: QueueRecord = {
    format: RECORD_FORMAT,
    kind: opts.kind,
    scenarioFile: opts.scenarioFile,
    scenario: opts.scenario,
    vary: [...opts.vary],
    grid: {
      configs: [...opts.grid.configs],
      traffics: [...opts.grid.traffics],
      seeds: [...opts.grid.seeds],
    },
    allPairs: opts.allPairs,
    build,
    queue: queueName(build),
    redis: opts.url.display,
  };
  writeFileAtomic(join(opts.outDir, QUEUE_FILE), json(record));
  const entries = entriesOf(plan, build);
  const queue = openQueue(opts.url, record.queue, () => {});
  try {
    if (entries.length > 0) {
      const { added, present, retried } = await enqueue(queue, entries, true);
      opts.onNotice?.(
        `queue ${record.queue} on ${opts.url.display}: ${added} job${added === 1 ? '' : 's'} added, ${present} already there${retried > 0 ? ` (${retried} failed one${retried === 1 ? '' : 's'} retried)` : ''}`,
      );
    }
    if (opts.detach) return { detached: true, queued: entries.length, total: plan.jobs.length };
    return { detached: false, outcome: await gather(queue, entries, plan, opts.outDir, opts) };
  } finally {
    await closeQueue(queue);
  }
}

/** The submission recorded in an experiment directory. */
export function readQueueRecord(outDir: string): QueueRecord {
  const file = join(outDir, QUEUE_FILE);
  if (!existsSync(file)) {
    throw new UserError(
      `${outDir} holds no queued experiment (no ${QUEUE_FILE}); submit one with --queue first`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UserError(`${file}: unreadable (${(err as Error).message})`);
  }
  const parsed = RecordSchema.safeParse(raw);
  if (!parsed.success) throw new UserError(`${file}: not a queued experiment of this version`);
  return parsed.data;
}

export interface Collected {
  readonly record: QueueRecord;
  readonly outcome: ExperimentOutcome;
}

/** `aura collect`: waits for a submission's jobs and gathers their results into its directory. */
export async function collectFromQueue(outDir: string, opts: QueueGridOptions): Promise<Collected> {
  const record = readQueueRecord(outDir);
  const scenario: Scenario = record.scenario;
  const variants =
    record.kind === 'sweep' ? sweepVariants(scenario, record.vary.map(parseVary)) : undefined;
  await checkRedis(opts.url);
  const plan = planGrid(
    {
      scenario,
      ...(variants ? { variants } : {}),
      scenarioFile: record.scenarioFile,
      grid: record.grid,
      outDir,
      resume: true,
      ...(opts.onJob ? { onJob: opts.onJob } : {}),
      ...(opts.onNotice ? { onNotice: opts.onNotice } : {}),
    },
    record.build,
  );
  const entries = entriesOf(plan, record.build);
  const queue = openQueue(opts.url, record.queue, () => {});
  try {
    return { record, outcome: await gather(queue, entries, plan, outDir, opts) };
  } finally {
    await closeQueue(queue);
  }
}
