/**
 * The scenario schema: the single source of truth for the scenario format.
 *
 * TypeScript types come from it (`z.infer`), and so will the JSON Schema and the reference page.
 * Every parameter the AURA paper leaves unpublished is a named field with a default here;
 * `docs/model.md` explains each default.
 */
import { z } from 'zod';
import { ALGORITHM_NAMES } from '../agents/registry.js';
import { hexCells } from './topology.js';

/**
 * Bounds that keep a run finite and exact. They are far beyond any cellular scenario, but a typo
 * (a power step of 1e-9, an arrival rate of 1e12) would otherwise exhaust memory or time before
 * the first step instead of giving a clear error.
 */
export const LIMITS = {
  /** Transmit power range, dBm. */
  powerDbm: 100,
  /** Power levels per cell (Q-table rows grow with them). */
  powerLevels: 100,
  /** Users per cell. */
  capacity: 100_000,
  /** Mean arrivals per step of one source, and traffic-level scale. */
  arrivalRate: 10_000,
  levelScale: 1_000,
  /** Expected arrivals one arrival process generates per window (one message). */
  arrivalsPerWindow: 1_000_000,
  /** Signal and SNR values, |dB|. */
  db: 1_000,
  /** Simulated seconds per step: one day. */
  stepSeconds: 86_400,
  /** Steps per episode, episodes per phase, and steps in the whole run. */
  stepsPerEpisode: 1_000_000,
  episodes: 1_000_000,
  totalSteps: 1_000_000_000,
  cells: 100_000,
} as const;

const ID = /^[A-Za-z][A-Za-z0-9_-]*$/;
const id = (what: string) =>
  z
    .string()
    .regex(ID, `${what} must start with a letter and use only letters, digits, '-' and '_'`);

const db = () => z.number().min(-LIMITS.db).max(LIMITS.db);

const range = (min: number, max: number, what: string) =>
  z
    .strictObject({ min: db().describe('Lower end.'), max: db().describe('Upper end.') })
    .refine((r) => r.min <= r.max, { message: `${what}: min must not exceed max` })
    .default({ min, max });

export const PowerSchema = z
  .strictObject({
    min: z
      .number()
      .min(-LIMITS.powerDbm)
      .max(LIMITS.powerDbm)
      .describe('Lowest transmit power, dBm.'),
    max: z
      .number()
      .min(-LIMITS.powerDbm)
      .max(LIMITS.powerDbm)
      .describe('Highest transmit power, dBm.'),
    step: z.number().positive().default(1).describe('Power change per increase/decrease, dB.'),
  })
  .superRefine((p, ctx) => {
    const inRange = (v: number) => Math.abs(v) <= LIMITS.powerDbm;
    if (!(p.step > 0 && inRange(p.min) && inRange(p.max))) return; // reported field by field
    if (p.min > p.max) {
      ctx.addIssue({
        code: 'custom',
        message: `min (${p.min}) must not exceed max (${p.max})`,
        path: ['min'],
      });
      return;
    }
    const levels = (p.max - p.min) / p.step;
    if (levels + 1 > LIMITS.powerLevels + 1e-9) {
      ctx.addIssue({
        code: 'custom',
        message: `step (${p.step}) gives ${Math.floor(levels) + 1} power levels over ${p.min}..${p.max}; at most ${LIMITS.powerLevels} are allowed`,
        path: ['step'],
      });
    } else if (Math.abs(levels - Math.round(levels)) > 1e-9) {
      ctx.addIssue({
        code: 'custom',
        message: `step (${p.step}) must divide the range ${p.min}..${p.max} into whole levels`,
        path: ['step'],
      });
    }
  });

export const CellTypeSchema = z.strictObject({
  power: PowerSchema.describe('Transmit power range and step.'),
  capacity: z
    .int()
    .positive()
    .max(LIMITS.capacity)
    .describe('Maximum number of users the cell serves at once.'),
  meanHoldingSteps: z
    .number()
    .positive()
    .max(LIMITS.totalSteps)
    .optional()
    .describe('Mean call duration of users at cells of this type, unless their source sets one.'),
  signalDbm: range(-120, -50, 'signalDbm').describe(
    "Range of a new user's signal strength at the cell's minimum power, dBm (uniform).",
  ),
  snrDb: range(0, 30, 'snrDb').describe(
    "Range of a new user's SNR at the cell's minimum power, dB (uniform).",
  ),
});

export const CellSchema = z.strictObject({
  id: id('cell id').describe('Unique cell id, used in results (e.g. `rural`).'),
  type: z.string().describe('Name of a cell type in `cellTypes`.'),
  neighbours: z
    .array(z.string())
    .optional()
    .describe(
      'Ids of cells this cell can hand users off to. Omitted: derived from positions within topology.neighbourRadiusKm, or none.',
    ),
  position: z
    .strictObject({
      x: z.number().min(-1e6).max(1e6).describe('East, km.'),
      y: z.number().min(-1e6).max(1e6).describe('North, km.'),
    })
    .optional()
    .describe('Position of the base station, km (used to derive neighbours).'),
  power: PowerSchema.optional().describe("Overrides the type's power range."),
  capacity: z
    .int()
    .positive()
    .max(LIMITS.capacity)
    .optional()
    .describe("Overrides the type's capacity."),
});

const step = (what: string) => z.int().nonnegative().max(LIMITS.stepsPerEpisode).describe(what);

/** A piecewise-constant rate multiplier over the steps of an episode. */
export const ScheduleSchema = z
  .array(
    z.strictObject({
      fromStep: step('First step (within the episode) of this piece.'),
      multiplier: z.number().nonnegative().max(LIMITS.levelScale).describe('Rate multiplier.'),
    }),
  )
  .min(1)
  .max(10_000)
  .refine((pieces) => pieces.every((p, i) => i === 0 || p.fromStep > pieces[i - 1]!.fromStep), {
    message: 'schedule pieces must start at strictly increasing steps',
  })
  .describe(
    'Piecewise-constant multiplier: each piece holds from its step to the next one; 1 before the first.',
  );

/** A daily-like cycle: 1 + amplitude·cos(2π (t − peakStep) / periodSteps). */
export const DiurnalSchema = z
  .strictObject({
    periodSteps: z
      .int()
      .positive()
      .max(LIMITS.stepsPerEpisode)
      .describe('Length of one cycle, steps.'),
    amplitude: z.number().min(0).max(1).describe('Swing around 1 (0: flat, 1: from 0 to 2).'),
    peakStep: step('Step (within the episode) of the highest rate.').default(0),
  })
  .describe('Smooth cycle: multiplier 1 + amplitude·cos(2π(t − peakStep)/periodSteps).');

/** An arrival trace: the exact number of arrivals at each step of an episode. */
export const TraceSchema = z
  .strictObject({
    arrivals: z
      .array(z.int().nonnegative().max(LIMITS.arrivalRate))
      .min(1)
      .max(LIMITS.stepsPerEpisode)
      .describe('Arrivals at steps 0, 1, 2, … of every episode (0 after the end of the list).'),
    csv: z
      .string()
      .optional()
      .describe(
        'The CSV file the arrivals were read from (a `step,arrivals` table), for the record.',
      ),
  })
  .describe(
    'Replays a trace instead of drawing Poisson arrivals; `trace: file.csv` in a scenario file is read into this form.',
  );

export const TrafficSourceSchema = z.strictObject({
  id: id('traffic source id').describe('Unique id of this arrival process.'),
  cell: z.string().describe('Id of the cell the users arrive at.'),
  arrivalRate: z
    .number()
    .nonnegative()
    .max(LIMITS.arrivalRate)
    .default(0)
    .describe('Mean new users per step (Poisson) at traffic scale 1 (unused with a trace).'),
  meanHoldingSteps: z
    .number()
    .positive()
    .max(LIMITS.totalSteps)
    .optional()
    .describe(
      "Mean call duration in steps (exponential); default: the cell type's meanHoldingSteps, else 20.",
    ),
  schedule: ScheduleSchema.optional(),
  diurnal: DiurnalSchema.optional(),
  trace: z
    .union([
      z
        .string()
        .describe('A `step,arrivals` CSV file, relative to the scenario file, read at load time.'),
      TraceSchema,
    ])
    .optional()
    .describe('Replay recorded arrivals instead of drawing them.'),
});

/** A sudden crowd at some cells: the rate ramps up to `multiplier`, holds, then ramps down. */
export const FlashCrowdSchema = z
  .strictObject({
    id: id('flash crowd id').describe('Unique id (also the id of its announcement signal).'),
    cells: z.array(z.string()).min(1).describe('Cells whose traffic sources it multiplies.'),
    startStep: step('Step (within each episode) at which the ramp up begins.'),
    rampSteps: step('Steps to ramp up to the multiplier (and down again after).').default(0),
    durationSteps: z
      .int()
      .positive()
      .max(LIMITS.stepsPerEpisode)
      .describe('Steps at the full multiplier.'),
    multiplier: z.number().nonnegative().max(LIMITS.levelScale).describe('Peak rate multiplier.'),
    announce: z
      .string()
      .max(500)
      .optional()
      .describe(
        'If given, the crowd is also an external signal with this description, which the planner sees ahead of time.',
      ),
  })
  .describe('A flash crowd: multiplies the arrival rates at its cells for a while.');

export const TrafficLevelSchema = z.strictObject({
  scale: z
    .number()
    .nonnegative()
    .max(LIMITS.levelScale)
    .default(1)
    .describe('Multiplier applied to every arrival rate (and trace) without an override.'),
  arrivalRates: z
    .record(z.string(), z.number().nonnegative().max(LIMITS.arrivalRate))
    .default({})
    .describe(
      'Overrides: the arrival rate of named traffic sources at this level (the scale does not apply to them).',
    ),
});

export const TrafficSchema = z.strictObject({
  sources: z.array(TrafficSourceSchema).default([]).describe('User arrival processes.'),
  areas: z
    .array(
      TrafficSourceSchema.omit({ cell: true }).extend({
        cells: z.array(z.string()).min(1).describe('The cells of the area.'),
      }),
    )
    .default([])
    .describe(
      'Area sources: each of its cells gets a source `<id>-<cell>` with these settings (rates are per cell).',
    ),
  everyCell: TrafficSourceSchema.omit({ id: true, cell: true })
    .optional()
    .describe(
      'A source template: every cell also gets a source `<cell>-users` with these settings (handy with a layout).',
    ),
  levels: z
    .record(id('traffic level name'), TrafficLevelSchema)
    .default({
      low: { scale: 0.5, arrivalRates: {} },
      normal: { scale: 1, arrivalRates: {} },
      high: { scale: 1.5, arrivalRates: {} },
    })
    .describe('Named traffic levels (the paper uses low, normal, high).'),
  default: z.string().default('normal').describe('Level used when none is chosen.'),
  windowSteps: z
    .int()
    .positive()
    .max(LIMITS.stepsPerEpisode)
    .default(200)
    .describe('How many steps of arrivals an arrival process generates per message.'),
  flashCrowds: z
    .array(FlashCrowdSchema)
    .default([])
    .describe('Flash crowds (e.g. a stadium emptying) multiplying the rates at some cells.'),
});

export const SinrSchema = z.strictObject({
  pathLossDb: z
    .number()
    .min(0)
    .max(300)
    .default(128.1)
    .describe('Path loss at 1 km, dB (3GPP TR 36.814 macro cell at 2 GHz: 128.1).'),
  pathLossSlopeDb: z
    .number()
    .positive()
    .max(100)
    .default(37.6)
    .describe('Path loss per decade of distance, dB (10 × the exponent; 37.6 in TR 36.814).'),
  shadowingSdDb: z
    .number()
    .nonnegative()
    .max(LIMITS.db)
    .default(8)
    .describe('Log-normal shadowing of each user-cell link, standard deviation, dB.'),
  noiseDbm: db()
    .default(-97)
    .describe(
      'Noise power: −174 dBm/Hz thermal noise over 10 MHz (+70 dB) plus a 7 dB noise figure.',
    ),
  userRadiusKm: z
    .number()
    .positive()
    .max(1000)
    .optional()
    .describe(
      'Users appear uniformly in a disc of this radius around their cell. Default: half the distance to its nearest neighbour (to the nearest cell if it has no neighbours; 1 km for a lone cell).',
    ),
  minDistanceKm: z
    .number()
    .positive()
    .max(10)
    .default(0.035)
    .describe('No user is closer than this to a cell (3GPP: 35 m).'),
});

export const RadioSchema = z.strictObject({
  model: z
    .enum(['paper', 'sinr'])
    .default('paper')
    .describe(
      "Channel model. 'paper': each user's signal and SNR drawn from its cell type's ranges (the AURA paper's model). 'sinr': users placed around positioned cells, path loss and shadowing to every neighbour, and SINR from the neighbours' actual transmit power (so one cell's power decisions affect its neighbours' users).",
    ),
  sinr: SinrSchema.default(SinrSchema.parse({})).describe(
    "Geometry and interference of the 'sinr' model (ignored by 'paper').",
  ),
  signalFloorDbm: db()
    .default(-112)
    .describe('Below this signal a user cannot be served: refused on arrival, dropped in a call.'),
  poorSignalDbm: db().default(-100).describe('A user below this signal is poorly served.'),
  poorSnrDb: db().default(5).describe('A user below this SNR is poorly served.'),
  coverage: z
    .strictObject({
      goodMaxPoorShare: z
        .number()
        .min(0)
        .max(1)
        .default(0.1)
        .describe('Coverage is good up to this share of poorly served users.'),
      fairMaxPoorShare: z
        .number()
        .min(0)
        .max(1)
        .default(0.3)
        .describe('Fair up to this share; poor above it.'),
    })
    .refine((c) => c.goodMaxPoorShare <= c.fairMaxPoorShare, {
      message: 'goodMaxPoorShare must not exceed fairMaxPoorShare',
    })
    .default({ goodMaxPoorShare: 0.1, fairMaxPoorShare: 0.3 })
    .describe('Cell coverage is good/fair/poor by the share of poorly served users.'),
  drift: z
    .strictObject({
      signalSdDb: z
        .number()
        .nonnegative()
        .max(LIMITS.db)
        .default(1)
        .describe("Per-step change of a user's signal, standard deviation, dB."),
      snrSdDb: z
        .number()
        .nonnegative()
        .max(LIMITS.db)
        .default(0.5)
        .describe("Per-step change of a user's SNR, standard deviation, dB."),
    })
    .default({ signalSdDb: 1, snrSdDb: 0.5 })
    .describe("Per-step random walk of each user's channel (standard deviations, dB)."),
  handoffMarginDb: z
    .number()
    .nonnegative()
    .max(LIMITS.db)
    .default(3)
    .describe('A handoff succeeds only if the neighbour offers at least this much more signal.'),
});

export const EpsilonSchema = z
  .strictObject({
    start: z.number().min(0).max(1).default(1).describe('Exploration rate in the first episode.'),
    end: z.number().min(0).max(1).default(0.05).describe('Exploration rate it decays to.'),
    schedule: z
      .enum(['exponential', 'linear'])
      .default('exponential')
      .describe('Shape of the decay from start to end.'),
    decayEpisodes: z
      .int()
      .positive()
      .max(LIMITS.episodes)
      .default(150)
      .describe('Episodes over which exploration decays (then stays at end).'),
  })
  .default({ start: 1, end: 0.05, schedule: 'exponential', decayEpisodes: 150 })
  .describe('Exploration rate over training episodes.');

export const AgentSchema = z.strictObject({
  // Optional, not defaulted: a scenario that does not choose resolves exactly as before the choice
  // existed (the resolved scenario, and the cassette run keys digesting it, stay the same).
  algorithm: z
    .enum(ALGORITHM_NAMES)
    .optional()
    .describe(
      "How the agents learn (docs/model.md, 'Learning algorithms'). Omitted: 'q-learning', AURA's.",
    ),
  alpha: z.number().gt(0).max(1).default(0.1).describe('Q-learning rate.'),
  gamma: z.number().min(0).max(1).default(0.9).describe('Discount factor.'),
  epsilon: EpsilonSchema,
  test: z
    .strictObject({
      epsilon: z.number().min(0).max(1).default(0.05).describe('Exploration rate while testing.'),
      learn: z
        .boolean()
        .default(true)
        .describe('Whether agents keep learning (Q-values, trust, delayed rewards) while testing.'),
    })
    .default({ epsilon: 0.05, learn: true })
    .describe('Test phase: exploration rate, and whether agents keep learning.'),
  dropBuckets: z
    .array(z.int().positive())
    .min(1)
    .max(16)
    .default([1, 2, 4])
    .refine((b) => b.every((v, i) => i === 0 || v > b[i - 1]!), {
      message: 'dropBuckets must be strictly increasing',
    })
    .describe('Lower edges of the drop-count buckets in the observation (0 is its own bucket).'),
  reward: z
    .strictObject({
      coverage: z.number().default(1).describe('Weight of the share of well-served users.'),
      drop: z.number().default(0.5).describe('Penalty per dropped request.'),
      energy: z.number().default(0.2).describe('Penalty for transmit power (share of the range).'),
    })
    .default({ coverage: 1, drop: 0.5, energy: 0.2 })
    .describe('Immediate reward weights: well-served share, drops, normalised power.'),
});

const seconds = (what: string) =>
  z
    .number()
    .nonnegative()
    .max(LIMITS.stepSeconds * 1000)
    .describe(what);

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
    .enum(['state', 'once', 'hold'])
    .default('state')
    .describe(
      'What a suggestion covers: decisions taken in the state it was made for (state), the next decision only (once), or every decision until it is replaced or stale (hold).',
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

export const SignalSchema = z.strictObject({
  id: id('signal id').describe('Unique id of the event.'),
  description: z.string().max(500).describe('What happens, as the planner reads it.'),
  cells: z.array(z.string()).min(1).describe('Cells concerned.'),
  startSeconds: seconds('Start, simulated seconds from the start of each episode.'),
  durationSeconds: seconds('How long it lasts.'),
});

export const ScenarioSchema = z
  .strictObject({
    name: id('scenario name').describe('Short name, used in results.'),
    description: z.string().default('').describe('What the scenario represents.'),
    time: z
      .strictObject({
        stepSeconds: z
          .number()
          .positive()
          .max(LIMITS.stepSeconds)
          .refine(isWholeMilliseconds, {
            message: 'stepSeconds must be a whole number of milliseconds (e.g. 1, 0.5, 3.333)',
          })
          .default(1)
          .describe('Simulated seconds per step, a whole number of milliseconds.'),
        stepsPerEpisode: z
          .int()
          .positive()
          .max(LIMITS.stepsPerEpisode)
          .default(100)
          .describe('Steps in one episode (each agent decides once per step).'),
      })
      .default({ stepSeconds: 1, stepsPerEpisode: 100 })
      .describe('Simulated time: the length of a step and of an episode.'),
    episodes: z
      .strictObject({
        training: z
          .int()
          .nonnegative()
          .max(LIMITS.episodes)
          .default(200)
          .describe('Training episodes (0: test a given policy directly).'),
        test: z
          .int()
          .positive()
          .max(LIMITS.episodes)
          .default(50)
          .describe('Test episodes: the results are measured over these.'),
      })
      .default({ training: 200, test: 50 })
      .describe('How many episodes train the agents, then test them.'),
    initial: z
      .strictObject({
        loadFraction: range(0, 0.8, 'loadFraction').describe(
          'Initial users per cell as a share of capacity (uniform).',
        ),
      })
      .default({ loadFraction: { min: 0, max: 0.8 } })
      .describe('Randomised start of every episode (power is uniform over the levels).'),
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
    layout: z
      .strictObject({
        hex: z
          .strictObject({
            rings: z
              .int()
              .nonnegative()
              .max(40)
              .describe('Rings around the centre cell (2 → 19 cells; at most 40 → 4,921 cells).'),
            spacingKm: z
              .number()
              .positive()
              .max(1000)
              .default(1)
              .describe('Distance between neighbouring sites, km.'),
            type: z.string().describe('Cell type of every generated cell.'),
            idPrefix: id('cell id prefix')
              .default('c')
              .describe('Generated ids: <prefix>0 (centre), <prefix>1, …'),
          })
          .optional()
          .describe('A hexagonal layout: each cell neighbours the (up to six) adjacent ones.'),
      })
      .optional()
      .describe('Generated cells, in addition to `cells`.'),
    topology: z
      .strictObject({
        neighbourRadiusKm: z
          .number()
          .positive()
          .max(1e6)
          .optional()
          .describe(
            'Cells without an explicit neighbour list neighbour every cell within this distance.',
          ),
      })
      .optional()
      .describe('How neighbours are derived from positions.'),
    traffic: TrafficSchema.describe(
      'Who arrives where and when: sources, levels, profiles, crowds.',
    ),
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
  })
  .superRefine(checkReferences);

export type Scenario = z.infer<typeof ScenarioSchema>;
export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type CellType = z.infer<typeof CellTypeSchema>;
export type TrafficSource = z.infer<typeof TrafficSourceSchema>;
export type Guidance = z.infer<typeof GuidanceSchema>;
export type LlmSettings = z.infer<typeof LlmSchema>;
export type LatencyModel = z.infer<typeof LatencySchema>;
export type PlannerSettings = z.infer<typeof PlannerSchema>;
export type TrustParams = z.infer<typeof TrustSchema>;
export type AlignmentSettings = z.infer<typeof AlignmentSchema>;
export type Signal = z.infer<typeof SignalSchema>;

/**
 * Bounds the arrivals one window can hold (one message, all in memory): a source's highest rate
 * over the episode — base or level override, × the largest level scale, × its schedule's, cycle's
 * and flash crowds' peaks (or its trace's largest count) — × `windowSteps`.
 */
function checkPeakArrivals(s: Scenario, cellIds: ReadonlySet<string>, ctx: z.RefinementCtx): void {
  const levels = Object.values(s.traffic.levels);
  const maxScale = Math.max(0, ...levels.map((l) => l.scale));
  type Src = Omit<TrafficSource, 'id' | 'cell'>;
  const peakOf = (src: Src, id: string, cell: string): number => {
    const overrides = levels.flatMap((l) =>
      Object.hasOwn(l.arrivalRates, id) ? [l.arrivalRates[id]!] : [],
    );
    const trace = src.trace && typeof src.trace !== 'string' ? src.trace.arrivals : null;
    const base = trace ? Math.max(0, ...trace) : src.arrivalRate;
    const rate = Math.max(base * maxScale, ...overrides);
    const schedule = Math.max(1, ...(src.schedule ?? []).map((p) => p.multiplier));
    const cycle = src.diurnal ? 1 + src.diurnal.amplitude : 1;
    const crowds = s.traffic.flashCrowds
      .filter((f) => f.cells.includes(cell))
      .reduce((m, f) => m * Math.max(1, f.multiplier), 1);
    return rate * (trace ? crowds : schedule * cycle * crowds);
  };
  const check = (src: Src, id: string, cell: string, path: (string | number)[]) => {
    if (src.arrivalRate > LIMITS.arrivalRate) return; // reported on its own
    const perWindow = peakOf(src, id, cell) * s.traffic.windowSteps;
    if (perWindow > LIMITS.arrivalsPerWindow) {
      ctx.addIssue({
        code: 'custom',
        message: `the peak arrival rate (level, schedule, cycle and crowds included) × windowSteps = ${Math.round(perWindow)} arrivals per window; at most ${LIMITS.arrivalsPerWindow} are allowed (lower the rates or traffic.windowSteps)`,
        path,
      });
    }
  };
  s.traffic.sources.forEach((src, i) => {
    check(src, src.id, src.cell, ['traffic', 'sources', i, 'arrivalRate']);
  });
  s.traffic.areas.forEach((area, i) => {
    for (const cell of area.cells) {
      check(area, `${area.id}-${cell}`, cell, ['traffic', 'areas', i, 'arrivalRate']);
    }
  });
  const template = s.traffic.everyCell;
  if (template) {
    for (const cell of cellIds) {
      check(template, `${cell}-users`, cell, ['traffic', 'everyCell', 'arrivalRate']);
    }
  }
}

/** The paper's two presets (Section 3): always available, replaceable by name. */
export const BUILTIN_CELL_TYPES: Readonly<Record<string, CellType>> = {
  rural: {
    power: { min: 43, max: 46, step: 1 },
    capacity: 50,
    signalDbm: { min: -120, max: -50 },
    snrDb: { min: 0, max: 30 },
  },
  urban: {
    power: { min: 30, max: 37, step: 1 },
    capacity: 30,
    signalDbm: { min: -120, max: -50 },
    snrDb: { min: 0, max: 30 },
  },
};

/** The scenario's cell types: the built-in presets, then its own (which win by name). */
export function cellTypesOf(s: Pick<Scenario, 'cellTypes'>): Record<string, CellType> {
  return { ...BUILTIN_CELL_TYPES, ...s.cellTypes };
}

/** Simulated time runs in whole milliseconds, so step boundaries add up exactly. */
function isWholeMilliseconds(seconds: number): boolean {
  if (seconds > LIMITS.stepSeconds) return true; // reported as too big
  const ms = seconds * 1000;
  return Math.abs(ms - Math.round(ms)) < 1e-6 && Math.round(ms) >= 1;
}

/** The step length in whole milliseconds (see `isWholeMilliseconds`). */
export function stepMilliseconds(stepSeconds: number): number {
  return Math.round(stepSeconds * 1000);
}

/** Cross-field checks: ids unique, references resolve, levels exist, the run is finite. */
function checkReferences(s: Scenario, ctx: z.RefinementCtx): void {
  const types = cellTypesOf(s);
  const cellIds = new Set<string>();
  s.cells.forEach((cell, i) => {
    if (cellIds.has(cell.id)) {
      ctx.addIssue({
        code: 'custom',
        message: `duplicate cell id '${cell.id}'`,
        path: ['cells', i, 'id'],
      });
    }
    cellIds.add(cell.id);
    if (!Object.hasOwn(types, cell.type)) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown cell type '${cell.type}' (known: ${Object.keys(types).join(', ')})`,
        path: ['cells', i, 'type'],
      });
    }
  });
  // Generated cells: ids must not clash with explicit ones; their type must exist.
  const hex = s.layout?.hex;
  if (hex) {
    if (!Object.hasOwn(types, hex.type)) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown cell type '${hex.type}' (known: ${Object.keys(types).join(', ')})`,
        path: ['layout', 'hex', 'type'],
      });
    }
    const count = 1 + 3 * hex.rings * (hex.rings + 1);
    if (s.cells.length + count > LIMITS.cells) {
      ctx.addIssue({
        code: 'custom',
        message: `${hex.rings} rings make ${count} cells; at most ${LIMITS.cells} cells are allowed`,
        path: ['layout', 'hex', 'rings'],
      });
    } else {
      for (const cell of hexCells(hex)) {
        if (cellIds.has(cell.id)) {
          ctx.addIssue({
            code: 'custom',
            message: `the layout generates cell id '${cell.id}', which a cell in \`cells\` already has (change layout.hex.idPrefix)`,
            path: ['layout', 'hex', 'idPrefix'],
          });
          break;
        }
        cellIds.add(cell.id);
      }
    }
  }
  if (cellIds.size === 0) {
    ctx.addIssue({
      code: 'custom',
      message: 'no cells: give `cells` or a `layout`',
      path: ['cells'],
    });
  }
  s.cells.forEach((cell, i) => {
    cell.neighbours?.forEach((n, j) => {
      if (!cellIds.has(n)) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown neighbour '${n}'`,
          path: ['cells', i, 'neighbours', j],
        });
      } else if (n === cell.id) {
        ctx.addIssue({
          code: 'custom',
          message: 'a cell cannot be its own neighbour',
          path: ['cells', i, 'neighbours', j],
        });
      } else if (cell.neighbours!.indexOf(n) < j) {
        ctx.addIssue({
          code: 'custom',
          message: `neighbour '${n}' is listed twice`,
          path: ['cells', i, 'neighbours', j],
        });
      }
    });
  });
  const signalIds = new Set<string>();
  s.signals.forEach((signal, i) => {
    if (signalIds.has(signal.id)) {
      ctx.addIssue({
        code: 'custom',
        message: `duplicate signal id '${signal.id}'`,
        path: ['signals', i, 'id'],
      });
    }
    signalIds.add(signal.id);
    signal.cells.forEach((c, j) => {
      if (!cellIds.has(c)) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown cell '${c}'`,
          path: ['signals', i, 'cells', j],
        });
      }
    });
  });
  const episodeSteps = s.time.stepsPerEpisode;
  s.traffic.flashCrowds.forEach((f, i) => {
    f.cells.forEach((c, j) => {
      if (!cellIds.has(c)) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown cell '${c}'`,
          path: ['traffic', 'flashCrowds', i, 'cells', j],
        });
      }
    });
    const end = f.startStep + 2 * f.rampSteps + f.durationSteps;
    if (f.startStep >= episodeSteps) {
      ctx.addIssue({
        code: 'custom',
        message: `starts at step ${f.startStep}, after the episode's ${episodeSteps} steps`,
        path: ['traffic', 'flashCrowds', i, 'startStep'],
      });
    } else if (end > episodeSteps) {
      ctx.addIssue({
        code: 'custom',
        message: `lasts until step ${end} (start + 2 × ramp + duration), beyond the episode's ${episodeSteps} steps`,
        path: ['traffic', 'flashCrowds', i, 'durationSteps'],
      });
    }
    if (signalIds.has(f.id) && f.announce !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `flash crowd '${f.id}' announces itself as a signal, but a signal has that id already`,
        path: ['traffic', 'flashCrowds', i, 'id'],
      });
    }
  });
  const profiled: [Omit<TrafficSource, 'id' | 'cell'>, (string | number)[]][] = [
    ...s.traffic.sources.map((src, i): [TrafficSource, (string | number)[]] => [
      src,
      ['traffic', 'sources', i],
    ]),
    ...(s.traffic.everyCell
      ? [[s.traffic.everyCell, ['traffic', 'everyCell']] as [TrafficSource, (string | number)[]]]
      : []),
    ...s.traffic.areas.map((area, i): [TrafficSource, (string | number)[]] => [
      { ...area, cell: area.cells[0]! },
      ['traffic', 'areas', i],
    ]),
  ];
  for (const [src, at] of profiled) {
    src.schedule?.forEach((piece, k) => {
      if (piece.fromStep >= episodeSteps) {
        ctx.addIssue({
          code: 'custom',
          message: `starts at step ${piece.fromStep}, after the episode's ${episodeSteps} steps`,
          path: [...at, 'schedule', k, 'fromStep'],
        });
      }
    });
    if (src.trace && (src.schedule || src.diurnal)) {
      ctx.addIssue({
        code: 'custom',
        message:
          'a trace gives the arrivals itself: it cannot be combined with schedule or diurnal',
        path: [...at, 'trace'],
      });
    }
    if (src.trace && typeof src.trace !== 'string' && src.trace.arrivals.length > episodeSteps) {
      ctx.addIssue({
        code: 'custom',
        message: `the trace has ${src.trace.arrivals.length} steps; an episode has ${episodeSteps} (rows from step ${episodeSteps} on would never be replayed)`,
        path: [...at, 'trace'],
      });
    }
  }
  // Flash crowds must act on something: a cell with drawn (not replayed) arrivals.
  const poissonCells = new Set([
    ...s.traffic.sources.filter((x) => !x.trace).map((x) => x.cell),
    ...s.traffic.areas.filter((x) => !x.trace).flatMap((x) => x.cells),
    ...(s.traffic.everyCell && !s.traffic.everyCell.trace ? cellIds : []),
  ]);
  const crowdIds = new Set<string>();
  s.traffic.flashCrowds.forEach((f, i) => {
    if (crowdIds.has(f.id)) {
      ctx.addIssue({
        code: 'custom',
        message: `duplicate flash crowd id '${f.id}'`,
        path: ['traffic', 'flashCrowds', i, 'id'],
      });
    }
    crowdIds.add(f.id);
    f.cells.forEach((c, j) => {
      if (cellIds.has(c) && !poissonCells.has(c)) {
        ctx.addIssue({
          code: 'custom',
          message: `cell '${c}' has no traffic source with drawn arrivals (none, or only traces): the crowd would change nothing`,
          path: ['traffic', 'flashCrowds', i, 'cells', j],
        });
      }
    });
  });
  // A level's rate override cannot apply to a trace (its counts are the data).
  for (const [name, level] of Object.entries(s.traffic.levels)) {
    for (const src of s.traffic.sources) {
      if (src.trace && Object.hasOwn(level.arrivalRates, src.id)) {
        ctx.addIssue({
          code: 'custom',
          message: `source '${src.id}' replays a trace: a rate override cannot apply (use the level's scale)`,
          path: ['traffic', 'levels', name, 'arrivalRates', src.id],
        });
      }
    }
  }
  // A signal outside the episode would never be seen.
  const episodeSeconds = episodeSteps * s.time.stepSeconds;
  s.signals.forEach((signal, i) => {
    if (signal.startSeconds >= episodeSeconds) {
      ctx.addIssue({
        code: 'custom',
        message: `starts at ${signal.startSeconds} s, after the episode's ${episodeSeconds} s`,
        path: ['signals', i, 'startSeconds'],
      });
    }
  });
  // Suggestions are judged at the next step: a maximum age under one step makes them all stale.
  const maxAge = s.guidance.planner.maxAgeSeconds;
  if (maxAge !== undefined && maxAge < s.time.stepSeconds) {
    ctx.addIssue({
      code: 'custom',
      message: `maxAgeSeconds (${maxAge}) is shorter than one step (${s.time.stepSeconds} s): every suggestion would be stale before an agent could use it`,
      path: ['guidance', 'planner', 'maxAgeSeconds'],
    });
  }
  s.traffic.areas.forEach((area, i) => {
    area.cells.forEach((c, j) => {
      if (!cellIds.has(c)) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown cell '${c}'`,
          path: ['traffic', 'areas', i, 'cells', j],
        });
      }
    });
  });
  if (s.traffic.sources.length === 0 && s.traffic.areas.length === 0 && !s.traffic.everyCell) {
    ctx.addIssue({
      code: 'custom',
      message: 'no traffic: give traffic.sources or traffic.everyCell',
      path: ['traffic', 'sources'],
    });
  }
  const sourceIds = new Set<string>([
    ...(s.traffic.everyCell ? [...cellIds].map((c) => `${c}-users`) : []),
    ...s.traffic.areas.flatMap((a) => a.cells.map((c) => `${a.id}-${c}`)),
  ]);
  s.traffic.sources.forEach((src, i) => {
    if (sourceIds.has(src.id)) {
      ctx.addIssue({
        code: 'custom',
        message: `duplicate traffic source id '${src.id}'${s.traffic.everyCell && src.id === `${src.cell}-users` ? ' (traffic.everyCell already makes a source <cell>-users for every cell)' : ''}`,
        path: ['traffic', 'sources', i, 'id'],
      });
    }
    sourceIds.add(src.id);
    if (!cellIds.has(src.cell)) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown cell '${src.cell}'`,
        path: ['traffic', 'sources', i, 'cell'],
      });
    }
  });
  const allSourceIds = new Set([
    ...s.traffic.sources.map((x) => x.id),
    ...s.traffic.areas.flatMap((a) => [a.id, ...a.cells.map((c) => `${a.id}-${c}`)]),
    ...(s.traffic.everyCell ? [...cellIds].map((c) => `${c}-users`) : []),
  ]);
  for (const [name, level] of Object.entries(s.traffic.levels)) {
    for (const sourceId of Object.keys(level.arrivalRates)) {
      if (!allSourceIds.has(sourceId)) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown traffic source '${sourceId}'`,
          path: ['traffic', 'levels', name, 'arrivalRates', sourceId],
        });
      }
    }
  }
  if (!Object.hasOwn(s.traffic.levels, s.traffic.default)) {
    ctx.addIssue({
      code: 'custom',
      message: `default level '${s.traffic.default}' is not among the levels (${Object.keys(s.traffic.levels).join(', ')})`,
      path: ['traffic', 'default'],
    });
  }
  const totalSteps = (s.episodes.training + s.episodes.test) * s.time.stepsPerEpisode;
  const fieldsInRange =
    s.time.stepsPerEpisode <= LIMITS.stepsPerEpisode &&
    s.episodes.training <= LIMITS.episodes &&
    s.episodes.test <= LIMITS.episodes &&
    s.time.stepSeconds <= LIMITS.stepSeconds;
  if (!fieldsInRange) {
    // each out-of-range field is reported on its own
  } else if (totalSteps > LIMITS.totalSteps) {
    ctx.addIssue({
      code: 'custom',
      message: `the run would take ${totalSteps} steps ((training + test) × stepsPerEpisode); at most ${LIMITS.totalSteps} are allowed`,
      path: ['episodes'],
    });
  } else if (totalSteps * stepMilliseconds(s.time.stepSeconds) > Number.MAX_SAFE_INTEGER) {
    ctx.addIssue({
      code: 'custom',
      message: `the run would last ${totalSteps} steps of ${s.time.stepSeconds} s, beyond the simulated clock's exact range`,
      path: ['time', 'stepSeconds'],
    });
  }
  checkPeakArrivals(s, cellIds, ctx);
  const { min, max } = s.initial.loadFraction;
  if (min < 0 || max > 1) {
    ctx.addIssue({
      code: 'custom',
      message: 'loadFraction must lie within 0..1',
      path: ['initial', 'loadFraction'],
    });
  }
}
