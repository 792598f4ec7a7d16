/**
 * Parameter sweeps: `--vary PATH=V1,V2,…` names any scenario parameter by its path (dots for
 * keys, `[i]` for list items, e.g. `guidance.llm.latency.medianSeconds` or
 * `traffic.sources[0].arrivalRate`) and the values to try. The cross product of all `--vary`
 * options gives the variants; each variant is the scenario with those values set, validated by the
 * same schema as a scenario file, so a bad path or value is a clear error naming it.
 */
import { parse as parseYaml } from 'yaml';
import { UserError } from '../errors.js';
import { formatPath, parsePath as parseParamPath } from '../scenario/paths.js';
import { type Scenario, ScenarioSchema } from '../scenario/schema.js';
import type { Variant } from './jobs.js';

export interface Vary {
  /** As written, e.g. `guidance.llm.latency.medianSeconds`. */
  readonly path: string;
  readonly keys: readonly (string | number)[];
  readonly values: readonly unknown[];
}

/** `a.b[2].c` → ['a', 'b', 2, 'c']. */
export function parsePath(path: string): (string | number)[] {
  return parseParamPath(path, '--vary');
}

/** Splits on commas outside brackets, braces and quotes (so JSON values can be given). */
function splitValues(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out.map((s) => s.trim());
}

/** `PATH=V1,V2,…`: values are YAML scalars (numbers, booleans, strings) or flow collections. */
export function parseVary(spec: string): Vary {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new UserError(`--vary '${spec}': expected PATH=V1,V2,…`);
  const path = spec.slice(0, eq).trim();
  const keys = parsePath(path);
  const raw = splitValues(spec.slice(eq + 1));
  if (raw.length === 0 || raw.some((v) => v === '')) {
    throw new UserError(`--vary ${path}: give one or more comma-separated values`);
  }
  const values = raw.map((v) => {
    try {
      return parseYaml(v) as unknown;
    } catch {
      throw new UserError(`--vary ${path}: cannot read the value '${v}'`);
    }
  });
  const seen = new Set(values.map((v) => JSON.stringify(v)));
  if (seen.size !== values.length) throw new UserError(`--vary ${path}: a value is given twice`);
  return { path, keys, values };
}

/** A copy of `scenario` with `value` at `keys`; the parent of the last key must exist. */
function setAt(scenario: Scenario, vary: Vary, value: unknown): unknown {
  const root = structuredClone(scenario) as unknown as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = root;
  vary.keys.forEach((key, k) => {
    const last = k === vary.keys.length - 1;
    const where = formatPath(vary.keys.slice(0, k + 1));
    if (typeof key === 'number' && !Array.isArray(node)) {
      throw new UserError(
        `--vary ${vary.path}: ${formatPath(vary.keys.slice(0, k))} is not a list`,
      );
    }
    if (typeof key === 'string' && (Array.isArray(node) || typeof node !== 'object')) {
      throw new UserError(
        `--vary ${vary.path}: ${formatPath(vary.keys.slice(0, k))} has no fields`,
      );
    }
    if (last) {
      if (typeof key === 'number' && key >= (node as unknown as unknown[]).length) {
        throw new UserError(`--vary ${vary.path}: ${where} does not exist (the list is shorter)`);
      }
      node[key] = value;
      return;
    }
    const next = node[key];
    if (next === undefined || next === null || typeof next !== 'object') {
      throw new UserError(`--vary ${vary.path}: ${where} does not exist in the scenario`);
    }
    node = next as Record<string | number, unknown>;
  });
  return root;
}

const labelOf = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/**
 * The variants of a sweep: the cross product of the values, in the order given (the first
 * `--vary` varies slowest). Each is validated as a whole scenario.
 */
export function sweepVariants(scenario: Scenario, varies: readonly Vary[]): Variant[] {
  const paths = new Set<string>();
  for (const v of varies) {
    if (paths.has(v.path)) throw new UserError(`--vary ${v.path} is given twice`);
    paths.add(v.path);
  }
  let combos: Record<string, unknown>[] = [{}];
  for (const v of varies) {
    combos = combos.flatMap((c) => v.values.map((value) => ({ ...c, [v.path]: value })));
  }
  const width = String(combos.length).length;
  return combos.map((values, k) => {
    let current: unknown = scenario;
    for (const v of varies) current = setAt(current as Scenario, v, values[v.path]);
    const parsed = ScenarioSchema.safeParse(current);
    if (!parsed.success) {
      const setting = varies.map((v) => `${v.path}=${labelOf(values[v.path])}`).join(', ');
      const problems = parsed.error.issues.map((issue) => {
        const path = formatPath(
          issue.path.filter((p): p is string | number => typeof p !== 'symbol'),
        );
        const message =
          issue.code === 'unrecognized_keys'
            ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((x) => `'${x}'`).join(', ')}`
            : issue.message;
        return `  - ${path || '(scenario)'}: ${message}`;
      });
      throw new UserError(
        `--vary: the scenario with ${setting} is invalid:\n${problems.join('\n')}`,
      );
    }
    return { key: `v${String(k + 1).padStart(width, '0')}`, scenario: parsed.data, values };
  });
}
