/**
 * Real providers against fake servers on 127.0.0.1: the official Anthropic SDK and the
 * OpenAI-compatible client, request shapes, batching, retries, failures of every kind (each run
 * completes with them counted), fatal errors, recording and replay.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Cassette } from '../src/llm/io/cassette.js';
import { executeRun } from '../src/run/execute.js';
import { json } from '../src/run/runDir.js';
import type { Scenario } from '../src/scenario/schema.js';
import {
  type FakeServer,
  fakeServer,
  okBody,
  type Reply,
  type SeenRequest,
} from './helpers/fakeLlm.js';
import { guidedPaper } from './helpers/guided.js';

const KEY = 'sk-ant-test-SENTINEL-0123456789';

/** A short guided paper run (a handful of calls) against a server. */
function scenario(llm: Partial<Scenario['guidance']['llm']>, steps = 20, training = 2): Scenario {
  const base = guidedPaper({
    llm: { retries: 2, retryBaseSeconds: 0, callTimeoutSeconds: 5, ...llm },
    alignment: { everyEpisodes: 1 },
  });
  return {
    ...base,
    time: { ...base.time, stepsPerEpisode: steps },
    episodes: { training, test: 1 },
  };
}

const run = (
  s: Scenario,
  config: 'guided' | 'aura' = 'aura',
  llm?: Parameters<typeof executeRun>[0]['llm'],
) => executeRun({ scenario: s, traffic: 'normal', config, seed: 1, llm });

let server: FakeServer | undefined;
const saved = { ...process.env };
beforeEach(() => {
  process.env.ANTHROPIC_API_KEY = KEY;
  delete process.env.ANTHROPIC_BASE_URL;
  delete process.env.OPENAI_API_KEY;
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  process.env = { ...saved };
});

const plannerRequests = (reqs: readonly SeenRequest[]) =>
  reqs.filter((r) => r.prompt.kind === 'planner');

describe('anthropic provider (official SDK, fake Messages API)', () => {
  it('sends one Messages request per planner batch and per evaluation, in the documented shape', async () => {
    server = await fakeServer('anthropic');
    const { summary } = await run(scenario({ provider: 'anthropic', baseUrl: server.url }));
    const reqs = server.requests;
    expect(reqs.length).toBeGreaterThan(3);
    expect(summary.llm.calls).toBe(reqs.length); // one request per batch or evaluation
    const g = summary.guidance!;
    expect(plannerRequests(reqs)).toHaveLength(g.training.calls + g.test.calls);
    for (const r of reqs) {
      expect(r.method).toBe('POST');
      expect(r.path).toBe('/v1/messages');
      // This SDK version sends the key as a bearer token; older ones as x-api-key.
      expect(r.headers['x-api-key'] ?? r.headers.authorization?.replace(/^Bearer /, '')).toBe(KEY);
      expect(r.headers['anthropic-version']).toBeTruthy();
      expect(r.body.model).toBe('claude-sonnet-4-20250514');
      expect(r.body.max_tokens).toBe(1024);
      expect(typeof r.body.system).toBe('string');
      expect(r.body.messages).toEqual([{ role: 'user', content: r.prompt.user }]);
    }
    // The paper's two cells ask together: one prompt carries both targets.
    expect(g.training.meanBatchSize).toBeGreaterThan(1);
    expect(plannerRequests(reqs).some((r) => r.prompt.user.match(/TARGET/g)?.length === 2)).toBe(
      true,
    );
    expect(summary.llm.failedCalls).toBe(0);
    expect(summary.llm.provider).toBe('anthropic');
    expect(summary.llm.measured!.calls).toBe(reqs.length);
    expect(summary.llm.latencyFrom).toBe('measured');
    // Claude Sonnet 4 list price: $3 in, $15 out per million tokens.
    const { inputTokens, outputTokens } = summary.llm;
    expect(summary.llm.cost).toMatchObject({ source: 'table', inputPerMTok: 3, outputPerMTok: 15 });
    expect(summary.llm.cost!.usd).toBeCloseTo((inputTokens * 3 + outputTokens * 15) / 1e6, 6);
  });

  it('retries a 429 after its retry-after, and the run carries on', async () => {
    server = await fakeServer('anthropic', (r) =>
      r.n % 2 === 0
        ? {
            status: 429,
            headers: { 'retry-after': '0' },
            body: '{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}',
          }
        : undefined,
    );
    const { summary } = await run(scenario({ provider: 'anthropic', baseUrl: server.url }));
    expect(summary.llm.retries).toBe(summary.llm.calls);
    expect(summary.llm.failedCalls).toBe(0);
    expect(server.requests).toHaveLength(2 * summary.llm.calls);
  });

  it('waits out a non-zero retry-after before retrying', async () => {
    server = await fakeServer('anthropic', (r) =>
      r.n === 0
        ? {
            status: 429,
            headers: { 'retry-after': '0.3' },
            body: '{"type":"error","error":{"type":"rate_limit_error","message":"wait"}}',
          }
        : undefined,
    );
    const { summary } = await run(
      scenario({ provider: 'anthropic', baseUrl: server.url, retryBaseSeconds: 0 }, 10, 1),
      'guided',
    );
    expect(summary.llm.retries).toBe(1);
    expect(summary.llm.measured!.maxMs).toBeGreaterThanOrEqual(300);
  });

  it('with measured latency, a call is not pursued past the simulated timeout', async () => {
    server = await fakeServer('anthropic', () => 'hang');
    const started = performance.now();
    const { summary } = await run(
      scenario(
        {
          provider: 'anthropic',
          baseUrl: server.url,
          timeoutSeconds: 0.2,
          callTimeoutSeconds: 30,
          retries: 3,
        },
        10,
        1,
      ),
      'guided',
    );
    expect(summary.llm.calls).toBeGreaterThan(0);
    expect(summary.llm.retries).toBe(0);
    expect(summary.guidance!.training.timeouts).toBe(summary.guidance!.training.calls);
    expect(server.requests).toHaveLength(summary.llm.calls);
    expect(performance.now() - started).toBeLessThan(summary.llm.calls * 1000);
  }, 20_000);

  it('a reply that arrives too late (simulated timeout) is still counted as paid for', async () => {
    server = await fakeServer('anthropic');
    const { summary } = await run(
      scenario(
        {
          provider: 'anthropic',
          baseUrl: server.url,
          latencyFrom: 'model',
          latency: { model: 'fixed', seconds: 5 },
          timeoutSeconds: 3,
        },
        10,
        1,
      ),
      'guided',
    );
    expect(summary.llm.failedCalls).toBe(summary.llm.calls);
    expect(summary.guidance!.training.timeouts).toBe(summary.guidance!.training.calls);
    expect(summary.llm.outputTokens).toBeGreaterThan(0);
  });

  it('server errors past the retries are counted failures; agents fall back; the run completes', async () => {
    server = await fakeServer('anthropic', () => ({
      status: 529,
      body: '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
    }));
    const { summary } = await run(
      scenario({ provider: 'anthropic', baseUrl: server.url, retries: 1 }),
    );
    expect(summary.llm.calls).toBeGreaterThan(0);
    expect(summary.llm.failedCalls).toBe(summary.llm.calls);
    expect(summary.llm.retries).toBe(summary.llm.calls);
    expect(server.requests).toHaveLength(2 * summary.llm.calls);
    expect(summary.test.llmUsageRate).toBe(0);
    expect(summary.guidance!.training.failedSuggestions).toBeGreaterThan(0);
    expect(summary.test.steps).toBe(20);
  });

  it('a call that never answers times out, is retried, then counted as a timeout', async () => {
    server = await fakeServer('anthropic', () => 'hang');
    const { summary } = await run(
      scenario(
        { provider: 'anthropic', baseUrl: server.url, callTimeoutSeconds: 0.2, retries: 1 },
        10,
        1,
      ),
      'guided',
    );
    const g = summary.guidance!;
    expect(g.training.calls).toBeGreaterThan(0);
    expect(g.training.timeouts + g.test.timeouts).toBe(summary.llm.calls);
    expect(summary.llm.failedCalls).toBe(summary.llm.calls);
    expect(server.requests).toHaveLength(2 * summary.llm.calls);
  }, 20_000);

  it.each<[string, (r: SeenRequest) => Reply, 'failed' | 'rejected']>([
    ['garbage body', () => ({ status: 200, body: '<html>oops' }), 'failed'],
    ['JSON of the wrong shape', () => ({ status: 200, body: '{"hello":"world"}' }), 'failed'],
    ['an empty reply', () => ({ status: 200, body: okBody('anthropic', '') }), 'rejected'],
    [
      'invalid action codes',
      () => ({
        status: 200,
        body: okBody('anthropic', '<actions>\nrural: 9\nurban: banana\n</actions>'),
      }),
      'rejected',
    ],
  ])('%s: counted, the agents keep their own policy, the run completes', async (_, reply, fate) => {
    server = await fakeServer('anthropic', (r) =>
      r.prompt.kind === 'planner' ? reply(r) : undefined,
    );
    const { summary } = await run(
      scenario({ provider: 'anthropic', baseUrl: server.url }),
      'guided',
    );
    const t = summary.guidance!.training;
    expect(t.calls).toBeGreaterThan(0);
    expect(t.suggestions).toBe(0);
    if (fate === 'failed') {
      expect(t.failedCalls).toBe(t.calls);
      expect(t.failedSuggestions).toBeGreaterThan(0);
      expect(summary.llm.retries).toBe(0); // a malformed 200 is not retried
    } else {
      expect(t.failedCalls).toBe(0);
      expect(t.rejected).toBeGreaterThan(0);
    }
    expect(summary.test.llmUsageRate).toBe(0);
  });

  it('a refused key stops the run with a clear error that does not leak the key', async () => {
    server = await fakeServer('anthropic', () => ({
      status: 401,
      body: JSON.stringify({
        type: 'error',
        error: { type: 'authentication_error', message: `invalid x-api-key ${KEY}` },
      }),
    }));
    const err = await run(scenario({ provider: 'anthropic', baseUrl: server.url })).catch((e) => e);
    expect(err.name).toBe('UserError');
    expect(err.message).toMatch(/HTTP 401.*API key was refused/);
    expect(err.message).not.toContain(KEY);
    expect(server.requests).toHaveLength(1); // not retried
  });

  it('a missing key stops the run before any request', async () => {
    delete process.env.ANTHROPIC_API_KEY;
    server = await fakeServer('anthropic');
    const err = await run(scenario({ provider: 'anthropic', baseUrl: server.url })).catch((e) => e);
    expect(err.message).toMatch(/ANTHROPIC_API_KEY/);
    expect(server.requests).toHaveLength(0);
  });
});

describe('openai-compatible provider (fetch, fake chat-completions API)', () => {
  it('posts chat completions with system and user messages, no auth header without a key', async () => {
    server = await fakeServer('openai');
    const s = scenario({
      provider: 'openai-compatible',
      baseUrl: server.url,
      model: 'llama3.1:8b',
    });
    const { summary } = await run(s);
    expect(server.requests.length).toBe(summary.llm.calls);
    for (const r of server.requests) {
      expect(r.path).toBe('/v1/chat/completions');
      expect(r.headers.authorization).toBeUndefined();
      expect(r.body).toMatchObject({ model: 'llama3.1:8b', max_tokens: 1024, temperature: 0 });
      expect(r.body.messages).toEqual([
        { role: 'system', content: r.prompt.system },
        { role: 'user', content: r.prompt.user },
      ]);
    }
    expect(summary.llm.failedCalls).toBe(0);
    expect(summary.guidance!.training.suggestions).toBeGreaterThan(0);
    expect(summary.llm.cost).toMatchObject({ source: 'none', usd: 0 });
  });

  it('sends OPENAI_API_KEY as a bearer token when set', async () => {
    process.env.OPENAI_API_KEY = 'local-token';
    server = await fakeServer('openai');
    await run(
      scenario({ provider: 'openai-compatible', baseUrl: server.url, model: 'm' }, 10, 1),
      'guided',
    );
    expect(server.requests[0]!.headers.authorization).toBe('Bearer local-token');
  });

  it('garbage, missing choices and 5xx are counted failures; 404 (unknown model) is fatal', async () => {
    let n = 0;
    server = await fakeServer('openai', () => {
      n++;
      return n % 3 === 0
        ? { status: 200, body: 'not json' }
        : n % 3 === 1
          ? { status: 200, body: '{"choices":[]}' }
          : { status: 503, body: 'busy' };
    });
    const { summary } = await run(
      scenario({ provider: 'openai-compatible', baseUrl: server.url, model: 'm', retries: 0 }),
    );
    expect(summary.llm.failedCalls).toBe(summary.llm.calls);
    await server.close();
    server = await fakeServer('openai', () => ({
      status: 404,
      body: '{"error":{"message":"model m not found"}}',
    }));
    const err = await run(
      scenario({ provider: 'openai-compatible', baseUrl: server.url, model: 'm' }),
    ).catch((e) => e);
    expect(err.message).toMatch(/HTTP 404: model m not found — unknown model/);
  });

  it('a dead server (connection refused) is retried, then counted; the run completes', async () => {
    server = await fakeServer('openai');
    const url = server.url;
    await server.close();
    server = undefined;
    const { summary } = await run(
      scenario({ provider: 'openai-compatible', baseUrl: url, model: 'm', retries: 1 }, 10, 1),
      'guided',
    );
    expect(summary.llm.failedCalls).toBe(summary.llm.calls);
    expect(summary.llm.retries).toBe(summary.llm.calls);
  });
});

describe('record and replay', () => {
  it('a replay reproduces the recorded run exactly, with no server, and never stores the key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aura-cassette-'));
    const file = join(dir, 'calls.jsonl');
    server = await fakeServer('anthropic');
    const s = scenario({ provider: 'anthropic', baseUrl: server.url });
    const recorded = await run(s, 'aura', { record: file });
    await server.close();
    server = undefined;
    delete process.env.ANTHROPIC_API_KEY; // replay needs no key and no network
    const replayed = await run(s, 'aura', { replay: file });
    expect(json(replayed.summary)).toBe(json(recorded.summary));
    expect(replayed.files.episodesCsv).toBe(recorded.files.episodesCsv);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(KEY);
    expect(text).not.toMatch(/x-api-key|authorization/i);
    expect(Cassette.load(file).size).toBe(recorded.summary.llm.calls);
    // Another seed asks other questions: a clear miss, unless falling back is allowed.
    const miss = await executeRun({
      scenario: s,
      traffic: 'normal',
      config: 'aura',
      seed: 2,
      llm: { replay: file },
    }).catch((e) => e);
    expect(miss.name).toBe('UserError');
    expect(miss.message).toMatch(
      /has no answer for the (planner|evaluator)'s request .*\/seed2.*--replay-fallback/s,
    );
  });

  it('replay with fallback asks the provider only for what the recording lacks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aura-cassette-'));
    const file = join(dir, 'calls.jsonl');
    server = await fakeServer('anthropic');
    const s = scenario({ provider: 'anthropic', baseUrl: server.url });
    const first = await run(s, 'guided', { record: file });
    const before = server.requests.length;
    const again = await run(s, 'guided', { replay: file, replayFallback: true });
    expect(server.requests.length).toBe(before); // all answered from the recording
    expect(again.summary.test).toEqual(first.summary.test);
    const other = await executeRun({
      scenario: s,
      traffic: 'normal',
      config: 'guided',
      seed: 5,
      llm: { replay: file, replayFallback: true },
    });
    expect(server.requests.length - before).toBe(other.summary.llm.calls);
  });

  it('latencyFrom model: simulated latency comes from the latency model, measured is still recorded', async () => {
    server = await fakeServer('anthropic');
    const s = scenario({
      provider: 'anthropic',
      baseUrl: server.url,
      latencyFrom: 'model',
      latency: { model: 'fixed', seconds: 3 },
    });
    const { summary } = await run(s, 'guided');
    expect(summary.llm.latencyFrom).toBe('model');
    expect(summary.llm.meanLatencyMs).toBe(3000);
    expect(summary.llm.measured!.calls).toBe(summary.llm.calls);
    expect(summary.llm.measured!.meanMs).toBeLessThan(3000);
  });
});
