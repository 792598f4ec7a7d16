import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseScenario, ScenarioError } from '../src/scenario/load.js';
import {
  GENERATED_MARKER,
  renderScenarioReference,
  scenarioJsonSchema,
  undocumentedFields,
  withGeneratedReference,
} from '../src/scenario/reference.js';
import { ScenarioSchema } from '../src/scenario/schema.js';
import {
  allowedKeysAt,
  closestKey,
  didYouMean,
  levenshtein,
  schemaAt,
} from '../src/scenario/schemaPath.js';

const mini = readFileSync('test/fixtures/scenarios/mini.yaml', 'utf8');

/** The mini scenario with `from` (which must occur exactly once) replaced by `to`. */
const variant = (from: string, to: string): string => {
  expect(mini.split(from)).toHaveLength(2);
  return mini.replace(from, to);
};

const problemsOf = (text: string) => {
  try {
    parseScenario(text, 'x.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return (err as ScenarioError).problems;
  }
  throw new Error('expected a ScenarioError');
};

describe('schema paths', () => {
  const shapeKeys = (s: z.ZodType) => Object.keys((s as z.ZodObject).shape);

  it('finds the keys of the object at a path, through defaults, lists and records', () => {
    expect(allowedKeysAt(ScenarioSchema, [])).toEqual(shapeKeys(ScenarioSchema));
    expect(allowedKeysAt(ScenarioSchema, ['cells', 1])).toContain('neighbours');
    expect(allowedKeysAt(ScenarioSchema, ['cellTypes', 'anyName'])).toEqual(
      expect.arrayContaining(['power', 'capacity', 'signalDbm', 'snrDb']),
    );
    expect(allowedKeysAt(ScenarioSchema, ['cellTypes', 'x', 'power'])).toEqual([
      'min',
      'max',
      'step',
    ]);
    expect(allowedKeysAt(ScenarioSchema, ['agent', 'epsilon'])).toEqual([
      'start',
      'end',
      'schedule',
      'decayEpisodes',
    ]);
    expect(allowedKeysAt(ScenarioSchema, ['guidance', 'llm'])).toContain('latency');
    expect(allowedKeysAt(ScenarioSchema, ['guidance', 'trust'])).toContain('counterfactualRate');
    // not objects with fixed keys
    expect(allowedKeysAt(ScenarioSchema, ['cellTypes'])).toBeUndefined();
    expect(allowedKeysAt(ScenarioSchema, ['cells'])).toBeUndefined();
    expect(allowedKeysAt(ScenarioSchema, ['agent', 'alpha'])).toBeUndefined();
    expect(allowedKeysAt(ScenarioSchema, ['nope', 'deeper'])).toBeUndefined();
    expect(allowedKeysAt(ScenarioSchema, ['cells', 'x'])).toBeUndefined();
  });

  it('picks the option of a discriminated union the data names', () => {
    const path = ['guidance', 'llm', 'latency'];
    const data = (model: string) => ({ guidance: { llm: { latency: { model } } } });
    expect(allowedKeysAt(ScenarioSchema, path, data('fixed'))).toEqual(['model', 'seconds']);
    expect(allowedKeysAt(ScenarioSchema, path, data('lognormal'))).toEqual([
      'model',
      'medianSeconds',
      'sigma',
    ]);
    // unknown or absent discriminator: every option's keys
    expect(allowedKeysAt(ScenarioSchema, path, data('warp'))).toEqual([
      'model',
      'seconds',
      'medianSeconds',
      'sigma',
    ]);
    expect(allowedKeysAt(ScenarioSchema, path)).toEqual(allowedKeysAt(ScenarioSchema, path, {}));
  });

  it('follows every wrapper kind zod has', () => {
    const s = z.object({
      opt: z.object({ a: z.number() }).optional().nullable(),
      piped: z
        .object({ b: z.string() })
        .transform((o) => o.b)
        .pipe(z.string()),
      lazy: z.lazy(() => z.object({ c: z.number() })),
      both: z.intersection(z.object({ d: z.number() }), z.object({ e: z.number() })),
      tuple: z.tuple([z.object({ f: z.number() })], z.object({ g: z.number() })),
      refined: z
        .object({ h: z.number() })
        .refine(() => true)
        .default({ h: 1 })
        .readonly(),
      union: z.union([z.object({ i: z.number() }), z.object({ j: z.number() })]),
      record: z.record(z.string(), z.object({ k: z.number() })),
      catchy: z.object({ l: z.number() }).catch({ l: 0 }),
    });
    const keys = (...path: (string | number)[]) => allowedKeysAt(s, path);
    expect(keys('opt')).toEqual(['a']);
    expect(keys('piped')).toEqual(['b']);
    expect(keys('lazy')).toEqual(['c']);
    expect(keys('both')).toEqual(['d', 'e']);
    expect(keys('tuple', 0)).toEqual(['f']);
    expect(keys('tuple', 3)).toEqual(['g']);
    expect(keys('refined')).toEqual(['h']);
    expect(keys('union')).toEqual(['i', 'j']);
    expect(keys('record', 'anything')).toEqual(['k']);
    expect(keys('catchy')).toEqual(['l']);
    expect(schemaAt(s, ['union', 'j'])).toBeDefined();
    expect(schemaAt(s, ['record', 0])).toBeUndefined();
  });

  it('suggests the closest key: a case slip, or at most two edits', () => {
    expect(levenshtein('neighbors', 'neighbours')).toBe(1);
    expect(levenshtein('', 'abc')).toBe(3);
    const cell = allowedKeysAt(ScenarioSchema, ['cells', 0])!;
    expect(closestKey('neighbors', cell)).toBe('neighbours');
    expect(closestKey('Neighbours', cell)).toBe('neighbours');
    expect(closestKey('CAPACITY', cell)).toBe('capacity');
    expect(closestKey('tpye', cell)).toBe('type');
    expect(closestKey('colour', cell)).toBeUndefined();
    expect(closestKey('x', ['id'])).toBeUndefined(); // two edits of a two-letter key: unrelated
    expect(didYouMean('alphaa', ['alpha', 'gamma'])).toBe(" (did you mean 'alpha'?)");
    expect(didYouMean('zeta', ['alpha'])).toBe('');
    expect(didYouMean('zeta', undefined)).toBe('');
  });
});

describe('did you mean, in validation', () => {
  it('suggests the nearest allowed key, nested and in lists', () => {
    expect(problemsOf(variant('    neighbours: [a]', '    neighbors: [a]'))).toEqual([
      {
        path: 'cells[1].neighbors',
        message: "unknown key 'neighbors' (did you mean 'neighbours'?)",
        line: 12,
      },
    ]);
    expect(problemsOf(variant('  - id: b\n    type: macro', '  - id: b\n    Type: macro'))).toEqual(
      expect.arrayContaining([
        { path: 'cells[1].Type', message: "unknown key 'Type' (did you mean 'type'?)", line: 11 },
      ]),
    );
    expect(problemsOf(variant('capacity: 20', 'capacty: 20'))).toEqual(
      expect.arrayContaining([
        {
          path: 'cellTypes.macro.capacty',
          message: "unknown key 'capacty' (did you mean 'capacity'?)",
          line: 5,
        },
      ]),
    );
    expect(problemsOf(`${mini}agent: { alhpa: 0.2, gama: 0.9, colour: red }\n`)).toEqual([
      {
        path: 'agent.alhpa',
        message:
          "unknown keys 'alhpa' (did you mean 'alpha'?), 'gama' (did you mean 'gamma'?), 'colour'",
        line: 18,
      },
    ]);
    expect(problemsOf(`${mini}nmae: x\n`)).toEqual([
      { path: 'nmae', message: "unknown key 'nmae' (did you mean 'name'?)", line: 18 },
    ]);
  });

  it('inside a discriminated union, suggests from the chosen option', () => {
    const text = `${mini}guidance:\n  llm:\n    latency: { model: lognormal, medianSecond: 2 }\n`;
    expect(problemsOf(text)).toEqual(
      expect.arrayContaining([
        {
          path: 'guidance.llm.latency.medianSecond',
          message: "unknown key 'medianSecond' (did you mean 'medianSeconds'?)",
          line: 20,
        },
      ]),
    );
  });

  it('says nothing when no key is close', () => {
    const text = `${mini}guidance:\n  llm:\n    latencySeconds: 2\n`;
    expect(problemsOf(text)).toEqual([
      { path: 'guidance.llm.latencySeconds', message: "unknown key 'latencySeconds'", line: 20 },
    ]);
  });
});

describe('aura schema (JSON Schema)', () => {
  const schema = scenarioJsonSchema();

  it('is plain JSON with every top-level field, extends, descriptions and defaults', () => {
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
    expect(Object.keys(schema.properties!)).toEqual([
      'extends',
      ...Object.keys(ScenarioSchema.shape),
    ]);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties!.name!.description).toBe('Short name, used in results.');
    const agent = schema.properties!.agent!;
    expect(agent.properties!.alpha).toMatchObject({
      default: 0.1,
      description: 'Q-learning rate.',
      exclusiveMinimum: 0,
      maximum: 1,
    });
    // A file with `extends` need not repeat the required top-level fields.
    expect(schema.required).toBeUndefined();
    expect(schema.if).toEqual({ required: ['extends'] });
    expect((schema.else as { required: string[] }).required).toEqual(
      expect.arrayContaining(['name', 'traffic']),
    );
  });
});

describe('docs/scenario-reference.md', () => {
  it('is up to date with the schema (run `npm run docs:scenarios` if not)', () => {
    const onDisk = readFileSync('docs/scenario-reference.md', 'utf8');
    const fresh = renderScenarioReference();
    if (onDisk !== fresh) {
      expect.fail(
        'docs/scenario-reference.md is stale: the scenario schema changed. Run `npm run docs:scenarios` and commit the result.',
      );
    }
  });

  it('is also the generated part of docs/scenarios.md, which is up to date', () => {
    const guide = readFileSync('docs/scenarios.md', 'utf8');
    expect(guide).toContain(GENERATED_MARKER);
    if (withGeneratedReference(guide) !== guide) {
      expect.fail(
        'docs/scenarios.md is stale: its field reference no longer matches the schema. Run `npm run docs:scenarios` and commit the result.',
      );
    }
  });

  it('has a section per top-level field and a row per field, described or not', () => {
    const doc = renderScenarioReference();
    for (const key of Object.keys(ScenarioSchema.shape)) expect(doc).toContain(`## \`${key}\``);
    expect(doc).toMatch(
      /\| `agent\.alpha` \| number \| `0\.1` \| > 0, ≤ 1 \| Q-learning rate\. \|/,
    );
    expect(doc).toContain('### `cellTypes.<name>.power`');
    expect(doc).toContain('### `guidance.llm.latency` (model: fixed)');
    for (const path of undocumentedFields()) expect(doc).toContain(`\`${path}\``);
  });

  it('renders every kind of field, described or not', () => {
    const kinds = z.object({
      plain: z.string().describe('A *plain* | piped string.'),
      bare: z.number().int().min(0).max(10),
      level: z.enum(['low', 'high']).default('low').describe('An enum.'),
      fixed: z.literal('yes'),
      maybe: z.boolean().optional(),
      either: z.union([z.string(), z.number()]).describe('A union of scalars.'),
      shape: z
        .discriminatedUnion('kind', [
          z.object({ kind: z.literal('circle'), r: z.number().positive() }),
          z.object({ kind: z.literal('square'), side: z.number().describe('Side.') }),
        ])
        .describe('A shape.'),
      named: z.record(z.string().regex(/^[a-z]+$/), z.object({ w: z.number().default(1) })),
      items: z
        .array(z.object({ id: z.string(), tags: z.array(z.string()).max(3) }))
        .min(1)
        .describe('Items.'),
      nested: z
        .object({ deep: z.object({ x: z.number().default(2) }).default({ x: 2 }) })
        .default({ deep: { x: 2 } }),
      custom: z.custom<string>(() => true),
    });
    const doc = renderScenarioReference(kinds);
    expect(doc).toContain('**string** · *required*');
    expect(doc).toContain('A *plain* | piped string.'); // a section paragraph: not escaped
    expect(doc).toContain('**integer** · *required* · 0 … 10');
    expect(doc).toContain('**string** · default: `low` · `low`, `high`');
    expect(doc).toContain('**string** · *required* · `yes`');
    expect(doc).toContain('**boolean** · default: —');
    expect(doc).toContain('**string or number** · *required*');
    expect(doc).toContain('**object (by `kind`)** · *required*');
    expect(doc).toContain('### `shape` (kind: circle)');
    expect(doc).toContain('| `shape.r` | number | *required* | > 0 |  |');
    expect(doc).toContain('| `shape.side` | number | *required* |  | Side. |');
    expect(doc).toContain('**map of object** · *required* · names: pattern `^[a-z]+$`');
    expect(doc).toContain('| `named.<name>.w` | number | `1` |  |  |');
    expect(doc).toContain('**list of object** · *required* · ≥ 1 items');
    expect(doc).toContain('| `items[].tags` | list of string | *required* | ≤ 3 items |  |');
    expect(doc).toContain("**object** · default: fields' defaults");
    expect(doc).toContain("| `nested.deep` | object | fields' defaults |  |  |");
    expect(doc).toContain('**any** · *required*');
    expect(undocumentedFields(kinds)).toEqual([
      'bare',
      'fixed',
      'maybe',
      'shape.kind',
      'shape.r',
      'named',
      'named.<name>.w',
      'items[].id',
      'items[].tags',
      'nested',
      'nested.deep',
      'nested.deep.x',
      'custom',
    ]);
    // a pipe inside a table cell is escaped
    const piped = renderScenarioReference(
      z.object({ o: z.object({ a: z.string().describe('x | y') }) }),
    );
    expect(piped).toContain('| `o.a` | string | *required* |  | x \\| y |');
  });
});
