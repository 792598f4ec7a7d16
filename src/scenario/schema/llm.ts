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
    if (llm.provider === 'simulated' && llm.latencyFrom === 'measured')
      ctx.addIssue({
        code: 'custom',
        path: ['latencyFrom'],
        message: "the simulated provider has no wall-clock latency to measure: use 'model'",
      });
  });

export type LlmSettings = z.infer<typeof LlmSchema>;
export type LatencyModel = z.infer<typeof LatencySchema>;
