import { readFileSync } from 'node:fs';
import { parseScenario } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/schema.js';

/** The paper scenario, shortened so tests run fast (fields can be overridden). */
export function shortPaper(over: Partial<Scenario> = {}): Scenario {
  const paper = parseScenario(readFileSync('scenarios/paper.yaml', 'utf8'), 'scenarios/paper.yaml');
  return { ...paper, episodes: { training: 20, test: 5 }, ...over };
}
