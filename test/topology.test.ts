import { describe, expect, it } from 'vitest';
import { runActors } from '../src/engine/actorEngine.js';
import { parseScenario } from '../src/scenario/load.js';
import { resolveModel } from '../src/scenario/resolve.js';
import { hexCells, hexCoordinates, scenarioCells } from '../src/scenario/topology.js';

const types = `cellTypes:
  macro:
    power: { min: 40, max: 46, step: 2 }
    capacity: 20
`;

describe('hexagonal layout', () => {
  it('has 1 + 3r(r+1) cells in spiral order, each at the spacing from its neighbours', async () => {
    expect([0, 1, 2, 3].map((r) => hexCoordinates(r).length)).toEqual([1, 7, 19, 37]);
    const cells = hexCells({ rings: 2, spacingKm: 0.5, type: 'macro', idPrefix: 'c' });
    expect(cells.map((c) => c.id).slice(0, 3)).toEqual(['c0', 'c1', 'c2']);
    expect(cells[0]!.position).toEqual({ x: 0, y: 0 });
    expect(cells[0]!.neighbours).toHaveLength(6);
    const degrees = cells.map((c) => c.neighbours!.length);
    expect(degrees.filter((d) => d === 6)).toHaveLength(7); // the centre and ring 1
    expect(degrees.filter((d) => d === 3)).toHaveLength(6); // ring-2 corners
    expect(degrees.filter((d) => d === 4)).toHaveLength(6); // ring-2 edges
    const at = new Map(cells.map((c) => [c.id, c.position!]));
    for (const c of cells) {
      for (const n of c.neighbours!) {
        const p = at.get(n)!;
        expect(Math.hypot(p.x - c.position!.x, p.y - c.position!.y)).toBeCloseTo(0.5, 5);
        expect(cells.find((x) => x.id === n)!.neighbours).toContain(c.id); // symmetric
      }
    }
  });

  it('a scenario with a layout and a per-cell source template runs', async () => {
    const s = parseScenario(`name: hex
${types}layout:
  hex: { rings: 1, type: macro }
traffic:
  everyCell: { arrivalRate: 0.8 }
episodes: { training: 2, test: 1 }
`);
    expect(s.cells).toEqual([]);
    const model = resolveModel(s, 'normal');
    expect(model.cells.map((c) => c.id)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
    expect(model.sources.map((x) => x.id)).toEqual(model.cells.map((c) => `${c.id}-users`));
    // The centre's neighbours, east first, clockwise: ring 1 starts south-west of the centre.
    expect(model.cells[0]!.neighbours).toEqual([3, 4, 5, 6, 1, 2]);
    expect((await runActors(model, { seed: 1 })).world.testTotals.steps).toBe(100);
  });
});

describe('neighbours from positions', () => {
  it('derives omitted neighbour lists within the radius, nearest first; explicit lists win', async () => {
    const s = parseScenario(`name: line
${types}topology: { neighbourRadiusKm: 1.5 }
cells:
  - { id: a, type: macro, position: { x: 0, y: 0 } }
  - { id: b, type: macro, position: { x: 1, y: 0 } }
  - { id: c, type: macro, position: { x: 2.2, y: 0 } }
  - { id: d, type: macro, position: { x: 0.9, y: 0 }, neighbours: [] }
  - { id: e, type: macro }
traffic:
  sources: [{ id: s, cell: a, arrivalRate: 1 }]
`);
    const n = Object.fromEntries(scenarioCells(s).map((c) => [c.id, c.neighbours]));
    expect(n).toEqual({ a: ['d', 'b'], b: ['d', 'a', 'c'], c: ['b', 'd'], d: [], e: [] });
  });

  it('refuses a layout whose ids clash, an unknown layout type, and a scenario with no cells', async () => {
    const problems = (text: string) => {
      try {
        parseScenario(text, 'x.yaml');
      } catch (err) {
        return (err as { problems: { path: string; message: string }[] }).problems;
      }
      return [];
    };
    const traffic = 'traffic:\n  everyCell: { arrivalRate: 1 }\n';
    expect(
      problems(
        `name: x\n${types}cells: [{ id: c0, type: macro }]\nlayout:\n  hex: { rings: 1, type: macro }\n${traffic}`,
      ),
    ).toEqual([
      expect.objectContaining({
        path: 'layout.hex.idPrefix',
        message: expect.stringContaining("generates cell id 'c0'"),
      }),
    ]);
    expect(
      problems(`name: x\n${types}layout:\n  hex: { rings: 1, type: micro }\n${traffic}`),
    ).toEqual([
      expect.objectContaining({
        path: 'layout.hex.type',
        message: "unknown cell type 'micro' (known: rural, urban, macro)",
      }),
    ]);
    expect(problems(`name: x\n${types}${traffic}`)).toEqual([
      expect.objectContaining({ path: 'cells', message: 'no cells: give `cells` or a `layout`' }),
    ]);
  });
});
