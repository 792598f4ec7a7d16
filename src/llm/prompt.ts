/**
 * Prompt builder: turns a planner or evaluator snapshot into prompt text, from the readable
 * templates in `prompts/<name>.md` (system text, a `---user---` line, user text; `{{name}}`
 * placeholders). Each prompt carries the snapshot as a JSON tagged block so the simulated provider
 * can read back exactly what a real model would see (`readPlannerSnapshot`, `readEvaluatorSnapshot`).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ACTIONS, COVERAGE } from '../agents/space.js';
import { BLOCKS, extractBlock, renderBlock } from './blocks.js';
import type {
  AgentHistorySnapshot,
  CellSnapshot,
  EvaluatorSnapshot,
  PlannerSnapshot,
  Prompt,
  SignalSnapshot,
} from './types.js';

export type TemplateName = 'planner' | 'evaluator';

export interface Template {
  readonly system: string;
  readonly user: string;
}

const USER_SEPARATOR = '---user---';
const PLACEHOLDER = /\{\{(\w+)\}\}/g;

// ---------------------------------------------------------------------------------------------
// Templates

let packageRoot: string | undefined;

/** The first directory up from this module holding package.json (works from src/ and dist/src/). */
function findPackageRoot(): string {
  if (packageRoot !== undefined) return packageRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  packageRoot = dir;
  return dir;
}

const templates = new Map<TemplateName, Template>();

/** The system and user text of `prompts/<name>.md` (read once, then cached). */
export function loadTemplate(name: TemplateName): Template {
  const cached = templates.get(name);
  if (cached) return cached;
  const file = join(findPackageRoot(), 'prompts', `${name}.md`);
  const lines = readFileSync(file, 'utf8').replace(/\r\n?/g, '\n').split('\n');
  const at = lines.findIndex((line) => line.trim() === USER_SEPARATOR);
  if (at < 0 || lines.findIndex((line, i) => i > at && line.trim() === USER_SEPARATOR) >= 0) {
    throw new Error(`${file}: expected exactly one '${USER_SEPARATOR}' line`);
  }
  const template = Object.freeze({
    system: lines.slice(0, at).join('\n').trim(),
    user: lines
      .slice(at + 1)
      .join('\n')
      .trim(),
  });
  templates.set(name, template);
  return template;
}

/**
 * A short digest of both templates (SHA-256, first 12 hex digits), recorded in results: editing
 * a prompt changes token counts, budgets and so timing, and a run should say which prompts it used.
 */
export function templatesDigest(): string {
  const hash = createHash('sha256');
  for (const name of ['planner', 'evaluator'] as const) {
    const t = loadTemplate(name);
    hash.update(`${name}\n${t.system}\n---user---\n${t.user}\n`);
  }
  return hash.digest('hex').slice(0, 12);
}

function placeholders(text: string): Set<string> {
  return new Set(Array.from(text.matchAll(PLACEHOLDER), (m) => m[1]!));
}

/**
 * Replaces every `{{name}}` in `text` (one pass: values are not themselves expanded). A missing
 * value, or a value for a name the text does not use, is a programming error and throws.
 */
export function renderTemplate(text: string, vars: Record<string, string>): string {
  const used = placeholders(text);
  for (const name of Object.keys(vars)) {
    if (!used.has(name)) throw new Error(`template has no placeholder {{${name}}}`);
  }
  return text.replace(PLACEHOLDER, (_, name: string) => {
    const value = Object.hasOwn(vars, name) ? vars[name] : undefined;
    if (value === undefined) throw new Error(`template placeholder {{${name}}} has no value`);
    return value;
  });
}

/** Renders both sections; each variable must be used by at least one of them. */
function renderPrompt(kind: Prompt['kind'], vars: Record<string, string>): Prompt {
  const template = loadTemplate(kind);
  const inSystem = placeholders(template.system);
  const inUser = placeholders(template.user);
  const pick = (names: Set<string>) =>
    Object.fromEntries(Object.entries(vars).filter(([name]) => names.has(name)));
  for (const name of Object.keys(vars)) {
    if (!inSystem.has(name) && !inUser.has(name)) {
      throw new Error(`prompts/${kind}.md has no placeholder {{${name}}}`);
    }
  }
  return {
    kind,
    system: renderTemplate(template.system, pick(inSystem)),
    user: renderTemplate(template.user, pick(inUser)),
  };
}

// ---------------------------------------------------------------------------------------------
// Readable parts

/** Short decimal form: at most `digits` decimals, no trailing zeros. */
function num(x: number, digits = 1): string {
  return String(Number(x.toFixed(digits)));
}

const signed = (x: number) => (x > 0 ? `+${num(x)}` : num(x));
const percent = (share: number) => `${Math.round(share * 100)}%`;

/** Table cell text: one line, no pipes (ids are safe; free text such as a type may not be). */
const cellText = (s: string) => s.replace(/\s+/g, ' ').replaceAll('|', '/');

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map(cellText).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function duration(seconds: number): string {
  const s = Math.round(Math.abs(seconds));
  if (s < 90) return `${s} s`;
  const minutes = Math.round(s / 60);
  if (minutes < 90) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

function cellTable(snapshot: PlannerSnapshot): string {
  const targets = new Set(snapshot.targets);
  const n = snapshot.trendSteps;
  return table(
    [
      'cell',
      'role',
      'type',
      'power dBm (range)',
      'coverage',
      'users/capacity',
      'poorly served',
      `drops last step / last ${n}`,
      `users trend (${n} steps)`,
      'neighbours',
    ],
    snapshot.cells.map((c: CellSnapshot) => [
      c.id,
      targets.has(c.id) ? 'TARGET' : 'neighbour',
      c.type,
      `${num(c.powerDbm)} (${num(c.powerMinDbm)}..${num(c.powerMaxDbm)})`,
      c.coverage,
      `${num(c.users)}/${num(c.capacity)}`,
      num(c.poorUsers),
      `${num(c.dropsLastStep)} / ${num(c.recentDrops)}`,
      signed(c.usersTrend),
      c.neighbours.join(', ') || '-',
    ]),
  );
}

function signalLine(s: SignalSnapshot): string {
  const end = s.startsInSeconds + s.durationSeconds;
  const when =
    s.startsInSeconds > 0
      ? `starts in ${duration(s.startsInSeconds)}, lasts ${duration(s.durationSeconds)}`
      : end > 0
        ? `started ${duration(s.startsInSeconds)} ago, ends in ${duration(end)}`
        : `ended ${duration(end)} ago`;
  return `- ${s.id} (cells: ${s.cells.join(', ')}): ${cellText(s.description.trim())} (${when})`;
}

function signalList(signals: readonly SignalSnapshot[]): string {
  return signals.length === 0 ? 'None.' : signals.map(signalLine).join('\n');
}

function agentTable(snapshot: EvaluatorSnapshot): string {
  return table(
    [
      'agent',
      'capacity',
      'steps',
      'distinct (s,a)',
      'actions inc/dec/maintain/handoff',
      'dropped requests',
      'dropped handoffs',
      'blocked',
      'served',
      'load',
      'power',
      'previous drops/step',
    ],
    snapshot.agents.map((a: AgentHistorySnapshot) => [
      a.id,
      num(a.capacity),
      num(a.steps),
      num(a.distinctPairs),
      ACTIONS.map((action) => num(a.actions[action])).join('/'),
      num(a.droppedRequests),
      num(a.droppedHandoffs),
      num(a.blocked),
      percent(a.servedShare),
      percent(a.loadShare),
      percent(a.powerShare),
      a.previousDropsPerStep === null ? 'n/a' : num(a.previousDropsPerStep, 2),
    ]),
  );
}

/**
 * The JSON body of a structured block. `<` and `>` are escaped (still valid JSON, parsed back
 * identically) so free text such as a signal description cannot close the block early.
 */
function jsonBlock(tag: string, value: unknown): string {
  const json = JSON.stringify(value, null, 1).replace(/</g, '\\u003c').replace(/>/g, '\\u003e');
  return renderBlock(tag, json);
}

// ---------------------------------------------------------------------------------------------
// Prompts

export function buildPlannerPrompt(snapshot: PlannerSnapshot): Prompt {
  return renderPrompt('planner', {
    time: num(snapshot.timeSeconds, 3),
    targets: snapshot.targets.join(', '),
    trendSteps: num(snapshot.trendSteps),
    cellTable: cellTable(snapshot),
    signalList: signalList(snapshot.signals),
    networkState: jsonBlock(BLOCKS.networkState, snapshot),
  });
}

export function buildEvaluatorPrompt(snapshot: EvaluatorSnapshot): Prompt {
  const { from, to, phase } = snapshot.episodes;
  return renderPrompt('evaluator', {
    episodes: from === to ? String(from) : `${from}-${to}`,
    phase: cellText(phase),
    steps: num(snapshot.steps),
    systemFailures: num(snapshot.systemFailures),
    agentTable: agentTable(snapshot),
    agentHistory: jsonBlock(BLOCKS.agentHistory, snapshot),
    agentIds: snapshot.agents.map((a) => a.id).join(', '),
  });
}

// ---------------------------------------------------------------------------------------------
// Reading the structured block back (the simulated provider's view of a prompt)

// Structure and signs only: exact ranges are the encoder's business, and a too-strict schema
// would silently blind the simulated provider.
const count = () => z.number().nonnegative();

const CellSnapshotSchema = z.strictObject({
  id: z.string(),
  type: z.string(),
  powerDbm: z.number(),
  powerMinDbm: z.number(),
  powerMaxDbm: z.number(),
  coverage: z.enum(COVERAGE),
  users: count(),
  capacity: count(),
  poorUsers: count(),
  dropsLastStep: count(),
  recentDrops: count(),
  usersTrend: z.number(),
  neighbours: z.array(z.string()),
});

const SignalSnapshotSchema = z.strictObject({
  id: z.string(),
  description: z.string(),
  cells: z.array(z.string()),
  startsInSeconds: z.number(),
  durationSeconds: count(),
});

// `satisfies` keeps the schemas in step with the interfaces in types.ts.
export const PlannerSnapshotSchema = z
  .strictObject({
    timeSeconds: z.number(),
    trendSteps: count(),
    targets: z.array(z.string()),
    cells: z.array(CellSnapshotSchema),
    signals: z.array(SignalSnapshotSchema),
  })
  // A provider needs every target's own metrics.
  .refine((s) => s.targets.every((t) => s.cells.some((c) => c.id === t)), {
    message: 'every target must be among the cells',
  }) satisfies z.ZodType<PlannerSnapshot>;

const AgentHistorySnapshotSchema = z.strictObject({
  id: z.string(),
  capacity: count(),
  steps: count(),
  distinctPairs: count(),
  actions: z.strictObject({
    increase: count(),
    decrease: count(),
    maintain: count(),
    handoff: count(),
  }),
  droppedRequests: count(),
  droppedHandoffs: count(),
  blocked: count(),
  servedShare: count(),
  loadShare: count(),
  powerShare: count(),
  previousDropsPerStep: count().nullable(),
});

export const EvaluatorSnapshotSchema = z.strictObject({
  episodes: z.strictObject({ from: z.number(), to: z.number(), phase: z.string() }),
  systemFailures: count(),
  steps: count(),
  agents: z.array(AgentHistorySnapshotSchema),
}) satisfies z.ZodType<EvaluatorSnapshot>;

function readBlock<T>(promptText: string, tag: string, schema: z.ZodType<T>): T | undefined {
  try {
    const body = extractBlock(promptText, tag);
    if (body === undefined) return undefined;
    const parsed = schema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    // Malformed JSON: the prompt was not ours (or was corrupted), which the caller handles.
    return undefined;
  }
}

/** The planner snapshot carried by a planner prompt's user text, or undefined if malformed. */
export function readPlannerSnapshot(promptText: string): PlannerSnapshot | undefined {
  return readBlock(promptText, BLOCKS.networkState, PlannerSnapshotSchema);
}

/** The evaluator snapshot carried by an evaluator prompt's user text, or undefined if malformed. */
export function readEvaluatorSnapshot(promptText: string): EvaluatorSnapshot | undefined {
  return readBlock(promptText, BLOCKS.agentHistory, EvaluatorSnapshotSchema);
}
