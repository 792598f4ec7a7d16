import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../src/errors.js';
import { deepMerge, originOf, parseOverride } from '../src/scenario/compose.js';
import {
  loadScenarioFile,
  MAX_EXTENDS_DEPTH,
  parseScenario,
  ScenarioError,
} from '../src/scenario/load.js';

const fixture = (name: string) => `test/fixtures/scenarios/compose/${name}`;
const mini = readFileSync('test/fixtures/scenarios/mini.yaml', 'utf8');

const errorOf = (run: () => unknown): UserError => {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return err as UserError;
  }
  throw new Error('expected a UserError');
};
const scenarioErrorOf = (run: () => unknown): ScenarioError => {
  const err = errorOf(run);
  expect(err).toBeInstanceOf(ScenarioError);
  return err as ScenarioError;
};

const dirs: string[] = [];
const tmp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'aura-compose-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('deepMerge', () => {
  it('merges mappings recursively; lists, scalars and null replace', () => {
    const base = { a: { x: 1, y: [1, 2], z: { deep: true } }, b: 'keep', c: 3 };
    const over = { a: { x: 2, y: [9], z: null }, c: { now: 'a mapping' }, d: 4 };
    expect(deepMerge(base, over)).toEqual({
      a: { x: 2, y: [9], z: null },
      b: 'keep',
      c: { now: 'a mapping' },
      d: 4,
    });
    expect(base.a.x).toBe(1); // inputs untouched
  });

  it('keeps a key named __proto__ as data, not as the prototype', () => {
    const over = JSON.parse('{"__proto__": {"polluted": true}}');
    const merged = deepMerge({}, over) as Record<string, unknown>;
    expect(Object.keys(merged)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
  });
});

describe('extends', () => {
  it('merges the extending file over its base', () => {
    const base = loadScenarioFile(fixture('base.yaml'));
    const child = loadScenarioFile(fixture('child.yaml'));
    expect(child.name).toBe('child');
    expect(child.description).toBe('The base scenario.'); // inherited
    expect(child.episodes).toEqual({ training: 4, test: 2 });
    // mappings merge: the power range stays, the capacity changes
    expect(child.cellTypes.macro).toEqual({ ...base.cellTypes.macro!, capacity: 30 });
    expect(child.agent).toEqual({ ...base.agent, alpha: 0.2, dropBuckets: [2] }); // gamma kept
    // lists replace
    expect(child.traffic.sources.map((s) => s.id)).toEqual(['b-users']);
    expect(child.cells).toEqual(base.cells);
    expect(child).not.toHaveProperty('extends');
  });

  it('follows a chain of bases', () => {
    const s = loadScenarioFile(fixture('grandchild.yaml'));
    expect(s.name).toBe('grandchild');
    expect(s.agent.gamma).toBe(0.5);
    expect(s.agent.alpha).toBe(0.2); // from child.yaml
    expect(s.cellTypes.macro!.capacity).toBe(30); // from child.yaml
    expect(s.cellTypes.macro!.power).toEqual({ min: 40, max: 46, step: 2 }); // from base.yaml
  });

  it('reads a JSON base, and resolves a base relative to the extending text', () => {
    const s = loadScenarioFile(fixture('from-json.yaml'));
    expect(s.name).toBe('from-json');
    expect(s.cells.map((c) => c.id)).toEqual(['a']);
    const text = 'extends: compose/base.yaml\nname: inline\n';
    expect(parseScenario(text, 'test/fixtures/scenarios/inline.yaml').name).toBe('inline');
  });

  it('refuses a cycle, naming it', () => {
    const err = scenarioErrorOf(() => loadScenarioFile(fixture('cycle-a.yaml')));
    expect(err.file).toBe(fixture('cycle-b.yaml'));
    expect(err.problems).toEqual([
      {
        path: 'extends',
        message: `extends cycle: ${fixture('cycle-a.yaml')} → ${fixture('cycle-b.yaml')} → ${fixture('cycle-a.yaml')}`,
        line: 1,
      },
    ]);
    const dir = tmp();
    writeFileSync(join(dir, 'self.yaml'), 'extends: ./self.yaml\n');
    expect(errorOf(() => loadScenarioFile(join(dir, 'self.yaml'))).message).toMatch(
      /extends cycle: .*self\.yaml → .*self\.yaml/,
    );
  });

  it(`allows ${MAX_EXTENDS_DEPTH} levels of extends and refuses more`, () => {
    const dir = tmp();
    const chain = (levels: number) => {
      writeFileSync(join(dir, 'level0.yaml'), mini);
      for (let i = 1; i <= levels; i++) {
        writeFileSync(join(dir, `level${i}.yaml`), `extends: level${i - 1}.yaml\nname: l${i}\n`);
      }
      return join(dir, `level${levels}.yaml`);
    };
    expect(loadScenarioFile(chain(MAX_EXTENDS_DEPTH)).name).toBe(`l${MAX_EXTENDS_DEPTH}`);
    const err = scenarioErrorOf(() => loadScenarioFile(chain(MAX_EXTENDS_DEPTH + 1)));
    expect(err.problems).toEqual([
      { path: 'extends', message: `more than ${MAX_EXTENDS_DEPTH} levels of extends`, line: 1 },
    ]);
  });

  it('reports a missing base at the extends line of the file naming it', () => {
    const err = scenarioErrorOf(() => loadScenarioFile(fixture('missing-base.yaml')));
    expect(err.file).toBe(fixture('missing-base.yaml'));
    expect(err.problems).toEqual([
      {
        path: 'extends',
        message: `cannot read ${fixture('nowhere.yaml')} (file not found)`,
        line: 2,
      },
    ]);
  });

  it('refuses an extends that is not a file name, and a base that is not a mapping', () => {
    expect(
      scenarioErrorOf(() => parseScenario(`${mini}extends: [a.yaml]\n`, 'x.yaml')).problems,
    ).toEqual([
      {
        path: 'extends',
        message: 'expected the path of a scenario file, e.g. extends: paper.yaml',
        line: 18,
      },
    ]);
    const err = scenarioErrorOf(() => loadScenarioFile(fixture('not-a-mapping.yaml')));
    expect(err.file).toBe(fixture('list.yaml'));
    expect(err.problems[0]!.message).toBe('a base scenario must be a mapping of fields');
  });

  it("reports problems that come from a base with the base's name and lines", () => {
    const err = scenarioErrorOf(() => loadScenarioFile(fixture('bad-child.yaml')));
    expect(err.file).toBe(fixture('bad-child.yaml'));
    const base = fixture('bad-base.yaml');
    expect(err.problems).toEqual(
      expect.arrayContaining([
        {
          path: 'cells[0].neighbors',
          message: "unknown key 'neighbors' (did you mean 'neighbours'?)",
          line: 10,
          source: base,
        },
        {
          path: 'traffic.sources[0].arrivalRate',
          message: expect.stringMatching(/>=0/),
          line: 17,
          source: base,
        },
        // the child's own problem: its line, no source
        { path: 'agent.gama', message: "unknown key 'gama' (did you mean 'gamma'?)", line: 5 },
      ]),
    );
    expect(err.problems).toHaveLength(3);
    expect(err.message).toContain(
      `cells[0].neighbors (${base}, line 10): unknown key 'neighbors' (did you mean 'neighbours'?)`,
    );
    expect(err.message).toContain("agent.gama (line 5): unknown key 'gama'");
  });

  it('attributes a value to the newest file that still shows through', () => {
    // Lists replace: the child's cell lacks a type, even though the base's first cell has one.
    const dir = tmp();
    writeFileSync(join(dir, 'base.yaml'), mini);
    writeFileSync(
      join(dir, 'child.yaml'),
      'extends: base.yaml\ncells:\n  - id: a\n  - id: b\n    type: macro\n',
    );
    const err = scenarioErrorOf(() => loadScenarioFile(join(dir, 'child.yaml')));
    expect(err.problems).toEqual([
      { path: 'cells[0].type', message: 'missing required field (expected string)', line: 3 },
    ]);
  });

  it('reports syntax errors of a base in the base file', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'base.yaml'), 'name: x\n  bad: [\n');
    writeFileSync(join(dir, 'child.yaml'), 'extends: base.yaml\nname: y\n');
    const err = scenarioErrorOf(() => loadScenarioFile(join(dir, 'child.yaml')));
    expect(err.file).toBe(join(dir, 'base.yaml'));
    expect(err.problems[0]!.message).toMatch(/YAML syntax error|bad indentation/);
  });

  it('applies the size limit to every file of the chain', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'base.yaml'), `${mini}# ${'x'.repeat(4 * 1024 * 1024)}\n`);
    writeFileSync(join(dir, 'child.yaml'), 'extends: base.yaml\n');
    const err = scenarioErrorOf(() => loadScenarioFile(join(dir, 'child.yaml')));
    expect(err.file).toBe(join(dir, 'base.yaml'));
    expect(err.problems).toEqual([{ path: '', message: 'file is larger than 4194304 bytes' }]);
  });
});

describe('--set overrides', () => {
  const load = (...set: string[]) => loadScenarioFile(fixture('child.yaml'), { set });

  it('sets values after extends, creating missing mappings', () => {
    const s = load(
      'agent.alpha=0.7',
      'guidance.llm.latency={model: fixed, seconds: 1}',
      'cells[1].capacity=5',
      'traffic.sources[0].arrivalRate=3',
      'description=two words',
    );
    expect(s.agent.alpha).toBe(0.7);
    expect(s.agent.gamma).toBe(0.8); // the rest of agent stays
    expect(s.guidance.llm.latency).toEqual({ model: 'fixed', seconds: 1 });
    expect(s.cells[1]!.capacity).toBe(5);
    expect(s.traffic.sources[0]!.arrivalRate).toBe(3);
    expect(s.description).toBe('two words');
    expect(load('agent.alpha=0.4', 'agent.alpha=0.5').agent.alpha).toBe(0.5); // the last wins
    expect(load("description='42'").description).toBe('42'); // quoted: a string
  });

  it('reads values as YAML: numbers, strings, booleans, flow collections', () => {
    expect(parseOverride('a=0.2').value).toBe(0.2);
    expect(parseOverride('a=hello world').value).toBe('hello world');
    expect(parseOverride("a='0.2'").value).toBe('0.2');
    expect(parseOverride('a=false').value).toBe(false);
    expect(parseOverride('a=[1, 2]').value).toEqual([1, 2]);
    expect(parseOverride('a={x: 1}').value).toEqual({ x: 1 });
    expect(parseOverride("a=''").value).toBe('');
    expect(parseOverride('cells[2].id=c').keys).toEqual(['cells', 2, 'id']);
  });

  it('refuses a malformed override with a clear message', () => {
    const cases: [string, RegExp][] = [
      ['agent.alpha', /--set 'agent.alpha': expected PATH=VALUE/],
      ['agent.alpha=', /--set agent.alpha: give a value/],
      ['agent..alpha=1', /--set: 'agent..alpha' is not a parameter path/],
      ['agent.alpha=[1', /--set agent.alpha: cannot read the value '\[1'/],
      ['agent.alpha=!!binary aGk=', /YAML tag !!binary is not allowed/],
      ['description=Note: this', /reads as a YAML block collection; quote it/],
    ];
    for (const [spec, message] of cases) expect(errorOf(() => load(spec)).message).toMatch(message);
  });

  it('refuses a path the schema does not have, suggesting the nearest key', () => {
    const cases: [string, string][] = [
      [
        'agent.alphaa=0.2',
        "--set agent.alphaa: unknown key 'alphaa' in agent (did you mean 'alpha'?)",
      ],
      ['nmae=x', "--set nmae: unknown key 'nmae' in the scenario (did you mean 'name'?)"],
      ['agent.colour=1', "--set agent.colour: unknown key 'colour' in agent"],
      [
        'cells[0].neighbors=[b]',
        "--set cells[0].neighbors: unknown key 'neighbors' in cells[0] (did you mean 'neighbours'?)",
      ],
      [
        'guidance.llm.latency.medianSecond=1',
        "--set guidance.llm.latency.medianSecond: unknown key 'medianSecond' in guidance.llm.latency (did you mean 'medianSeconds'?)",
      ],
      ['agent.alpha.x=1', '--set agent.alpha.x: agent.alpha is a number, not a mapping'],
      ['cells.x=1', '--set cells.x: cells is a list: name an item, cells[0]'],
      ['agent[0]=1', '--set agent[0]: agent is not a list'],
      [
        'cells[5].capacity=3',
        '--set cells[5].capacity: cells[5] does not exist (cells has 2 items)',
      ],
      [
        'signals[0].id=x',
        '--set signals[0].id: signals[0] does not exist (signals is not in the scenario)',
      ],
    ];
    for (const [spec, message] of cases) {
      const err = errorOf(() => load(spec));
      expect(err).not.toBeInstanceOf(ScenarioError);
      expect(err.message).toBe(message);
    }
    // Keys of a record are names, not schema keys: a new cell type is a path like any other.
    expect(load('cellTypes.small={power: {min: 1, max: 2}, capacity: 3}').cellTypes.small).toEqual(
      expect.objectContaining({ capacity: 3 }),
    );
  });

  it('reports a bad value through validation, naming the override', () => {
    const err = scenarioErrorOf(() => load('agent.alpha=2', 'agent.gamma=0.5'));
    expect(err.file).toBe(fixture('child.yaml'));
    expect(err.problems).toEqual([
      {
        path: 'agent.alpha',
        message: expect.stringMatching(/<=1/),
        source: '--set agent.alpha=2',
      },
    ]);
    expect(err.message).toContain('agent.alpha (--set agent.alpha=2): ');
    const nested = scenarioErrorOf(() => load('guidance.llm.latency={model: fixed, second: 1}'));
    expect(nested.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: 'guidance.llm.latency.second',
          message: "unknown key 'second' (did you mean 'seconds'?)",
          source: '--set guidance.llm.latency={model: fixed, second: 1}',
        }),
      ]),
    );
  });

  it('attributes problems by path: files keep theirs, overrides theirs', () => {
    const files = [
      { file: 'base', data: { agent: { alpha: 1, gamma: 1 }, cells: [{ id: 'a' }] } },
      { file: 'child', data: { agent: { alpha: 2 } } },
    ];
    const set = [parseOverride('agent.gamma=3'), parseOverride('cells[0].id=b')];
    const who = (path: (string | number)[]) => {
      const o = originOf(files, set, path);
      return 'override' in o ? o.override.spec : o.file.file;
    };
    expect(who(['agent', 'alpha'])).toBe('child');
    expect(who(['agent', 'gamma'])).toBe('agent.gamma=3');
    expect(who(['cells', 0, 'id'])).toBe('cells[0].id=b');
    expect(who(['cells', 0, 'type'])).toBe('base'); // the item itself is the base's
    expect(who(['agent', 'beta'])).toBe('child'); // missing: the newest file with `agent`
    expect(who([])).toBe('child');
    expect(who(['radio'])).toBe('child');
  });
});
