/**
 * One model call in simulated time — the exchange the planner and the evaluator share, and the
 * rules that turn what the edge reports (`CallResult`: a reply or failure, measured wall time)
 * into what the simulation sees (a latency in simulated time, a reply, or a timeout).
 *
 * Pure: no clock, no network, no file. The gateway (`io/gateway.ts`) only carries prompts and
 * replies; every decision about simulated time is made here, so a change to those rules (which
 * latency counts, when a reply is too late, what a failed call costs) is a change to this file.
 */
import type { LlmCounts } from '../model/guidance.js';
import type { GuidanceConfig } from '../scenario/resolve.js';
import { sampleLatencyMs } from './latency.js';
import {
  type CallFailure,
  type CallResult,
  type Completion,
  estimateTokens,
  type LlmRole,
  type Prompt,
} from './types.js';

/** The settings a call is judged by: the model's latency settings and the call timeout. */
export type CallSettings = Pick<GuidanceConfig, 'llm' | 'timeoutMs'>;

/** A call as the simulation sees it. */
export interface SimulatedOutcome {
  /** Simulated time from sending to the reply, ms (at most the timeout). */
  readonly latencyMs: number;
  /** The reply, null when the call failed or timed out. */
  readonly completion: Completion | null;
  readonly failure: CallFailure | null;
}

/**
 * The wall-clock budget of one call, retries included, ms, that the gateway should enforce: with
 * measured latency, a call slower than the timeout is a simulated timeout whatever it brings, so
 * it is not pursued past it; with modelled latency wall time does not count (undefined).
 */
export function wallDeadlineMs(settings: CallSettings): number | undefined {
  return settings.llm.latencyFrom === 'measured' ? settings.timeoutMs : undefined;
}

/**
 * Sends `prompt` to the role's model: draws the call's latency (at sending, whatever
 * `latencyFrom` says, so the latency stream does not depend on the provider), and once the
 * result is known — now, or during a later `settle()` of the gateway — judges it, counts it in
 * `counts` and hands the outcome to `onOutcome` (`late`: it arrived after this function
 * returned, i.e. the caller is waiting for it).
 */
export function askModel(
  role: LlmRole,
  settings: CallSettings,
  prompt: Prompt,
  counts: LlmCounts,
  onOutcome: (outcome: SimulatedOutcome, late: boolean) => void,
): void {
  const drawnMs = sampleLatencyMs(settings.llm.latency, role.latencyRng);
  const promptTokens = estimateTokens(prompt.system + prompt.user);
  const settle = (result: CallResult, late: boolean) => {
    const outcome = simulatedOutcome(result, drawnMs, settings);
    countCall(counts, result, outcome.latencyMs, promptTokens);
    onOutcome(outcome, late);
  };
  const now = role.gateway.call(role.name, prompt, (result) => settle(result, true));
  if (now) settle(now, false);
}

/**
 * What the simulation makes of a call: its simulated latency (the measured wall time or the
 * model's draw, per `latencyFrom`) and, past the timeout, a timeout failure.
 */
export function simulatedOutcome(
  result: CallResult,
  drawnMs: number,
  settings: CallSettings,
): SimulatedOutcome {
  let latencyMs =
    settings.llm.latencyFrom === 'measured' && result.measuredMs !== null
      ? result.measuredMs
      : drawnMs;
  let { completion, failure } = result;
  if (latencyMs > settings.timeoutMs) {
    latencyMs = settings.timeoutMs;
    completion = null;
    failure = 'timeout';
  }
  return { latencyMs, completion, failure };
}

/**
 * Counts a settled call in a phase's ledger: tokens (a reply's own — even a reply that came too
 * late, it was paid for — else the prompt's estimate: a failed call spent it all the same),
 * simulated and measured latency, retries.
 */
export function countCall(
  counts: LlmCounts,
  result: CallResult,
  latencyMs: number,
  promptTokens: number,
): void {
  const { completion } = result;
  if (completion) {
    counts.inputTokens += completion.inputTokens;
    counts.outputTokens += completion.outputTokens;
  } else counts.inputTokens += promptTokens;
  counts.simulatedLatencyMs += latencyMs;
  counts.retries += result.attempts - 1;
  if (result.measuredMs !== null) {
    counts.measuredCalls++;
    counts.measuredLatencyMs += result.measuredMs;
    counts.measuredMaxMs = Math.max(counts.measuredMaxMs, result.measuredMs);
  }
}
