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
  level: number;
  /** Time of the last refill. */
  atMs: number;
}

export interface RateBudget {
  readonly requests: Bucket;
  readonly tokens: Bucket;
}

export function createBudget(requestsPerMinute: number, tokensPerMinute: number): RateBudget {
  return {
    requests: { perMinute: requestsPerMinute, level: requestsPerMinute, atMs: 0 },
    tokens: { perMinute: tokensPerMinute, level: tokensPerMinute, atMs: 0 },
  };
}

function refill(b: Bucket, nowMs: number): void {
  if (nowMs <= b.atMs) return;
  b.level = Math.min(b.perMinute, b.level + ((nowMs - b.atMs) * b.perMinute) / 60_000);
  b.atMs = nowMs;
}

function bucketWait(b: Bucket, nowMs: number, amount: number): number {
  refill(b, nowMs);
  const need = Math.min(amount, b.perMinute);
  if (b.level >= need) return 0;
  return Math.ceil(((need - b.level) * 60_000) / b.perMinute);
}

/** Whole milliseconds to wait before a call of `tokens` input tokens may start (0: now). */
export function budgetWaitMs(budget: RateBudget, nowMs: number, tokens: number): number {
  return Math.max(bucketWait(budget.requests, nowMs, 1), bucketWait(budget.tokens, nowMs, tokens));
}

/** Charges a call that starts now. */
export function chargeBudget(budget: RateBudget, nowMs: number, tokens: number): void {
  refill(budget.requests, nowMs);
  refill(budget.tokens, nowMs);
  budget.requests.level -= 1;
  budget.tokens.level -= tokens;
}
