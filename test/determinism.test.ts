import { describe, expect, it } from 'vitest';
import { AGENT_FIELDS, TEST_FIELDS } from '../src/metrics/list.js';
import { executeRun } from '../src/run/execute.js';
import { json } from '../src/run/runDir.js';
import { shortPaper } from './helpers/paper.js';

const summaryText = async (seed: number, traffic = 'normal') =>
  json((await executeRun({ scenario: shortPaper(), traffic, config: 'marl-only', seed })).summary);

describe('determinism', () => {
  it('same scenario, configuration, traffic and seed give a byte-identical summary', async () => {
    const a = await summaryText(7);
    const b = await summaryText(7);
    expect(b).toBe(a);
    // No wall-clock fields (simulated milliseconds are fine; measured latency only with a network model).
    expect(a).not.toMatch(/wall|time"|\bdate/i);
    expect(JSON.parse(a).llm.measured).toBeNull();
  });

  it('a different seed or traffic level gives different results', async () => {
    expect(await summaryText(8)).not.toBe(await summaryText(7));
    expect(await summaryText(7, 'high')).not.toBe(await summaryText(7, 'low'));
  });

  it('has the required summary shape', async () => {
    const { summary } = await executeRun({
      scenario: shortPaper(),
      traffic: 'high',
      config: 'marl-only',
      seed: 1,
    });
    expect(summary).toMatchObject({
      scenario: 'paper',
      config: 'marl-only',
      traffic: 'high',
      seed: 1,
    });
    const keys = (o: object) => Object.keys(o).sort();
    expect(keys(summary)).toEqual(
      [
        'config',
        'episodes',
        'guidance',
        'llm',
        'scenario',
        'seed',
        'test',
        'traffic',
        'training',
      ].sort(),
    );
    expect(keys(summary.episodes)).toEqual(['stepsPerEpisode', 'test', 'training']);
    // The network's metrics and each agent's are the list's (test/metrics.test.ts checks their order).
    expect(keys(summary.test)).toEqual([...TEST_FIELDS, 'agents'].sort());
    expect(keys(summary.training)).toEqual(['finalEpsilon', 'lateDroppedPerEpisode']);
    for (const agent of Object.values(summary.test.agents)) {
      expect(keys(agent)).toEqual([...AGENT_FIELDS, 'actions'].sort());
      expect(keys(agent.actions)).toEqual(['decrease', 'handoff', 'increase', 'maintain']);
      expect(agent.blocked + agent.droppedCalls + agent.droppedHandoffs).toBe(
        agent.droppedRequests,
      );
      expect(agent.admitted + agent.blocked + agent.uncovered).toBe(agent.arrivals);
    }
    expect(summary.test.steps).toBe(500);
    expect(Object.keys(summary.test.agents)).toEqual(['rural', 'urban']);
    const { rural, urban } = summary.test.agents;
    expect(summary.test.droppedRequests).toBe(rural!.droppedRequests + urban!.droppedRequests);
    expect(summary.test.droppedHandoffs).toBe(rural!.droppedHandoffs + urban!.droppedHandoffs);
    expect(summary.test.systemFailures).toBeGreaterThan(0);
    expect(summary.test.systemFailures).toBeLessThanOrEqual(summary.test.steps);
    expect(summary.test.llmUsageRate).toBe(0);
    expect(summary.llm).toEqual({
      provider: 'none',
      model: 'none',
      calls: 0,
      inputTokens: 0,
      outputTokens: 0,
      rejected: 0,
      failedCalls: 0,
      prompts: null,
      latencyFrom: null,
      meanLatencyMs: 0,
      measured: null,
      retries: 0,
      cost: null,
    });
    expect(summary.guidance).toBeNull();
  });

  it.each(['guided', 'aura'] as const)(
    '%s: same seed gives a byte-identical summary, latency draws included',
    async (config) => {
      const run = async (seed: number) =>
        json((await executeRun({ scenario: shortPaper(), traffic: 'high', config, seed })).summary);
      const a = await run(3);
      expect(await run(3)).toBe(a);
      expect(run(4)).not.toBe(a);
      const summary = JSON.parse(a);
      expect(summary.llm.calls).toBeGreaterThan(0);
      expect(summary.llm.prompts).toMatch(/^[0-9a-f]{12}$/);
      expect(summary.guidance.test.llmDecisions).toBeGreaterThan(0);
    },
  );
});
