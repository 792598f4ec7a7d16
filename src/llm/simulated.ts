/**
 * The embedded, key-free simulated provider. It is NOT a language model: it is a hand-written
 * expert heuristic that reads the structured block of the prompt, answers in the same reply
 * format a real model is asked for, and injects the kinds of mistakes a real model makes
 * (wrong, invalid or missing codes; out-of-range or missing scores) at the configured rate.
 *
 * Planner prompts (`<network_state>` → `<actions>`), per target cell, first rule that fires:
 *   (a) handoff (4): the cell has poorly served users and a neighbour has spare room — at least
 *       max(2, 10% of capacity) free places after adding its rising user trend — and no event
 *       (signal) under way or coming at that neighbour that would fill it;
 *   (b) increase (1): coverage is fair or poor, or the cell dropped requests recently while it
 *       still had room (so the drops came from weak signal, not congestion), and power < max;
 *   (c) increase (1), pre-emptive: a signal concerning the cell is under way or coming, and
 *       power < max (the prompt builder only lists signals within its lookahead);
 *   (d) decrease (2), save energy: coverage good, no poorly served users, no recent drops, load
 *       (plus rising trend) below 50% of capacity, no signal coming, and power > min;
 *   (e) maintain (3) otherwise (also for a target the snapshot does not describe).
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
 * so the stream position depends only on the prompt's size. An unreadable prompt gets a polite
 * prose answer with no block, which the translator rejects.
 */
import { ACTIONS, type Action } from '../agents/space.js';
import type { Rng } from '../rng.js';
import { BLOCKS, renderBlock } from './blocks.js';
import { readEvaluatorSnapshot, readPlannerSnapshot } from './prompt.js';
import {
  ACTION_CODES,
  type AgentHistorySnapshot,
  type CellSnapshot,
  type Completion,
  type EvaluatorSnapshot,
  estimateTokens,
  type LlmProvider,
  type PlannerSnapshot,
  type Prompt,
  ProviderError,
  type SignalSnapshot,
} from './types.js';

export type Verbosity = 'terse' | 'normal' | 'verbose';

export interface SimulatedSettings {
  readonly model: string;
  /** Share of per-target answers (codes or scores) that are corrupted. */
  readonly errorRate: number;
  /** Share of calls that throw a `ProviderError`. */
  readonly failureRate: number;
  readonly verbosity: Verbosity;
}

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

// --- Planner heuristic ---------------------------------------------------------------------------

/** A neighbour is a handoff target with at least this many free places… */
const HANDOFF_MIN_FREE = 2;
/** …and at least this share of its capacity free. */
const HANDOFF_MIN_FREE_SHARE = 0.1;
/** Below this share of capacity a well-covered cell can afford to lower its power. */
const LOW_LOAD_SHARE = 0.5;

export type PlannerRule = 'handoff' | 'weak-coverage' | 'signal' | 'save-energy' | 'maintain';

/** The heuristic's choice for one target cell, with the reason a verbose reply gives. */
export interface PlannedAction {
  readonly cell: string;
  readonly code: number;
  readonly rule: PlannerRule;
  readonly reason: string;
}

/** Signals concerning `cellId` that are under way or still to come. */
function activeSignals(cellId: string, signals: readonly SignalSnapshot[]): SignalSnapshot[] {
  return signals.filter(
    (s) => s.cells.includes(cellId) && s.startsInSeconds + s.durationSeconds > 0,
  );
}

/** Free places the neighbour can offer, net of the users it is gaining anyway. */
function spareRoom(n: CellSnapshot): number {
  return n.capacity - n.users - Math.max(0, n.usersTrend);
}

function canTakeHandoffs(n: CellSnapshot, signals: readonly SignalSnapshot[]): boolean {
  const margin = Math.max(HANDOFF_MIN_FREE, Math.ceil(HANDOFF_MIN_FREE_SHARE * n.capacity));
  return spareRoom(n) >= margin && activeSignals(n.id, signals).length === 0;
}

const fmt = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(1));
const pct = (x: number): string => `${Math.round(x * 100)}%`;

function describeSignal(s: SignalSnapshot): string {
  const when =
    s.startsInSeconds >= 0
      ? `starts in ${fmt(s.startsInSeconds)} s`
      : `has been under way for ${fmt(-s.startsInSeconds)} s`;
  return `${s.id} (${s.description}) ${when}`;
}

/** The expert heuristic's action for one target cell; deterministic given the snapshot. */
export function planCell(snapshot: PlannerSnapshot, target: string): PlannedAction {
  const byId = new Map(snapshot.cells.map((c) => [c.id, c]));
  const cell = byId.get(target);
  const choose = (action: Action, rule: PlannerRule, reason: string): PlannedAction => ({
    cell: target,
    code: ACTION_CODES[action],
    rule,
    reason,
  });
  if (!cell) {
    return choose('maintain', 'maintain', `I have no measurements for ${target}, so I keep it.`);
  }
  const load = `${fmt(cell.users)}/${fmt(cell.capacity)} users`;
  const belowMax = cell.powerDbm < cell.powerMaxDbm;

  // (a) Handing off only helps if someone is poorly served and a neighbour will stay roomy.
  if (cell.poorUsers > 0) {
    const helper = cell.neighbours
      .map((id) => byId.get(id))
      .filter((n): n is CellSnapshot => n !== undefined && canTakeHandoffs(n, snapshot.signals))
      .sort((a, b) => spareRoom(b) - spareRoom(a) || a.id.localeCompare(b.id))[0];
    if (helper) {
      return choose(
        'handoff',
        'handoff',
        `${target} has ${fmt(cell.poorUsers)} poorly served users (${load}, ${cell.coverage} coverage) ` +
          `while neighbour ${helper.id} has ${fmt(helper.users)}/${fmt(helper.capacity)} users and no ` +
          'event coming, so a handoff moves them to better service.',
      );
    }
  }

  // (b) Drops while the cell still had room come from weak signal, which power can fix.
  const weakDrops = cell.recentDrops > 0 && cell.users < cell.capacity;
  if ((cell.coverage !== 'good' || weakDrops) && belowMax) {
    return choose(
      'increase',
      'weak-coverage',
      `${target} has ${cell.coverage} coverage, ${fmt(cell.poorUsers)} poorly served users and ` +
        `${fmt(cell.recentDrops)} recent drops with ${load}, at ${fmt(cell.powerDbm)} dBm of ` +
        `${fmt(cell.powerMaxDbm)} dBm, so more power should reach them.`,
    );
  }

  // (c) Raise power before an event's crowd arrives rather than after the drops start.
  const signals = activeSignals(target, snapshot.signals);
  const signal = signals[0];
  if (signal && belowMax) {
    return choose(
      'increase',
      'signal',
      `${describeSignal(signal)} near ${target} (${load}, ${fmt(cell.powerDbm)} dBm), so I raise ` +
        'power ahead of the extra demand.',
    );
  }

  // (d) A quiet, well-covered cell wastes energy at high power.
  const projectedLoad = cell.users + Math.max(0, cell.usersTrend);
  if (
    cell.coverage === 'good' &&
    cell.poorUsers === 0 &&
    cell.recentDrops === 0 &&
    projectedLoad < LOW_LOAD_SHARE * cell.capacity &&
    signals.length === 0 &&
    cell.powerDbm > cell.powerMinDbm
  ) {
    return choose(
      'decrease',
      'save-energy',
      `${target} has good coverage, no recent drops and only ${load}, so lowering power from ` +
        `${fmt(cell.powerDbm)} dBm saves energy without hurting service.`,
    );
  }

  // (e) Nothing above applies (or power is already at its limit).
  const why =
    !belowMax && (cell.coverage !== 'good' || weakDrops || signal)
      ? `it is already at its maximum power of ${fmt(cell.powerMaxDbm)} dBm`
      : 'no change would clearly help';
  return choose(
    'maintain',
    'maintain',
    `${target} has ${cell.coverage} coverage, ${load} and ${fmt(cell.recentDrops)} recent drops; ` +
      `${why}, so I keep its settings.`,
  );
}

/** The heuristic's plan for every target, in request order. */
export function planTargets(snapshot: PlannerSnapshot): PlannedAction[] {
  return snapshot.targets.map((t) => planCell(snapshot, t));
}

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

  constructor(
    private readonly settings: SimulatedSettings,
    private readonly rng: Rng,
  ) {
    this.model = settings.model;
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
    const plan = planTargets(snapshot);
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
