/**
 * Rate limits in simulated time: a token bucket for requests per minute and one for input tokens
 * per minute, as a provider enforces them. Time is in whole simulated milliseconds.
 *
 * A bucket holds at most one minute's budget and refills continuously. A call may go ahead when
 * both buckets hold what it needs; otherwise the planner waits exactly until they will. A prompt
 * larger than a whole minute's token budget waits for a full bucket, then goes (leaving it in
 * debt), so it delays later calls instead of blocking forever.
 */

interface Bucket {
  /** Budget per minute (also the bucket's size). */
  readonly perMinute: number;
  /**
   * Content in units of 1/60000 of a request (or token): one simulated millisecond refills
   * exactly `perMinute` units, so integer budgets and times stay exact.
   */
  units: number;
  /** Time of the last refill. */
  atMs: number;
}

export interface RateBudget {
  readonly requests: Bucket;
  readonly tokens: Bucket;
}

const UNITS = 60_000;

export function createBudget(requestsPerMinute: number, tokensPerMinute: number): RateBudget {
  const full = (perMinute: number): Bucket => ({ perMinute, units: perMinute * UNITS, atMs: 0 });
  return { requests: full(requestsPerMinute), tokens: full(tokensPerMinute) };
}

function refill(b: Bucket, nowMs: number): void {
  if (nowMs <= b.atMs) return;
  b.units = Math.min(b.perMinute * UNITS, b.units + (nowMs - b.atMs) * b.perMinute);
  b.atMs = nowMs;
}

function bucketWait(b: Bucket, nowMs: number, amount: number): number {
  refill(b, nowMs);
  const need = Math.min(amount, b.perMinute) * UNITS;
  return b.units >= need ? 0 : Math.ceil((need - b.units) / b.perMinute);
}

/** Whole milliseconds to wait before a call of `tokens` input tokens may start (0: now). */
export function budgetWaitMs(budget: RateBudget, nowMs: number, tokens: number): number {
  return Math.max(bucketWait(budget.requests, nowMs, 1), bucketWait(budget.tokens, nowMs, tokens));
}

/** Charges a call that starts now. */
export function chargeBudget(budget: RateBudget, nowMs: number, tokens: number): void {
  refill(budget.requests, nowMs);
  refill(budget.tokens, nowMs);
  budget.requests.units -= UNITS;
  budget.tokens.units -= tokens * UNITS;
}
