/**
 * Saving and loading every agent's Q-table (a derived policy) as one JSON document. A document
 * names the algorithm that learnt it unless that is the default, Q-learning, so Q-learning's
 * files keep the format they had before there was a choice.
 */
import type { Agent } from '../agents/agent.js';
import { Q_TABLE_FORMAT, type QTablesDocument, QTablesSchema } from '../agents/policyFormat.js';
import { agentFromJson, DEFAULT_ALGORITHM } from '../agents/registry.js';
import { stateShape } from '../agents/space.js';
import { UserError } from '../errors.js';
import type { ModelConfig } from '../scenario/resolve.js';
import { readJsonDocument } from './document.js';

export function policyDocument(config: ModelConfig, agents: readonly Agent[]): QTablesDocument {
  const algorithm = config.agent.algorithm;
  return {
    format: Q_TABLE_FORMAT,
    scenario: config.scenario,
    ...(algorithm && algorithm !== DEFAULT_ALGORITHM ? { algorithm } : {}),
    agents: Object.fromEntries(config.cells.map((c, i) => [c.id, agents[i]!.toJson()])),
  };
}

export interface LoadPolicyOptions {
  /**
   * Accept tables trained on a scenario of another name, or by another algorithm (cells and state
   * spaces must match).
   */
  readonly transfer?: boolean;
}

/**
 * Reads a policy document for this scenario: one table per cell, no table for a cell the scenario
 * does not have, each fitting its cell's state space. A document saved from another scenario is
 * refused unless `transfer` is set, and so is one learnt by another algorithm than the run's.
 */
export function loadPolicy(
  file: string,
  config: ModelConfig,
  options: LoadPolicyOptions = {},
): Agent[] {
  const doc = readJsonDocument(file, QTablesSchema, 'Q-table document');
  if (doc.scenario !== config.scenario && !options.transfer) {
    throw new UserError(
      `${file}: the Q-tables were trained on scenario '${doc.scenario}', this run is '${config.scenario}' (pass --transfer to use them anyway)`,
    );
  }
  const learnt = doc.algorithm ?? DEFAULT_ALGORITHM;
  const running = config.agent.algorithm ?? DEFAULT_ALGORITHM;
  if (learnt !== running && !options.transfer) {
    throw new UserError(
      `${file}: the Q-tables were learnt by ${learnt}, this run's agents use ${running} (set agent.algorithm: ${learnt}, or pass --transfer to use them anyway)`,
    );
  }
  const cellIds = new Set(config.cells.map((c) => c.id));
  const extra = Object.keys(doc.agents).filter((id) => !cellIds.has(id));
  if (extra.length > 0) {
    throw new UserError(
      `${file}: Q-tables for cells the scenario does not have: ${extra.join(', ')} (cells: ${[...cellIds].join(', ')})`,
    );
  }
  return config.cells.map((cell) => {
    const table = doc.agents[cell.id];
    if (!table) throw new UserError(`${file}: no Q-table for cell '${cell.id}'`);
    return agentFromJson(
      config.agent.algorithm,
      table,
      stateShape(cell.powerLevels, config.agent),
      `${file}: agents.${cell.id}`,
    );
  });
}
