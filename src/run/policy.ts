/** Saving and loading every agent's Q-table (a derived policy) as one JSON document. */
import {
  agentFromJson,
  agentToJson,
  Q_TABLE_FORMAT,
  type QAgent,
  type QTablesDocument,
  QTablesSchema,
  stateShape,
} from '../agents/qlearning.js';
import { UserError } from '../errors.js';
import type { ModelConfig } from '../scenario/resolve.js';
import { readJsonDocument } from './document.js';

export function policyDocument(config: ModelConfig, agents: readonly QAgent[]): QTablesDocument {
  return {
    format: Q_TABLE_FORMAT,
    scenario: config.scenario,
    agents: Object.fromEntries(config.cells.map((c, i) => [c.id, agentToJson(agents[i]!)])),
  };
}

export interface LoadPolicyOptions {
  /** Accept tables trained on a scenario of another name (cells and state spaces must match). */
  readonly transfer?: boolean;
}

/**
 * Reads a policy document for this scenario: one table per cell, no table for a cell the scenario
 * does not have, each fitting its cell's state space. A document saved from another scenario is
 * refused unless `transfer` is set.
 */
export function loadPolicy(
  file: string,
  config: ModelConfig,
  options: LoadPolicyOptions = {},
): QAgent[] {
  const doc = readJsonDocument(file, QTablesSchema, 'Q-table document');
  if (doc.scenario !== config.scenario && !options.transfer) {
    throw new UserError(
      `${file}: the Q-tables were trained on scenario '${doc.scenario}', this run is '${config.scenario}' (pass --transfer to use them anyway)`,
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
      table,
      stateShape(cell.powerLevels, config.agent),
      `${file}: agents.${cell.id}`,
    );
  });
}
