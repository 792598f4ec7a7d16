import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// The built benchmark (`npm test` builds first), in its quick smoke-test form.
const bench = (...args: string[]) =>
  spawnSync(process.execPath, ['dist/bench/engine.js', ...args], { encoding: 'utf8' });

describe('engine benchmark', () => {
  it('prints the cases as JSON: paper, 10, 100, 1,000 and 10,000 cells', () => {
    const res = bench('--json', '--quick', '--repeats=1');
    expect(res.status).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.node).toBe(process.version);
    expect(out.cases.map((c: { cells: number }) => c.cells)).toEqual([2, 10, 100, 1000, 10_000]);
    for (const c of out.cases) {
      expect(c.engineUserStepsPerSec).toBeGreaterThan(0);
      if (c.cells <= 10) expect(c.vs10Cells).toBeNull();
      else expect(c.vs10Cells).toBeGreaterThan(0);
      expect(c.engineAgentStepsPerSec).toBeGreaterThan(0);
      expect(c.plainAgentStepsPerSec).toBeGreaterThan(0);
      expect(c.ratio).toBeCloseTo(c.engineAgentStepsPerSec / c.plainAgentStepsPerSec, 2);
      expect(c.messagesPerAgentStep).toBeGreaterThan(0);
      // The quick 10,000-cell case has 10-step episodes: start-up messages weigh more there.
      expect(c.messagesPerAgentStep).toBeLessThan(c.cells >= 10_000 ? 0.5 : 0.1);
      expect(c.repeats).toBe(1);
      // Steady state: the episodes after the first, which every case has.
      expect(c.episodesPerRun).toBeGreaterThanOrEqual(2);
      expect(c.engineSteadyAgentStepsPerSec).toBeGreaterThan(0);
      expect(c.steadyRatio).toBeCloseTo(
        c.engineSteadyAgentStepsPerSec / c.plainSteadyAgentStepsPerSec,
        2,
      );
      if (c.cells <= 10) {
        expect(c.steadyVs10Cells).toBeNull();
        expect(c.plainSteadyVs10Cells).toBeNull();
      } else {
        expect(c.steadyVs10Cells).toBeGreaterThan(0);
        expect(c.plainSteadyVs10Cells).toBeGreaterThan(0);
      }
      expect(c.engineStartupSec).toBeGreaterThanOrEqual(0);
      expect(c.engineShutdownSec).toBeGreaterThanOrEqual(0);
      expect(c.peakRssMiB).toBeGreaterThan(0);
    }
    expect(out.guided.map((g: { cells: number }) => g.cells)).toEqual([2, 2, 100, 1000]);
    for (const g of out.guided) {
      expect(g.engineAgentStepsPerSec).toBeGreaterThan(0);
      expect(g.llmCallsPerAgentStep).toBeGreaterThan(0);
      expect(g.llmCallsPerAgentStep).toBeLessThan(0.1); // batching: far fewer calls than decisions
    }
    // Regional planners at scale: calls per agent-step fall as the network grows.
    const [, , hundred, thousand] = out.guided;
    expect(thousand.planners).toBe(16);
    expect(thousand.llmCallsPerAgentStep).toBeLessThan(hundred.llmCallsPerAgentStep);
  }, 180_000);

  it('refuses a bad flag with a usage line and exit code 2', () => {
    for (const bad of ['--repeats=x', '--repeats=0', '--bogus']) {
      const res = bench(bad);
      expect(res.status).toBe(2);
      expect(res.stderr).toMatch(/^bench: .*\nusage: npm run bench/);
      expect(res.stdout).toBe('');
    }
  });
});
