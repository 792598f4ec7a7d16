/**
 * The learning algorithms a scenario may choose (`agent.algorithm`). A new algorithm is one file
 * implementing `Agent` (`agent.ts`) and one line here; the scenario schema and its reference take
 * their names from this list.
 */
import type { Agent, Algorithm } from './agent.js';
import { expectedSarsa } from './expectedSarsa.js';
import type { AgentDoc } from './policyFormat.js';
import { qLearning } from './qlearning.js';
import type { StateShape } from './space.js';

const ALGORITHMS = [qLearning, expectedSarsa] as const satisfies readonly Algorithm[];

export type AlgorithmName = (typeof ALGORITHMS)[number]['name'];
/** The default: AURA's Q-learning (a scenario without `agent.algorithm`). */
export const DEFAULT_ALGORITHM: AlgorithmName = 'q-learning';
export const ALGORITHM_NAMES = ALGORITHMS.map((a) => a.name) as [AlgorithmName, ...AlgorithmName[]];

function algorithm(name: string | undefined): Algorithm {
  const found = ALGORITHMS.find((a) => a.name === (name ?? DEFAULT_ALGORITHM));
  // The scenario schema admits only listed names: anything else is a programming error.
  if (!found) throw new Error(`internal error: no agent algorithm '${name}'`);
  return found;
}

export function createAgent(name: string | undefined, shape: StateShape): Agent {
  return algorithm(name).create(shape);
}

export function agentFromJson(
  name: string | undefined,
  doc: AgentDoc,
  shape: StateShape,
  where: string,
): Agent {
  return algorithm(name).fromJson(doc, shape, where);
}
