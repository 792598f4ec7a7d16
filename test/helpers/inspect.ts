import { type ChildProcess, spawn } from 'node:child_process';

/** A running `aura inspect` (the built CLI), its stderr, and its page's address. */
export interface InspectProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves when stderr matches. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code once the process has ended. */
  readonly exited: Promise<number | null>;
}

/** Starts `aura inspect ARGS` (on a free port unless ARGS say otherwise) and waits for its URL. */
export async function startInspect(args: string[]): Promise<InspectProcess> {
  const child = spawn(
    process.execPath,
    [
      'dist/src/cli/main.js',
      'inspect',
      ...(args.includes('--port') ? [] : ['--port', '0']),
      ...args,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let err = '';
  const waiters = new Set<() => void>();
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
    for (const w of waiters) w();
  });
  child.stdout!.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let ended = false;
  void exited.then(() => {
    ended = true;
    for (const w of waiters) w();
  });
  const waitFor = (pattern: RegExp, timeoutMs = 20_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out waiting for ${pattern} in:\n${err}`));
      }, timeoutMs);
      function check() {
        if (pattern.test(err)) {
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        } else if (ended) {
          clearTimeout(timer);
          waiters.delete(check);
          reject(new Error(`aura inspect exited before ${pattern}:\n${err}`));
        }
      }
      waiters.add(check);
      check();
    });
  await waitFor(/http:\/\/[^ ]+\//);
  const url = /(http:\/\/[^ ]+\/)/.exec(err)![1]!;
  return { child, url, stderr: () => err, waitFor, exited };
}
