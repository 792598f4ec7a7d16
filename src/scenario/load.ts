/**
 * Reads a scenario file (YAML or JSON), follows its `extends` chain, applies `--set` overrides,
 * validates the result against the schema and reports every problem at once, each with its field
 * path and, where the parser knows it, the file and line the offending value came from.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
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
import {
  applyOverride,
  deepMerge,
  isMapping,
  isPlainTag,
  type Override,
  originOf,
  parseOverride,
  shortTag,
} from './compose.js';
import { formatPath } from './paths.js';
import { type Scenario, ScenarioSchema } from './schema.js';
import { allowedKeysAt, didYouMean, retiredField } from './schemaPath.js';
import { inlineTraceFiles } from './traces.js';

export { formatPath };

export interface ScenarioProblem {
  /** Field path, e.g. `cells[0].power.min` (empty for the whole document). */
  readonly path: string;
  readonly message: string;
  readonly line?: number;
  /**
   * Where the offending value came from when that is not the file itself: a base file named by
   * `extends` (the line is then in that file) or a `--set` override.
   */
  readonly source?: string;
}

const where = (p: ScenarioProblem) =>
  [p.source, p.line ? `line ${p.line}` : ''].filter(Boolean).join(', ');

export class ScenarioError extends UserError {
  constructor(
    readonly file: string,
    readonly problems: readonly ScenarioProblem[],
  ) {
    super(
      `${file}: invalid scenario (${problems.length} problem${problems.length === 1 ? '' : 's'})\n` +
        problems
          .map(
            (p) => `  - ${p.path || '(document)'}${where(p) ? ` (${where(p)})` : ''}: ${p.message}`,
          )
          .join('\n'),
    );
  }
}

/** Largest scenario file we read (each file of an `extends` chain); bigger ones are refused. */
const MAX_BYTES = 4 * 1024 * 1024;
/** Longest `extends` chain: the file itself plus this many bases. */
export const MAX_EXTENDS_DEPTH = 10;

export interface LoadOptions {
  /** `PATH=VALUE` overrides (`--set`), applied in order after `extends` merging. */
  readonly set?: readonly string[];
}

export function loadScenarioFile(file: string, options: LoadOptions = {}): Scenario {
  return parseScenario(readScenarioText(file), file, options);
}

function readScenarioText(file: string): string {
  try {
    const stat = statSync(file);
    // Devices and pipes report size 0 and may never end: only regular files are read.
    if (stat.isFile() === false && !stat.isDirectory()) {
      throw new UserError(`${file}: cannot read scenario (not a regular file)`);
    }
    if (stat.size > MAX_BYTES) tooLarge(file); // before reading it all
    return readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EISDIR'
          ? 'is a directory'
          : String(code ?? err);
    throw new UserError(`${file}: cannot read scenario (${why})`);
  }
}

/**
 * Parses and validates scenario text. `file` names it in errors and anchors a relative
 * `extends`, whose bases are read from disk.
 */
export function parseScenario(
  text: string,
  file = '<scenario>',
  options: LoadOptions = {},
): Scenario {
  const overrides = (options.set ?? []).map(parseOverride);
  const layers = readLayers(text, file, []);
  let data = layers.map((l) => withoutExtends(l.data)).reduce(deepMerge);
  // A trace file named by an override is relative to where the command runs.
  if (overrides.length > 0) data = inlineTraceFiles(overrides.reduce(applyOverride, data), '.');
  const result = ScenarioSchema.safeParse(data ?? {});
  if (!result.success) {
    throw new ScenarioError(
      file,
      result.error.issues.map((issue) => toProblem(issue, data, layers, overrides)),
    );
  }
  return result.data;
}

/** One parsed file of an `extends` chain. */
interface Layer {
  readonly file: string;
  readonly doc: Document;
  readonly lines: LineCounter;
  readonly data: unknown;
}

/** The document without its `extends` key, which names the base and is no scenario field. */
function withoutExtends(data: unknown): unknown {
  if (!isMapping(data) || !Object.hasOwn(data, 'extends')) return data;
  const { extends: _, ...rest } = data;
  return rest;
}

/** Canonical name of a file, to recognise it again through `..` or a symlink. */
function identity(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return resolve(file);
  }
}

/**
 * The layers of `file` and its bases, base first. `chain` is the files that extend this one
 * (outermost first), for cycle detection and the depth limit.
 */
function readLayers(text: string, file: string, chain: readonly string[]): Layer[] {
  const layer = parseLayer(text, file);
  if (!isMapping(layer.data) || !Object.hasOwn(layer.data, 'extends')) return [layer];
  const ext = layer.data.extends;
  const problem = (message: string) =>
    new ScenarioError(file, [
      { path: 'extends', message, line: lineOf(layer.doc, ['extends'], layer.lines) },
    ]);
  if (typeof ext !== 'string' || ext.trim() === '') {
    throw problem('expected the path of a scenario file, e.g. extends: paper.yaml');
  }
  const base = isAbsolute(ext) ? ext : join(dirname(file), ext);
  const names = [...chain, file];
  const seen = names.map(identity).indexOf(identity(base));
  if (seen >= 0) throw problem(`extends cycle: ${[...names.slice(seen), base].join(' → ')}`);
  if (names.length > MAX_EXTENDS_DEPTH) {
    throw problem(`more than ${MAX_EXTENDS_DEPTH} levels of extends`);
  }
  let baseText: string;
  try {
    baseText = readScenarioText(base);
  } catch (err) {
    if (err instanceof ScenarioError || !(err instanceof UserError)) throw err;
    throw problem(`cannot read ${err.message.replace(': cannot read scenario', '')}`);
  }
  const bases = readLayers(baseText, base, names);
  const own = bases.at(-1)!.data;
  if (own !== null && !isMapping(own)) {
    throw new ScenarioError(base, [
      { path: '', message: 'a base scenario must be a mapping of fields', line: 1 },
    ]);
  }
  return [...bases, layer];
}

/** Keys repeated within one mapping, in linear time (a Set per mapping). */
function duplicateKeys(doc: Document, lines: LineCounter): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (seen.has(key)) {
          const at =
            isNode(pair.key) && pair.key.range ? lines.linePos(pair.key.range[0]).line : undefined;
          problems.push({
            path: '',
            message: `YAML syntax error: the key '${String(key)}' appears twice in one mapping`,
            line: at,
          });
        }
        seen.add(key);
      }
    },
  });
  return problems;
}

/** One file's text as YAML: syntax, tags and alias expansion are checked here. */
function parseLayer(text: string, file: string): Layer {
  if (Buffer.byteLength(text, 'utf8') > MAX_BYTES) tooLarge(file);
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lines,
    prettyErrors: true,
    // Duplicate keys are found by `duplicateKeys` below: the parser's own check is quadratic.
    uniqueKeys: false,
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
  const duplicates = duplicateKeys(doc, lines);
  if (duplicates.length > 0) throw new ScenarioError(file, duplicates);
  const tagged = explicitTags(doc, lines);
  if (tagged.length > 0) throw new ScenarioError(file, tagged);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new ScenarioError(file, [{ path: '', message: firstLine((err as Error).message) }]);
  }
  try {
    // Trace files are relative to the file that names them, base or not.
    return { file, doc, lines, data: inlineTraceFiles(data, dirname(file)) };
  } catch (err) {
    if (err instanceof UserError) throw new UserError(`${file}: ${err.message}`);
    throw err;
  }
}

/** Scenarios hold plain data: explicit YAML tags that build other values are problems. */
function explicitTags(doc: Document, lines: LineCounter): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  visit(doc, {
    Node(_, node) {
      if (isPlainTag(node.tag)) return;
      problems.push({
        path: '',
        message: `YAML tag ${shortTag(node.tag!)} is not allowed: a scenario holds plain values only`,
        line: node.range ? lines.linePos(node.range[0]).line : undefined,
      });
    },
  });
  return problems;
}

/**
 * A schema issue as a problem: unknown keys get the nearest allowed key, and the line is looked up
 * in whichever file (or override) the offending value came from.
 */
function toProblem(
  issue: z.core.$ZodIssue,
  data: unknown,
  layers: readonly Layer[],
  overrides: readonly Override[],
): ScenarioProblem {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeysAt(ScenarioSchema, path, data);
    const keys = issue.keys.map((k) => `'${k}'${retiredField(path, k) || didYouMean(k, allowed)}`);
    message = `unknown key${keys.length > 1 ? 's' : ''} ${keys.join(', ')}`;
  } else if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) {
    message = `missing required field (expected ${issue.expected})`;
  }
  const keyPath =
    issue.code === 'unrecognized_keys' && issue.keys[0] ? [...path, issue.keys[0]] : path;
  const origin = originOf(layers, overrides, keyPath);
  if ('override' in origin) {
    return { path: formatPath(keyPath), message, source: `--set ${origin.override.spec}` };
  }
  const layer = origin.file;
  return {
    path: formatPath(keyPath),
    message,
    line: lineOf(layer.doc, keyPath, layer.lines),
    ...(layer === layers.at(-1) ? {} : { source: layer.file }),
  };
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
