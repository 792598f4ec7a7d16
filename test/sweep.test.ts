import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../src/errors.js';
import { parsePath, parseVary, sweepVariants } from '../src/experiment/sweep.js';
import { shortPaper } from './helpers/paper.js';

const CLI = 'dist/src/cli/main.js';
const aura = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
const tmp = () => mkdtempSync(join(tmpdir(), 'aura-sweep-'));

const errorOf = (run: () => unknown): string => {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as Error).message;
  }
  throw new Error('expected a UserError');
};

describe('sweep parameters', () => {
  it('parses paths with keys and list indices', () => {
    expect(parsePath('guidance.llm.latency.medianSeconds')).toEqual([
      'guidance',
      'llm',
      'latency',
      'medianSeconds',
    ]);
    expect(parsePath('traffic.sources[1].arrivalRate')).toEqual([
      'traffic',
      'sources',
      1,
      'arrivalRate',
    ]);
    expect(errorOf(() => parsePath('a..b'))).toContain("'a..b' is not a parameter path");
  });

  it('reads values as YAML scalars or flow collections, split on top-level commas', () => {
    expect(parseVary('agent.alpha=0.1, 0.2,0.5').values).toEqual([0.1, 0.2, 0.5]);
    expect(
      parseVary(
        'guidance.llm.latency={model: fixed, seconds: 1},{model: lognormal, medianSeconds: 2}',
      ).values,
    ).toEqual([
      { model: 'fixed', seconds: 1 },
      { model: 'lognormal', medianSeconds: 2 },
    ]);
    expect(parseVary('guidance.planner.suggestionScope=state,once').values).toEqual([
      'state',
      'once',
    ]);
    expect(errorOf(() => parseVary('agent.alpha'))).toContain('expected PATH=V1,V2');
    expect(errorOf(() => parseVary('agent.alpha=0.1,,0.2'))).toContain('give one or more');
    expect(errorOf(() => parseVary('agent.alpha=0.1,0.1'))).toContain('a value is given twice');
  });

  it('builds the cross product, first --vary slowest, each variant validated', () => {
    const base = shortPaper();
    const variants = sweepVariants(base, [
      parseVary('guidance.llm.errorRate=0,0.2'),
      parseVary('guidance.planner.batchSeconds=0.1,1,5'),
    ]);
    expect(variants.map((v) => v.key)).toEqual(['v1', 'v2', 'v3', 'v4', 'v5', 'v6']);
    expect(
      variants.map((v) => [
        v.values['guidance.llm.errorRate'],
        v.values['guidance.planner.batchSeconds'],
      ]),
    ).toEqual([
      [0, 0.1],
      [0, 1],
      [0, 5],
      [0.2, 0.1],
      [0.2, 1],
      [0.2, 5],
    ]);
    expect(variants[4]!.scenario.guidance.llm.errorRate).toBe(0.2);
    expect(variants[4]!.scenario.guidance.planner.batchSeconds).toBe(1);
    expect(base.guidance.llm.errorRate).toBe(0.05); // the base scenario is untouched
  });

  it('refuses a bad path or value with the parameter and the problem named', () => {
    const base = shortPaper();
    const bad = (spec: string) => errorOf(() => sweepVariants(base, [parseVary(spec)]));
    expect(bad('guidance.llm.latencyy.medianSeconds=1')).toContain(
      'guidance.llm.latencyy does not exist in the scenario',
    );
    expect(bad('guidance.llm.errorRat=0.1')).toMatch(/guidance\.llm: unknown key 'errorRat'/);
    expect(bad('guidance.llm.errorRate=2')).toMatch(
      /with guidance\.llm\.errorRate=2 is invalid:\n {2}- guidance\.llm\.errorRate: Too big/,
    );
    expect(bad('agent.alpha=fast')).toMatch(
      /agent\.alpha: Invalid input: expected number, received string/,
    );
    expect(bad('traffic.sources[5].arrivalRate=1')).toContain(
      'traffic.sources[5] does not exist in the scenario',
    );
    expect(bad('agent.alpha.x=1')).toContain('agent.alpha does not exist in the scenario');
    expect(
      errorOf(() =>
        sweepVariants(base, [parseVary('agent.alpha=0.1'), parseVary('agent.alpha=0.2')]),
      ),
    ).toContain('given twice');
  });
});

describe('aura sweep', () => {
  it('a sweep over one value gives exactly the per-run summaries of the experiment', () => {
    const dir = tmp();
    const file = join(dir, 'short.yaml');
    writeFileSync(
      file,
      readFileSync('scenarios/paper.yaml', 'utf8')
        .replace('training: 200', 'training: 6')
        .replace('test: 50', 'test: 2'),
    );
    const grid = ['--traffic', 'normal', '--seeds', '2', '--no-progress', '--workers', '2'];
    expect(aura('experiment', file, ...grid, '--out', join(dir, 'exp')).status).toBe(0);
    const sweep = aura(
      'sweep',
      file,
      '--vary',
      'guidance.llm.errorRate=0.05',
      ...grid,
      '--out',
      join(dir, 'sw'),
    );
    expect(sweep.status).toBe(0);
    expect(sweep.stdout).toContain(`report: ${join(dir, 'sw', 'report.md')}`);
    for (const config of ['marl-only', 'guided', 'aura']) {
      for (const seed of [1, 2]) {
        const a = readFileSync(
          join(dir, 'exp', 'runs', config, 'normal', `seed-${seed}`, 'summary.json'),
          'utf8',
        );
        const b = readFileSync(
          join(dir, 'sw', 'runs', 'v1', config, 'normal', `seed-${seed}`, 'summary.json'),
          'utf8',
        );
        expect(b).toBe(a);
      }
    }
    const csv = readFileSync(join(dir, 'sw', 'sweep.csv'), 'utf8')
      .trim()
      .split('\n');
    expect(csv).toHaveLength(1 + 6);
    expect(csv[0]).toMatch(/^guidance\.llm\.errorRate,config,traffic,seed,/);
    expect(csv[0]).toContain('p95SuggestionAgeMs');
    expect(
      existsSync(join(dir, 'sw', 'plots', 'dropped-requests-vs-guidance.llm.errorRate.svg')),
    ).toBe(true);
    expect(readFileSync(join(dir, 'sw', 'report.md'), 'utf8')).toContain(
      '## Best and worst settings against marl-only',
    );
  }, 120_000);

  it('exits 2 naming a bad --vary', () => {
    const res = aura(
      'sweep',
      'scenarios/paper.yaml',
      '--vary',
      'guidance.llm.errorRate=1.5',
      '--out',
      join(tmp(), 'x'),
    );
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('guidance.llm.errorRate=1.5 is invalid');
    expect(res.stderr).not.toMatch(/\n\s+at /);
    const none = aura('sweep', 'scenarios/paper.yaml', '--out', join(tmp(), 'y'));
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('give at least one --vary');
  });
});
