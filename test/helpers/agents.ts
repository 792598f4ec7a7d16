/** Tests read and write the Q-table of the (tabular) agents a run made. */
import type { Agent } from '../../src/agents/agent.js';
import { QTableAgent } from '../../src/agents/table.js';

export function qOf(agent: Agent): Float64Array {
  if (!(agent instanceof QTableAgent)) throw new Error(`a ${agent.algorithm} agent has no Q-table`);
  return agent.q;
}
