/**
 * Translator: extracts action codes from free text (zod-validated), tolerant of prose around
 * them; anything missing, out of range or contradictory is a rejected suggestion, counted, never a
 * crash. The same reading serves the evaluator's scores.
 *
 * A reply is read from its last complete `<actions>` (resp. `<scores>`) block; without one, the
 * whole reply is scanned. Entries are `id SEP value` with SEP one of `:` `=` `->` `=>` `→` `⇒` `—`
 * `–`, tolerating markdown around them (bullets, numbering, bold, backticks, quotes, headings,
 * table rows `| id | value |`) and prose after the value. Ids match the requested targets
 * case-insensitively; other ids are ignored. Outside a block, a number followed by a word
 * ("Rural: 12 users…") is prose, not an answer.
 *
 * Verdict per target: no entry → missing; only unusable entries (code not an integer 1..4, score
 * not in [-1, 1]) → invalid; two different answers, a usable and an unusable one, or a code whose
 * action name disagrees ("4 (increase)") → contradictory; otherwise the (possibly repeated) answer.
 */
import { z } from 'zod';
import { ACTIONS } from '../agents/space.js';
import { BLOCKS, extractBlock } from './blocks.js';
import { codeToActionIndex } from './types.js';

export type RejectReason = 'missing' | 'invalid' | 'contradictory';

export interface ActionTranslation {
  /** Target cell id → action index (`ACTIONS[index]`, i.e. code − 1). */
  readonly actions: Map<string, number>;
  readonly rejected: { cell: string; reason: RejectReason }[];
}

export interface ScoreTranslation {
  readonly scores: Map<string, { score: number; feedback: string }>;
  readonly rejected: { agent: string; reason: RejectReason }[];
}

/** Only this much of a reply is read, so hostile or runaway replies cost bounded work. */
export const MAX_REPLY_CHARS = 64 * 1024;
export const MAX_FEEDBACK_CHARS = 300;
/** Ids longer than this are prose, not ids (and bounding them keeps trimming linear). */
const MAX_KEY_CHARS = 200;
/** The value's start is all that decides its meaning; bounding it keeps the regexes cheap. */
const VALUE_HEAD_CHARS = 200;

const ActionCodeSchema = z.int().min(1).max(4);
const ScoreSchema = z.number().min(-1).max(1);

// ---------------------------------------------------------------------------------------------
// Entries

interface Entry {
  readonly target: string;
  readonly value: string;
}

// Markdown and quoting that may surround an id or a value.
const DECORATION = new Set([...' \t*`"\'[](){}<>#+•', '\u00a0']);
const LEADING = new Set([...DECORATION, '-', '>']);
const QUOTES = new Set([...' *`"\'']);
const UNDERSCORE = new Set(['_']);
const SEPARATOR = /=>|->|[:=→⇒—–]/;

function trimSet(s: string, set: ReadonlySet<string>): string {
  let start = 0;
  let end = s.length;
  while (start < end && set.has(s[start]!)) start++;
  while (end > start && set.has(s[end - 1]!)) end--;
  return s.slice(start, end);
}

/** Where the entry proper starts: after bullets, numbering, headings, quotes and stray tags. */
function entryStart(line: string): number {
  let i = 0;
  for (let pass = 0; pass < 8; pass++) {
    const before = i;
    while (i < line.length && LEADING.has(line[i]!)) {
      // A tag such as `<actions>` left on the line by an unclosed or inline block.
      if (line[i] === '<') {
        const close = line.slice(i, i + 41).indexOf('>'); // bounded: no quadratic scans
        if (close > 0) {
          i += close + 1;
          continue;
        }
      }
      i++;
    }
    const numbered = /^\d{1,3}[.)]\s/.exec(line.slice(i, i + 5));
    if (numbered) i += numbered[0].length;
    if (i === before) break;
  }
  return i;
}

/** Target lookup: exact id first, then case-insensitive. */
function resolver(targets: readonly string[]): (key: string) => string | undefined {
  const exact = new Set(targets);
  const lower = new Map<string, string>();
  for (const t of targets) if (!lower.has(t.toLowerCase())) lower.set(t.toLowerCase(), t);
  const find = (k: string) => (exact.has(k) ? k : lower.get(k.toLowerCase()));
  return (raw) => {
    const key = trimSet(raw, DECORATION);
    const found = find(key) ?? find(trimSet(key, UNDERSCORE));
    if (found !== undefined) return found;
    // "Cell rural: 4"
    return /^cell\s/i.test(key) ? find(trimSet(key.slice(5), DECORATION)) : undefined;
  };
}

/** A table row `| id | value | more |` reads as `id: value | more`. */
function untable(line: string): string {
  if (!line.trimStart().startsWith('|')) return line;
  const cells = line
    .split('|')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  return cells.length >= 2 ? `${cells[0]}: ${cells.slice(1).join(' | ')}` : line;
}

function parseEntry(segment: string, resolve: (key: string) => string | undefined) {
  const start = entryStart(segment);
  const rest = segment.slice(start);
  const sep = SEPARATOR.exec(rest);
  if (!sep || sep.index > MAX_KEY_CHARS) return undefined;
  const target = resolve(rest.slice(0, sep.index));
  if (target === undefined) return undefined;
  return { target, value: rest.slice(sep.index + sep[0].length) };
}

/**
 * The entries of a reply, in order. `strict` is true when they come from the answer block
 * (where any entry for a target is meant as an answer) rather than from a scan of the prose.
 */
function readEntries(
  text: unknown,
  tag: string,
  targets: readonly string[],
  splitSegments: boolean,
): { entries: Entry[]; strict: boolean } {
  const capped = typeof text === 'string' ? text.slice(0, MAX_REPLY_CHARS) : '';
  const block = extractBlock(capped, tag);
  const resolve = resolver(targets);
  const entries: Entry[] = [];
  for (const rawLine of (block ?? capped).split(/\r\n|\r|\n/)) {
    const line = untable(rawLine);
    // "rural: 4, urban: 3" — a segment that is not an entry for a target is prose and dropped.
    const segments = splitSegments ? line.split(/[,;]/) : [line];
    for (const segment of segments) {
      const entry = parseEntry(segment, resolve);
      if (entry) entries.push(entry);
    }
  }
  return { entries, strict: block !== undefined };
}

/** Value start with decoration and a filler word ("code 4", "score: 0.3") skipped. */
function valueHead(value: string): string {
  const head = trimSet(value.slice(0, VALUE_HEAD_CHARS), DECORATION);
  return head.replace(/^(?:code|action|score)\b\s*[:#=]?\s*/i, '');
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?/i;
const NAME = /^(?:increase|decrease|maintain|hand[-_ ]?off|hand[-_ ]?over)(?![a-z0-9])/i;
/** A word right after a code, alone: "4 (handoff)", "4 - handoff", "4 | increase power". */
const LABEL =
  /^\s*(?:[([]\s*|[-–—:=|]\s*)?[*`"']*([a-z]+(?:[-_ ](?:off|over|power))?)[*`"']*\s*(?:[)\]|.,;!]|$)/i;
/** A code right after an action name: "handoff (4)". */
const CODE_LABEL = /^(?:[\s_-]+power)?\s*[([]\s*(?:code\s*)?(\d+)\s*(?:[)\]]|$)/i;
/** After a number, prose starts with a word ("12 users are…"); an answer does not. */
const CLEAN_END = /^\s*(?:$|[^\p{L}\p{N}\s])/u;

/** Action index of a name ("handoff", "hand-off", "handover", "increase power"), if it is one. */
function nameIndex(word: string): number | undefined {
  const name = word
    .trim()
    .toLowerCase()
    .replace(/[-_ ]power$/, '')
    .replace(/[-_ ]/g, '');
  const index = ACTIONS.indexOf((name === 'handover' ? 'handoff' : name) as never);
  return index >= 0 ? index : undefined;
}

/** The action named right after a code, if any. */
function labelIndex(afterCode: string): number | undefined {
  const label = LABEL.exec(afterCode);
  return label ? nameIndex(label[1]!) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Verdicts

type Outcome<T> = { kind: 'valid'; value: T } | { kind: 'invalid' } | { kind: 'conflict' };

/** One verdict per target from all its outcomes (see the module comment for the rules). */
function decide<T>(
  targets: readonly string[],
  outcomes: Map<string, Outcome<T>[]>,
  same: (a: T, b: T) => boolean,
  accept: (target: string, value: T) => void,
  reject: (target: string, reason: RejectReason) => void,
): void {
  for (const target of targets) {
    const list = outcomes.get(target) ?? [];
    const valid: T[] = [];
    let invalid = false;
    let conflict = false;
    for (const o of list) {
      if (o.kind === 'conflict') conflict = true;
      else if (o.kind === 'invalid') invalid = true;
      else if (!valid.some((v) => same(v, o.value))) valid.push(o.value);
      if (valid.length > 1) break; // contradictory already
    }
    // A valid answer next to an unusable one for the same target is two different answers.
    if (conflict || valid.length > 1 || (valid.length === 1 && invalid)) {
      reject(target, 'contradictory');
    } else if (valid.length === 1) accept(target, valid[0]!);
    else reject(target, invalid ? 'invalid' : 'missing');
  }
}

function uniqueTargets(targets: readonly string[]): string[] {
  return [...new Set(Array.isArray(targets) ? targets.filter((t) => typeof t === 'string') : [])];
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function actionOutcome(value: string, strict: boolean): Outcome<number> | undefined {
  const head = valueHead(value);
  const number = NUMBER.exec(head);
  if (number) {
    const after = head.slice(number[0].length);
    const labelled = labelIndex(after);
    // Outside the block, "Rural: 12 users are…" is prose, not an answer.
    if (!strict && labelled === undefined && !CLEAN_END.test(after)) return undefined;
    const code = ActionCodeSchema.safeParse(Number(number[0]));
    if (!code.success) return { kind: 'invalid' };
    const index = codeToActionIndex(code.data);
    // "4 (increase)": the model contradicts itself.
    return labelled !== undefined && labelled !== index
      ? { kind: 'conflict' }
      : { kind: 'valid', value: index };
  }
  const name = NAME.exec(head);
  if (name) {
    const index = nameIndex(name[0])!;
    const code = CODE_LABEL.exec(head.slice(name[0].length));
    const coded = code ? ActionCodeSchema.safeParse(Number(code[1])) : undefined;
    if (coded?.success && codeToActionIndex(coded.data) !== index) return { kind: 'conflict' };
    return { kind: 'valid', value: index };
  }
  // In the block anything else ("boost", "") is a bad answer; in prose it is just prose.
  return strict ? { kind: 'invalid' } : undefined;
}

export function translateActions(text: string, targets: readonly string[]): ActionTranslation {
  const wanted = uniqueTargets(targets);
  const actions = new Map<string, number>();
  const rejected: { cell: string; reason: RejectReason }[] = [];
  try {
    const { entries, strict } = readEntries(text, BLOCKS.actions, wanted, true);
    const outcomes = new Map<string, Outcome<number>[]>();
    for (const { target, value } of entries) {
      const outcome = actionOutcome(value, strict);
      if (outcome) push(outcomes, target, outcome);
    }
    decide(
      wanted,
      outcomes,
      (a, b) => a === b,
      (cell, index) => actions.set(cell, index),
      (cell, reason) => rejected.push({ cell, reason }),
    );
    return { actions, rejected };
  } catch {
    // Defence in depth: a reply must never crash the run; a bug here rejects everything.
    return { actions: new Map(), rejected: wanted.map((cell) => ({ cell, reason: 'missing' })) };
  }
}

/** Feedback: after a `|`, else whatever follows the score; one line, trimmed, capped. */
function feedbackOf(value: string, afterNumber: string): string {
  const pipe = value.indexOf('|');
  const raw = (pipe >= 0 ? value.slice(pipe + 1) : afterNumber).slice(0, MAX_FEEDBACK_CHARS * 4);
  const clean = raw
    .replace(/\p{Cc}/gu, ' ')
    .replace(/\s+/g, ' ')
    .replace(/^[\s\-–—:,;/|]+/, '');
  return trimSet(clean, QUOTES).slice(0, MAX_FEEDBACK_CHARS).trim();
}

type Scored = { score: number; feedback: string };

function scoreOutcome(value: string, strict: boolean): Outcome<Scored> | undefined {
  const head = valueHead(value);
  const number = NUMBER.exec(head);
  if (!number) return strict ? { kind: 'invalid' } : undefined;
  if (!strict && !CLEAN_END.test(head.slice(number[0].length))) return undefined;
  const score = ScoreSchema.safeParse(Number(number[0]));
  if (!score.success) return { kind: 'invalid' };
  // `head` is bounded; the feedback is read from the full value.
  const afterNumber = value.slice(value.indexOf(number[0]) + number[0].length);
  return { kind: 'valid', value: { score: score.data, feedback: feedbackOf(value, afterNumber) } };
}

export function translateScores(text: string, agents: readonly string[]): ScoreTranslation {
  const wanted = uniqueTargets(agents);
  const scores = new Map<string, Scored>();
  const rejected: { agent: string; reason: RejectReason }[] = [];
  try {
    // No splitting at commas: feedback is prose.
    const { entries, strict } = readEntries(text, BLOCKS.scores, wanted, false);
    const outcomes = new Map<string, Outcome<Scored>[]>();
    for (const { target, value } of entries) {
      const outcome = scoreOutcome(value, strict);
      if (outcome) push(outcomes, target, outcome);
    }
    decide(
      wanted,
      outcomes,
      (a, b) => a.score === b.score,
      (agent, scored) => {
        // The same score repeated: keep the first feedback that says something.
        const feedback =
          scored.feedback ||
          (outcomes.get(agent) ?? [])
            .map((o) => (o.kind === 'valid' ? o.value.feedback : ''))
            .find((f) => f !== '') ||
          '';
        scores.set(agent, { score: scored.score, feedback });
      },
      (agent, reason) => rejected.push({ agent, reason }),
    );
    return { scores, rejected };
  } catch {
    // Defence in depth, as for actions.
    return { scores: new Map(), rejected: wanted.map((agent) => ({ agent, reason: 'missing' })) };
  }
}
