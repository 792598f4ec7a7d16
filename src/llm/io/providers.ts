/**
 * Provider selection: turns the scenario's `guidance.llm` settings into a provider — the
 * embedded simulated model, Anthropic Claude, or an OpenAI-compatible server. The gateway
 * (`gateway.ts`) drives whichever it gets; replay needs no provider at all.
 *
 * It sits at the edge because it reaches the network SDKs (and reads keys from the environment);
 * the simulated model it may pick is pure and lives beside the prompt contract it answers
 * (`../simulated.ts`). A new provider is a new file here and one `case` below.
 */
import type { Rng } from '../../rng.js';
import type { ResolvedLlm } from '../../scenario/resolve.js';
import type { WorldPlanner } from '../oracle.js';
import { SimulatedProvider } from '../simulated.js';
import type { AnyProvider } from '../types.js';
import { AnthropicProvider } from './anthropic.js';
import { OpenAiCompatibleProvider } from './openaiCompatible.js';

/**
 * `oracle`: the world-reading planner of the `oracle` policy (`../oracle.ts`), which only the
 * simulated provider takes (the scenario refuses the policy for the others).
 */
export function createProvider(
  settings: ResolvedLlm,
  rng: Rng,
  env: NodeJS.ProcessEnv = process.env,
  oracle?: WorldPlanner,
): AnyProvider {
  switch (settings.provider) {
    case 'simulated':
      return new SimulatedProvider(settings, rng, oracle);
    case 'anthropic':
      return new AnthropicProvider(settings, env);
    case 'openai-compatible':
      return new OpenAiCompatibleProvider(settings, env);
  }
}
