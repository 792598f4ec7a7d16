/**
 * The language-to-policy translator (AURA): turns an evaluator's verbal feedback — free text from
 * any model — into bounded changes of one agent's tuning (exploration scale, reward weights).
 *
 * Phrases are matched by the readable table `FEEDBACK_RULES` (case-insensitive, tolerant of
 * wording). Each rule applies at most once per text, whatever the repetitions, so a chatty reply
 * cannot push a parameter further than a terse one. Contradictory phrases (explore less and explore
 * more) cancel: neither is applied. "Keep the current policy" and unrecognised text change
 * nothing. Every result is clamped to `TUNING_BOUNDS`. Matching is lexical: a negated phrase
 * ("do not explore more") still matches, which is why the evaluator is asked for bare phrases.
 */

export interface AgentTuning {
  /** Multiplies the agent's scheduled epsilon. */
  readonly epsilonScale: number;
  /** Weights of the reward terms. */
  readonly reward: { readonly coverage: number; readonly drop: number; readonly energy: number };
}

export type TuningParameter = 'epsilonScale' | 'reward.coverage' | 'reward.drop' | 'reward.energy';

export const TUNING_BOUNDS: Readonly<
  Record<TuningParameter, { readonly min: number; readonly max: number }>
> = {
  epsilonScale: { min: 0.25, max: 4 },
  'reward.coverage': { min: 0, max: 2 },
  'reward.drop': { min: 0, max: 2 },
  'reward.energy': { min: 0, max: 1 },
};

export interface FeedbackRule {
  /** Canonical phrase, reported in changes. */
  readonly name: string;
  readonly pattern: RegExp;
  readonly parameter: TuningParameter;
  /** `scale` multiplies the parameter by `amount`; `add` adds it. */
  readonly op: 'scale' | 'add';
  readonly amount: number;
  /** Rules that cancel this one when both match the same text. */
  readonly conflictsWith: readonly string[];
}

export const FEEDBACK_RULES: readonly FeedbackRule[] = [
  {
    name: 'explore less',
    pattern:
      /\b(?:explor(?:e|ing)\s+(?:a\s+(?:bit|little)\s+)?less|less\s+exploration|(?:reduce|lower|decrease|limit)\s+(?:the\s+)?exploration)\b/i,
    parameter: 'epsilonScale',
    op: 'scale',
    amount: 0.8,
    conflictsWith: ['explore more'],
  },
  {
    name: 'explore more',
    pattern:
      /\b(?:explor(?:e|ing)\s+(?:a\s+(?:bit|little)\s+)?more|more\s+exploration|(?:increase|raise|boost)\s+(?:the\s+)?exploration)\b/i,
    parameter: 'epsilonScale',
    op: 'scale',
    amount: 1.25,
    conflictsWith: ['explore less'],
  },
  {
    name: 'prioritise dropped requests',
    pattern:
      /\b(?:prioriti[sz]e\s+(?:the\s+)?dropped\s+requests|(?:reduce|fewer|minimi[sz]e|avoid)\s+(?:the\s+)?(?:drops|dropped\s+requests))\b/i,
    parameter: 'reward.drop',
    op: 'add',
    amount: 0.1,
    conflictsWith: [],
  },
  {
    name: 'prioritise coverage',
    pattern: /\b(?:prioriti[sz]e|improve|increase|better)\s+(?:the\s+)?coverage\b/i,
    parameter: 'reward.coverage',
    op: 'add',
    amount: 0.1,
    conflictsWith: [],
  },
  {
    name: 'save energy',
    pattern:
      /\b(?:(?:save|saving|conserve)\s+(?:some\s+)?energy|energy[-\s]efficien\w*|(?:reduce|lower)\s+(?:the\s+)?power)\b/i,
    parameter: 'reward.energy',
    op: 'add',
    amount: 0.05,
    conflictsWith: [],
  },
];

export interface TuningChange {
  readonly parameter: TuningParameter;
  readonly from: number;
  readonly to: number;
  /** The rule's canonical phrase. */
  readonly rule: string;
}

function get(t: AgentTuning, p: TuningParameter): number {
  switch (p) {
    case 'epsilonScale':
      return t.epsilonScale;
    case 'reward.coverage':
      return t.reward.coverage;
    case 'reward.drop':
      return t.reward.drop;
    case 'reward.energy':
      return t.reward.energy;
  }
}

function set(t: AgentTuning, p: TuningParameter, value: number): AgentTuning {
  if (p === 'epsilonScale') return { ...t, epsilonScale: value };
  const key = p === 'reward.coverage' ? 'coverage' : p === 'reward.drop' ? 'drop' : 'energy';
  return { ...t, reward: { ...t.reward, [key]: value } };
}

/** Rounded so repeated steps (0.1 + 0.2 …) stay readable in logs and results. */
const tidy = (x: number): number => Math.round(x * 1e9) / 1e9;

/**
 * Applies the rules that `text` asks for to a copy of `tuning`. Pure and total: odd input (not a
 * string, non-finite values) yields no change rather than an exception.
 */
export function translateFeedback(
  text: string,
  tuning: AgentTuning,
): { tuning: AgentTuning; changes: TuningChange[] } {
  let next: AgentTuning = { epsilonScale: tuning.epsilonScale, reward: { ...tuning.reward } };
  const changes: TuningChange[] = [];
  if (typeof text !== 'string') return { tuning: next, changes };
  const matched = new Set(FEEDBACK_RULES.filter((r) => r.pattern.test(text)).map((r) => r.name));
  for (const rule of FEEDBACK_RULES) {
    if (!matched.has(rule.name) || rule.conflictsWith.some((c) => matched.has(c))) continue;
    const from = get(next, rule.parameter);
    if (!Number.isFinite(from)) continue;
    const { min, max } = TUNING_BOUNDS[rule.parameter];
    const raw = rule.op === 'scale' ? from * rule.amount : from + rule.amount;
    const to = tidy(Math.min(max, Math.max(min, raw)));
    // No move, or a start already outside the bounds that clamping would push the wrong way.
    if ((to - from) * (raw - from) <= 0) continue;
    next = set(next, rule.parameter, to);
    changes.push({ parameter: rule.parameter, from, to, rule: rule.name });
  }
  return { tuning: next, changes };
}
