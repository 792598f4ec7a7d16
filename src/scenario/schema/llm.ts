/** The language model: provider, model, limits, pricing, simulated errors and latency. */
import { z } from 'zod';
import { seconds } from './fields.js';
import { LIMITS } from './limits.js';

export const LatencySchema = z
  .discriminatedUnion('model', [
    z.strictObject({
      model: z.literal('fixed').describe('Every call takes the same time.'),
      seconds: seconds('Every call takes this long.'),
    }),
    z.strictObject({
      model: z.literal('lognormal').describe('Lognormal latency around a median.'),
      medianSeconds: z.number().positive().max(LIMITS.stepSeconds).describe('Median latency.'),
      sigma: z
        .number()
        .nonnegative()
        .max(5)
        .default(0.5)
        .describe('Spread: standard deviation of the latency logarithm.'),
    }),
    z.strictObject({
      model: z.literal('empirical').describe('Latencies drawn from a list of measurements.'),
      seconds: z
        .array(seconds('A measured latency.'))
        .min(1)
        .max(100_000)
        .describe('Measured latencies, drawn uniformly.'),
    }),
  ])
  .describe('How long a model call takes, in simulated time.');

/**
 * The simulated provider's planner policies (docs/guidance.md, "Planner policies of the simulated
 * LLM"). None is a language model: `naive` is the original heuristic, `expert` competent rules on
 * what the prompt carries, `random` a uniformly random action, `adversarial` a deliberately
 * harmful advisor (a lower bound), `oracle` a one-step lookahead on the simulated world's true
 * state (an upper-bound reference: it reads the world, not the prompt; simulated provider only).
 */
export const PLANNER_POLICIES = ['naive', 'expert', 'random', 'adversarial', 'oracle'] as const;
export type PlannerPolicy = (typeof PLANNER_POLICIES)[number];

const share = (what: string) => z.number().min(0).max(1).describe(what);
const count = (what: string) => z.int().min(0).max(1_000_000).describe(what);

/** Thresholds of the rule planners, each with the default the code uses when none is given. */
export const PlannerRulesSchema = z.strictObject({
  naive: z
    .strictObject({
      handoffMinFree: count(
        'A neighbour takes handoffs with at least this many free places (net of a rising trend)…',
      ).default(2),
      handoffMinFreeShare: share('…and at least this share of its capacity free.').default(0.1),
      lowLoadShare: share(
        'Below this share of capacity (plus rising trend) a quiet, well-covered cell lowers power.',
      ).default(0.5),
    })
    .default({ handoffMinFree: 2, handoffMinFreeShare: 0.1, lowLoadShare: 0.5 })
    .describe("Policy 'naive' (the original heuristic)."),
  expert: z
    .strictObject({
      raiseMinRecentDrops: count(
        'Recent drops (while the cell has room) at or above which power is raised.',
      ).default(1),
      handoffMinPoorUsers: count(
        'Handoff is considered only with at least this many poorly served users.',
      ).default(1),
      handoffMinFree: count(
        'A neighbour takes handoffs with at least this many free places (net of a rising trend)…',
      ).default(2),
      handoffMinFreeShare: share('…and at least this share of its capacity free.').default(0.1),
      handoffPowerGapDb: z
        .number()
        .min(-100)
        .max(100)
        .default(3)
        .describe(
          "…and transmitting at least this many dB above the cell (users sit in their own cell's area, so only a stronger neighbour can beat their serving link by the A3 offset; radio.handoffMarginDb's default).",
        ),
      saveEnergyMaxLoadShare: share(
        'Power is lowered only below this share of capacity (plus rising trend).',
      ).default(0.8),
    })
    .default({
      raiseMinRecentDrops: 1,
      handoffMinPoorUsers: 1,
      handoffMinFree: 2,
      handoffMinFreeShare: 0.1,
      handoffPowerGapDb: 3,
      saveEnergyMaxLoadShare: 0.8,
    })
    .describe("Policy 'expert'."),
  adversarial: z
    .strictObject({
      weakMinRecentDrops: count(
        'Recent drops at or above which the cell counts as struggling (and power is lowered).',
      ).default(1),
      handoffMaxPoorUsers: count(
        'Handoff is suggested with at most this many poorly served users (none to move).',
      ).default(0),
    })
    .default({ weakMinRecentDrops: 1, handoffMaxPoorUsers: 0 })
    .describe("Policy 'adversarial'."),
});
export type PlannerRules = z.infer<typeof PlannerRulesSchema>;
/** The thresholds a scenario that gives no `guidance.llm.rules` runs with. */
export const DEFAULT_PLANNER_RULES: PlannerRules = PlannerRulesSchema.parse({});

/** Default model per provider; `openai-compatible` has none (the server's model must be named). */
export const DEFAULT_MODELS = {
  simulated: 'aura-sim-heuristic',
  anthropic: 'claude-sonnet-4-20250514',
} as const;

export const LlmSchema = z
  .strictObject({
    provider: z
      .enum(['simulated', 'anthropic', 'openai-compatible'])
      .default('simulated')
      .describe(
        'Which model answers: the embedded simulated model (key-free), Anthropic Claude (ANTHROPIC_API_KEY), or an OpenAI-compatible server (Ollama, vLLM, llama.cpp).',
      ),
    model: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe(
        `Model id. Default: ${DEFAULT_MODELS.simulated} (simulated), ${DEFAULT_MODELS.anthropic} (anthropic, Claude Sonnet 4 as in the paper); required for openai-compatible.`,
      ),
    baseUrl: z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .optional()
      .describe(
        'Endpoint: the server root for openai-compatible (e.g. http://127.0.0.1:11434/v1); for anthropic, overrides ANTHROPIC_BASE_URL.',
      ),
    latencyFrom: z
      .enum(['model', 'measured'])
      .optional()
      .describe(
        "Simulated latency of a real call: its measured wall time ('measured', the default for real providers) or a draw from `latency` ('model'). Both are recorded.",
      ),
    maxTokens: z
      .int()
      .positive()
      .max(64_000)
      .default(1024)
      .describe('Real providers: most tokens a reply may have.'),
    temperature: z
      .number()
      .min(0)
      .max(2)
      .default(0)
      .describe('OpenAI-compatible servers: sampling temperature (Anthropic: the model default).'),
    callTimeoutSeconds: z
      .number()
      .positive()
      .max(600)
      .default(60)
      .describe('Real providers: wall-clock limit of one attempt (then it is retried).'),
    retries: z
      .int()
      .min(0)
      .max(10)
      .default(3)
      .describe(
        'Real providers: retries after a rate limit (429), server error (5xx), timeout or lost connection.',
      ),
    retryBaseSeconds: z
      .number()
      .min(0)
      .max(60)
      .default(1)
      .describe(
        'Real providers: first backoff; it doubles per retry (at most 60 s). A retry-after header wins.',
      ),
    concurrency: z
      .int()
      .positive()
      .max(64)
      .default(2)
      .describe('Real providers: calls in flight at once (per run).'),
    requestsPerMinute: z
      .number()
      .positive()
      .max(1e6)
      .optional()
      .describe('Real providers: cap on calls started per wall-clock minute (per run).'),
    pricing: z
      .strictObject({
        inputPerMTok: z
          .number()
          .nonnegative()
          .max(1e4)
          .describe('US dollars per million input tokens.'),
        outputPerMTok: z
          .number()
          .nonnegative()
          .max(1e4)
          .describe('US dollars per million output tokens.'),
      })
      .optional()
      .describe(
        'Price for the cost estimate. Default: the built-in table for known models (see docs/llm.md); unknown models cost 0.',
      ),
    errorRate: z
      .number()
      .min(0)
      .max(1)
      .default(0.05)
      .describe('Simulated: share of suggested codes that are wrong, invalid or missing.'),
    failureRate: z
      .number()
      .min(0)
      .max(1)
      .default(0)
      .describe('Simulated: share of calls that fail outright (no usable reply).'),
    verbosity: z
      .enum(['terse', 'normal', 'verbose'])
      .default('normal')
      .describe('Simulated: how much prose surrounds the answer block.'),
    // Optional, not defaulted: a scenario that does not choose resolves exactly as before the
    // choice existed (the resolved scenario, and the cassette run keys digesting it, stay the same).
    policy: z
      .enum(PLANNER_POLICIES)
      .optional()
      .describe(
        "Simulated: the planner policy (docs/guidance.md): naive, expert, random, adversarial, or oracle (a one-step lookahead on the true state of the simulated world, not the prompt: an upper-bound reference no real model could be). Omitted: 'naive', the original heuristic.",
      ),
    rules: PlannerRulesSchema.optional().describe(
      'Simulated: thresholds of the rule planners (naive, expert, adversarial). Omitted: the defaults shown.',
    ),
    latency: LatencySchema.default({ model: 'lognormal', medianSeconds: 2, sigma: 0.5 }),
    timeoutSeconds: z
      .number()
      .positive()
      .max(LIMITS.stepSeconds)
      .default(30)
      .describe(
        'A call whose (simulated) latency exceeds this fails as a timeout (the agents fall back).',
      ),
  })
  .superRefine((llm, ctx) => {
    if (llm.provider === 'openai-compatible') {
      if (!llm.model)
        ctx.addIssue({
          code: 'custom',
          path: ['model'],
          message: 'openai-compatible needs a model name (--model NAME)',
        });
      if (!llm.baseUrl)
        ctx.addIssue({
          code: 'custom',
          path: ['baseUrl'],
          message: 'openai-compatible needs the server address (--base-url URL)',
        });
    }
    if (llm.policy === 'oracle' && llm.provider !== 'simulated')
      ctx.addIssue({
        code: 'custom',
        path: ['policy'],
        message: `policy 'oracle' reads the simulated world's true state, not the prompt: it exists only for provider 'simulated' (not ${llm.provider})`,
      });
    if (llm.provider === 'simulated' && llm.latencyFrom === 'measured')
      ctx.addIssue({
        code: 'custom',
        path: ['latencyFrom'],
        message: "the simulated provider has no wall-clock latency to measure: use 'model'",
      });
  });

export type LlmSettings = z.infer<typeof LlmSchema>;
export type LatencyModel = z.infer<typeof LatencySchema>;
