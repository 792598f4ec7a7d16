/**
 * The scenario's sections composed into one object, before the cross-field checks
 * (`../checks.ts`): its output type is the `Scenario` every other module reads.
 */
import { z } from 'zod';
import { AgentSchema } from './agent.js';
import { CellSchema, CellTypeSchema, LayoutSchema, TopologySchema } from './cells.js';
import { EpisodesSchema, InitialSchema, TimeSchema } from './episodes.js';
import { id } from './fields.js';
import { GuidanceSchema } from './guidance.js';
import { LIMITS } from './limits.js';
import { RadioSchema } from './radio.js';
import { SignalSchema } from './signals.js';
import { TrafficSchema } from './traffic.js';

export const ScenarioFieldsSchema = z.strictObject({
  name: id('scenario name').describe('Short name, used in results.'),
  description: z.string().default('').describe('What the scenario represents.'),
  time: TimeSchema.default({ stepSeconds: 1, stepsPerEpisode: 100 }).describe(
    'Simulated time: the length of a step and of an episode.',
  ),
  episodes: EpisodesSchema.default({ training: 200, test: 50 }).describe(
    'How many episodes train the agents, then test them.',
  ),
  initial: InitialSchema.default({ loadFraction: { min: 0, max: 0.8 } }).describe(
    'Randomised start of every episode (power is uniform over the levels).',
  ),
  cellTypes: z
    .record(id('cell type name'), CellTypeSchema)
    .default({})
    .describe(
      "Named cell presets, besides the built-in `rural` and `urban` (the paper's; a preset of the same name replaces them).",
    ),
  cells: z
    .array(CellSchema)
    .max(LIMITS.cells)
    .default([])
    .describe('The base stations (besides those a layout generates).'),
  layout: LayoutSchema.optional().describe('Generated cells, in addition to `cells`.'),
  topology: TopologySchema.optional().describe('How neighbours are derived from positions.'),
  traffic: TrafficSchema.describe('Who arrives where and when: sources, levels, profiles, crowds.'),
  radio: RadioSchema.default(RadioSchema.parse({})).describe(
    'Radio thresholds: when users are served, poorly served or dropped.',
  ),
  agent: AgentSchema.default(AgentSchema.parse({})).describe(
    'The learning agents: algorithm, learning rate, discount, exploration, observation, reward.',
  ),
  guidance: GuidanceSchema.default(GuidanceSchema.parse({})).describe(
    'The LLM planner, trust and alignment controller (configurations guided and aura).',
  ),
  signals: z
    .array(SignalSchema)
    .default([])
    .describe('External events the planner can see ahead of time (e.g. a concert near a cell).'),
});

export type Scenario = z.infer<typeof ScenarioFieldsSchema>;
