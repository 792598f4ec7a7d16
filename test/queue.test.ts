import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectionOptions,
  decodeResult,
  encodeResult,
  JOB_FORMAT,
  parseQueueUrl,
  QUEUE_PREFIX,
  queueJobId,
  queueName,
  scrub,
  secretsIn,
} from '../src/experiment/queue.js';
import { submitToQueue } from '../src/experiment/queueSubmit.js';
import { serveQueue } from '../src/experiment/queueWorker.js';
import { computeJob } from '../src/experiment/worker.js';
import type { RunFileName } from '../src/run/runDir.js';
import { loadScenarioFile } from '../src/scenario/load.js';
import { SKIP_REDIS, startRedis, type TestRedis } from './redis.js';

// The built CLI (`npm test` builds first): submitter, workers and the local reference run.
const CLI = 'dist/src/cli/main.js';
const PASSWORD = 'queue-test-pw-7f3a9c';
const aura = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });

/** `aura` without blocking: several can run at once. */
function auraAsync(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...env },
    });
    let stderr = '';
    child.stderr!.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

/** A process whose output is kept, with a way to wait for a line. */
interface Proc {
  readonly child: ChildProcess;
  out(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited(): Promise<number | null>;
}

/** Every process started, so that a failing test leaves none behind. */
const started: ChildProcess[] = [];

function start(args: string[]): Proc {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let text = '';
  child.stdout!.on('data', (d) => {
    text += d;
  });
  child.stderr!.on('data', (d) => {
    text += d;
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    out: () => text,
    async waitFor(pattern, timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const m = text.match(pattern);
        if (m) return m;
        if (Date.now() > until || child.exitCode !== null) {
          throw new Error(`no ${pattern} in:\n${text}`);
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    exited: () => exit,
  };
}

function scenarioFile(dir: string, training: number): string {
  const file = join(dir, `paper-${training}.yaml`);
  writeFileSync(
    file,
    readFileSync('scenarios/paper.yaml', 'utf8')
      .replace('training: 200', `training: ${training}`)
      .replace('test: 50', 'test: 2'),
  );
  return file;
}

/** Every file of a directory tree, by relative path. */
function tree(root: string, rel = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(join(root, rel)).sort()) {
    const path = join(rel, name);
    if (statSync(join(root, path)).isDirectory()) Object.assign(out, tree(root, path));
    else out[path] = readFileSync(join(root, path), 'utf8');
  }
  return out;
}

const summaries = (out: string) =>
  Object.fromEntries(
    Object.entries(tree(join(out, 'runs'))).filter(([path]) => path.endsWith('summary.json')),
  );

const finishedIds = (log: string) =>
  [...log.matchAll(/finished .* \[(run-[0-9a-f]+)\]/g)].map((m) => m[1]);

describe('queue URLs, payloads and results', () => {
  it('parses redis:// URLs and never shows their credentials', () => {
    const url = parseQueueUrl('redis://alice:p%40ss-word-1@redis.lab:6380/3', {});
    expect(url).toMatchObject({ host: 'redis.lab', port: 6380, db: 3, tls: false });
    expect(url).toMatchObject({ username: 'alice', password: 'p@ss-word-1' });
    expect(url.display).toBe('redis://***@redis.lab:6380/3');
    expect(parseQueueUrl('rediss://[::1]', {}).display).toBe('rediss://[::1]:6379/0');
    const fromEnv = parseQueueUrl('redis://h', { AURA_REDIS_PASSWORD: 'env-password-1' });
    expect(fromEnv.password).toBe('env-password-1');
    expect(fromEnv.display).toBe('redis://h:6379/0');
    expect(scrub('WRONGPASS for alice with p@ss-word-1', url)).toBe('WRONGPASS for *** with ***');
    for (const [bad, message] of [
      ['http://h:1', /unsupported scheme 'http'/],
      ['redis://:secret-pw@h:1/x', /the path must be a database number/],
      ['redis://:secret-pw@h:99999', /not a URL/],
      ['redis://:secret-pw@h:1/0?password=x', /no query or fragment/],
      ['h:6379', /unsupported scheme 'h'/],
    ] as const) {
      expect(() => parseQueueUrl(bad, {})).toThrow(message);
      try {
        parseQueueUrl(bad, {});
      } catch (err) {
        expect((err as Error).message).not.toContain('secret-pw');
      }
    }
  });

  it('finds secrets by the names of the variables that hold them', () => {
    const env = { OPENAI_API_KEY: 'sk-abcdef123456', HOME: '/root/home-dir', SHORT_TOKEN: 'abc' };
    const url = parseQueueUrl('redis://:redis-password-9@h', {});
    expect(secretsIn('x sk-abcdef123456 y', url, env)).toEqual(['OPENAI_API_KEY']);
    expect(secretsIn('/root/home-dir abc', url, env)).toEqual([]);
    expect(secretsIn('redis-password-9', url, env)).toEqual(['the Redis password']);
  });

  it('round-trips results and refuses stored files it does not know', () => {
    const files: [RunFileName, string][] = [
      ['episodes.csv', 'a,b\n1,2\n'],
      ['summary.json', '{"seed":1}\n'],
    ];
    expect(decodeResult(encodeResult(files))).toEqual(files);
    const forged = (entries: unknown) => ({
      format: 'aura-sim/queue-result@1',
      gzip: gzipSync(JSON.stringify(entries)).toString('base64'),
    });
    expect(() =>
      decodeResult(
        forged([
          ['../../etc/passwd', 'x'],
          ['summary.json', '{}'],
        ]),
      ),
    ).toThrow('unexpected files');
    expect(() =>
      decodeResult(
        forged([
          ['summary.json', '{}'],
          ['episodes.csv', ''],
        ]),
      ),
    ).toThrow('unexpected files');
    expect(() => decodeResult({ format: 'other', gzip: '' })).toThrow('not an aura-sim result');
    expect(() => decodeResult({ format: 'aura-sim/queue-result@1', gzip: 'AAAA' })).toThrow(
      'cannot be unpacked',
    );
  });

  it('derives job ids from content only', () => {
    const scenario = loadScenarioFile('scenarios/paper.yaml');
    const base = { scenario, values: {}, config: 'guided' as const, traffic: 'low', seed: 1 };
    const id = queueJobId(base);
    expect(id).toMatch(/^run-[0-9a-f]{32}$/);
    expect(queueJobId({ ...base, scenario: structuredClone(scenario) })).toBe(id);
    expect(queueJobId({ ...base, seed: 2 })).not.toBe(id);
    expect(queueJobId({ ...base, traffic: 'high' })).not.toBe(id);
    expect(queueJobId({ ...base, config: 'aura' })).not.toBe(id);
    expect(queueJobId({ ...base, values: { 'agent.alpha': 0.2 } })).not.toBe(id);
    expect(queueJobId({ ...base, scenario: { ...scenario, description: 'other' } })).not.toBe(id);
  });
});

describe.skipIf(SKIP_REDIS)('experiments on a Redis queue', () => {
  let redis: TestRedis;
  let url: string;
  const dir = mkdtempSync(join(tmpdir(), 'aura-queue-'));
  beforeAll(async () => {
    redis = await startRedis(PASSWORD);
    url = `redis://:${PASSWORD}@127.0.0.1:${redis.port}/0`;
  });
  afterAll(async () => {
    for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
    await redis?.stop();
  });

  it('two workers, one killed mid-job: every job finishes once, summaries equal a local run; resubmitting runs nothing', async () => {
    const scenario = scenarioFile(dir, 120);
    const grid = [
      '--configs',
      'marl-only,guided',
      '--traffic',
      'low',
      '--seeds',
      '2',
      '--no-progress',
    ];
    const local = aura([
      'experiment',
      scenario,
      ...grid,
      '--workers',
      '2',
      '--out',
      join(dir, 'local'),
    ]);
    expect(local.status).toBe(0);

    const worker = ['worker', '--queue', url, '--concurrency', '1', '--stall-seconds', '2'];
    const a = start(worker);
    const b = start(worker);
    await a.waitFor(/serving queue/);
    await b.waitFor(/serving queue/);
    const out = join(dir, 'queued');
    const submit = start(['experiment', scenario, ...grid, '--out', out, '--queue', url]);
    // Kill worker A as soon as it starts a job: the job is then half done, its lock left to expire.
    const [, killed] = await a.waitFor(/started .* \[(run-[0-9a-f]+)\]/);
    a.child.kill('SIGKILL');
    expect(await submit.exited()).toBe(0);
    expect(await a.exited()).toBe(null); // killed by the signal

    // Every job finished exactly once; the one A was running was finished by B.
    const done = [...finishedIds(a.out()), ...finishedIds(b.out())];
    expect(done).toHaveLength(4);
    expect(new Set(done).size).toBe(4);
    expect(finishedIds(a.out())).not.toContain(killed);
    expect(finishedIds(b.out())).toContain(killed);

    // Same per-job summaries, results table and report as the local run.
    expect(summaries(out)).toEqual(summaries(join(dir, 'local')));
    expect(Object.keys(summaries(out))).toHaveLength(4);
    for (const file of ['results.csv', 'table.csv', 'stats.json', 'report.md', 'claims.json']) {
      expect(readFileSync(join(out, file), 'utf8')).toBe(
        readFileSync(join(dir, 'local', file), 'utf8'),
      );
    }
    const run = tree(join(out, 'runs', 'guided', 'low', 'seed-1'));
    const localRun = tree(join(dir, 'local', 'runs', 'guided', 'low', 'seed-1'));
    expect(Object.keys(run)).toEqual(Object.keys(localRun));
    for (const file of [
      'episodes.csv',
      'policy.final.json',
      'scenario.resolved.json',
      'job.json',
    ]) {
      expect(run[file]).toBe(localRun[file]);
    }

    // Re-submitting the same grid elsewhere runs nothing again: the queue holds the results.
    const again = aura([
      'experiment',
      scenario,
      ...grid,
      '--out',
      join(dir, 'again'),
      '--queue',
      url,
    ]);
    expect(again.status).toBe(0);
    expect(again.stderr).toContain('0 jobs added, 4 already there');
    expect(summaries(join(dir, 'again'))).toEqual(summaries(out));

    // The queue as an operator sees it: four jobs finished, one worker left (A died).
    const status = aura(['queue-status', '--queue', url]);
    expect(status.status).toBe(0);
    expect(status.stdout).toMatch(
      /\(this build\)\n {2}waiting 0, running 0, retrying 0, finished 4, failed 0\n {2}workers: 1 \(aura-worker@/,
    );

    // Redis loses everything (a restart without persistence): what was collected stays, and
    // collecting again reuses it without running anything.
    redis.cli('flushall');
    const collected = aura(['collect', out, '--queue', url, '--no-progress']);
    expect(collected.status).toBe(0);
    expect(collected.stderr).toContain('resumed: 4 finished runs reused');
    expect(summaries(out)).toEqual(summaries(join(dir, 'local')));
    expect(finishedIds(b.out())).toHaveLength(done.length - finishedIds(a.out()).length);

    // Credentials appear nowhere: not in any output, not in any file written.
    const everything = [
      local.stdout,
      local.stderr,
      a.out(),
      b.out(),
      submit.out(),
      again.stdout,
      again.stderr,
      status.stdout,
      collected.stdout,
      collected.stderr,
      ...Object.values(tree(out)),
    ].join('\n');
    expect(everything).toContain(`redis://***@127.0.0.1:${redis.port}/0`);
    expect(everything).not.toContain(PASSWORD);

    // Ctrl-C stops a worker cleanly.
    b.child.kill('SIGINT');
    expect(await b.exited()).toBe(0);
    expect(b.out()).toContain('worker: stopped');
  }, 120_000);

  it('detached submission, jobs lost before any worker ran them, collect queues them again', async () => {
    const scenario = scenarioFile(dir, 6);
    const out = join(dir, 'detached');
    const grid = ['--configs', 'marl-only', '--traffic', 'high', '--seed-list', '3,4'];
    const submitted = aura([
      'sweep',
      scenario,
      ...grid,
      '--vary',
      'agent.alpha=0.1,0.2',
      '--out',
      out,
      '--queue',
      url,
      '--detach',
    ]);
    expect(submitted.status).toBe(0);
    expect(submitted.stdout).toContain(`aura collect ${out} --queue redis://***@127.0.0.1:`);
    expect(existsSync(join(out, 'sweep.csv'))).toBe(false);
    redis.cli('flushall');
    // Collecting with no worker up: the lost jobs are queued again; Ctrl-C leaves them queued.
    const waiting = start(['collect', out, '--queue', url, '--no-progress']);
    await waiting.waitFor(/4 jobs were missing from the queue/);
    expect(waiting.out()).toContain('no worker serves queue');
    waiting.child.kill('SIGINT');
    expect(await waiting.exited()).toBe(130);
    expect(waiting.out()).toContain('interrupted: 0 of 4 runs finished');
    const worker = start(['worker', '--queue', url, '--concurrency', '2']);
    await worker.waitFor(/serving queue/);
    const collected = aura(['collect', out, '--queue', url, '--no-progress']);
    worker.child.kill('SIGINT');
    expect(collected.status).toBe(0);
    expect(collected.stderr).not.toContain('missing from the queue');
    expect(Object.keys(summaries(out))).toHaveLength(4);
    const local = aura([
      'sweep',
      scenario,
      ...grid,
      '--vary',
      'agent.alpha=0.1,0.2',
      '--no-progress',
      '--out',
      join(dir, 'sweep-local'),
    ]);
    expect(local.status).toBe(0);
    expect(summaries(out)).toEqual(summaries(join(dir, 'sweep-local')));
    expect(readFileSync(join(out, 'sweep.csv'), 'utf8')).toBe(
      readFileSync(join(dir, 'sweep-local', 'sweep.csv'), 'utf8'),
    );
    expect(await worker.exited()).toBe(0);
  }, 120_000);

  it('refuses bad URLs, unreachable or wrongly authenticated Redis and secrets in a job, without printing credentials', async () => {
    const scenario = scenarioFile(dir, 6);
    const base = ['experiment', scenario, '--seeds', '1', '--out', join(dir, 'refused')];
    const cases: [string[], RegExp][] = [
      [[...base, '--queue', 'http://127.0.0.1:6379'], /--queue: unsupported scheme 'http'/],
      [[...base, '--detach'], /--detach needs --queue/],
      [[...base, '--workers', '2', '--queue', url], /--workers sets local threads/],
      [
        [...base, '--queue', 'redis://user:hunter2-secret@127.0.0.1:1/0'],
        /cannot use Redis at redis:\/\/\*\*\*@127\.0\.0\.1:1\/0: .*ECONNREFUSED/,
      ],
      [
        [...base, '--queue', `redis://:wrong-hunter2-secret@127.0.0.1:${redis.port}`],
        /cannot use Redis at redis:\/\/\*\*\*@127\.0\.0\.1:\d+\/0: WRONGPASS/,
      ],
      [['worker', '--queue', `redis://127.0.0.1:${redis.port}`], /NOAUTH.*AURA_REDIS_PASSWORD/],
      [['collect', dir, '--queue', url], /holds no queued experiment \(no queue.json\)/],
    ];
    // In parallel: each is a CLI start-up and a refusal. The last sends a scenario carrying an
    // API key's value, which is never sent.
    const [leaky, ...results] = await Promise.all([
      auraAsync([...base, '--set', 'description=key sk-test-5ecret-value-123', '--queue', url], {
        EXAMPLE_API_KEY: 'sk-test-5ecret-value-123',
      }),
      ...cases.map(([args]) => auraAsync(args)),
    ]);
    for (const [k, [, message]] of cases.entries()) {
      const res = results[k]!;
      expect(res.stderr).toMatch(message);
      expect(res.status).toBe(2);
      expect(res.stderr).not.toMatch(/hunter2|\n\s+at /);
      expect(res.stderr).not.toContain(PASSWORD);
    }
    expect(leaky!.status).toBe(2);
    expect(leaky!.stderr).toContain('the scenario contains the value of EXAMPLE_API_KEY');
    expect(leaky!.stderr).not.toContain('sk-test-5ecret');
    expect(existsSync(join(dir, 'refused'))).toBe(false);
  }, 60_000);

  it('a job that throws is retried, then reported with its cell and seed; a payload that is not a scenario job is refused', async () => {
    const queueUrl = parseQueueUrl(url);
    const calls: number[] = [];
    const lines: string[] = [];
    const stop = new AbortController();
    const serving = serveQueue({
      url: queueUrl,
      concurrency: 1,
      stallSeconds: 30,
      signal: stop.signal,
      log: (line) => lines.push(line),
      run: async (task) => {
        calls.push(task.seed);
        if (task.seed === 2) throw new Error('simulated crash');
        return computeJob(task);
      },
    });
    const submitted = await submitToQueue({
      kind: 'experiment',
      scenario: loadScenarioFile(scenarioFile(dir, 6)),
      scenarioFile: 'paper-6.yaml',
      grid: { configs: ['marl-only'], traffics: ['low'], seeds: [1, 2] },
      outDir: join(dir, 'retried'),
      resume: false,
      url: queueUrl,
      vary: [],
      allPairs: false,
      detach: false,
      pollMs: 100,
    });
    expect(submitted.detached).toBe(false);
    const outcome = submitted.detached ? null : submitted.outcome;
    expect(outcome?.summaries.map((s) => s.seed)).toEqual([1]);
    expect(outcome?.failures).toEqual([
      {
        job: expect.objectContaining({ id: 'marl-only/low/seed-2', seed: 2 }),
        message: 'simulated crash (after 3 attempts)',
      },
    ]);
    expect(calls.filter((seed) => seed === 2)).toHaveLength(3);

    // Anything but a scenario job is refused at once, without running or retrying it.
    const queue = new Queue(queueName(), {
      connection: connectionOptions(queueUrl),
      prefix: QUEUE_PREFIX,
    });
    const junk = await queue.add(
      'run',
      { format: JOB_FORMAT, code: 'process.exit(1)' },
      { attempts: 3, jobId: 'junk-1' },
    );
    for (let i = 0; i < 200 && (await queue.getJobState(junk.id!)) !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const refused = await queue.getJob(junk.id!);
    expect(refused?.failedReason).toMatch(/^invalid job payload: not a scenario job/);
    expect(refused?.attemptsMade).toBe(1);
    expect(lines.join('\n')).toContain('rejected job junk-1');
    expect(calls).toHaveLength(4);
    await queue.close();
    stop.abort();
    await serving;
    expect(lines.at(-1)).toBe('worker: stopped');
  }, 60_000);
});
