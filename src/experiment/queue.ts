/**
 * What the submitter and the workers of a distributed experiment share: the Redis URL (parsed,
 * credentials kept out of every message), the queue's name, a job's content-derived id, and the
 * two documents that cross the queue — the job payload (plain data, validated with zod before a
 * worker runs it) and the result (the run directory's files, gzipped). The queue is BullMQ's.
 *
 * One queue per build of aura-sim (`runs-<code fingerprint>`): a worker only ever takes jobs made
 * for the code it runs, so a result never depends on which machine ran it.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { type ConnectionOptions, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { UserError } from '../errors.js';
import { RUN_FILE_NAMES, type RunFileName } from '../run/runDir.js';
import { CONFIGS, type ConfigName } from '../scenario/resolve.js';
import { type Scenario, ScenarioSchema } from '../scenario/schema.js';
import { codeFingerprint, scenarioHash } from './jobs.js';

/** Key prefix of every queue key in Redis (`aura:runs-<build>:…`). */
export const QUEUE_PREFIX = 'aura';

/** The queue this build's jobs go to and its workers serve. */
export const queueName = (code = codeFingerprint()): string => `runs-${code}`;

/** How often a job that throws is run in all before it is reported as failed. */
export const JOB_ATTEMPTS = 3;

/** Where Redis is, as `--queue redis://[USER:PASSWORD@]HOST[:PORT][/DB]` gives it. */
export interface QueueUrl {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly tls: boolean;
  readonly username?: string;
  readonly password?: string;
  /** The URL without credentials (`***` marks where they were): the only form ever shown. */
  readonly display: string;
}

/** The password source besides the URL: keeps it out of the command line and shell history. */
export const PASSWORD_ENV = 'AURA_REDIS_PASSWORD';

const QUEUE_URL_FORM = 'redis://[USER:PASSWORD@]HOST[:PORT][/DB] (or rediss:// for TLS)';

/**
 * Parses `--queue`. Errors never repeat the URL as given (it may hold a password): they name the
 * part that is wrong.
 */
export function parseQueueUrl(text: string, env: NodeJS.ProcessEnv = process.env): QueueUrl {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new UserError(`--queue: not a URL; expected ${QUEUE_URL_FORM}`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new UserError(
      `--queue: unsupported scheme '${url.protocol.replace(/:$/, '')}'; expected ${QUEUE_URL_FORM}`,
    );
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new UserError(`--queue: no host; expected ${QUEUE_URL_FORM}`);
  const port = url.port === '' ? 6379 : Number(url.port);
  const path = url.pathname.replace(/^\//, '');
  if (!/^\d{0,3}$/.test(path)) {
    throw new UserError(
      `--queue: the path must be a database number (0, 1, …), not '${path.slice(0, 20)}'`,
    );
  }
  const db = path === '' ? 0 : Number(path);
  if (url.search || url.hash) {
    throw new UserError('--queue: no query or fragment allowed; give HOST:PORT and /DB only');
  }
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  const password = url.password ? decodeURIComponent(url.password) : env[PASSWORD_ENV] || undefined;
  const credentials = url.username || url.password ? '***@' : '';
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return {
    host,
    port,
    db,
    tls: url.protocol === 'rediss:',
    username,
    password,
    display: `${url.protocol}//${credentials}${hostPart}:${port}/${db}`,
  };
}

/** A message with every credential of `url` blotted out (client errors may echo them). */
export function scrub(message: string, url: QueueUrl): string {
  let out = message;
  for (const secret of [url.password, url.username]) {
    if (secret && secret.length >= 3) out = out.split(secret).join('***');
  }
  return out;
}

/** Connection options for BullMQ (which builds its ioredis clients from them). */
export function connectionOptions(url: QueueUrl): ConnectionOptions {
  return {
    host: url.host,
    port: url.port,
    db: url.db,
    ...(url.username ? { username: url.username } : {}),
    ...(url.password ? { password: url.password } : {}),
    ...(url.tls ? { tls: {} } : {}),
  };
}

/**
 * Connects once, with no retries, and says clearly what is wrong: an unreachable server, a wrong
 * or missing password, a database number out of range.
 */
export async function checkRedis(url: QueueUrl, timeoutMs = 5000): Promise<void> {
  const client = new Redis({
    ...(connectionOptions(url) as object),
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // The socket's error says more than the failing call's "Connection is closed".
  let cause = '';
  client.on('error', (err: Error) => {
    cause ||= err.message;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    const message = scrub(cause || ((err as Error).message ?? String(err)), url);
    const hint = /NOAUTH|WRONGPASS|invalid password|invalid username/i.test(message)
      ? `; give the password in the URL (redis://:PASSWORD@HOST:PORT) or in ${PASSWORD_ENV}`
      : /DB index is out of range|invalid DB index/i.test(message)
        ? ''
        : '; is redis-server running there?';
    throw new UserError(`cannot use Redis at ${url.display}: ${message}${hint}`);
  } finally {
    client.disconnect();
  }
}

/** A BullMQ queue of this build on `url`; connection errors go to `onError` (never thrown). */
export function openQueue(url: QueueUrl, name: string, onError: (message: string) => void): Queue {
  const queue = new Queue(name, { connection: connectionOptions(url), prefix: QUEUE_PREFIX });
  queue.on('error', (err) => onError(scrub(err.message, url)));
  return queue;
}

// ---------------------------------------------------------------------------------------------
// The job payload: data only. A worker validates it before anything runs.

export const JOB_FORMAT = 'aura-sim/queue-job@1';

export const JobPayloadSchema = z.strictObject({
  format: z.literal(JOB_FORMAT),
  /** The code fingerprint of the submitting build; a worker of another build refuses the job. */
  build: z.string().regex(/^[0-9a-f]{16}$/),
  config: z.enum(CONFIGS),
  traffic: z.string().min(1).max(200),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  scenario: ScenarioSchema,
});

export type JobPayload = z.infer<typeof JobPayloadSchema>;

export interface JobContent {
  readonly scenario: Scenario;
  /** The varied parameters of a sweep's variant (empty in a plain experiment). */
  readonly values: Readonly<Record<string, unknown>>;
  readonly config: ConfigName;
  readonly traffic: string;
  readonly seed: number;
}

/**
 * The queue's id of a job, from its content only: the scenario's hash, the varied values, the
 * configuration, the traffic level and the seed. Two submissions of the same job — the same
 * experiment again, or another experiment sharing cells — name the same queue job, which BullMQ
 * adds only once: a finished job is never run twice.
 */
export function queueJobId(c: JobContent): string {
  const content = JSON.stringify([
    JOB_FORMAT,
    scenarioHash([c.scenario]),
    c.values,
    c.config,
    c.traffic,
    c.seed,
  ]);
  return `run-${createHash('sha256').update(content).digest('hex').slice(0, 32)}`;
}

export const jobPayload = (c: JobContent, build = codeFingerprint()): JobPayload => ({
  format: JOB_FORMAT,
  build,
  config: c.config,
  traffic: c.traffic,
  seed: c.seed,
  scenario: c.scenario,
});

// ---------------------------------------------------------------------------------------------
// The result: the run directory's files as exact text, gzipped (policies compress tenfold).

export const RESULT_FORMAT = 'aura-sim/queue-result@1';

const ResultSchema = z.strictObject({
  format: z.literal(RESULT_FORMAT),
  gzip: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/),
});

export type JobResult = z.infer<typeof ResultSchema>;

const FilesSchema = z
  .array(z.tuple([z.enum(RUN_FILE_NAMES), z.string()]))
  .refine((files) => files.at(-1)?.[0] === 'summary.json', 'summary.json must come last')
  .refine(
    (files) => new Set(files.map(([name]) => name)).size === files.length,
    'a file is given twice',
  );

export function encodeResult(files: readonly (readonly [RunFileName, string])[]): JobResult {
  return {
    format: RESULT_FORMAT,
    gzip: gzipSync(Buffer.from(JSON.stringify(files))).toString('base64'),
  };
}

/** The files of a stored result, validated: only the known file names, summary.json last. */
export function decodeResult(value: unknown): [RunFileName, string][] {
  const result = ResultSchema.safeParse(value);
  if (!result.success) throw new Error('the stored result is not an aura-sim result');
  let files: unknown;
  try {
    files = JSON.parse(gunzipSync(Buffer.from(result.data.gzip, 'base64')).toString('utf8'));
  } catch {
    throw new Error('the stored result cannot be unpacked');
  }
  const parsed = FilesSchema.safeParse(files);
  if (!parsed.success) throw new Error('the stored result holds unexpected files');
  return parsed.data;
}

// ---------------------------------------------------------------------------------------------
// Secrets: API keys and Redis credentials must never ride in a payload or a result.

/** Environment variables whose values are secrets (API keys, tokens, passwords). */
const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?)$/i;

/** Values too short or too common to be told apart from ordinary text are not checked. */
const MIN_SECRET_LENGTH = 8;

/**
 * The names of the secrets whose values appear in `text`: secret-looking environment variables
 * and the Redis credentials.
 */
export function secretsIn(
  text: string,
  url: QueueUrl | null,
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  const secrets: [string, string | undefined][] = [
    ...Object.entries(env).filter(([name]) => SECRET_NAME.test(name)),
    ['the Redis password', url?.password],
  ];
  return secrets
    .filter(([, value]) => value !== undefined && value.length >= MIN_SECRET_LENGTH)
    .filter(([, value]) => text.includes(value!))
    .map(([name]) => name);
}
