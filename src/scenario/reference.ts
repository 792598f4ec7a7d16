/**
 * The scenario format as JSON Schema (`aura schema`, for editors) and as a Markdown reference
 * (`docs/scenario-reference.md`), both generated from the zod schema so they cannot drift from
 * what `validate` accepts. The reference is rendered from the JSON Schema rather than from zod
 * internals: zod's converter already knows every schema kind, so a new kind of field shows up
 * here without changes.
 */
import { z } from 'zod';
import { MAX_EXTENDS_DEPTH } from './load.js';
import { ScenarioSchema } from './schema.js';

/** A JSON Schema node, as far as the reference reads it. */
export interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  const?: unknown;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minItems?: number;
  maxItems?: number;
  [key: string]: unknown;
}

const EXTENDS_DESCRIPTION = `Path of a base scenario (relative to this file) that this file's fields are merged over: mappings merge key by key, lists and plain values replace. Bases may extend others (at most ${MAX_EXTENDS_DEPTH} levels).`;

/**
 * The scenario's JSON Schema (input side: fields with defaults are optional), plus `extends`,
 * which the loader handles before validation. A file with `extends` need not repeat the
 * required top-level fields its base gives (nested ones an editor may still flag).
 */
export function scenarioJsonSchema(): JsonSchema {
  const schema = toJsonSchema(ScenarioSchema);
  const { required = [], properties = {}, ...rest } = schema;
  return {
    ...rest,
    title: 'aura-sim scenario',
    properties: { extends: { type: 'string', description: EXTENDS_DESCRIPTION }, ...properties },
    if: { required: ['extends'] },
    else: { required },
  };
}

/** Input side: a field with a default is optional. */
const toJsonSchema = (schema: z.ZodType): JsonSchema =>
  z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any', // a field JSON Schema cannot express is unconstrained, not an error
  }) as JsonSchema;

/** A table of an object's fields: `path` names the object (`cells[]`, `cellTypes.<name>`). */
interface Table {
  readonly path: string;
  readonly label?: string;
  readonly node: JsonSchema;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

class Renderer {
  readonly undocumented: string[] = [];

  constructor(private readonly root: JsonSchema) {}

  /** Follows a local `$ref` (zod emits them for recursive or registered schemas). */
  deref(node: JsonSchema): JsonSchema {
    let n = node;
    for (let guard = 0; n.$ref && guard < 32; guard++) {
      const m = /^#\/(\$defs|definitions)\/(.+)$/.exec(n.$ref);
      const target = m
        ? (this.root[m[1]!] as Record<string, JsonSchema> | undefined)?.[m[2]!]
        : undefined;
      if (!target) break;
      const { $ref: _, ...siblings } = n;
      n = { ...target, ...siblings };
    }
    return n;
  }

  options(node: JsonSchema): JsonSchema[] | undefined {
    const list = node.oneOf ?? node.anyOf;
    return list?.map((o) => this.deref(o));
  }

  isRecord(node: JsonSchema): boolean {
    return typeof node.additionalProperties === 'object' && !node.properties;
  }

  /** The property every option fixes to a constant: the discriminator of a union of objects. */
  discriminator(options: JsonSchema[]): string | undefined {
    const first = options[0]?.properties;
    if (!first || options.length < 2) return undefined;
    return Object.keys(first).find((key) =>
      options.every((o) => {
        const p = o.properties?.[key] && this.deref(o.properties[key]!);
        return p && (p.const !== undefined || p.enum?.length === 1);
      }),
    );
  }

  typeOf(input: JsonSchema): string {
    const node = this.deref(input);
    const options = this.options(node);
    if (options) {
      const key = this.discriminator(options);
      if (key) return `object (by \`${key}\`)`;
      return [...new Set(options.map((o) => this.typeOf(o)))].join(' or ');
    }
    if (node.allOf) return node.allOf.map((o) => this.typeOf(o)).join(' and ');
    if (node.const !== undefined) return node.const === null ? 'null' : typeof node.const;
    if (node.enum)
      return [...new Set(node.enum.map((v) => (v === null ? 'null' : typeof v)))].join(' or ');
    const type = Array.isArray(node.type) ? node.type.join(' or ') : node.type;
    if (type === 'array') {
      if (node.prefixItems)
        return `list (${node.prefixItems.map((i) => this.typeOf(i)).join(', ')})`;
      return node.items ? `list of ${this.typeOf(node.items)}` : 'list';
    }
    if (type === 'object' && this.isRecord(node)) {
      return `map of ${this.typeOf(node.additionalProperties as JsonSchema)}`;
    }
    return type ?? 'any';
  }

  allowedOf(input: JsonSchema): string {
    const node = this.deref(input);
    const parts: string[] = [];
    if (node.const !== undefined) parts.push(code(node.const));
    if (node.enum) parts.push(node.enum.map(code).join(', '));
    const lo =
      node.exclusiveMinimum !== undefined
        ? `> ${num(node.exclusiveMinimum)}`
        : node.minimum !== undefined && node.minimum > -MAX_SAFE
          ? `≥ ${num(node.minimum)}`
          : '';
    const hi =
      node.exclusiveMaximum !== undefined
        ? `< ${num(node.exclusiveMaximum)}`
        : node.maximum !== undefined && node.maximum < MAX_SAFE
          ? `≤ ${num(node.maximum)}`
          : '';
    if (lo.startsWith('≥') && hi.startsWith('≤')) parts.push(`${lo.slice(2)} … ${hi.slice(2)}`);
    else if (lo || hi) parts.push([lo, hi].filter(Boolean).join(', '));
    if (node.multipleOf !== undefined) parts.push(`multiple of ${num(node.multipleOf)}`);
    if (node.minLength !== undefined || node.maxLength !== undefined) {
      parts.push(`${range(node.minLength, node.maxLength)} characters`);
    }
    if (node.pattern) parts.push(`pattern \`${node.pattern}\``);
    if (node.format) parts.push(`format ${node.format}`);
    if (node.minItems !== undefined || node.maxItems !== undefined) {
      parts.push(`${range(node.minItems, node.maxItems)} items`);
    }
    if (node.items && !this.hasTables(node.items)) {
      const each = this.allowedOf(node.items);
      if (each) parts.push(`each: ${each}`);
    }
    if (node.propertyNames) {
      const names = this.allowedOf(node.propertyNames);
      if (names) parts.push(`names: ${names}`);
    }
    return parts.join('; ');
  }

  /** The field's default, `*required*`, or — (optional, no default). */
  defaultOf(input: JsonSchema, required: boolean): string {
    const node = this.deref(input);
    if (!('default' in node)) return required ? '*required*' : '—';
    const fields = this.fieldDefaults(node);
    if (fields !== undefined && canonical(fields) === canonical(node.default)) {
      return "fields' defaults";
    }
    return code(node.default);
  }

  /** The object the fields' own defaults make up, or undefined if a required field has none. */
  fieldDefaults(input: JsonSchema): unknown {
    const node = this.deref(input);
    if (!node.properties) return undefined;
    const out: Record<string, unknown> = {};
    for (const [key, raw] of Object.entries(node.properties)) {
      const p = this.deref(raw);
      if ('default' in p) out[key] = p.default;
      else if (node.required?.includes(key)) return undefined;
    }
    return out;
  }

  /** Whether a field holds objects that get tables of their own. */
  hasTables(input: JsonSchema): boolean {
    return this.tablesOf(input, '').length > 0;
  }

  /** Every object under `node` that gets a table, outermost first. */
  tablesOf(input: JsonSchema, path: string, label?: string): Table[] {
    const node = this.deref(input);
    const options = this.options(node);
    if (options) {
      const key = this.discriminator(options);
      return options.flatMap((o, i) => {
        const p = key && this.deref(o.properties![key]!);
        const which = p ? `${key}: ${code(p.const ?? p.enum?.[0])}` : `option ${i + 1}`;
        return this.tablesOf(o, path, which);
      });
    }
    if (node.allOf) return node.allOf.flatMap((o) => this.tablesOf(o, path, label));
    if (node.items) return this.tablesOf(node.items, `${path}[]`, label);
    if (this.isRecord(node)) {
      return this.tablesOf(node.additionalProperties as JsonSchema, `${path}.<name>`, label);
    }
    if (!node.properties) return [];
    return [
      { path, label, node },
      ...Object.entries(node.properties).flatMap(([key, p]) => this.tablesOf(p, join(path, key))),
    ];
  }

  row(path: string, node: JsonSchema, required: boolean): string {
    const n = this.deref(node);
    if (!n.description && !this.undocumented.includes(path)) this.undocumented.push(path);
    const cells = [
      `\`${path}\``,
      this.typeOf(n),
      this.defaultOf(n, required),
      this.allowedOf(n),
      n.description ?? '',
    ];
    return `| ${cells.map(cell).join(' | ')} |`;
  }

  table(t: Table): string[] {
    const rows = Object.entries(t.node.properties ?? {}).map(([key, p]) =>
      this.row(join(t.path, key), p, t.node.required?.includes(key) ?? false),
    );
    return [
      '| Field | Type | Default | Allowed | Description |',
      '| --- | --- | --- | --- | --- |',
      ...rows,
    ];
  }

  section(key: string, input: JsonSchema, required: boolean): string[] {
    const node = this.deref(input);
    if (!node.description) this.undocumented.push(key);
    const facts = [
      `**${this.typeOf(node)}**`,
      required ? '*required*' : `default: ${this.defaultOf(node, false)}`,
      this.allowedOf(node),
    ].filter(Boolean);
    const out = [`## \`${key}\``, '', facts.join(' · '), ''];
    if (node.description) out.push(node.description, '');
    for (const t of this.tablesOf(node, key)) {
      if (t.path !== key || t.label) {
        out.push(`### \`${t.path}\`${t.label ? ` (${t.label.replace(/`/g, '')})` : ''}`, '');
      }
      out.push(...this.table(t), '');
    }
    return out;
  }
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

const num = (n: number) => (Number.isInteger(n) ? n.toLocaleString('en-US') : String(n));

function range(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) {
    return min === max ? num(min) : `${num(min)} … ${num(max)}`;
  }
  return min !== undefined ? `≥ ${num(min)}` : `≤ ${num(max!)}`;
}

/** A value as it would be written in a YAML scenario: `normal`, `[1, 2, 4]`, `{ min: 0 }`. */
function yamlish(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(yamlish).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => `${k}: ${yamlish(v)}`);
    return entries.length ? `{ ${entries.join(', ')} }` : '{}';
  }
  if (typeof value === 'string')
    return /^[A-Za-z][\w .-]*$/.test(value) ? value : JSON.stringify(value);
  return String(value);
}

const code = (value: unknown) => `\`${yamlish(value)}\``;

/** Sorted-key JSON, so defaults compare equal whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/** A table cell: one line, pipes escaped. */
const cell = (text: string) => text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');

const anchor = (key: string) => key.toLowerCase().replace(/[^a-z0-9_-]/g, '');

function render(schema: z.ZodType): { text: string; undocumented: string[] } {
  const root = toJsonSchema(schema);
  const r = new Renderer(root);
  const fields = Object.entries(root.properties ?? {});
  const lines = [
    '# Scenario reference',
    '',
    '<!-- Generated from src/scenario/schema.ts by `npm run docs:scenarios`; do not edit by hand. -->',
    '',
    'Every field of a scenario file, generated from the schema that `aura validate` checks. An',
    'annotated example and the checks beyond single fields are in [scenarios.md](scenarios.md); what',
    'each parameter means in the model is in [model.md](model.md). `aura schema` prints the same',
    'format as JSON Schema, for editor completion (with the YAML language server, start a file with',
    '`# yaml-language-server: $schema=<file>`).',
    '',
    '**Default** is the value used when a field is left out: *required* fields must be given, and',
    '— marks an optional field without a default. "fields\' defaults" means an object left out',
    'gets the default of each of its fields. Paths use `[]` for every item of a list and `<name>`',
    'for any key of a named map.',
    '',
    '**Composition.** `extends: base.yaml` (a path relative to the file) starts from another',
    "scenario: the file's mappings are merged over the base's key by key, while lists and plain",
    `values replace the base's. A base may extend another (at most ${MAX_EXTENDS_DEPTH} levels). Every command also`,
    'takes `--set PATH=VALUE` (repeatable), applied after merging: the path as in the tables',
    '(`agent.alpha`, `traffic.sources[0].arrivalRate`), the value in YAML',
    "(`--set 'guidance.llm.latency={model: fixed, seconds: 1}'`).",
    '',
    '## Contents',
    '',
    ...fields.map(([key]) => `- [\`${key}\`](#${anchor(key)})`),
    '',
  ];
  for (const [key, node] of fields) {
    lines.push(...r.section(key, node, root.required?.includes(key) ?? false));
  }
  return { text: `${lines.join('\n').trimEnd()}\n`, undocumented: r.undocumented };
}

/** `docs/scenario-reference.md`, as `npm run docs:scenarios` writes it (another schema: tests). */
export function renderScenarioReference(schema: z.ZodType = ScenarioSchema): string {
  return render(schema).text;
}

/** Field paths without a `.describe()`, so they can be given one. */
export function undocumentedFields(schema: z.ZodType = ScenarioSchema): string[] {
  return render(schema).undocumented;
}

/** The marker after which `docs/scenarios.md` holds the generated field reference. */
export const GENERATED_MARKER =
  '<!-- Field reference: generated from src/scenario/schema.ts by `npm run docs:scenarios`; do not edit below. -->';

/**
 * `docs/scenarios.md` with its generated part brought up to date: the hand-written guide up to
 * the marker, then the field reference (its headings one level down).
 */
export function withGeneratedReference(
  guide: string,
  reference = renderScenarioReference(),
): string {
  const at = guide.indexOf(GENERATED_MARKER);
  const head = (at >= 0 ? guide.slice(0, at) : `${guide.trimEnd()}\n\n`).trimEnd();
  const body = reference
    .replace(/^# Scenario reference\n+/, '')
    .replace(/^<!--[^\n]*-->\n+/m, '')
    .replace(/^(#+) /gm, '#$1 ');
  return `${head}\n\n${GENERATED_MARKER}\n\n## Field reference\n\n${body.trimEnd()}\n`;
}
