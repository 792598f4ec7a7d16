import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../src/errors.js';
import {
  formatPath,
  loadScenarioFile,
  parseScenario,
  ScenarioError,
  type ScenarioProblem,
} from '../src/scenario/load.js';
import { resolveModel, trafficLevels } from '../src/scenario/resolve.js';
import { scenarioCells } from '../src/scenario/topology.js';

const fixture = (name: string) => `test/fixtures/scenarios/${name}`;
const paperText = readFileSync('scenarios/paper.yaml', 'utf8');
const mini = readFileSync(fixture('mini.yaml'), 'utf8');

/** The mini scenario with `from` (which must occur exactly once) replaced by `to`. */
const variant = (from: string, to: string): string => {
  expect(mini.split(from)).toHaveLength(2);
  return mini.replace(from, to);
};

const errorOf = (run: () => unknown): ScenarioError => {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    expect(err).toBeInstanceOf(UserError);
    return err as ScenarioError;
  }
  throw new Error('expected a ScenarioError');
};

const problemsOf = (text: string): readonly ScenarioProblem[] =>
  errorOf(() => parseScenario(text, 'x.yaml')).problems;

describe('paper.yaml', () => {
  const paper = parseScenario(paperText, 'scenarios/paper.yaml');

  it('parses, with the defaults filled in', () => {
    expect(paper.name).toBe('paper');
    expect(paper.time).toEqual({ stepSeconds: 1, stepsPerEpisode: 100 });
    expect(paper.episodes).toEqual({ training: 200, test: 50 });
    expect(paper.initial).toEqual({ loadFraction: { min: 0, max: 0.8 } });
    expect(paper.radio).toEqual({
      model: 'paper',
      sinr: {
        pathLossDb: 128.1,
        pathLossSlopeDb: 37.6,
        shadowingSdDb: 8,
        noiseDbm: -97,
        minDistanceKm: 0.035,
      },
      signalFloorDbm: -112,
      poorSignalDbm: -100,
      poorSnrDb: 5,
      referencePowerDbm: 40,
      service: { minRateMbps: 2, bandwidthMHz: 10 },
      coverage: { goodMaxPoorShare: 0.1, fairMaxPoorShare: 0.3 },
      shadowing: { sdDb: 4, decorrelationSeconds: 50 },
      handoffMarginDb: 3,
    });
    expect(paper.agent).toEqual({
      alpha: 0.1,
      gamma: 0.9,
      epsilon: { start: 1, end: 0.05, schedule: 'exponential', decayEpisodes: 150 },
      test: { epsilon: 0.05, learn: true },
      dropBuckets: [1, 2, 4],
      reward: { coverage: 1, drop: 0.5, energy: 0.2 },
    });
    expect(paper.traffic.windowSteps).toBe(200);
    expect(paper.traffic.default).toBe('normal');
    expect(paper.traffic.sources.map((s) => s.meanHoldingSteps)).toEqual([20, 20]);
  });

  it('has the rural and urban cells of the paper', () => {
    expect(paper.cellTypes).toEqual({
      rural: {
        power: { min: 43, max: 46, step: 1 },
        capacity: 50,
        signalDbm: { min: -120, max: -50 },
        snrDb: { min: 0, max: 30 },
      },
      urban: {
        power: { min: 30, max: 37, step: 1 },
        capacity: 30,
        signalDbm: { min: -120, max: -50 },
        snrDb: { min: 0, max: 30 },
      },
    });
    expect(paper.cells).toEqual([
      { id: 'rural', type: 'rural', neighbours: ['urban'] },
      { id: 'urban', type: 'urban', neighbours: ['rural'] },
    ]);
    expect(trafficLevels(paper)).toEqual(['low', 'normal', 'high']);
  });

  it('fills defaults in a minimal scenario too', () => {
    const s = loadScenarioFile(fixture('mini.yaml'));
    expect(s.description).toBe('');
    expect(s.cellTypes.macro!.signalDbm).toEqual({ min: -120, max: -50 });
    expect(s.cellTypes.macro!.snrDb).toEqual({ min: 0, max: 30 });
    expect(s.traffic.levels).toEqual({
      low: { scale: 0.5, arrivalRates: {} },
      normal: { scale: 1, arrivalRates: {} },
      high: { scale: 1.5, arrivalRates: {} },
    });
    expect(s.traffic.sources[0]!.meanHoldingSteps).toBeUndefined();
    expect(resolveModel(s).sources[0]!.meanHoldingSteps).toBe(20);
    const noNeighbours = parseScenario(variant('    neighbours: [b]\n', ''));
    expect(noNeighbours.cells[0]!.neighbours).toBeUndefined();
    expect(scenarioCells(noNeighbours)[0]!.neighbours).toEqual([]);
  });

  it('accepts JSON, and YAML aliases used sparingly', () => {
    const json = JSON.stringify(parseScenario(mini));
    expect(parseScenario(json)).toEqual(parseScenario(mini));
    const aliased = variant('neighbours: [b]', 'neighbours: &nb [b]').replace(
      '    neighbours: [a]\n',
      '    neighbours: [a]\n  - id: c\n    type: macro\n    neighbours: *nb\n',
    );
    expect(parseScenario(aliased).cells[2]).toEqual({ id: 'c', type: 'macro', neighbours: ['b'] });
  });
});

describe('malformed scenarios', () => {
  it('reports a YAML syntax error with its line', () => {
    // (inline, not a fixture: `biome check .` would fail on a malformed .yaml file)
    const text = variant('    neighbours: [b]', '   neighbours: [b]');
    const err = errorOf(() => parseScenario(text, 'bad.yaml'));
    expect(err.file).toBe('bad.yaml');
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatchObject({ path: '', line: 9 });
    expect(err.problems[0]!.message).toMatch(/^YAML syntax error: /);
    expect(err.message).toContain('(line 9)');
    const nested = problemsOf(variant('    type: macro\n    neighbours: [a]', '    type: a: b'));
    expect(nested[0]).toMatchObject({ path: '', line: 11 });
  });

  it('reports a duplicate key as a YAML error with its line', () => {
    const problems = problemsOf(`${mini}name: again\n`);
    expect(problems).toEqual([
      {
        path: '',
        message: "YAML syntax error: the key 'name' appears twice in one mapping",
        line: 18,
      },
    ]);
  });

  it('reports a wrong type with its path and line', () => {
    const problems = problemsOf(variant('capacity: 20', 'capacity: "fifty"'));
    expect(problems).toEqual([
      {
        path: 'cellTypes.macro.capacity',
        message: expect.stringMatching(/expected number, received string/),
        line: 5,
      },
    ]);
  });

  it('reports a missing required field', () => {
    const problems = problemsOf(mini.replace(/cells:\n( {2}.*\n)+/, ''));
    expect(problems).toEqual([
      { path: 'cells', message: 'no cells: give `cells` or a `layout`', line: 1 },
      { path: 'traffic.sources[0].cell', message: "unknown cell 'a'", line: 9 },
    ]);
    const nested = problemsOf(variant('    capacity: 20\n', ''));
    expect(nested).toMatchObject([
      {
        path: 'cellTypes.macro.capacity',
        message: 'missing required field (expected number)',
        line: 3, // the line of `macro:`, the deepest entry that exists
      },
    ]);
  });

  it('reports every missing top-level field of an empty document', () => {
    expect(problemsOf('').map((p) => p.path)).toEqual(['name', 'traffic']);
    expect(problemsOf('- 1\n- 2\n')).toMatchObject([{ path: '', line: 1 }]);
  });

  it('reports power min above max', () => {
    expect(problemsOf(variant('min: 40, max: 46', 'min: 47, max: 46'))).toEqual([
      { path: 'cellTypes.macro.power.min', message: 'min (47) must not exceed max (46)', line: 4 },
    ]);
    const override = variant(
      '    neighbours: [a]',
      '    neighbours: [a]\n    power: { min: 10, max: 5 }',
    );
    expect(problemsOf(override)).toMatchObject([{ path: 'cells[1].power.min', line: 13 }]);
  });

  it('reports a power step that does not divide the range', () => {
    expect(problemsOf(variant('step: 2', 'step: 4'))).toEqual([
      {
        path: 'cellTypes.macro.power.step',
        message: 'step (4) must divide the range 40..46 into whole levels',
        line: 4,
      },
    ]);
    expect(problemsOf(variant('step: 2', 'step: 0'))).toMatchObject([
      { path: 'cellTypes.macro.power.step', line: 4 },
    ]);
    expect(parseScenario(variant('step: 2', 'step: 0.5')).cellTypes.macro!.power.step).toBe(0.5);
  });

  it('reports a negative or zero capacity', () => {
    for (const cap of ['-5', '0', '2.5']) {
      expect(problemsOf(variant('capacity: 20', `capacity: ${cap}`))).toMatchObject([
        { path: 'cellTypes.macro.capacity', line: 5 },
      ]);
    }
  });

  it('reports an unknown key, top-level or nested, with its line', () => {
    expect(problemsOf(`${mini}colour: blue\n`)).toEqual([
      { path: 'colour', message: "unknown key 'colour'", line: 18 },
    ]);
    expect(problemsOf(variant('    capacity: 20', '    capacity: 20\n    colour: blue'))).toEqual([
      { path: 'cellTypes.macro.colour', message: "unknown key 'colour'", line: 6 },
    ]);
    expect(problemsOf(variant('step: 2 }', 'step: 2, mode: auto }'))).toEqual([
      { path: 'cellTypes.macro.power.mode', message: "unknown key 'mode'", line: 4 },
    ]);
    expect(problemsOf(`${mini}radio:\n  extra: 1\n  other: 2\n`)).toEqual([
      { path: 'radio.extra', message: "unknown keys 'extra', 'other'", line: 19 },
    ]);
  });

  it('names what replaced a retired field', () => {
    expect(problemsOf(`${mini}radio:\n  drift: { signalSdDb: 1 }\n`)).toEqual([
      {
        path: 'radio.drift',
        message:
          "unknown key 'drift' (replaced by radio.shadowing, a bounded, mean-reverting fading; the SNR now follows the signal (docs/model.md))",
        line: 19,
      },
    ]);
  });

  // Regression: the line used to be taken from the key's *value* node, which for a block
  // mapping starts on the next line (20, the line of `foo: 1`, instead of 19, `extra:`).
  it('reports the line of an unknown key whose value is a block mapping', () => {
    expect(problemsOf(`${mini}radio:\n  extra:\n    foo: 1\n`)).toEqual([
      { path: 'radio.extra', message: "unknown key 'extra'", line: 19 },
    ]);
  });

  it('reports an unknown neighbour and a cell that is its own neighbour', () => {
    expect(problemsOf(variant('neighbours: [a]', 'neighbours: [a, c]'))).toEqual([
      { path: 'cells[1].neighbours[1]', message: "unknown neighbour 'c'", line: 12 },
    ]);
    expect(problemsOf(variant('neighbours: [a]', 'neighbours: [b]'))).toEqual([
      {
        path: 'cells[1].neighbours[0]',
        message: 'a cell cannot be its own neighbour',
        line: 12,
      },
    ]);
  });

  it('reports an unknown cell type, listing the known ones', () => {
    const text = variant(
      '    type: macro\n    neighbours: [a]',
      '    type: micro\n    neighbours: [a]',
    );
    expect(problemsOf(text)).toEqual([
      {
        path: 'cells[1].type',
        message: "unknown cell type 'micro' (known: rural, urban, macro)",
        line: 11,
      },
    ]);
  });

  it('reports a duplicate cell id', () => {
    const problems = problemsOf(variant('  - id: b', '  - id: a'));
    expect(problems).toContainEqual({
      path: 'cells[1].id',
      message: "duplicate cell id 'a'",
      line: 10,
    });
  });

  it('reports a duplicate traffic source id and an invalid id', () => {
    const twice = variant(
      '      arrivalRate: 1\n',
      '      arrivalRate: 1\n    - id: a-users\n      cell: b\n      arrivalRate: 2\n',
    );
    expect(problemsOf(twice)).toEqual([
      {
        path: 'traffic.sources[1].id',
        message: "duplicate traffic source id 'a-users'",
        line: 18,
      },
    ]);
    expect(problemsOf(variant('id: a-users', 'id: 1users'))).toMatchObject([
      { path: 'traffic.sources[0].id', line: 15 },
    ]);
  });

  it('reports a traffic source pointing at an unknown cell', () => {
    expect(problemsOf(variant('cell: a', 'cell: z'))).toEqual([
      { path: 'traffic.sources[0].cell', message: "unknown cell 'z'", line: 16 },
    ]);
  });

  it('reports a default traffic level that is not among the levels', () => {
    expect(problemsOf(`${mini}  default: extreme\n`)).toEqual([
      {
        path: 'traffic.default',
        message: "default level 'extreme' is not among the levels (low, normal, high)",
        line: 18,
      },
    ]);
    const custom = `${mini}  levels:\n    busy: { scale: 2 }\n`;
    expect(problemsOf(custom)).toMatchObject([
      { path: 'traffic.default', message: expect.stringContaining('(busy)') },
    ]);
    expect(parseScenario(`${custom}  default: busy\n`).traffic.default).toBe('busy');
  });

  it('reports out-of-range shares and inconsistent thresholds', () => {
    expect(problemsOf(`${mini}initial:\n  loadFraction: { min: 0.5, max: 1.5 }\n`)).toEqual([
      { path: 'initial.loadFraction', message: 'loadFraction must lie within 0..1', line: 19 },
    ]);
    expect(
      problemsOf(`${mini}radio:\n  coverage: { goodMaxPoorShare: 0.5, fairMaxPoorShare: 0.2 }\n`),
    ).toMatchObject([{ path: 'radio.coverage', line: 19 }]);
    expect(problemsOf(`${mini}agent:\n  dropBuckets: [1, 1]\n`)).toMatchObject([
      { path: 'agent.dropBuckets', message: 'dropBuckets must be strictly increasing', line: 19 },
    ]);
    expect(problemsOf(`${mini}agent:\n  epsilon: { start: 1.5 }\n`)).toMatchObject([
      { path: 'agent.epsilon.start', line: 19 },
    ]);
  });

  it('refuses values that would exhaust memory or time, naming the field', () => {
    const cases: [string, string, string][] = [
      ['step: 2', 'step: 0.000000001', 'cellTypes.macro.power.step'],
      ['min: 40, max: 46', 'min: -1000, max: 46', 'cellTypes.macro.power.min'],
      ['capacity: 20', 'capacity: 1000000000000', 'cellTypes.macro.capacity'],
      ['arrivalRate: 1', 'arrivalRate: 1e12', 'traffic.sources[0].arrivalRate'],
    ];
    for (const [from, to, path] of cases) {
      expect(problemsOf(variant(from, to)).map((p) => p.path)).toEqual([path]);
    }
    expect(problemsOf(variant('step: 2', 'step: 0.05'))[0]!.message).toBe(
      'step (0.05) gives 121 power levels over 40..46; at most 100 are allowed',
    );
    expect(problemsOf(`${mini}time: { stepSeconds: 1e306 }\n`)).toMatchObject([
      { path: 'time.stepSeconds', line: 18 },
    ]);
    expect(problemsOf(`${mini}time: { stepsPerEpisode: 1e12 }\n`)).toMatchObject([
      { path: 'time.stepsPerEpisode' },
    ]);
    expect(
      problemsOf(
        `${mini}time: { stepsPerEpisode: 10000 }\nepisodes: { training: 100000, test: 100000 }\n`,
      ),
    ).toEqual([
      {
        path: 'episodes',
        message: expect.stringContaining('2000000000 steps'),
        line: 19,
      },
    ]);
    expect(
      problemsOf(
        `${mini}time: { stepSeconds: 86400, stepsPerEpisode: 1000000 }\nepisodes: { training: 200, test: 50 }\n`,
      ),
    ).toMatchObject([
      { path: 'time.stepSeconds', message: expect.stringContaining('exact range') },
    ]);
    // Fine per window at scale 1, too many arrivals per message at scale 1000.
    const busy = variant('arrivalRate: 1', 'arrivalRate: 2000');
    expect(parseScenario(busy).traffic.sources[0]!.arrivalRate).toBe(2000);
    expect(
      problemsOf(`${busy}  levels: { huge: { scale: 1000 } }\n  default: huge\n`),
    ).toMatchObject([
      { path: 'traffic.sources[0].arrivalRate', message: expect.stringContaining('windowSteps') },
    ]);
  });

  it('requires a step of whole milliseconds', () => {
    for (const ok of [1, 0.5, 3.333, 0.001]) {
      expect(parseScenario(`${mini}time: { stepSeconds: ${ok} }\n`).time.stepSeconds).toBe(ok);
    }
    for (const bad of ['3.3333', '0.0001', '1e-9']) {
      expect(problemsOf(`${mini}time: { stepSeconds: ${bad} }\n`)).toEqual([
        {
          path: 'time.stepSeconds',
          message: 'stepSeconds must be a whole number of milliseconds (e.g. 1, 0.5, 3.333)',
          line: 18,
        },
      ]);
    }
  });

  it('reports several problems at once, each with its path and line', () => {
    const err = errorOf(() => loadScenarioFile(fixture('several-problems.yaml')));
    expect(err.problems).toHaveLength(4);
    expect(err.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'cellTypes.macro.capacity', line: 6 }),
        expect.objectContaining({ path: 'cells[0].neighbours[0]', line: 10 }),
        expect.objectContaining({ path: 'traffic.sources[0].cell', line: 14 }),
        expect.objectContaining({ path: 'traffic.sources[0].arrivalRate', line: 15 }),
      ]),
    );
    expect(err.message).toContain('invalid scenario (4 problems)');
    expect(err.message).toContain('cells[0].neighbours[0] (line 10): unknown neighbour');
  });

  it('refuses YAML tags that build anything but plain values', () => {
    expect(problemsOf(`${mini}description: !!binary aGVsbG8=\n`)).toEqual([
      {
        path: '',
        message: 'YAML tag !!binary is not allowed: a scenario holds plain values only',
        line: 18,
      },
    ]);
    expect(problemsOf(`${mini}description: !shell ls\n`)).toMatchObject([
      { message: expect.stringContaining('YAML tag !shell'), line: 18 },
    ]);
    expect(parseScenario(`${mini}description: !!str 42\n`).description).toBe('42');
    // YAML 1.2 core schema: merge keys are ordinary (here unknown) keys.
    expect(problemsOf(`${mini}x: &base { alpha: 0.2 }\nagent: { <<: *base }\n`)).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'agent.<<' })]),
    );
  });

  it('fails fast on a "billion laughs" alias bomb', () => {
    const started = performance.now();
    const err = errorOf(() => loadScenarioFile(fixture('billion-laughs.yaml')));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(err.problems).toEqual([{ path: '', message: expect.stringMatching(/alias/i) }]);
  });

  it('refuses an oversized file before parsing', () => {
    const err = errorOf(() => parseScenario(' '.repeat(4 * 1024 * 1024 + 1)));
    expect(err.problems).toEqual([{ path: '', message: 'file is larger than 4194304 bytes' }]);
  });

  // Regression: the limit used to be compared with `text.length` (UTF-16 code units), so
  // 2 Mi '€' characters (6 MiB in UTF-8) passed it.
  it('measures the size limit in bytes', () => {
    const err = errorOf(() => parseScenario(`# ${'€'.repeat(2 * 1024 * 1024)}\n`));
    expect(err.problems[0]!.message).toMatch(/larger than/);
  });

  it('refuses an oversized file without parsing it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aura-scenario-'));
    try {
      const file = join(dir, 'huge.yaml');
      writeFileSync(file, `${mini}# ${'x'.repeat(4 * 1024 * 1024)}\n`);
      const err = errorOf(() => loadScenarioFile(file));
      expect(err.file).toBe(file);
      expect(err.problems).toEqual([{ path: '', message: 'file is larger than 4194304 bytes' }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a file that cannot be read as a plain UserError', () => {
    expect(() => loadScenarioFile(fixture('missing.yaml'))).toThrow(
      `${fixture('missing.yaml')}: cannot read scenario (file not found)`,
    );
    expect(() => loadScenarioFile('test/fixtures/scenarios')).toThrow(/is a directory/);
  });

  it('formats paths with dots and indices', () => {
    expect(formatPath(['cells', 0, 'neighbours', 2])).toBe('cells[0].neighbours[2]');
    expect(formatPath([])).toBe('');
  });
});

describe('resolveModel', () => {
  const paper = parseScenario(paperText);

  it("has the paper's rural and urban presets built in; a preset of the same name replaces one", () => {
    const bare = parseScenario(
      'name: bare\ncells:\n  - { id: r, type: rural }\n  - { id: u, type: urban }\ntraffic:\n  everyCell: { arrivalRate: 1 }\n',
    );
    const [r, u] = resolveModel(bare).cells;
    expect([r!.powerMin, r!.powerMax, r!.capacity]).toEqual([43, 46, 50]);
    expect([u!.powerMin, u!.powerMax, u!.capacity]).toEqual([30, 37, 30]);
    const own = parseScenario(
      'name: own\ncellTypes:\n  urban: { power: { min: 20, max: 30, step: 5 }, capacity: 10 }\ncells:\n  - { id: u, type: urban }\ntraffic:\n  everyCell: { arrivalRate: 1 }\n',
    );
    expect(resolveModel(own).cells[0]!.capacity).toBe(10);
  });

  it('takes holding times from the source, else its cell type, else 20 steps', () => {
    const typed = parseScenario(
      variant('    capacity: 20\n', '    capacity: 20\n    meanHoldingSteps: 7\n'),
    );
    expect(resolveModel(typed).sources[0]!.meanHoldingSteps).toBe(7);
    const own = parseScenario(
      variant('      arrivalRate: 1\n', '      arrivalRate: 1\n      meanHoldingSteps: 3\n'),
    );
    expect(resolveModel(own).sources[0]!.meanHoldingSteps).toBe(3);
  });

  it("a traffic level can override named sources' rates instead of scaling them", () => {
    const text = `${mini}  levels:\n    rush: { scale: 2, arrivalRates: { a-users: 0.25 } }\n  default: rush\n`;
    expect(resolveModel(parseScenario(text)).sources[0]!.ratePerStep).toBe(0.25);
    const bad = `${mini}  levels:\n    rush: { arrivalRates: { b-users: 1 } }\n  default: rush\n`;
    expect(problemsOf(bad)).toMatchObject([
      {
        path: 'traffic.levels.rush.arrivalRates.b-users',
        message: "unknown traffic source 'b-users'",
      },
    ]);
  });

  it('scales arrival rates by the traffic level, the default level when none is given', () => {
    const rates = (level?: string) => resolveModel(paper, level).sources.map((s) => s.ratePerStep);
    expect(rates('low')).toEqual([0.8, 0.7]);
    expect(rates('normal')).toEqual([1.6, 1.4]);
    const high = rates('high');
    expect(high[0]).toBeCloseTo(2.4, 12);
    expect(high[1]).toBeCloseTo(2.1, 12);
    expect(rates()).toEqual(rates('normal'));
    expect(resolveModel(paper).traffic).toBe('normal');
    expect(resolveModel(paper, 'high').traffic).toBe('high');
  });

  it('resolves cell presets, power levels and neighbour indices', () => {
    const m = resolveModel(paper, 'normal');
    expect(m.cells).toEqual([
      {
        id: 'rural',
        index: 0,
        type: 'rural',
        powerMin: 43,
        powerMax: 46,
        powerStep: 1,
        powerLevels: 4,
        capacity: 50,
        signalMin: -120,
        signalMax: -50,
        snrMin: 0,
        snrMax: 30,
        neighbours: [1],
        x: Number.NaN, // no position: the paper's model needs none
        y: Number.NaN,
        userRadiusKm: 0,
      },
      {
        id: 'urban',
        index: 1,
        type: 'urban',
        powerMin: 30,
        powerMax: 37,
        powerStep: 1,
        powerLevels: 8,
        capacity: 30,
        signalMin: -120,
        signalMax: -50,
        snrMin: 0,
        snrMax: 30,
        neighbours: [0],
        x: Number.NaN,
        y: Number.NaN,
        userRadiusKm: 0,
      },
    ]);
    expect(m.sources.map((s) => [s.id, s.cellIndex, s.meanHoldingSteps])).toEqual([
      ['rural-users', 0, 20],
      ['urban-users', 1, 20],
    ]);
    expect(m).toMatchObject({ stepMs: 1000, stepsPerEpisode: 100, trainingEpisodes: 200 });
  });

  it('applies per-cell power and capacity overrides', () => {
    const s = parseScenario(
      variant(
        '    neighbours: [a]',
        '    neighbours: [a]\n    power: { min: 10, max: 16 }\n    capacity: 5',
      ),
    );
    const [a, b] = resolveModel(s).cells;
    expect([a!.powerMin, a!.powerMax, a!.powerStep, a!.powerLevels, a!.capacity]).toEqual([
      40, 46, 2, 4, 20,
    ]);
    expect([b!.powerMin, b!.powerMax, b!.powerStep, b!.powerLevels, b!.capacity]).toEqual([
      10, 16, 1, 7, 5,
    ]);
  });

  it('refuses an unknown traffic level with a UserError listing the levels', () => {
    expect(() => resolveModel(paper, 'extreme')).toThrow(UserError);
    expect(() => resolveModel(paper, 'extreme')).toThrow(
      "unknown traffic level 'extreme' for scenario 'paper' (levels: low, normal, high)",
    );
  });
});
