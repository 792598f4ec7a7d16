/**
 * Progress on stderr, shared by every command that runs for a while: a bar on a terminal, plain
 * lines otherwise, and Ctrl-C wired to an abort signal for the grid commands.
 */
import { SingleBar } from 'cli-progress';
import type { JobEvent } from '../experiment/run.js';

/** A progress bar with this format on stderr, or undefined when disabled or not a terminal. */
export function terminalBar(format: string, enabled: boolean): SingleBar | undefined {
  if (!enabled || !process.stderr.isTTY) return undefined;
  return new SingleBar({ stream: process.stderr, format, hideCursor: true });
}

const duration = (ms: number) => {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
};

/**
 * Progress on stderr: a bar with ETA on a terminal, else a line every 10% or 10 seconds. Runs
 * reused on resume count as done but not in the rate the ETA is computed from.
 */
export function progressReporter(total: number, enabled: boolean) {
  let started = Date.now();
  let failed = 0;
  let reused = 0;
  const eta = (done: number, now: number) => {
    const ran = done - reused;
    return ran > 0 ? ((now - started) / ran) * (total - done) : 0;
  };
  const bar = terminalBar('runs [{bar}] {value}/{total} | {failed} failed | ETA {eta}', enabled);
  if (bar) {
    bar.start(total, 0, { failed, eta: '–' });
    return {
      onJob: (e: JobEvent) => {
        if (e.status === 'failed') failed++;
        if (e.status === 'skipped') {
          reused++;
          started = Date.now();
        }
        bar.update(e.done, {
          failed,
          eta: e.done < total ? duration(eta(e.done, Date.now())) : '0s',
        });
      },
      stop: () => bar.stop(),
    };
  }
  let lastAt = started;
  let lastShare = 0;
  return {
    onJob: (e: JobEvent) => {
      if (e.status === 'skipped') {
        reused++;
        started = Date.now();
        lastShare = e.done / total;
        return; // reported once, in the summary line
      }
      if (e.status === 'failed') {
        failed++;
        process.stderr.write(`run ${e.job.id} failed: ${e.message}\n`);
      }
      const now = Date.now();
      const share = e.done / total;
      if (e.done < total && share - lastShare < 0.1 && now - lastAt < 10_000) return;
      lastAt = now;
      lastShare = share;
      process.stderr.write(
        `[${String(e.done).padStart(String(total).length)}/${total}] ${(100 * share).toFixed(0)}% of runs done, ${failed} failed${e.done < total ? `, ETA ${duration(eta(e.done, now))}` : `, ${duration(now - started)}`}\n`,
      );
    },
    stop: () => {},
  };
}

/**
 * Runs `work` with a progress reporter and Ctrl-C wired to an abort signal; the reporter is
 * stopped and the handler removed whatever happens.
 */
export async function withProgress<T>(
  total: number,
  enabled: boolean,
  work: (
    signal: AbortSignal,
    onJob: (e: JobEvent) => void,
    onNotice: (message: string) => void,
  ) => Promise<T>,
): Promise<T> {
  const progress = progressReporter(total, enabled);
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  try {
    return await work(abort.signal, progress.onJob, (message) =>
      process.stderr.write(`note: ${message}\n`),
    );
  } finally {
    progress.stop();
    process.off('SIGINT', onSigint);
  }
}
