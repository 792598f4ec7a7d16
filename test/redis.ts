/**
 * A private redis-server for the queue tests: started on a free port in a temporary directory,
 * stopped by the caller. Without redis-server the tests fail with a message saying how to install
 * it — they skip only when AURA_SKIP_REDIS_TESTS=1 says so explicitly.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SKIP_REDIS = process.env.AURA_SKIP_REDIS_TESTS === '1';

export function redisServerAvailable(): boolean {
  return spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).status === 0;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface TestRedis {
  readonly port: number;
  readonly dir: string;
  /** `redis-cli` against this server (with its password). */
  cli(...args: string[]): string;
  stop(): Promise<void>;
}

export async function startRedis(password?: string): Promise<TestRedis> {
  if (!redisServerAvailable()) {
    throw new Error(
      'redis-server not found: the queue tests need it (apt-get install -y redis-server; .ci/run installs it). Set AURA_SKIP_REDIS_TESTS=1 to skip them knowingly.',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'aura-redis-'));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''];
  if (password) args.push('--requirepass', password);
  const server: ChildProcess = spawn('redis-server', args, { stdio: 'ignore' });
  const auth = password ? ['-a', password, '--no-auth-warning'] : [];
  const cli = (...cmd: string[]) =>
    spawnSync('redis-cli', ['-p', String(port), ...auth, ...cmd], { encoding: 'utf8' }).stdout;
  for (let i = 0; i < 100 && cli('ping').trim() !== 'PONG'; i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  if (cli('ping').trim() !== 'PONG') throw new Error(`redis-server did not start on ${port}`);
  return {
    port,
    dir,
    cli,
    stop: () =>
      new Promise<void>((resolve) => {
        if (server.exitCode !== null) return resolve();
        server.once('exit', () => resolve());
        server.kill('SIGTERM');
      }),
  };
}
