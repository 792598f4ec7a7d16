/**
 * The gateway's real-time queue: retries and backoff (retry-after wins), concurrency, results
 * handed over in call order whatever order the network answers in, fatal errors.
 */
import { describe, expect, it } from 'vitest';
import { LlmGateway } from '../src/llm/io/gateway.js';
import { retryAfterMs } from '../src/llm/io/network.js';
import {
  type CallResult,
  type Completion,
  LlmFatalError,
  type NetworkProvider,
  type Prompt,
  ProviderError,
} from '../src/llm/types.js';
import { resolveLlm } from '../src/scenario/resolve.js';
import { LlmSchema } from '../src/scenario/schema.js';

const settings = (over: Record<string, unknown> = {}) =>
  resolveLlm(
    LlmSchema.parse({ provider: 'anthropic', retryBaseSeconds: 0.5, retries: 3, ...over }),
  );
const prompt = (n: number): Prompt => ({ kind: 'planner', system: 's', user: `u${n}` });
const ok = (text: string): Completion => ({ text, inputTokens: 1, outputTokens: 1 });

function gateway(provider: NetworkProvider, over: Record<string, unknown> = {}) {
  const sleeps: number[] = [];
  const g = new LlmGateway({
    settings: settings(over),
    provider: () => provider,
    runKey: 'test',
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { g, sleeps };
}

/** Calls the gateway and waits for the result. */
async function callOnce(g: LlmGateway, n = 0): Promise<CallResult> {
  let result: CallResult | null = null;
  result = g.call('planner', prompt(n), (r) => {
    result = r;
  });
  await g.settle();
  return result!;
}

describe('LLM gateway', () => {
  it("waits the server's retry-after before the next attempt", async () => {
    let attempts = 0;
    const { g, sleeps } = gateway({
      name: 'stub',
      model: 'm',
      request: async () => {
        if (attempts++ === 0) throw new ProviderError('429', 'error', true, 1234);
        return ok('fine');
      },
    });
    const r = await callOnce(g);
    expect(sleeps).toEqual([1234]);
    expect(r).toMatchObject({ completion: ok('fine'), failure: null, attempts: 2 });
    expect(r.measuredMs).toBeGreaterThanOrEqual(0);
  });

  it('backs off exponentially, then counts the call as failed after the last retry', async () => {
    const { g, sleeps } = gateway({
      name: 'stub',
      model: 'm',
      request: async () => {
        throw new ProviderError('500', 'error', true);
      },
    });
    const r = await callOnce(g);
    expect(sleeps).toEqual([500, 1000, 2000]);
    expect(r).toMatchObject({ completion: null, failure: 'error', attempts: 4, detail: '500' });
  });

  it('does not retry what cannot succeed, nor wait out an absurd retry-after', async () => {
    const { g, sleeps } = gateway({
      name: 'stub',
      model: 'm',
      request: async () => {
        throw new ProviderError('400 bad request');
      },
    });
    expect(await callOnce(g)).toMatchObject({ failure: 'error', attempts: 1 });
    const later = gateway({
      name: 'stub',
      model: 'm',
      request: async () => {
        throw new ProviderError('429', 'error', true, 3_600_000);
      },
    });
    expect(await callOnce(later.g)).toMatchObject({ failure: 'error', attempts: 1 });
    expect([...sleeps, ...later.sleeps]).toEqual([]);
  });

  it('keeps at most `concurrency` calls in flight and hands results over in call order', async () => {
    let inFlight = 0;
    let peak = 0;
    const provider: NetworkProvider = {
      name: 'stub',
      model: 'm',
      request: async (p) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        // Later calls answer sooner: the network's order is not the call order.
        await new Promise((r) => setTimeout(r, 40 - 5 * Number(p.user.slice(1))));
        inFlight--;
        return ok(p.user);
      },
    };
    const { g } = gateway(provider, { concurrency: 2 });
    const order: string[] = [];
    for (let n = 0; n < 6; n++) {
      expect(g.call('planner', prompt(n), (r) => order.push(r.completion!.text))).toBeNull();
    }
    expect(g.pending).toBe(true);
    await g.settle();
    expect(g.pending).toBe(false);
    expect(peak).toBe(2);
    expect(order).toEqual(['u0', 'u1', 'u2', 'u3', 'u4', 'u5']);
  });

  it('a fatal error is thrown after the other calls are handed over', async () => {
    const provider: NetworkProvider = {
      name: 'stub',
      model: 'm',
      request: async (p) => {
        if (p.user === 'u1') throw new LlmFatalError('key refused');
        return ok(p.user);
      },
    };
    const { g } = gateway(provider);
    const got: string[] = [];
    for (let n = 0; n < 3; n++) g.call('planner', prompt(n), (r) => got.push(r.completion!.text));
    await expect(g.settle()).rejects.toThrow('key refused');
    expect(got).toEqual(['u0', 'u2']);
  });
});

describe('retry-after', () => {
  const h = (entries: Record<string, string>) => new Headers(entries);
  it('reads seconds, an HTTP date and retry-after-ms', () => {
    expect(retryAfterMs(h({ 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs(h({ 'retry-after': '0.25' }))).toBe(250);
    expect(retryAfterMs(h({ 'retry-after-ms': '120', 'retry-after': '9' }))).toBe(120);
    const now = Date.parse('2026-11-26T00:00:00Z');
    expect(retryAfterMs(h({ 'retry-after': 'Thu, 26 Nov 2026 00:00:30 GMT' }), now)).toBe(30_000);
    expect(retryAfterMs(h({ 'retry-after': 'soon' }))).toBeNull();
    expect(retryAfterMs(h({}))).toBeNull();
    expect(retryAfterMs(undefined)).toBeNull();
  });
});
