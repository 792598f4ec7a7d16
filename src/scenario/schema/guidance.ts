/** Guidance: the LLM planner, the agents' trust in it, and the alignment controller. */
import { z } from 'zod';
import { seconds } from './fields.js';
import { LIMITS } from './limits.js';
import { LlmSchema } from './llm.js';

export const PlannerSchema = z.strictObject({
  intervalSteps: z
    .int()
    .positive()
    .max(LIMITS.stepsPerEpisode)
    .default(10)
    .describe('Each base station asks for guidance every this many steps (and at episode start).'),
  batchSeconds: seconds(
    'The planner collects requests this long before sending one prompt.',
  ).default(0.5),
  maxBatchSize: z
    .int()
    .positive()
    .max(LIMITS.cells)
    .default(32)
    .describe('A batch is sent at once when it holds this many requests.'),
  requestsPerMinute: z
    .number()
    .positive()
    .max(1e6)
    .default(50)
    .describe('Request budget (token bucket, simulated time).'),
  tokensPerMinute: z
    .number()
    .positive()
    .max(1e9)
    .default(40_000)
    .describe('Input-token budget (token bucket, simulated time).'),
  maxAgeSeconds: seconds(
    'Agents ignore a suggestion whose observed state is older than this. Default: 1.5 request periods (intervalSteps × stepSeconds), 15 s in the paper scenario.',
  ).optional(),
  suggestionScope: z
    .enum(['state', 'once', 'hold', 'action'])
    .default('state')
    .describe(
      'What a suggestion covers: decisions taken in the state it was made for (state), the next decision only (once), every decision until it is replaced or stale (hold), or as its action calls for (action: a handoff or power step only the next decision in its state, maintain as state).',
    ),
  trendSteps: z
    .int()
    .positive()
    .max(1000)
    .default(10)
    .describe('Steps over which the prompt reports recent drops and load trends.'),
  playbookTolerance: z
    .number()
    .nonnegative()
    .max(10)
    .default(0.1)
    .describe(
      "With a playbook: an entry matches when every cell's offered load is within this of the run's.",
    ),
  scope: z
    .enum(['network', 'region'])
    .default('network')
    .describe(
      "One planner for the whole network, or one per region of about `regionCells` neighbouring cells: each batches its own region's requests, with its own call in flight and the region's share of the rate budget (its share of the cells).",
    ),
  regionCells: z
    .int()
    .positive()
    .max(LIMITS.cells)
    .default(64)
    .describe(
      "With scope 'region': about this many cells per regional planner (⌈cells / regionCells⌉ regions of nearly equal size), taken along a Hilbert curve over the cells' positions so that a region is a compact patch (in scenario order when cells have no positions).",
    ),
  signalLookaheadSeconds: seconds(
    'External signals starting within this horizon (or ongoing) appear in the prompt.',
  ).default(600),
});

export const TrustSchema = z
  .strictObject({
    initial: z.number().min(0).max(1).default(0.5).describe('Trust at the start of the run.'),
    min: z.number().min(0).max(1).default(0.05).describe('Trust never falls below this.'),
    max: z.number().min(0).max(1).default(0.95).describe('Trust never rises above this.'),
    rate: z
      .number()
      .min(0)
      .max(1)
      .default(0.05)
      .describe('Step toward 1 (or 0) after following a suggestion that paid off (or not).'),
    counterfactualRate: z
      .number()
      .min(0)
      .max(1)
      .default(0.02)
      .describe('Step after not following a suggestion, judged by the agent’s own estimate.'),
  })
  .refine((t) => t.min <= t.initial && t.initial <= t.max, {
    message: 'trust must satisfy min ≤ initial ≤ max',
  });

export const AlignmentSchema = z.strictObject({
  everyEpisodes: z
    .int()
    .positive()
    .max(LIMITS.episodes)
    .default(5)
    .describe('The alignment controller evaluates every this many episodes.'),
  apply: z
    .enum(['distinct', 'every'])
    .default('distinct')
    .describe('Q(s,a) += alpha·r once per distinct (s,a) in the history, or once per occurrence.'),
  feedback: z
    .boolean()
    .default(true)
    .describe('Apply the evaluator’s verbal feedback as bounded parameter changes.'),
  scope: z
    .enum(['network', 'region'])
    .optional()
    .describe(
      "'network' (the default): one evaluation prompt for every agent. 'region': one per planner region (guidance.planner.scope: region), sent together, each scoring its region's agents — prompts stay small at city scale.",
    ),
});

export const GuidanceSchema = z
  .strictObject({
    llm: LlmSchema.default(LlmSchema.parse({})).describe(
      'The language model: provider, error behaviour, latency.',
    ),
    planner: PlannerSchema.default(PlannerSchema.parse({})).describe(
      'The planner: request rhythm, batching, rate limits, staleness, what the prompt shows.',
    ),
    trust: TrustSchema.default(TrustSchema.parse({})).describe(
      'How much each agent listens to the planner.',
    ),
    alignment: AlignmentSchema.default(AlignmentSchema.parse({})).describe(
      'The alignment controller (aura): evaluation windows, delayed rewards, feedback.',
    ),
  })
  .refine((g) => g.alignment.scope !== 'region' || g.planner.scope === 'region', {
    message:
      "alignment.scope 'region' evaluates each planner region in its own prompt: set guidance.planner.scope: region too",
    path: ['alignment', 'scope'],
  });

export type Guidance = z.infer<typeof GuidanceSchema>;
export type PlannerSettings = z.infer<typeof PlannerSchema>;
export type TrustParams = z.infer<typeof TrustSchema>;
export type AlignmentSettings = z.infer<typeof AlignmentSchema>;
