/**
 * The embedded, key-free simulated provider. It is NOT a language model: it is a hand-written
 * rule set (a planner policy) that reads the structured block of the prompt, answers in the same
 * reply format a real model is asked for, and injects the kinds of mistakes a real model makes
 * (wrong, invalid or missing codes; out-of-range or missing scores) at the configured rate.
 *
 * Planner prompts (`<network_state>` → `<actions>`): the policy `settings.policy` chooses, per
 * target cell (`planners.ts`: naive — the original heuristic and the default —, expert, random,
 * adversarial), with the thresholds `settings.rules`. The `oracle` policy alone does not read the
 * block's cells: it takes the targets from it and asks the world-reading planner the run handed
 * the provider (`oracle.ts`; only a run can, so the provider refuses `oracle` without one). Its
 * reply still goes through the same corruption, formatting, translator, latency and budgets.
 *
 * Evaluator prompts (`<agent_history>` → `<scores>`), per agent, with d = dropped requests per
 * step: raw = 2·(servedShare − 0.5) − 1.5·(1 − e^(−d/0.5)) − 0.3·powerShare
 * − 0.5·|loadShare − mean loadShare| + 0.4·tanh((previous d − d) / max(previous d, 0.1)), and
 * score = tanh(raw) rounded to 2 decimals. Feedback, first that fires, from `FEEDBACK_PHRASES`
 * (the vocabulary the translator in `feedback.ts` understands):
 *   d clearly worse than before (> 1.25× and ≥ 0.05 more) → "explore more";
 *   d ≥ 0.1 → "prioritise dropped requests" ("explore less" if ≥ 0.1 before and no better now);
 *   servedShare < 0.75 → "prioritise coverage"; powerShare > 0.7 with d ≤ 0.02 → "save energy";
 *   score ≥ 0.5 → "explore less"; otherwise "keep the current policy".
 *
 * Randomness: every call draws the failure coin and one style draw, then exactly three draws per
 * target cell or agent (error coin, error kind, alternative), whatever the outcome and verbosity,
 * so the stream position depends only on the prompt's size. The random policy draws from its own
 * fork (`planner/random`) of the provider's stream, so it shifts none of those draws. An unreadable
 * prompt gets a polite
 * prose answer with no block, which the translator rejects.
 */
import { ACTIONS, type Action } from '../agents/space.js';
import type { Rng } from '../rng.js';
import {
  DEFAULT_PLANNER_RULES,
  type PlannerPolicy,
  type PlannerRules,
} from '../scenario/schema/llm.js';
import { BLOCKS, renderBlock } from './blocks.js';
import type { WorldPlanner } from './oracle.js';
import { type PlannedAction, planWith } from './planners.js';
import { readEvaluatorSnapshot, readPlannerSnapshot } from './prompt.js';
import {
  ACTION_CODES,
  type AgentHistorySnapshot,
  type Completion,
  type EvaluatorSnapshot,
  estimateTokens,
  type LlmProvider,
  type Prompt,
  ProviderError,
} from './types.js';

export type Verbosity = 'terse' | 'normal' | 'verbose';

export interface SimulatedSettings {
  readonly model: string;
  /** Share of per-target answers (codes or scores) that are corrupted. */
  readonly errorRate: number;
  /** Share of calls that throw a `ProviderError`. */
  readonly failureRate: number;
  readonly verbosity: Verbosity;
  /** The planner policy (omitted: 'naive', the original heuristic). */
  readonly policy?: PlannerPolicy | undefined;
  /** Thresholds of the rule planners (omitted: `DEFAULT_PLANNER_RULES`). */
  readonly rules?: PlannerRules | undefined;
}

export {
  type PlannedAction,
  type PlannerRule,
  planCell,
  planCellAdversarial,
  planCellExpert,
  planCellRandom,
  planTargets,
  planWith,
} from './planners.js';

/** The evaluator's feedback vocabulary (each phrase is understood by `translateFeedback`). */
export const FEEDBACK_PHRASES = {
  drops: 'prioritise dropped requests',
  coverage: 'prioritise coverage',
  energy: 'save energy',
  exploreLess: 'explore less',
  exploreMore: 'explore more',
  keep: 'keep the current policy',
} as const;
export type FeedbackPhrase = (typeof FEEDBACK_PHRASES)[keyof typeof FEEDBACK_PHRASES];

const pct = (x: number): string => `${Math.round(x * 100)}%`;

// --- Evaluator heuristic -------------------------------------------------------------------------

/** Dropped requests per step at or above which drops are the dominant problem. */
const DROPS_HIGH = 0.1;
/** Dropped requests per step at or below which a cell may trade power for energy. */
const DROPS_LOW = 0.02;
/** Drops per step that cost about two thirds of the maximum drop penalty. */
const DROP_SCALE = 0.5;
const SERVED_LOW = 0.75;
const POWER_HIGH = 0.7;
const SCORE_GOOD = 0.5;

export interface AgentAssessment {
  readonly id: string;
  readonly score: number;
  readonly feedback: FeedbackPhrase;
  readonly reason: string;
}

const round2 = (x: number): number => Math.round(x * 100) / 100 + 0; // + 0 turns −0 into 0

/** Worse than the previous window by a clear margin (not just noise). */
function gotWorse(cur: number, prev: number | null): boolean {
  return prev !== null && cur > prev * 1.25 && cur - prev >= 0.05;
}

export function assessAgent(agent: AgentHistorySnapshot, meanLoad: number): AgentAssessment {
  const drops = agent.droppedRequests / Math.max(1, agent.steps);
  const prev = agent.previousDropsPerStep;
  const efficiency = 2 * (agent.servedShare - 0.5);
  const dropPenalty = 1.5 * (1 - Math.exp(-drops / DROP_SCALE));
  const energyPenalty = 0.3 * agent.powerShare;
  const fairnessPenalty = 0.5 * Math.abs(agent.loadShare - meanLoad);
  const adaptability = prev === null ? 0 : 0.4 * Math.tanh((prev - drops) / Math.max(prev, 0.1));
  // No bias: the alignment controller reinforces positive scores, so a cell that drops requests
  // heavily must come out negative even when the users it keeps are well served.
  const raw = efficiency - dropPenalty - energyPenalty - fairnessPenalty + adaptability;
  const score = round2(Math.tanh(raw));

  let feedback: FeedbackPhrase;
  if (gotWorse(drops, prev)) feedback = FEEDBACK_PHRASES.exploreMore;
  else if (drops >= DROPS_HIGH) {
    // Told to prioritise drops before and no better since: settle rather than keep wandering.
    const persists = prev !== null && prev >= DROPS_HIGH && drops >= prev;
    feedback = persists ? FEEDBACK_PHRASES.exploreLess : FEEDBACK_PHRASES.drops;
  } else if (agent.servedShare < SERVED_LOW) feedback = FEEDBACK_PHRASES.coverage;
  else if (agent.powerShare > POWER_HIGH && drops <= DROPS_LOW) feedback = FEEDBACK_PHRASES.energy;
  else if (score >= SCORE_GOOD) feedback = FEEDBACK_PHRASES.exploreLess;
  else feedback = FEEDBACK_PHRASES.keep;

  const before = prev === null ? '' : ` (previously ${prev.toFixed(2)})`;
  const reason =
    `${agent.id} served ${pct(agent.servedShare)} of its users well, dropped ` +
    `${drops.toFixed(2)} requests per step${before}, ran at ${pct(agent.powerShare)} of its ` +
    `power range and carried ${pct(agent.loadShare)} load against a mean of ${pct(meanLoad)}; ` +
    `I score it ${score.toFixed(2)}, advice: ${feedback}.`;
  return { id: agent.id, score, feedback, reason };
}

export function assessAgents(snapshot: EvaluatorSnapshot): AgentAssessment[] {
  const n = snapshot.agents.length;
  const meanLoad = n === 0 ? 0 : snapshot.agents.reduce((s, a) => s + a.loadShare, 0) / n;
  return snapshot.agents.map((a) => assessAgent(a, meanLoad));
}

// --- Replies -------------------------------------------------------------------------------------

const PLANNER_OPENINGS = [
  'I looked at each target cell together with its neighbours and the upcoming events.',
  'Here is my recommendation after reviewing coverage, load and recent drops for each cell.',
  'Based on the current network state, these are the actions I suggest.',
] as const;
const EVALUATOR_OPENINGS = [
  'I reviewed each agent’s recent history: service, drops, energy, fairness and trend.',
  'Here is my assessment of each agent over the last evaluation window.',
  'Based on the agents’ recent behaviour, these are my scores and suggestions.',
] as const;
const CLOSINGS = [
  'Let me know if you want me to revisit any of these.',
  'These suggestions should be re-checked at the next planning round.',
  'I am happy to explain any of these choices in more detail.',
] as const;

const ACTION_VERBS: Readonly<Record<Action, string>> = {
  increase: 'increase power at',
  decrease: 'decrease power at',
  maintain: 'maintain',
  handoff: 'hand users off from',
};

const pick = <T>(items: readonly T[], u: number): T => items[Math.floor(u * items.length)]!;

/** One draw per answer line, for a fixed stream pattern: is it corrupted, how, with what. */
interface Corruption {
  readonly u: number;
  readonly kind: number;
  readonly alt: number;
}

const INVALID_CODES = [0, 5, 7, 9] as const;
const OUT_OF_RANGE_SCORES = [1.7, -1.4, 2.5, -3] as const;

/** The code a target's line shows (undefined: line omitted). */
function corruptCode(code: number, c: Corruption, errorRate: number): number | undefined {
  if (!(c.u < errorRate)) return code;
  const kind = Math.floor(c.kind * 3);
  if (kind === 0)
    return pick(
      [1, 2, 3, 4].filter((x) => x !== code),
      c.alt,
    );
  if (kind === 1) return pick(INVALID_CODES, c.alt);
  return undefined;
}

/** The score an agent's line shows (undefined: line omitted). */
function corruptScore(score: number, c: Corruption, errorRate: number): number | undefined {
  if (!(c.u < errorRate)) return score;
  return Math.floor(c.kind * 2) === 0 ? pick(OUT_OF_RANGE_SCORES, c.alt) : undefined;
}

/** Summary sentence of a normal-verbosity planner reply, e.g. "I suggest to maintain a, b." */
function plannerSummary(plan: readonly PlannedAction[]): string {
  if (plan.length === 0) return 'No cells were listed as targets.';
  const parts = ACTIONS.flatMap((action) => {
    const cells = plan.filter((p) => p.code === ACTION_CODES[action]).map((p) => p.cell);
    return cells.length === 0 ? [] : [`${ACTION_VERBS[action]} ${cells.join(', ')}`];
  });
  return `In short: ${parts.join('; ')}.`;
}

function evaluatorSummary(assessed: readonly AgentAssessment[]): string {
  if (assessed.length === 0) return 'No agents were listed.';
  const best = assessed.reduce((a, b) => (b.score > a.score ? b : a));
  const worst = assessed.reduce((a, b) => (b.score < a.score ? b : a));
  return best === worst
    ? `${best.id} scores ${best.score.toFixed(2)}.`
    : `${best.id} did best (${best.score.toFixed(2)}) and ${worst.id} needs the most attention (${worst.score.toFixed(2)}).`;
}

function compose(
  verbosity: Verbosity,
  block: string,
  opening: string,
  summary: string,
  paragraphs: readonly string[],
  closing: string,
): string {
  if (verbosity === 'terse') return block;
  if (verbosity === 'normal') return `${opening} ${summary}\n\n${block}`;
  return [opening, ...paragraphs, block, closing].join('\n\n');
}

export class SimulatedProvider implements LlmProvider {
  readonly name = 'simulated';
  readonly model: string;

  /** The random policy's own stream (a labelled fork: the provider's stream does not shift). */
  private readonly plannerRng: Rng;

  constructor(
    private readonly settings: SimulatedSettings,
    private readonly rng: Rng,
    /** The `oracle` policy's planner, reading the world (required with that policy only). */
    private readonly oracle?: WorldPlanner,
  ) {
    if (settings.policy === 'oracle' && !oracle) {
      throw new Error(
        "internal error: planner policy 'oracle' needs the world (a run hands it to the provider)",
      );
    }
    this.model = settings.model;
    this.plannerRng = rng.fork('planner/random');
  }

  complete(prompt: Prompt): Completion {
    // Both draws come first, always, so a failure or a verbosity change shifts nothing after.
    const fails = this.rng.next() < this.settings.failureRate;
    if (fails) throw new ProviderError('simulated provider failure');
    const style = this.rng.next();
    const text =
      prompt.kind === 'planner'
        ? this.plannerReply(prompt, style)
        : this.evaluatorReply(prompt, style);
    return {
      text,
      inputTokens: estimateTokens(prompt.system + prompt.user),
      outputTokens: estimateTokens(text),
    };
  }

  private corruptions(n: number): Corruption[] {
    return Array.from({ length: n }, () => ({
      u: this.rng.next(),
      kind: this.rng.next(),
      alt: this.rng.next(),
    }));
  }

  private plannerReply(prompt: Prompt, style: number): string {
    const snapshot = readPlannerSnapshot(prompt.user);
    if (!snapshot) {
      return 'I could not find the network state in your message, so I cannot suggest actions. Please include the current network state with your request.';
    }
    const policy = this.settings.policy ?? 'naive';
    const plan =
      policy === 'oracle' && this.oracle
        ? this.oracle(snapshot.targets)
        : planWith(policy, snapshot, this.settings.rules ?? DEFAULT_PLANNER_RULES, this.plannerRng);
    const corruptions = this.corruptions(plan.length);
    const lines = plan.flatMap((p, i) => {
      const code = corruptCode(p.code, corruptions[i]!, this.settings.errorRate);
      return code === undefined ? [] : [`${p.cell}: ${code}`];
    });
    return compose(
      this.settings.verbosity,
      renderBlock(BLOCKS.actions, lines.join('\n')),
      pick(PLANNER_OPENINGS, style),
      plannerSummary(plan),
      plan.map((p) => p.reason),
      pick(CLOSINGS, style),
    );
  }

  private evaluatorReply(prompt: Prompt, style: number): string {
    const snapshot = readEvaluatorSnapshot(prompt.user);
    if (!snapshot) {
      return 'I could not find the agents’ history in your message, so I cannot score them. Please include the agents’ recent history with your request.';
    }
    const assessed = assessAgents(snapshot);
    const corruptions = this.corruptions(assessed.length);
    const lines = assessed.flatMap((a, i) => {
      const score = corruptScore(a.score, corruptions[i]!, this.settings.errorRate);
      return score === undefined ? [] : [`${a.id}: ${score.toFixed(2)} | ${a.feedback}`];
    });
    return compose(
      this.settings.verbosity,
      renderBlock(BLOCKS.scores, lines.join('\n')),
      pick(EVALUATOR_OPENINGS, style),
      evaluatorSummary(assessed),
      assessed.map((a) => a.reason),
      pick(CLOSINGS, style),
    );
  }
}
