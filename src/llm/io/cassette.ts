/**
 * Recordings of model exchanges ("cassettes"), as JSON lines: one line per call with the run it
 * belongs to, the role, the request (prompt text and sampling settings) and its hash, the reply
 * or failure, the measured wall latency, attempts and token usage. Nothing else: no key, no
 * header, no endpoint.
 *
 * Replay answers the n-th call with a given request hash in a given run and role with the n-th
 * recorded answer, so a replayed run gets exactly the replies — and measured latencies — of the
 * recorded one and reproduces its `summary.json`.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { UserError } from '../../errors.js';
import type { ResolvedLlm } from '../../scenario/resolve.js';
import { type CallResult, LlmFatalError, type Prompt } from '../types.js';

export interface CassetteEntry extends CallResult {
  /** configuration/traffic/seed of the run. */
  readonly run: string;
  readonly role: string;
  /** 0 for the first call with this hash in this run and role, 1 for the second… */
  readonly occurrence: number;
  readonly hash: string;
  readonly provider: string;
  readonly model: string;
  readonly request: {
    readonly system: string;
    readonly user: string;
    readonly maxTokens: number;
    readonly temperature: number;
  };
}

/** Hash of everything that determines a reply: provider, model, sampling settings, prompt text. */
export function requestHash(settings: ResolvedLlm, prompt: Prompt): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        settings.provider,
        settings.model,
        settings.maxTokens,
        settings.temperature,
        prompt.system,
        prompt.user,
      ]),
    )
    .digest('hex')
    .slice(0, 32);
}

/** Appends exchanges to a cassette file as they settle (nothing is lost if the run stops). */
export class Recorder {
  constructor(readonly path: string) {}

  write(entry: CassetteEntry): void {
    try {
      appendFileSync(this.path, `${JSON.stringify(entry)}\n`);
    } catch (err) {
      throw new LlmFatalError(`cannot write the recording ${this.path}: ${(err as Error).message}`);
    }
  }
}

const count = z.int().nonnegative();
const EntrySchema = z.object({
  run: z.string(),
  role: z.string(),
  occurrence: count,
  hash: z.string(),
  completion: z.object({ text: z.string(), inputTokens: count, outputTokens: count }).nullable(),
  failure: z.enum(['error', 'timeout']).nullable(),
  detail: z.string().nullable(),
  measuredMs: z.number().nonnegative().nullable(),
  attempts: z.int().positive(),
});

/** A loaded recording, indexed for replay. */
export class Cassette {
  private constructor(
    readonly path: string,
    private readonly entries: Map<string, CallResult>,
  ) {}

  static load(path: string): Cassette {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new UserError(`cannot read the recording ${path}: ${(err as Error).message}`);
    }
    const entries = new Map<string, CallResult>();
    const lines = text.split('\n');
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        // A last line cut short (the recording process was killed mid-write) is skipped.
        if (i === lines.length - 1) return;
        throw new UserError(
          `${path}:${i + 1}: not a JSON line (is this a recording made with --record?)`,
        );
      }
      const parsed = EntrySchema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new UserError(
          `${path}:${i + 1}: not a recorded exchange: ${issue.path.join('.') || 'line'}: ${issue.message}`,
        );
      }
      const e = parsed.data;
      entries.set(key(e.run, e.role, e.hash, e.occurrence), {
        completion: e.completion,
        failure: e.failure,
        detail: e.detail,
        measuredMs: e.measuredMs,
        attempts: e.attempts,
      });
    });
    return new Cassette(path, entries);
  }

  get size(): number {
    return this.entries.size;
  }

  lookup(run: string, role: string, hash: string, occurrence: number): CallResult | null {
    return this.entries.get(key(run, role, hash, occurrence)) ?? null;
  }

  missError(run: string, role: string, hash: string, occurrence: number): LlmFatalError {
    const nth = occurrence === 0 ? '' : ` (occurrence ${occurrence + 1})`;
    return new LlmFatalError(
      `replay: ${this.path} has no answer for the ${role}'s request ${hash}${nth} in run ${run}. ` +
        'The scenario, configuration, seed, model settings or prompt templates differ from the recording: ' +
        'record again, or pass --replay-fallback to ask the provider for what is missing.',
    );
  }
}

const key = (run: string, role: string, hash: string, occurrence: number): string =>
  `${run}\u0000${role}\u0000${hash}\u0000${occurrence}`;
