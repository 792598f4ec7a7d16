import { describe, expect, it } from 'vitest';
import { createActor, createMachine, setup, spawnChild } from 'xstate';
import { type PlanOutcomeEvent, plannerMachine } from '../machines/planner.js';
import { SimClock } from '../src/engine/clock.js';
import { requestSnapshots } from '../src/llm/context.js';
import { LlmGateway } from '../src/llm/io/gateway.js';
import { type LlmProvider, type Prompt, ProviderError } from '../src/llm/types.js';
import { advanceWorldTo, createWorld } from '../src/model/world.js';
import { Rng } from '../src/rng.js';
import { resolveModel } from '../src/scenario/resolve.js';
import { guidedPaper } from './helpers/guided.js';

type Received = { readonly t: number; readonly cell: string; readonly event: PlanOutcomeEvent };

/** A provider that answers every target with `maintain` (or as told) and records its prompts. */
function scripted(reply?: (p: Prompt) => string): LlmProvider & { prompts: Prompt[] } {
  const prompts: Prompt[] = [];
  return {
    name: 'scripted',
    model: 'test',
    prompts,
    complete(p) {
      prompts.push(p);
      const text =
        reply?.(p) ??
        `<actions>\n${[...p.user.matchAll(/"targets": \[([^\]]*)\]/g)][0]![1]!
          .split(',')
          .map((s) => `${s.trim().replace(/"/g, '')}: 3`)
          .join('\n')}\n</actions>`;
      return { text, inputTokens: 100, outputTokens: 10 };
    },
  };
}

/**
 * The planner alone in an actor system on the simulated clock, with two stub base stations that
 * record what they receive and when.
 */
function harness(over: Parameters<typeof guidedPaper>[0], provider: LlmProvider = scripted()) {
  const config = resolveModel(guidedPaper(over), 'normal', 'guided');
  const world = createWorld(config, Rng.create(1));
  const clock = new SimClock({ onAdvance: (_, to) => advanceWorldTo(world, to) });
  const received: Received[] = [];
  const station = (cell: string) =>
    createMachine({
      on: {
        '*': {
          actions: ({ event }) =>
            received.push({ t: clock.now(), cell, event: event as PlanOutcomeEvent }),
        },
      },
    });
  const root = setup({
    actors: { planner: plannerMachine, rural: station('rural'), urban: station('urban') },
  }).createMachine({
    entry: [
      spawnChild('planner', {
        systemId: 'planner',
        input: {
          world,
          guidance: world.guidance!,
          role: {
            name: 'planner',
            latencyRng: Rng.create(2),
            gateway: new LlmGateway({
              settings: config.guidance!.llm,
              provider: () => provider,
              runKey: 'test',
            }),
          },
        },
      }),
      spawnChild('rural', { systemId: 'bs:rural' }),
      spawnChild('urban', { systemId: 'bs:urban' }),
    ],
  });
  const actor = createActor(root, { clock }).start();
  const planner = actor.system.get('planner')!;
  const request = (cellIndex: number, at: number) =>
    clock.setTimeout(() => {
      planner.send({
        type: 'plan.requested',
        cellIndex,
        cellId: config.cells[cellIndex]!.id,
        observedAtMs: at,
        cells: requestSnapshots(world, cellIndex),
      });
    }, at);
  const ledger = () => world.guidance!.ledger.training;
  return { clock, world, received, request, ledger, planner };
}

const fixed = (seconds: number) => ({ latency: { model: 'fixed' as const, seconds } });

describe('LLM planner in simulated time', () => {
  it('batches requests that arrive together into one prompt, answered after batch + latency', () => {
    const provider = scripted();
    const h = harness({ llm: fixed(1), planner: { batchSeconds: 0.5 } }, provider);
    h.request(0, 0);
    h.request(1, 0);
    h.clock.run();
    expect(provider.prompts).toHaveLength(1);
    expect(h.received.map((r) => [r.t, r.cell, r.event.type])).toEqual([
      [1500, 'rural', 'plan.suggested'],
      [1500, 'urban', 'plan.suggested'],
    ]);
    expect(h.received[0]!.event).toMatchObject({ action: 2, observedAtMs: 0 }); // maintain
    expect(h.ledger()).toMatchObject({ requests: 2, calls: 1, suggestions: 2, queueWaitMs: 1000 });
  });

  it('sends a full batch at once, at most maxBatchSize requests per prompt, one call at a time', () => {
    const provider = scripted();
    const h = harness({ llm: fixed(1), planner: { batchSeconds: 0.5, maxBatchSize: 1 } }, provider);
    h.request(0, 0);
    h.request(1, 0);
    h.clock.run();
    expect(provider.prompts).toHaveLength(2);
    expect(h.received.map((r) => [r.t, r.cell])).toEqual([
      [1000, 'rural'],
      [2000, 'urban'],
    ]);
  });

  it('a newer request from the same cell replaces the queued one', () => {
    const provider = scripted();
    const h = harness({ llm: fixed(1), planner: { batchSeconds: 0.5 } }, provider);
    h.request(0, 0);
    h.request(0, 200);
    h.clock.run();
    expect(provider.prompts).toHaveLength(1);
    expect(h.received).toHaveLength(1);
    expect(h.received[0]).toMatchObject({ t: 1500, event: { observedAtMs: 200 } });
  });

  it('a request that must wait for budget is delayed by exactly the refill time', () => {
    // One request per minute: the first call at 0.5 s empties the bucket; the next may start
    // once it has refilled, at 60.5 s, and is answered a second later.
    const h = harness({ llm: fixed(1), planner: { batchSeconds: 0.5, requestsPerMinute: 1 } });
    h.request(0, 0);
    h.request(1, 1000);
    h.clock.run();
    expect(h.received.map((r) => [r.t, r.cell])).toEqual([
      [1500, 'rural'],
      [61_500, 'urban'],
    ]);
    expect(h.ledger().rateLimitedMs).toBe(59_000);
  });

  it('waits for input-token budget too', () => {
    // A budget of the first prompt's tokens plus 50 per minute: the second prompt waits until
    // the bucket has refilled enough for it.
    const probe = scripted();
    const first = harness({ llm: fixed(0), planner: { batchSeconds: 0 } }, probe);
    first.request(0, 0);
    first.clock.run();
    const tokensOf = (p: Prompt) => Math.ceil((p.system + p.user).length / 4);
    const perMinute = tokensOf(probe.prompts[0]!) + 50;
    const provider = scripted();
    const h = harness(
      { llm: fixed(0), planner: { batchSeconds: 0, tokensPerMinute: perMinute } },
      provider,
    );
    h.request(0, 0);
    h.request(0, 1);
    h.clock.run();
    const second = tokensOf(provider.prompts[1]!);
    // After the first call 50 tokens are left; at 1 ms the bucket has gained perMinute/60000,
    // and it gains that much every millisecond.
    const waitMs = Math.ceil(((second - 50) * 60_000 - perMinute) / perMinute);
    expect(waitMs).toBeGreaterThan(1000);
    expect(h.received.map((r) => r.t)).toEqual([0, 1 + waitMs]);
    expect(h.ledger().rateLimitedMs).toBe(waitMs);
  });

  it('a failed call or a timeout tells the agents to fall back, counted', () => {
    const failing: LlmProvider = {
      name: 'failing',
      model: 'x',
      complete() {
        throw new ProviderError('boom');
      },
    };
    const h = harness({ llm: fixed(1) }, failing);
    h.request(0, 0);
    h.request(1, 0);
    h.clock.run();
    expect(h.received.map((r) => r.event)).toEqual([
      { type: 'plan.failed', reason: 'error', observedAtMs: 0 },
      { type: 'plan.failed', reason: 'error', observedAtMs: 0 },
    ]);
    expect(h.ledger()).toMatchObject({ calls: 1, failedCalls: 1, failedSuggestions: 2 });

    const slow = harness({ llm: { ...fixed(40), timeoutSeconds: 30 } });
    slow.request(0, 0);
    slow.clock.run();
    expect(slow.received).toEqual([
      {
        t: 500 + 30_000,
        cell: 'rural',
        event: { type: 'plan.failed', reason: 'timeout', observedAtMs: 0 },
      },
    ]);
    expect(slow.ledger()).toMatchObject({ timeouts: 1, failedCalls: 1 });
  });

  it('a reply the translator cannot use is a rejected suggestion, never a crash', () => {
    const h = harness(
      { llm: fixed(1) },
      scripted(() => 'I would rather not say. <actions>rural: 9'),
    );
    h.request(0, 0);
    h.request(1, 0);
    h.clock.run();
    expect(h.received.map((r) => r.event.type)).toEqual(['plan.rejected', 'plan.rejected']);
    expect(h.ledger()).toMatchObject({ rejected: 2, suggestions: 0 });
  });

  it('its statechart shows collecting, inFlight and rateLimited (delivering is momentary)', () => {
    const h = harness({ llm: fixed(1), planner: { requestsPerMinute: 1, batchSeconds: 0.5 } });
    const seen: string[] = [];
    h.planner.subscribe((s: { value: unknown }) => {
      const v = String(s.value);
      if (seen.at(-1) !== v) seen.push(v);
    });
    h.request(0, 0);
    h.request(1, 1000);
    h.clock.run();
    expect(seen).toEqual(['collecting', 'inFlight', 'rateLimited', 'inFlight', 'idle']);
  });
});
