/**
 * Scenario composition on plain data, before validation: `extends` merging (mappings merge
 * recursively, lists and scalars replace), `--set PATH=VALUE` overrides, and finding which file
 * or override a value came from, so a problem is reported where the user can fix it.
 */
import { isCollection, parseDocument, visit } from 'yaml';
import { UserError } from '../errors.js';
import { formatPath, parsePath } from './paths.js';
import { ScenarioSchema } from './schema.js';
import { allowedKeysAt, didYouMean, kindOf, schemaAt } from './schemaPath.js';

type Key = string | number;
type Mapping = Record<string, unknown>;

export const isMapping = (v: unknown): v is Mapping =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Sets an own property; plain assignment of a key named `__proto__` would set the prototype. */
function setOwn(target: object, key: Key, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
}

/** `over` on top of `base`: mappings merge key by key, anything else in `over` replaces. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isMapping(base) || !isMapping(over)) return over;
  const out: Mapping = {};
  for (const [k, v] of Object.entries(base)) setOwn(out, k, v);
  for (const [k, v] of Object.entries(over)) {
    setOwn(out, k, Object.hasOwn(base, k) ? deepMerge(base[k], v) : v);
  }
  return out;
}

const MISSING = Symbol('missing');

/** The value at `path`, or MISSING (a key present with value null is not missing). */
export function valueAtPath(data: unknown, path: readonly Key[]): unknown {
  let node = data;
  for (const key of path) {
    if (typeof key === 'number' ? !Array.isArray(node) : !isMapping(node)) return MISSING;
    if (!Object.hasOwn(node as object, key)) return MISSING;
    node = (node as Record<Key, unknown>)[key];
  }
  return node;
}

const startsWith = (path: readonly Key[], prefix: readonly Key[]) =>
  prefix.length <= path.length && prefix.every((k, i) => path[i] === k);

/** Tags that only restate a plain value's type; any other (`!!binary`, `!!set`, `!foo`) is refused. */
const PLAIN_TAGS = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`),
);
export const isPlainTag = (tag: string | undefined) => !tag || PLAIN_TAGS.has(tag);
export const shortTag = (tag: string) => tag.replace(/^tag:yaml\.org,2002:/, '!!');

/** One `--set PATH=VALUE`. */
export interface Override {
  /** As given on the command line. */
  readonly spec: string;
  readonly path: string;
  readonly keys: readonly Key[];
  readonly value: unknown;
}

/** Reads `PATH=VALUE`; VALUE is a YAML scalar or flow collection (`0.2`, `{model: fixed}`). */
export function parseOverride(spec: string): Override {
  const eq = spec.indexOf('=');
  if (eq <= 0) {
    throw new UserError(`--set '${spec}': expected PATH=VALUE, e.g. --set agent.alpha=0.2`);
  }
  const path = spec.slice(0, eq).trim();
  const keys = parsePath(path, '--set');
  const raw = spec.slice(eq + 1).trim();
  if (raw === '') throw new UserError(`--set ${path}: give a value (write '' for an empty string)`);
  const doc = parseDocument(raw, { schema: 'core', merge: false, uniqueKeys: false });
  const error = doc.errors[0];
  if (error) {
    throw new UserError(
      `--set ${path}: cannot read the value '${raw}' (${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')})`,
    );
  }
  let tag: string | undefined;
  visit(doc, {
    Node(_, node) {
      if (!isPlainTag(node.tag)) tag ??= node.tag;
    },
  });
  if (tag) {
    throw new UserError(`--set ${path}: YAML tag ${shortTag(tag)} is not allowed in a value`);
  }
  // `--set description=Note: x` would silently become a mapping; make the user say which.
  if (isCollection(doc.contents) && !doc.contents.flow) {
    throw new UserError(
      `--set ${path}: '${raw}' reads as a YAML block collection; quote it for a string, or use {…} or […]`,
    );
  }
  return { spec, path, keys, value: doc.toJS({ maxAliasCount: 100 }) };
}

const KINDS: Record<string, string> = {
  number: 'a number',
  int: 'a number',
  bigint: 'a number',
  string: 'a string',
  boolean: 'a boolean',
  enum: 'one of a fixed set of values',
  literal: 'a fixed value',
  null: 'null',
  array: 'a list',
  tuple: 'a list',
};

/** Refuses a path the schema does not have, naming the key and the nearest allowed one. */
function checkAgainstSchema(o: Override, data: unknown): void {
  for (let i = 0; i < o.keys.length; i++) {
    const prefix = o.keys.slice(0, i);
    const key = o.keys[i]!;
    const at = schemaAt(ScenarioSchema, prefix, data);
    if (!at) return; // beyond what we can follow: validation has the last word
    const where = formatPath(prefix) || 'the scenario';
    const kind = kindOf(at);
    if (typeof key === 'string') {
      const allowed = allowedKeysAt(ScenarioSchema, prefix, data);
      if (allowed) {
        if (!allowed.includes(key)) {
          throw new UserError(
            `--set ${o.path}: unknown key '${key}' in ${where}${didYouMean(key, allowed)}`,
          );
        }
      } else if (kind === 'array' || kind === 'tuple') {
        throw new UserError(`--set ${o.path}: ${where} is a list: name an item, ${where}[0]`);
      } else if (kind !== 'record' && KINDS[kind]) {
        throw new UserError(`--set ${o.path}: ${where} is ${KINDS[kind]}, not a mapping`);
      }
    } else if (kind !== 'array' && kind !== 'tuple' && KINDS[kind]) {
      throw new UserError(`--set ${o.path}: ${where} is ${KINDS[kind]}, not a list`);
    }
  }
}

/**
 * `data` (not modified) with the override's value at its path. Missing mappings on the way are
 * created; a list item must already exist, since a new one would only be a partial item.
 */
export function applyOverride(data: unknown, o: Override): unknown {
  checkAgainstSchema(o, data);
  const root: unknown = data === null || data === undefined ? {} : structuredClone(data);
  let node = root;
  o.keys.forEach((key, i) => {
    const here = formatPath(o.keys.slice(0, i)) || 'the scenario';
    const where = formatPath(o.keys.slice(0, i + 1));
    if (typeof key === 'number') {
      if (!Array.isArray(node)) throw new UserError(`--set ${o.path}: ${here} is not a list`);
      if (key >= node.length) {
        throw new UserError(
          `--set ${o.path}: ${where} does not exist (${here} has ${node.length} item${node.length === 1 ? '' : 's'})`,
        );
      }
    } else if (!isMapping(node)) {
      throw new UserError(`--set ${o.path}: ${here} is not a mapping`);
    }
    const parent = node as Record<Key, unknown>;
    if (i === o.keys.length - 1) {
      setOwn(parent, key, o.value);
      return;
    }
    let next = Object.hasOwn(parent, key) ? parent[key] : undefined;
    if (next === undefined || next === null) {
      if (typeof o.keys[i + 1] === 'number') {
        const item = formatPath(o.keys.slice(0, i + 2));
        throw new UserError(
          `--set ${o.path}: ${item} does not exist (${where} is not in the scenario)`,
        );
      }
      next = {};
      setOwn(parent, key, next);
    }
    node = next;
  });
  return root;
}

/** Where values can come from: a scenario file (one of an `extends` chain) or an override. */
export type Origin<F> = { readonly file: F } | { readonly override: Override };

/** Does `origin` give a value at `path`, and does that value replace (not merge with) older ones? */
function contribution(
  origin: { data: unknown } | Override,
  path: readonly Key[],
): { has: boolean; replaces: boolean } {
  if ('keys' in origin) {
    if (startsWith(origin.keys, path))
      return { has: true, replaces: path.length === origin.keys.length };
    if (!startsWith(path, origin.keys)) return { has: false, replaces: false };
    return {
      has: valueAtPath(origin.value, path.slice(origin.keys.length)) !== MISSING,
      replaces: true,
    };
  }
  const v = valueAtPath(origin.data, path);
  return { has: v !== MISSING, replaces: !isMapping(v) };
}

/**
 * Which file or override the merged value at `path` (or its deepest existing parent) comes from.
 * `files` run base first, overrides in the order applied; the newest one that still shows
 * through at the deepest level wins.
 */
export function originOf<F extends { data: unknown }>(
  files: readonly F[],
  overrides: readonly Override[],
  path: readonly Key[],
): Origin<F> {
  type Candidate = { file: F } | { override: Override };
  const newestFirst: Candidate[] = [
    ...[...overrides].reverse().map((override) => ({ override })),
    ...[...files].reverse().map((file) => ({ file })),
  ];
  const of = (c: Candidate) => ('override' in c ? c.override : c.file);
  let live = newestFirst;
  let owner: Candidate = { file: files.at(-1)! }; // the document itself, for a top-level problem
  for (let n = 1; n <= path.length; n++) {
    const prefix = path.slice(0, n);
    const next: Candidate[] = [];
    for (const c of live) {
      const { has, replaces } = contribution(of(c), prefix);
      if (!has) continue;
      // A newer file's mapping here replaces an older list or value (and all older ones);
      // an override that only sets something deeper replaces nothing.
      if (replaces && next.some((newer) => 'file' in newer)) break;
      next.push(c);
      if (replaces) break; // hides everything older
    }
    if (next.length === 0) break;
    live = next;
    // An override that only passes through (sets something deeper) is not where this level
    // comes from; the newest file that has it is, if any.
    owner = next.find((c) => 'file' in c || contribution(c.override, prefix).replaces) ?? next[0]!;
  }
  return owner;
}
