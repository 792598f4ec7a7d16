/**
 * Reads a scenario file (YAML or JSON), validates it against the schema and reports every problem
 * at once, each with its field path and, where the parser knows it, its line.
 */
import { readFileSync, statSync } from 'node:fs';
import {
  type Document,
  isAlias,
  isMap,
  isNode,
  isScalar,
  LineCounter,
  parseDocument,
  visit,
} from 'yaml';
import type { z } from 'zod';
import { UserError } from '../errors.js';
import { type Scenario, ScenarioSchema } from './schema.js';

export interface ScenarioProblem {
  /** Field path, e.g. `cells[0].power.min` (empty for the whole document). */
  readonly path: string;
  readonly message: string;
  readonly line?: number;
}

export class ScenarioError extends UserError {
  constructor(
    readonly file: string,
    readonly problems: readonly ScenarioProblem[],
  ) {
    super(
      `${file}: invalid scenario (${problems.length} problem${problems.length === 1 ? '' : 's'})\n` +
        problems
          .map(
            (p) =>
              `  - ${p.path || '(document)'}${p.line ? ` (line ${p.line})` : ''}: ${p.message}`,
          )
          .join('\n'),
    );
  }
}

/** Largest scenario file we read; anything bigger is refused before parsing. */
const MAX_BYTES = 4 * 1024 * 1024;

export function loadScenarioFile(file: string): Scenario {
  let text: string;
  try {
    if (statSync(file).size > MAX_BYTES) tooLarge(file); // before reading it all
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof ScenarioError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EISDIR'
          ? 'is a directory'
          : String(code ?? err);
    throw new UserError(`${file}: cannot read scenario (${why})`);
  }
  return parseScenario(text, file);
}

export function parseScenario(text: string, file = '<scenario>'): Scenario {
  if (Buffer.byteLength(text, 'utf8') > MAX_BYTES) tooLarge(file);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: true,
    uniqueKeys: true,
    schema: 'core', // YAML 1.2: no implicit dates, octals or merge keys
    merge: false,
  });
  if (doc.errors.length > 0) {
    throw new ScenarioError(
      file,
      doc.errors.map((e) => ({
        path: '',
        message: `${e.code === 'BAD_INDENT' ? 'bad indentation' : 'YAML syntax error'}: ${firstLine(e.message)}`,
        line: e.linePos?.[0]?.line,
      })),
    );
  }
  const tagged = explicitTags(doc, lineCounter);
  if (tagged.length > 0) throw new ScenarioError(file, tagged);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new ScenarioError(file, [{ path: '', message: firstLine((err as Error).message) }]);
  }
  const result = ScenarioSchema.safeParse(data ?? {});
  if (!result.success) {
    throw new ScenarioError(
      file,
      result.error.issues.map((issue) => toProblem(issue, doc, lineCounter)),
    );
  }
  return result.data;
}

/** Tags that only restate a plain value's type; any other (`!!binary`, `!!set`, `!foo`) is refused. */
const PLAIN_TAGS = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`),
);

/** Scenarios hold plain data: explicit YAML tags that build other values are problems. */
function explicitTags(doc: Document, lines: LineCounter): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  visit(doc, {
    Node(_, node) {
      if (!node.tag || PLAIN_TAGS.has(node.tag)) return;
      const tag = node.tag.replace(/^tag:yaml\.org,2002:/, '!!');
      problems.push({
        path: '',
        message: `YAML tag ${tag} is not allowed: a scenario holds plain values only`,
        line: node.range ? lines.linePos(node.range[0]).line : undefined,
      });
    },
  });
  return problems;
}

function toProblem(issue: z.core.$ZodIssue, doc: Document, lines: LineCounter): ScenarioProblem {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    message = `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
  } else if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) {
    message = `missing required field (expected ${issue.expected})`;
  }
  const keyPath =
    issue.code === 'unrecognized_keys' && issue.keys[0] ? [...path, issue.keys[0]] : path;
  return { path: formatPath(keyPath), message, line: lineOf(doc, keyPath, lines) };
}

export function formatPath(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/**
 * Line of the deepest entry along `path` that exists in the document: the line of its key in a
 * mapping (a block value starts on the next line), else of the node itself.
 */
function lineOf(
  doc: Document,
  path: readonly (string | number)[],
  lines: LineCounter,
): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    if (n > 0) {
      const parent = doc.getIn(path.slice(0, n - 1), true);
      if (isMap(parent)) {
        const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === path[n - 1]);
        if (pair && isNode(pair.key) && pair.key.range)
          return lines.linePos(pair.key.range[0]).line;
      }
    }
    const node = doc.getIn(path.slice(0, n), true);
    if (isNode(node) && !isAlias(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

function tooLarge(file: string): never {
  throw new ScenarioError(file, [{ path: '', message: `file is larger than ${MAX_BYTES} bytes` }]);
}

function firstLine(s: string): string {
  return s
    .split('\n')[0]!
    .replace(/ at line \d+, column \d+:?$/, '')
    .trim();
}
