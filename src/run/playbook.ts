/**
 * The offline playbook (AURA's first planning tier): Q-tables trained in advance, one named entry
 * per traffic condition. A guided run given a playbook first compares its own conditions with
 * each entry's; when one is close enough — every cell's offered load within `tolerance` of the
 * entry's — the agents start from that entry's tables and the planner stays on this tier (no
 * reasoning calls for the run). Otherwise the conditions are novel and go to the reasoning tier:
 * the planner's prompts, as without a playbook.
 *
 * A cell's offered load is the traffic it is offered as a share of its capacity:
 * Σ (arrival rate × mean holding time) over its sources ÷ capacity (Erlangs per place).
 */
import { z } from 'zod';
import type { Agent } from '../agents/agent.js';
import { AgentDocSchema } from '../agents/policyFormat.js';
import { agentFromJson } from '../agents/registry.js';
import { stateShape } from '../agents/space.js';
import { runActors } from '../engine/actorEngine.js';
import { UserError } from '../errors.js';
import { type ModelConfig, resolveModel } from '../scenario/resolve.js';
import type { Scenario } from '../scenario/schema.js';
import { readJsonDocument } from './document.js';
import { policyDocument } from './policy.js';

export const PLAYBOOK_FORMAT = 'aura-sim/playbook@1';

const EntrySchema = z.strictObject({
  name: z.string().min(1),
  conditions: z.strictObject({ offeredLoad: z.record(z.string(), z.number().nonnegative()) }),
  agents: z.record(z.string(), AgentDocSchema),
});

export const PlaybookSchema = z.strictObject({
  format: z.literal(PLAYBOOK_FORMAT),
  scenario: z.string(),
  entries: z.array(EntrySchema),
});
export type Playbook = z.infer<typeof PlaybookSchema>;
export type PlaybookEntry = z.infer<typeof EntrySchema>;

/** Offered load per cell id (see the header). */
export function offeredLoad(config: ModelConfig): Record<string, number> {
  const load = config.cells.map(() => 0);
  for (const s of config.sources) load[s.cellIndex]! += s.meanRatePerStep * s.meanHoldingSteps;
  return Object.fromEntries(
    config.cells.map((c, i) => [c.id, Math.round((load[i]! / c.capacity) * 1e6) / 1e6]),
  );
}

export function playbookEntry(
  name: string,
  config: ModelConfig,
  agents: readonly Agent[],
): PlaybookEntry {
  return {
    name,
    conditions: { offeredLoad: offeredLoad(config) },
    agents: policyDocument(config, agents).agents,
  };
}

/**
 * Trains marl-only agents under each traffic level (training phase only) and collects their
 * derived policies as entries named after the levels.
 */
export async function buildPlaybook(
  scenario: Scenario,
  levels: readonly string[],
  seed: number,
  onLevel?: (traffic: string) => void,
): Promise<Playbook> {
  // One test episode keeps the run short: only the trained tables are kept.
  const training = { ...scenario, episodes: { ...scenario.episodes, test: 1 } };
  const entries = [];
  for (const traffic of levels) {
    const model = resolveModel(training, traffic, 'marl-only');
    entries.push(playbookEntry(traffic, model, (await runActors(model, { seed })).trainedAgents));
    onLevel?.(traffic);
  }
  return { format: PLAYBOOK_FORMAT, scenario: scenario.name, entries };
}

export function readPlaybook(file: string): Playbook {
  return readJsonDocument(file, PlaybookSchema, 'playbook');
}

export interface PlaybookMatch {
  readonly entry: string | null;
  /** Largest difference in offered load over the cells, for the nearest entry (null if none). */
  readonly distance: number | null;
  readonly tolerance: number;
}

/**
 * The nearest entry whose every cell is within `tolerance`, with its tables loaded for this
 * scenario, or a novel-conditions verdict. Entries for another scenario or other cells are refused.
 */
export function matchPlaybook(
  file: string,
  playbook: Playbook,
  config: ModelConfig,
  tolerance: number,
): { match: PlaybookMatch; agents: Agent[] | null } {
  if (playbook.scenario !== config.scenario) {
    throw new UserError(
      `${file}: the playbook was built for scenario '${playbook.scenario}', this run is '${config.scenario}'`,
    );
  }
  const here = offeredLoad(config);
  let best: { entry: PlaybookEntry; distance: number } | null = null;
  for (const entry of playbook.entries) {
    const ids = Object.keys(entry.conditions.offeredLoad);
    if (ids.length !== config.cells.length || !config.cells.every((c) => c.id in entry.agents)) {
      throw new UserError(
        `${file}: entry '${entry.name}' does not describe this scenario's cells (${config.cells.map((c) => c.id).join(', ')})`,
      );
    }
    const distance = Math.max(
      ...config.cells.map((c) =>
        Math.abs((entry.conditions.offeredLoad[c.id] ?? Infinity) - here[c.id]!),
      ),
    );
    if (!best || distance < best.distance) best = { entry, distance };
  }
  const distance = best ? Math.round(best.distance * 1e6) / 1e6 : null;
  if (!best || best.distance > tolerance) {
    return { match: { entry: null, distance, tolerance }, agents: null };
  }
  const entry = best.entry;
  const agents = config.cells.map((cell) =>
    agentFromJson(
      config.agent.algorithm,
      entry.agents[cell.id]!,
      stateShape(cell.powerLevels, config.agent),
      `${file}: entries.${entry.name}.agents.${cell.id}`,
    ),
  );
  return { match: { entry: entry.name, distance, tolerance }, agents };
}
