/**
 * Provider selection: turns the scenario's `guidance.llm` settings into a provider. Only the
 * embedded simulated provider exists so far; network providers (Anthropic, OpenAI-compatible,
 * replay) plug in here behind the same interface.
 */
import type { Rng } from '../engine/rng.js';
import type { LlmSettings } from '../scenario/schema.js';
import { SimulatedProvider } from './simulated.js';
import type { LlmProvider } from './types.js';

export function createProvider(settings: LlmSettings, rng: Rng): LlmProvider {
  switch (settings.provider) {
    case 'simulated':
      return new SimulatedProvider(settings, rng);
  }
}
