import { describe, expect, it } from 'vitest';
import { budgetWaitMs, chargeBudget, createBudget } from '../src/llm/budget.js';
import { sampleLatencyMs } from '../src/llm/latency.js';
import { Rng } from '../src/rng.js';

describe('rate budget in simulated time', () => {
  it('lets calls through while the request bucket lasts, then waits exactly for a refill', () => {
    const b = createBudget(6, 1e6); // one request per 10 s
    for (let i = 0; i < 6; i++) {
      expect(budgetWaitMs(b, 0, 100)).toBe(0);
      chargeBudget(b, 0, 100);
    }
    expect(budgetWaitMs(b, 0, 100)).toBe(10_000);
    expect(budgetWaitMs(b, 4_000, 100)).toBe(6_000);
    expect(budgetWaitMs(b, 10_000, 100)).toBe(0);
  });

  it('waits for input tokens as well, whichever bucket is shorter', () => {
    const b = createBudget(1000, 6000); // 100 tokens per second
    chargeBudget(b, 0, 5_950);
    expect(budgetWaitMs(b, 0, 100)).toBe(500); // 50 tokens left, 50 more in 0.5 s
    expect(budgetWaitMs(b, 250, 100)).toBe(250);
  });

  it('never fills beyond a minute of budget', () => {
    const b = createBudget(60, 1e6);
    expect(budgetWaitMs(b, 3_600_000, 1)).toBe(0);
    for (let i = 0; i < 60; i++) chargeBudget(b, 3_600_000, 1);
    expect(budgetWaitMs(b, 3_600_000, 1)).toBe(1000);
  });

  it('lets a prompt larger than a minute of tokens go once the bucket is full, leaving a debt', () => {
    const b = createBudget(100, 1000);
    expect(budgetWaitMs(b, 0, 5000)).toBe(0);
    chargeBudget(b, 0, 5000);
    // -4000 tokens: a full minute's budget again after five minutes.
    expect(budgetWaitMs(b, 0, 5000)).toBe(300_000);
  });
});

describe('latency models', () => {
  it('fixed latency is exact, in whole milliseconds', () => {
    expect(sampleLatencyMs({ model: 'fixed', seconds: 1.2345 }, Rng.create(1))).toBe(1235);
  });

  it('lognormal latency has the configured median', () => {
    const rng = Rng.create(2);
    const xs = Array.from({ length: 4001 }, () =>
      sampleLatencyMs({ model: 'lognormal', medianSeconds: 2, sigma: 0.5 }, rng),
    ).sort((a, b) => a - b);
    expect(xs[2000]!).toBeGreaterThan(1900);
    expect(xs[2000]!).toBeLessThan(2100);
    expect(xs.every(Number.isInteger)).toBe(true);
    expect(sampleLatencyMs({ model: 'lognormal', medianSeconds: 2, sigma: 0 }, rng)).toBe(2000);
  });

  it('empirical latency draws only the listed values, each of them', () => {
    const rng = Rng.create(3);
    const seen = new Set(
      Array.from({ length: 200 }, () =>
        sampleLatencyMs({ model: 'empirical', seconds: [0.5, 1, 4] }, rng),
      ),
    );
    expect([...seen].sort((a, b) => a - b)).toEqual([500, 1000, 4000]);
  });
});
