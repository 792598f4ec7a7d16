/**
 * What an HTTP answer from a model server means for the gateway, shared by the network
 * providers: which statuses are worth a retry (and after how long), which stop the run, and
 * which are a counted failure. Messages never carry the API key (it is scrubbed should a server
 * echo it back).
 */
import { LlmFatalError, ProviderError } from '../types.js';

/** `retry-after-ms` or `retry-after` (seconds or an HTTP date), in ms; null when absent. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | null {
  if (!headers) return null;
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.get('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return Math.round(ms);
  const value = headers.get('retry-after');
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** Removes a secret from a text (should a server echo it back). */
export function scrub(text: string, secret: string | undefined): string {
  return secret && secret.length >= 4 ? text.split(secret).join('***') : text;
}

/**
 * The error for an HTTP status other than 2xx. 401/403 (key refused) and 404 (unknown model or
 * wrong address) stop the run; 408, 409, 429 and 5xx are retried; the rest are counted failures.
 */
export function statusError(
  provider: string,
  status: number,
  message: string,
  headers: Headers | undefined,
): Error {
  const what = `${provider}: HTTP ${status}${message ? `: ${message}` : ''}`;
  if (status === 401 || status === 403) {
    return new LlmFatalError(
      `${what} — the API key was refused; check it (it is read from the environment)`,
    );
  }
  if (status === 404) {
    return new LlmFatalError(
      `${what} — unknown model or wrong address; check --model and the base URL`,
    );
  }
  const retryable = status === 408 || status === 409 || status === 429 || status >= 500;
  return new ProviderError(
    what,
    status === 408 ? 'timeout' : 'error',
    retryable,
    retryAfterMs(headers),
  );
}

/** A lost connection or an attempt past its time limit: both worth a retry. */
export function transportError(provider: string, err: unknown, timedOut: boolean): ProviderError {
  // Credentials in an address (user:secret@host) never reach a message.
  const message = (err instanceof Error ? err.message : String(err)).replace(
    /\/\/[^/@\s]+@/g,
    '//***@',
  );
  return timedOut
    ? new ProviderError(`${provider}: no answer within the call timeout`, 'timeout', true)
    : new ProviderError(`${provider}: connection failed: ${message}`, 'error', true);
}
