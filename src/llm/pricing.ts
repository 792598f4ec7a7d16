/**
 * Estimated cost of a run's model calls: tokens in and out times a price per million tokens —
 * the scenario's `guidance.llm.pricing` when given, else this table (Anthropic's published list
 * prices in US dollars when it was written; check them before budgeting), else nothing (the
 * simulated model and local servers cost 0).
 */
import type { ResolvedLlm } from '../scenario/resolve.js';

export interface Price {
  readonly inputPerMTok: number;
  readonly outputPerMTok: number;
}

/** Model id prefix → price. The longest matching prefix wins (dated ids match their family). */
export const PRICE_TABLE: Readonly<Record<string, Price>> = {
  'claude-sonnet-4': { inputPerMTok: 3, outputPerMTok: 15 },
  'claude-3-7-sonnet': { inputPerMTok: 3, outputPerMTok: 15 },
  'claude-3-5-sonnet': { inputPerMTok: 3, outputPerMTok: 15 },
  'claude-opus-4-5': { inputPerMTok: 5, outputPerMTok: 25 },
  'claude-opus-4': { inputPerMTok: 15, outputPerMTok: 75 },
  'claude-haiku-4-5': { inputPerMTok: 1, outputPerMTok: 5 },
  'claude-3-5-haiku': { inputPerMTok: 0.8, outputPerMTok: 4 },
  'claude-3-haiku': { inputPerMTok: 0.25, outputPerMTok: 1.25 },
};

export interface PriceChoice {
  readonly price: Price | null;
  /** Where the price came from. */
  readonly source: 'scenario' | 'table' | 'none';
}

export function priceOf(llm: ResolvedLlm): PriceChoice {
  if (llm.pricing) return { price: llm.pricing, source: 'scenario' };
  const prefix = Object.keys(PRICE_TABLE)
    .filter((p) => llm.model.startsWith(p))
    .sort((a, b) => b.length - a.length)[0];
  return prefix
    ? { price: PRICE_TABLE[prefix]!, source: 'table' }
    : { price: null, source: 'none' };
}

/** US dollars for the tokens, rounded to a millionth of a dollar. */
export function costUsd(price: Price | null, inputTokens: number, outputTokens: number): number {
  if (!price) return 0;
  const usd = (inputTokens * price.inputPerMTok + outputTokens * price.outputPerMTok) / 1e6;
  return Math.round(usd * 1e6) / 1e6;
}
