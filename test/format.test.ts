/** The terminal rendering of a run summary: whole tables for small networks, the worst cells for large ones. */
import { describe, expect, it } from 'vitest';
import { formatSummary } from '../src/cli/format.js';
import { executeRun } from '../src/run/execute.js';
import { loadScenarioFile } from '../src/scenario/load.js';
import type { Scenario } from '../src/scenario/schema.js';

const short = (file: string): Scenario => {
  const s = loadScenarioFile(file);
  return { ...s, episodes: { training: 2, test: 1 }, time: { ...s.time, stepsPerEpisode: 40 } };
};

const summarise = async (file: string) => {
  const { summary } = await executeRun({
    scenario: short(file),
    traffic: 'normal',
    config: 'guided',
    seed: 1,
  });
  return { summary, text: formatSummary(summary, '/tmp/run') };
};

describe('run summary in the terminal', () => {
  it('lists every cell and every agent’s trust for a small network', async () => {
    const { text } = await summarise('scenarios/paper.yaml');
    const lines = text.split('\n');
    expect(lines.filter((l) => /^(rural|urban) /.test(l))).toHaveLength(2);
    expect(text).toMatch(/trust rural \d\.\d\d, urban \d\.\d\d/);
    expect(text).not.toContain('more cells');
  });

  it('lists the cells with the most dropped requests for a large one, and sums up trust', async () => {
    const { summary, text } = await summarise('scenarios/city-sinr.yaml');
    const rows = text.split('\n').filter((l) => /^c\d+ /.test(l));
    expect(rows).toHaveLength(8);
    const drops = Object.entries(summary.test.agents)
      .map(([id, a]) => [id, a.droppedRequests] as const)
      .sort((a, b) => b[1] - a[1]);
    const shownDrops = rows.map((r) => Number(r.split(/\s+/)[1]));
    expect(shownDrops).toEqual(drops.slice(0, 8).map(([, d]) => d));
    expect(text).toContain('… 29 more cells (all in summary.json)');
    const trust = Object.values(summary.guidance!.trust).map((t) => t.final);
    const mean = trust.reduce((a, b) => a + b, 0) / trust.length;
    expect(text).toContain(
      `trust mean ${mean.toFixed(2)} over 37 agents, lowest ${Math.min(...trust).toFixed(2)}`,
    );
  });
});
