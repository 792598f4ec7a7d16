import { describe, expect, it } from 'vitest';

describe('package entry point', () => {
  it('exports the statistics by the package name', async () => {
    // Self-reference through package.json "exports" (the built library), as users import it.
    const lib = await import('aura-sim');
    const kw = lib.kruskalWallis([
      [1, 3, 5, 7, 9],
      [2, 4, 6, 8, 10],
    ]);
    expect(kw.df).toBe(1);
    expect(Math.abs(kw.H - 0.2727272727272734)).toBeLessThan(1e-9);
    const dunn = lib.dunnTest(
      [
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
      ],
      { correction: 'holm', control: 0 },
    );
    expect(dunn.comparisons.map((c) => [c.i, c.j])).toEqual([
      [0, 1],
      [0, 2],
    ]);
    expect(typeof lib.runExperiment).toBe('function');
    expect(typeof lib.executeRun).toBe('function');
  });
});
