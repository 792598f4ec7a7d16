/** Saving and loading every agent's Q-table (a derived policy) as one JSON document. */
import { readFileSync } from 'node:fs';
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
import { formatPath } from '../scenario/load.js';
import type { ModelConfig } from '../scenario/resolve.js';

export function policyDocument(config: ModelConfig, agents: readonly QAgent[]): QTablesDocument {
  return {
    format: Q_TABLE_FORMAT,
    scenario: config.scenario,
    agents: Object.fromEntries(config.cells.map((c, i) => [c.id, agentToJson(agents[i]!)])),
  };
}

export function loadPolicy(file: string, config: ModelConfig): QAgent[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new UserError(
      `${file}: cannot read policy (${e.code === 'ENOENT' ? 'file not found' : e.message})`,
    );
  }
  const parsed = QTablesSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = formatPath(issue.path.filter((p): p is string | number => typeof p !== 'symbol'));
    throw new UserError(
      `${file}: not a Q-table document: ${path || '(document)'}: ${issue.message}`,
    );
  }
  return config.cells.map((cell) => {
    const doc = parsed.data.agents[cell.id];
    if (!doc) throw new UserError(`${file}: no Q-table for cell '${cell.id}'`);
    return agentFromJson(
      doc,
      stateShape(cell.powerLevels, config.agent),
      `${file}: agents.${cell.id}`,
    );
  });
}
