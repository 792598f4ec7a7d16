/**
 * The scenario schema: the single source of truth for the scenario format.
 *
 * TypeScript types come from it (`z.infer`); so do the JSON Schema `aura schema` prints and the
 * field reference in docs/scenario-reference.md (`reference.ts`, via `z.toJSONSchema`), which
 * tests keep in step with it. Every parameter the AURA paper leaves unpublished is a named field
 * with a default here; `docs/model.md` explains each default.
 *
 * One file per section under `schema/` (cells, traffic, radio, agent, llm, guidance, …), composed
 * in `schema/scenario.ts`; the cross-field checks are in `checks.ts`. This module adds the checks
 * to the composed object and exports every name the rest of the code imports.
 */
import type { z } from 'zod';
import { checkReferences } from './checks.js';
import { ScenarioFieldsSchema } from './schema/scenario.js';

export { AgentSchema, EpsilonSchema } from './schema/agent.js';
export {
  BUILTIN_CELL_TYPES,
  type Cell,
  CellSchema,
  type CellType,
  CellTypeSchema,
  cellTypesOf,
  type HexLayout,
  HexLayoutSchema,
  LayoutSchema,
  PowerSchema,
  TopologySchema,
} from './schema/cells.js';
export {
  EpisodesSchema,
  InitialSchema,
  stepMilliseconds,
  TimeSchema,
} from './schema/episodes.js';
export {
  AlignmentSchema,
  type AlignmentSettings,
  type Guidance,
  GuidanceSchema,
  PlannerSchema,
  type PlannerSettings,
  type TrustParams,
  TrustSchema,
} from './schema/guidance.js';
export { LIMITS } from './schema/limits.js';
export {
  DEFAULT_MODELS,
  type LatencyModel,
  LatencySchema,
  LlmSchema,
  type LlmSettings,
} from './schema/llm.js';
export { RadioSchema, SinrSchema } from './schema/radio.js';
export type { Scenario } from './schema/scenario.js';
export { type Signal, SignalSchema } from './schema/signals.js';
export {
  DiurnalSchema,
  type FlashCrowd,
  FlashCrowdSchema,
  ScheduleSchema,
  TraceSchema,
  TrafficLevelSchema,
  TrafficSchema,
  type TrafficSource,
  TrafficSourceSchema,
} from './schema/traffic.js';

export const ScenarioSchema = ScenarioFieldsSchema.superRefine(checkReferences);

export type ScenarioInput = z.input<typeof ScenarioSchema>;
