/**
 * Provider selection: turns the scenario's `guidance.llm` settings into a provider — the
 * embedded simulated model, Anthropic Claude, or an OpenAI-compatible server. The gateway
 * (`gateway.ts`) drives whichever it gets; replay needs no provider at all.
 */
import type { Rng } from '../rng.js';
import type { ResolvedLlm } from '../scenario/resolve.js';
import { AnthropicProvider } from './anthropic.js';
import type { AnyProvider } from './gateway.js';
import { OpenAiCompatibleProvider } from './openaiCompatible.js';
import { SimulatedProvider } from './simulated.js';

export function createProvider(
  settings: ResolvedLlm,
  rng: Rng,
  env: NodeJS.ProcessEnv = process.env,
): AnyProvider {
  switch (settings.provider) {
    case 'simulated':
      return new SimulatedProvider(settings, rng);
    case 'anthropic':
      return new AnthropicProvider(settings, env);
    case 'openai-compatible':
      return new OpenAiCompatibleProvider(settings, env);
  }
}
