/**
 * The LLM pipeline's shared vocabulary: what the context encoder hands the prompt builder, what a
 * provider receives and answers, and the action codes a reply may contain.
 *
 *   context encoder → prompt builder → provider → translator → planner actor → agents
 *
 * Providers see only prompt text (the same text a real model would get); the structured block in
 * it is the contract between the prompt builder, the embedded simulated provider and the
 * translator.
 */
import type { Action, Coverage } from '../agents/space.js';
import { UserError } from '../errors.js';
import type { Rng } from '../rng.js';

/** Action codes a model answers with (the paper's "clean numeric code"). Index = code − 1. */
export const ACTION_CODES: Readonly<Record<Action, number>> = {
  increase: 1,
  decrease: 2,
  maintain: 3,
  handoff: 4,
};
/** Code → action index (`ACTIONS[index]`), for codes 1..4. */
export const codeToActionIndex = (code: number): number => code - 1;
export const actionIndexToCode = (index: number): number => index + 1;

/** One cell as the planner sees it (the target cells and their neighbours). */
export interface CellSnapshot {
  readonly id: string;
  readonly type: string;
  readonly powerDbm: number;
  readonly powerMinDbm: number;
  readonly powerMaxDbm: number;
  readonly coverage: Coverage;
  readonly users: number;
  readonly capacity: number;
  /** Users below the poor-signal or poor-SNR threshold. */
  readonly poorUsers: number;
  /** Requests dropped in the last step. */
  readonly dropsLastStep: number;
  /** Requests dropped over the last `trendSteps` steps. */
  readonly recentDrops: number;
  /** Change in users over the last `trendSteps` steps (positive = filling up). */
  readonly usersTrend: number;
  readonly neighbours: readonly string[];
}

/** An external signal declared by the scenario (e.g. a concert near a cell). */
export interface SignalSnapshot {
  readonly id: string;
  readonly description: string;
  readonly cells: readonly string[];
  /** Seconds from now until it starts (negative: it started that long ago). */
  readonly startsInSeconds: number;
  readonly durationSeconds: number;
}

/** The structured block of a planner prompt. */
export interface PlannerSnapshot {
  /** Simulated time at which the state was observed, seconds since the run started. */
  readonly timeSeconds: number;
  readonly trendSteps: number;
  /** Cells an action is requested for, in request order. */
  readonly targets: readonly string[];
  /** The targets and their neighbours. */
  readonly cells: readonly CellSnapshot[];
  readonly signals: readonly SignalSnapshot[];
}

/** One agent's recent behaviour, as the alignment controller's evaluator sees it. */
export interface AgentHistorySnapshot {
  readonly id: string;
  readonly capacity: number;
  readonly steps: number;
  /** Distinct (state, action) pairs in the history. */
  readonly distinctPairs: number;
  readonly actions: Readonly<Record<Action, number>>;
  readonly droppedRequests: number;
  readonly droppedHandoffs: number;
  readonly blocked: number;
  /** Mean share of the cell's users that were well served. */
  readonly servedShare: number;
  /** Mean load as a share of capacity. */
  readonly loadShare: number;
  /** Mean transmit power as a share of the cell's range (0 = minimum). */
  readonly powerShare: number;
  /** Dropped requests per step in the previous evaluation window (null for the first). */
  readonly previousDropsPerStep: number | null;
}

/** The structured block of an evaluator prompt. */
export interface EvaluatorSnapshot {
  readonly episodes: { readonly from: number; readonly to: number; readonly phase: string };
  /** Steps in the window in which some request was not served. */
  readonly systemFailures: number;
  readonly steps: number;
  readonly agents: readonly AgentHistorySnapshot[];
}

/** A prompt as sent to a provider: plain text, plus which kind of answer is expected. */
export interface Prompt {
  readonly kind: 'planner' | 'evaluator';
  readonly system: string;
  readonly user: string;
}

/** A provider's answer. `text` is untrusted: only the translator reads it. */
export interface Completion {
  readonly text: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/** Why a call produced no usable text. */
export type CallFailure = 'error' | 'timeout';

/**
 * A language-model provider that answers on the spot: the embedded simulated model (and test
 * doubles). Network providers are `NetworkProvider`s; the gateway (`io/gateway.ts`) drives both.
 */
export interface LlmProvider {
  readonly name: string;
  readonly model: string;
  /** Answers a prompt, or throws a `ProviderError` (counted, never fatal). */
  complete(prompt: Prompt): Completion;
}

/** A provider reached over the network (Anthropic, an OpenAI-compatible server). */
export interface NetworkProvider {
  readonly name: string;
  readonly model: string;
  /**
   * One attempt at a prompt. Rejects with a `ProviderError` (retried if `retryable`, else
   * counted) or an `LlmFatalError` (stops the run).
   */
  request(prompt: Prompt, signal: AbortSignal): Promise<Completion>;
}

/** Either kind of provider: what a role's model is. */
export type AnyProvider = LlmProvider | NetworkProvider;

export const isNetworkProvider = (p: AnyProvider): p is NetworkProvider => 'request' in p;

/**
 * How a call ended, as the edge reports it (and a cassette records it): before the rules of
 * simulated time (`call.ts`) have judged its latency.
 */
export interface CallResult {
  readonly completion: Completion | null;
  readonly failure: CallFailure | null;
  /** Why it failed, for the record. */
  readonly detail: string | null;
  /** Wall-clock time from submission to the final answer, retries included, ms (null: not a network call). */
  readonly measuredMs: number | null;
  /** Attempts made (1 + retries). */
  readonly attempts: number;
}

/**
 * The door to the models as the pure plane sees it: the run's gateway (`io/gateway.ts`) or a
 * test double. A result known now is returned; otherwise null, and `onSettled` gets it later,
 * while simulated time stands still.
 */
export interface ModelGateway {
  call(role: string, prompt: Prompt, onSettled: (result: CallResult) => void): CallResult | null;
}

/** A model endpoint for one LLM role (planner, evaluator): the run's gateway and a latency stream. */
export interface LlmRole {
  readonly name: string;
  readonly gateway: ModelGateway;
  readonly latencyRng: Rng;
}

export class ProviderError extends Error {
  constructor(
    message: string,
    readonly failure: CallFailure = 'error',
    /** Worth another attempt (rate limit, server error, timeout, lost connection). */
    readonly retryable = false,
    /** The server's `retry-after`, ms. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

/** A provider problem no retry can fix (no key, refused key, unknown model): the run stops. */
export class LlmFatalError extends UserError {}

/** Rough token count of a text (about 4 characters per token), as used for budgets and cost. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
