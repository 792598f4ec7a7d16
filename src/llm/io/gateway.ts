/**
 * The LLM gateway: the one door between the simulation and its models, per run.
 *
 * Synchronous providers (the embedded simulated model, a replayed cassette) answer on the spot.
 * Network providers answer later: their calls go through a p-queue (concurrency, calls per wall
 * minute), are retried with backoff on rate limits, server errors, timeouts and lost connections
 * (a `retry-after` header wins), and end as a reply or a counted failure — never as an exception,
 * except for a fatal error (no key, refused key, unknown model), which stops the run.
 *
 * Simulated time stands still while network calls are in flight: the engine awaits `settle()`
 * before it advances the clock, and `settle()` hands every reply to its caller in the order the
 * calls were made, whatever order the network answered in. So a run depends only on the replies,
 * and replaying a recording reproduces it exactly.
 *
 * This is the edge: wall time, queues, retries, files. What a result means in simulated time
 * (latency, timeout, tokens counted) is decided by the pure call logic (`../call.ts`); the
 * gateway's only tie to it is the wall deadline it is handed (`deadlineMs`).
 */
import PQueue from 'p-queue';
import type { ResolvedLlm } from '../../scenario/resolve.js';
import {
  type AnyProvider,
  type CallFailure,
  type CallResult,
  isNetworkProvider,
  LlmFatalError,
  type LlmProvider,
  type ModelGateway,
  type NetworkProvider,
  type Prompt,
  ProviderError,
} from '../types.js';
import type { Cassette, CassetteEntry, Recorder } from './cassette.js';
import { requestHash } from './cassette.js';

export interface GatewayOptions {
  readonly settings: ResolvedLlm;
  /** The provider of a role (`planner`, `evaluator`); asked for once, when the role first calls a model. */
  readonly provider: (role: string) => AnyProvider;
  /** Identifies the run in a recording (configuration/traffic/seed). */
  readonly runKey: string;
  readonly recorder?: Recorder;
  readonly replay?: Cassette;
  /** On a replay miss, ask the provider instead of failing. */
  readonly replayFallback?: boolean;
  /** Sleep used between retries (tests shorten it). */
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * Wall-clock budget of one call, retries included, ms (`wallDeadlineMs` in `../call.ts`): a
   * call that would take longer is not pursued past it.
   */
  readonly deadlineMs?: number;
}

interface Pending {
  readonly promise: Promise<CallResult>;
  readonly onSettled: (result: CallResult) => void;
  result?: CallResult;
  error?: unknown;
}

const MAX_BACKOFF_MS = 60_000;
/** A retry-after longer than this is not waited for: the call fails (counted). */
const MAX_RETRY_AFTER_MS = 300_000;

export class LlmGateway implements ModelGateway {
  private readonly queue: PQueue;
  private inFlight: Pending[] = [];
  /** Occurrences of each (role, request hash) so far: the n-th identical request replays the n-th answer. */
  private readonly seen = new Map<string, number>();
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly providers = new Map<string, AnyProvider>();
  /** Aborted on a fatal error: the other calls stop at once (their results no longer matter). */
  private readonly stopping = new AbortController();

  constructor(private readonly options: GatewayOptions) {
    const s = options.settings;
    this.queue = new PQueue({
      concurrency: s.concurrency,
      ...(s.requestsPerMinute
        ? { intervalCap: Math.max(1, Math.floor(s.requestsPerMinute)), interval: 60_000 }
        : {}),
    });
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** Network calls awaiting `settle()`. */
  get pending(): boolean {
    return this.inFlight.length > 0;
  }

  /**
   * Asks the role's model. Returns the result now when it is known now (simulated provider,
   * replay); otherwise null, and `onSettled` gets it during a later `settle()`.
   */
  call(role: string, prompt: Prompt, onSettled: (result: CallResult) => void): CallResult | null {
    const { settings, replay, recorder } = this.options;
    // Hashing the prompt is only needed to record or replay: plain runs skip it.
    const hash = replay || recorder ? requestHash(settings, prompt) : '';
    const key = `${role} ${hash}`;
    const occurrence = hash ? (this.seen.get(key) ?? 0) : 0;
    if (hash) this.seen.set(key, occurrence + 1);
    const entry = (result: CallResult): CassetteEntry => ({
      run: this.options.runKey,
      role,
      occurrence,
      hash,
      provider: settings.provider,
      model: settings.model,
      request: {
        system: prompt.system,
        user: prompt.user,
        maxTokens: settings.maxTokens,
        temperature: settings.temperature,
      },
      ...result,
    });
    if (replay) {
      const recorded = replay.lookup(this.options.runKey, role, hash, occurrence);
      if (recorded) {
        // Replayed exchanges go to another recording (a complete one), never back into their own.
        if (recorder && recorder.path !== replay.path) recorder.write(entry(recorded));
        return recorded;
      }
      if (!this.options.replayFallback)
        throw replay.missError(this.options.runKey, role, hash, occurrence);
    }
    const provider = this.providerOf(role);
    if (!isNetworkProvider(provider)) {
      const result = completeNow(provider, prompt);
      recorder?.write(entry(result));
      return result;
    }
    const pending: Pending = {
      promise: this.withRetries(provider, prompt),
      onSettled: (result) => {
        recorder?.write(entry(result));
        onSettled(result);
      },
    };
    pending.promise.then(
      (r) => {
        pending.result = r;
      },
      (e) => {
        pending.error = e;
      },
    );
    this.inFlight.push(pending);
    return null;
  }

  /**
   * Waits for every network call in flight, then hands the results over in call order. A fatal
   * provider error is thrown (after the other calls finished, so their answers are recorded).
   */
  async settle(): Promise<void> {
    while (this.inFlight.length > 0) {
      const batch = this.inFlight;
      this.inFlight = [];
      await Promise.allSettled(batch.map((p) => p.promise));
      const fatal = batch.find((p) => p.error !== undefined);
      for (const p of batch) if (p.result) p.onSettled(p.result);
      if (fatal) throw fatal.error;
    }
  }

  private providerOf(role: string): AnyProvider {
    let provider = this.providers.get(role);
    if (!provider) {
      provider = this.options.provider(role);
      this.providers.set(role, provider);
    }
    return provider;
  }

  /** Stops taking work: drops queued calls (after a fatal error or an interrupt). */
  close(): void {
    this.queue.clear();
  }

  private async withRetries(provider: NetworkProvider, prompt: Prompt): Promise<CallResult> {
    const s = this.options.settings;
    const deadline = this.options.deadlineMs ?? Number.POSITIVE_INFINITY;
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const stop = this.stopping.signal;
    const giveUp = (attempts: number, failure: CallFailure, detail: string): CallResult => ({
      completion: null,
      failure,
      detail,
      measuredMs: elapsed(),
      attempts,
    });
    for (let attempt = 1; ; attempt++) {
      try {
        const completion = await this.queue.add(() => {
          const limit = Math.min(s.callTimeoutSeconds * 1000, deadline - elapsed());
          if (stop.aborted || limit <= 0) throw new ProviderError('deadline passed', 'timeout');
          return provider.request(prompt, AbortSignal.any([AbortSignal.timeout(limit), stop]));
        });
        return {
          completion,
          failure: null,
          detail: null,
          measuredMs: elapsed(),
          attempts: attempt,
        };
      } catch (err) {
        if (err instanceof LlmFatalError) {
          this.stopping.abort();
          throw err;
        }
        if (stop.aborted) return giveUp(attempt, 'error', 'stopped by a fatal error');
        const e =
          err instanceof ProviderError
            ? err
            : new ProviderError(err instanceof Error ? err.message : String(err));
        const wait =
          e.retryAfterMs ??
          Math.min(MAX_BACKOFF_MS, s.retryBaseSeconds * 1000 * 2 ** (attempt - 1));
        if (!e.retryable || attempt > s.retries || wait > MAX_RETRY_AFTER_MS) {
          return giveUp(attempt, e.failure, e.message);
        }
        if (elapsed() + wait >= deadline) {
          return giveUp(attempt, 'timeout', `${e.message}; a retry would pass the call's deadline`);
        }
        await this.sleep(wait);
      }
    }
  }
}

function completeNow(provider: LlmProvider, prompt: Prompt): CallResult {
  try {
    const completion = provider.complete(prompt);
    return { completion, failure: null, detail: null, measuredMs: null, attempts: 1 };
  } catch (err) {
    if (!(err instanceof ProviderError)) throw err;
    return {
      completion: null,
      failure: err.failure,
      detail: err.message,
      measuredMs: null,
      attempts: 1,
    };
  }
}
