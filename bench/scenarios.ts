/** Scenarios for the benchmark: the paper's two cells, and a line of N alternating cells. */
import { readFileSync } from 'node:fs';
import { parseScenario } from '../src/scenario/load.js';
import type { Scenario } from '../src/scenario/schema.js';

export function paperScenario(path = 'scenarios/paper.yaml'): Scenario {
  return parseScenario(readFileSync(path, 'utf8'), path);
}

/**
 * N cells in a line, alternating the paper's rural and urban types, each with its own traffic
 * source at the paper's rates; every cell neighbours the cells beside it.
 */
export function lineScenario(cells: number, base: Scenario = paperScenario()): Scenario {
  const ids = Array.from({ length: cells }, (_, i) => `c${i}`);
  const rate = Object.fromEntries(base.traffic.sources.map((s) => [s.cell, s]));
  return {
    ...base,
    name: `line-${cells}`,
    cells: ids.map((id, i) => ({
      id,
      type: i % 2 === 0 ? 'rural' : 'urban',
      neighbours: [ids[i - 1], ids[i + 1]].filter((n): n is string => n !== undefined),
    })),
    traffic: {
      ...base.traffic,
      sources: ids.map((id, i) => {
        const src = rate[i % 2 === 0 ? 'rural' : 'urban']!;
        return {
          id: `${id}-users`,
          cell: id,
          arrivalRate: src.arrivalRate,
          meanHoldingSteps: src.meanHoldingSteps,
        };
      }),
    },
  };
}
