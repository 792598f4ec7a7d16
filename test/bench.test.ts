import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// The built benchmark (`npm test` builds first), in its quick smoke-test form.
const bench = (...args: string[]) =>
  spawnSync(process.execPath, ['dist/bench/engine.js', ...args], { encoding: 'utf8' });

describe('engine benchmark', () => {
  it('prints the cases as JSON: paper, 10, 100 and 1000 cells', () => {
    const res = bench('--json', '--quick', '--repeats=1');
    expect(res.status).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.node).toBe(process.version);
    expect(out.cases.map((c: { cells: number }) => c.cells)).toEqual([2, 10, 100, 1000]);
    for (const c of out.cases) {
      expect(c.engineAgentStepsPerSec).toBeGreaterThan(0);
      expect(c.plainAgentStepsPerSec).toBeGreaterThan(0);
      expect(c.ratio).toBeCloseTo(c.engineAgentStepsPerSec / c.plainAgentStepsPerSec, 2);
      expect(c.messagesPerAgentStep).toBeGreaterThan(0);
      expect(c.messagesPerAgentStep).toBeLessThan(0.1);
      expect(c.repeats).toBe(1);
      expect(c.peakRssMiB).toBeGreaterThan(0);
    }
    expect(out.guided.map((g: { config: string }) => g.config)).toEqual(['guided', 'aura']);
    for (const g of out.guided) {
      expect(g.engineAgentStepsPerSec).toBeGreaterThan(0);
      expect(g.llmCallsPerAgentStep).toBeGreaterThan(0);
      expect(g.llmCallsPerAgentStep).toBeLessThan(0.1); // batching: far fewer calls than decisions
    }
  }, 60_000);

  it('refuses a bad flag with a usage line and exit code 2', () => {
    for (const bad of ['--repeats=x', '--repeats=0', '--bogus']) {
      const res = bench(bad);
      expect(res.status).toBe(2);
      expect(res.stderr).toMatch(/^bench: .*\nusage: npm run bench/);
      expect(res.stdout).toBe('');
    }
  });
});
