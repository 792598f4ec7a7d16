/**
 * Finds the part of a zod schema that governs a field path, so an unknown key can be answered
 * with the keys that object does allow ("did you mean 'neighbours'?") and `--set` can refuse a
 * misspelt path before anything runs. Reads zod 4's definitions (`_zod.def`); a schema kind it does
 * not know resolves to undefined, and callers then simply say less.
 */
import type { z } from 'zod';

type Schema = z.core.$ZodType;
type Key = string | number;

/** The parts of zod 4 definitions this module reads (each kind has a few of them). */
interface Def {
  readonly type: string;
  readonly innerType?: Schema;
  readonly in?: Schema;
  readonly getter?: () => Schema;
  readonly shape?: Record<string, Schema>;
  readonly element?: Schema;
  readonly valueType?: Schema;
  readonly items?: readonly Schema[];
  readonly rest?: Schema | null;
  readonly options?: readonly Schema[];
  readonly discriminator?: string;
  readonly left?: Schema;
  readonly right?: Schema;
  readonly values?: readonly unknown[];
}

const defOf = (schema: Schema): Def => schema._zod.def as unknown as Def;

/** Wrappers that leave the accepted keys unchanged: defaults, optionals, pipes (input side)… */
const WRAPPERS = new Set([
  'default',
  'prefault',
  'optional',
  'nullable',
  'nonoptional',
  'readonly',
  'catch',
  'success',
]);

/** The schema under its wrappers; refinements are checks on the schema itself, nothing to strip. */
export function unwrap(schema: Schema): Schema {
  let s = schema;
  for (let guard = 0; guard < 100; guard++) {
    const def = defOf(s);
    if (WRAPPERS.has(def.type) && def.innerType) s = def.innerType;
    else if (def.type === 'pipe' && def.in) s = def.in;
    else if (def.type === 'lazy' && def.getter) s = def.getter();
    else return s;
  }
  return s;
}

/** The kind of an (unwrapped) schema: 'object', 'record', 'array', 'union', 'number', … */
export const kindOf = (schema: Schema): string => defOf(unwrap(schema)).type;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The values a discriminated-union option accepts for the discriminator (literal or enum). */
function discriminatorValues(option: Schema, key: string): unknown[] {
  const field = defOf(unwrap(option)).shape?.[key];
  if (!field) return [];
  const def = defOf(unwrap(field)) as Def & { entries?: Record<string, unknown> };
  if (def.type === 'literal') return [...(def.values ?? [])];
  if (def.type === 'enum' && def.entries) return Object.values(def.entries);
  return [];
}

/**
 * The options of a union that can describe `data`: for a discriminated union, the option its
 * discriminator names (if it names one); otherwise all of them.
 */
function unionOptions(def: Def, data: unknown): readonly Schema[] {
  const options = def.options ?? [];
  const key = def.discriminator;
  if (key && isPlainObject(data) && data[key] !== undefined) {
    const chosen = options.filter((o) => discriminatorValues(o, key).includes(data[key]));
    if (chosen.length > 0) return chosen;
  }
  return options;
}

/** The schema of `key` inside `schema` (whose value is `data`, if known). */
function childOf(schema: Schema, key: Key, data: unknown): Schema | undefined {
  const def = defOf(unwrap(schema));
  switch (def.type) {
    case 'object':
      return typeof key === 'string' && def.shape && Object.hasOwn(def.shape, key)
        ? def.shape[key]
        : undefined;
    case 'record':
      return typeof key === 'string' ? def.valueType : undefined;
    case 'array':
      return typeof key === 'number' ? def.element : undefined;
    case 'tuple':
      return typeof key === 'number' ? (def.items?.[key] ?? def.rest ?? undefined) : undefined;
    case 'union':
      for (const option of unionOptions(def, data)) {
        const child = childOf(option, key, data);
        if (child) return child;
      }
      return undefined;
    case 'intersection':
      return (
        (def.left && childOf(def.left, key, data)) ?? (def.right && childOf(def.right, key, data))
      );
    default:
      return undefined;
  }
}

function valueAt(data: unknown, key: Key): unknown {
  if (typeof key === 'number') return Array.isArray(data) ? data[key] : undefined;
  return isPlainObject(data) && Object.hasOwn(data, key) ? data[key] : undefined;
}

/**
 * The schema governing `path` (unwrapped), reading `data` (the document the path points into) to
 * pick the option of a discriminated union; undefined where the schema cannot be followed.
 */
export function schemaAt(schema: Schema, path: readonly Key[], data?: unknown): Schema | undefined {
  let s: Schema | undefined = schema;
  let d = data;
  for (const key of path) {
    s = childOf(s, key, d);
    if (!s) return undefined;
    d = valueAt(d, key);
  }
  return unwrap(s);
}

/** The keys an object schema (or a union or intersection of them) allows; undefined otherwise. */
function keysOf(schema: Schema, data: unknown): string[] | undefined {
  const def = defOf(unwrap(schema));
  if (def.type === 'object') return Object.keys(def.shape ?? {});
  if (def.type === 'union' || def.type === 'intersection') {
    const parts =
      def.type === 'union'
        ? unionOptions(def, data)
        : [def.left, def.right].filter((p): p is Schema => p !== undefined);
    const keys = parts.map((p) => keysOf(p, data)).filter((k): k is string[] => k !== undefined);
    return keys.length > 0 ? [...new Set(keys.flat())] : undefined;
  }
  return undefined;
}

/**
 * The keys allowed in the object at `path`, in schema order, or undefined if the path does not
 * lead to an object with fixed keys (a record, a list, a number, or a schema we cannot follow).
 */
export function allowedKeysAt(
  schema: Schema,
  path: readonly Key[],
  data?: unknown,
): string[] | undefined {
  const s = schemaAt(schema, path, data);
  if (!s) return undefined;
  let d = data;
  for (const key of path) d = valueAt(d, key);
  return keysOf(s, d);
}

/** Edit distance (insertions, deletions, substitutions). */
export function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        prev[j]! + 1,
        row[j - 1]! + 1,
        prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * The allowed key `key` was most likely meant to be: one differing only in case, else the nearest
 * within two edits (first in schema order on a tie). Two edits must leave something in common, so
 * a one- or two-letter key is not "corrected" into an unrelated one.
 */
export function closestKey(key: string, allowed: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const sameCase = allowed.find((k) => k.toLowerCase() === lower);
  if (sameCase !== undefined) return sameCase;
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of allowed) {
    const d = levenshtein(lower, candidate.toLowerCase());
    if (d < bestDistance && d < Math.min(key.length, candidate.length)) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** ` (did you mean 'x'?)`, or '' when no allowed key is close. */
/** Fields a newer model replaced: a scenario that still sets one is told what replaced it. */
const RETIRED_FIELDS: Readonly<Record<string, string>> = {
  'radio.drift':
    'replaced by radio.shadowing, a bounded, mean-reverting fading; the SNR now follows the signal (docs/model.md)',
};

/** Why `key` at `path` is unknown, if it is a retired field ('' otherwise). */
export function retiredField(path: readonly (string | number)[], key: string): string {
  const hint = RETIRED_FIELDS[[...path, key].join('.')];
  return hint ? ` (${hint})` : '';
}

export function didYouMean(key: string, allowed: readonly string[] | undefined): string {
  const match = allowed && closestKey(key, allowed);
  return match !== undefined && match !== key ? ` (did you mean '${match}'?)` : '';
}
