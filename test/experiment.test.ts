import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The built CLI (`npm test` builds first): worker threads run the compiled worker.
const CLI = 'dist/src/cli/main.js';
const aura = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
const tmp = () => mkdtempSync(join(tmpdir(), 'aura-exp-'));

function shortScenario(dir: string, training = 6): string {
  const file = join(dir, 'short.yaml');
  writeFileSync(
    file,
    readFileSync('scenarios/paper.yaml', 'utf8')
      .replace('training: 200', `training: ${training}`)
      .replace('test: 50', 'test: 2'),
  );
  return file;
}

const summaries = (out: string) => {
  const found: Record<string, string> = {};
  for (const config of readdirSync(join(out, 'runs'))) {
    for (const traffic of readdirSync(join(out, 'runs', config))) {
      for (const seed of readdirSync(join(out, 'runs', config, traffic))) {
        const file = join(out, 'runs', config, traffic, seed, 'summary.json');
        if (existsSync(file)) found[`${config}/${traffic}/${seed}`] = readFileSync(file, 'utf8');
      }
    }
  }
  return found;
};

describe('aura experiment', () => {
  it('runs the grid, writes results, statistics, plots and a report; same summaries with 1 or 2 workers', () => {
    const dir = tmp();
    const scenario = shortScenario(dir);
    const grid = ['--traffic', 'low,high', '--seeds', '3', '--no-progress'];
    const one = aura('experiment', scenario, ...grid, '--workers', '1', '--out', join(dir, 'one'));
    expect(one.status).toBe(0);
    expect(one.stdout).toMatch(/dropped requests \(median\) — rural/);
    expect(one.stderr).not.toMatch(/Warning/); // e.g. no MaxListenersExceededWarning with many runs
    expect(one.stdout).toContain(`report: ${join(dir, 'one', 'report.md')}`);
    const two = aura('experiment', scenario, ...grid, '--workers', '2', '--out', join(dir, 'two'));
    expect(two.status).toBe(0);
    const a = summaries(join(dir, 'one'));
    expect(Object.keys(a)).toHaveLength(3 * 2 * 3);
    expect(summaries(join(dir, 'two'))).toEqual(a);

    const out = join(dir, 'one');
    const csv = readFileSync(join(out, 'results.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(1 + 18);
    expect(csv[0]).toMatch(/^config,traffic,seed,steps,systemFailures,failureRate,droppedRequests/);
    expect(readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n')).toHaveLength(18);
    const stats = JSON.parse(readFileSync(join(out, 'stats.json'), 'utf8'));
    const rural = stats.find(
      (s: { metric: string; agent: string; traffic: string }) =>
        s.metric === 'droppedRequests' && s.agent === 'rural' && s.traffic === 'high',
    );
    expect(rural.kruskal.df).toBe(2);
    expect(rural.dunn.map((d: { a: string; b: string }) => `${d.a}-${d.b}`)).toEqual([
      'marl-only-guided',
      'marl-only-aura',
    ]);
    for (const plot of ['dropped-requests', 'llm-usage', 'system-failures', 'trust']) {
      expect(readFileSync(join(out, 'plots', `${plot}.svg`), 'utf8')).toMatch(
        /^<svg[\s\S]*<\/svg>\s*$/,
      );
    }
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    expect(report).toContain('## The paper’s claims');
    expect(report).toMatch(
      /\*\*(reproduced|partly reproduced|not reproduced)\*\* — LLM-guided configurations cut/,
    );
    expect(report).toContain('![Dropped requests per agent');
    expect(JSON.parse(readFileSync(join(out, 'claims.json'), 'utf8'))).toHaveLength(6);
  }, 120_000);

  it('resumes: only missing runs are run again; a changed scenario or a reused directory is refused', () => {
    const dir = tmp();
    const scenario = shortScenario(dir);
    const out = join(dir, 'exp');
    const grid = [
      '--configs',
      'marl-only,guided',
      '--traffic',
      'low',
      '--seeds',
      '2',
      '--no-progress',
      '--out',
      out,
    ];
    expect(aura('experiment', scenario, ...grid).status).toBe(0);
    const before = summaries(out);
    rmSync(join(out, 'runs', 'guided', 'low', 'seed-2'), { recursive: true });
    const again = aura('experiment', scenario, ...grid);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('already holds an experiment; pass --resume');
    const resumed = aura('experiment', scenario, ...grid, '--resume');
    expect(resumed.status).toBe(0);
    expect(resumed.stderr).toContain('resumed: 3 finished runs reused');
    expect(summaries(out)).toEqual(before);
    writeFileSync(
      scenario,
      readFileSync(scenario, 'utf8').replace('arrivalRate: 1.6', 'arrivalRate: 1.7'),
    );
    const changed = aura('experiment', scenario, ...grid, '--resume');
    expect(changed.status).toBe(2);
    expect(changed.stderr).toContain('with different contents');
  }, 120_000);

  it('a failing run is reported with its cell and seed; the others finish', () => {
    const dir = tmp();
    const scenario = shortScenario(dir);
    const out = join(dir, 'exp');
    const grid = [
      '--configs',
      'marl-only,guided',
      '--traffic',
      'low',
      '--seeds',
      '2',
      '--no-progress',
      '--out',
      out,
    ];
    expect(aura('experiment', scenario, ...grid).status).toBe(0);
    // A file where one run's directory should go: that run cannot write its results.
    rmSync(join(out, 'runs', 'guided', 'low', 'seed-1'), { recursive: true });
    writeFileSync(join(out, 'runs', 'guided', 'low', 'seed-1'), 'in the way');
    const res = aura('experiment', scenario, ...grid, '--resume');
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/1 of 4 runs failed[\s\S]*guided\/low\/seed-1/);
    expect(Object.keys(summaries(out)).sort()).toEqual([
      'guided/low/seed-2',
      'marl-only/low/seed-1',
      'marl-only/low/seed-2',
    ]);
    const failures = readFileSync(join(out, 'failures.jsonl'), 'utf8').trim().split('\n');
    expect(JSON.parse(failures[0]!)).toMatchObject({ config: 'guided', traffic: 'low', seed: 1 });
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('## Failed runs');
    // Clear the obstruction and resume: the run completes and the stale failure list goes.
    rmSync(join(out, 'runs', 'guided', 'low', 'seed-1'));
    const again = aura(
      'experiment',
      scenario,
      '--configs',
      'marl-only,guided',
      '--traffic',
      'low',
      '--seeds',
      '2',
      '--no-progress',
      '--out',
      out,
      '--resume',
    );
    expect(again.status).toBe(0);
    expect(existsSync(join(out, 'failures.jsonl'))).toBe(false);
    expect(Object.keys(summaries(out))).toHaveLength(4);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).not.toContain('## Failed runs');
  }, 120_000);

  it('reruns on resume what another build made, and refuses run directories it did not create', () => {
    const dir = tmp();
    const scenario = shortScenario(dir);
    const out = join(dir, 'exp');
    const grid = [
      '--configs',
      'marl-only',
      '--traffic',
      'low',
      '--seeds',
      '2',
      '--no-progress',
      '--out',
      out,
    ];
    expect(aura('experiment', scenario, ...grid).status).toBe(0);
    const jobFile = join(out, 'runs', 'marl-only', 'low', 'seed-1', 'job.json');
    const made = JSON.parse(readFileSync(jobFile, 'utf8'));
    writeFileSync(jobFile, JSON.stringify({ ...made, fingerprint: 'older-build' }));
    const resumed = aura('experiment', scenario, ...grid, '--resume');
    expect(resumed.status).toBe(0);
    expect(resumed.stderr).toContain(
      'note: 1 finished run was made by another build of aura-sim: running it again',
    );
    expect(resumed.stderr).toContain('resumed: 1 finished runs reused');
    expect(JSON.parse(readFileSync(jobFile, 'utf8')).fingerprint).toBe(made.fingerprint);

    const stray = join(dir, 'stray');
    mkdirSync(join(stray, 'runs'), { recursive: true });
    const refused = aura('experiment', scenario, ...grid.slice(0, -1), stray, '--resume');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('holds runs but no experiment.json');
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const notDir = aura('experiment', scenario, ...grid.slice(0, -1), file);
    expect(notDir.status).toBe(2);
    expect(notDir.stderr).toContain('is a file, not a directory');
  }, 120_000);

  it('Ctrl-C stops the pool, keeps finished runs, and --resume completes the grid', async () => {
    const dir = tmp();
    const scenario = shortScenario(dir, 40);
    const out = join(dir, 'exp');
    const args = [
      CLI,
      'experiment',
      scenario,
      '--seeds',
      '6',
      '--workers',
      '1',
      '--no-progress',
      '--out',
      out,
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    // Interrupt once the first run has finished.
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (existsSync(join(out, 'runs', 'marl-only', 'low', 'seed-1', 'summary.json'))) {
          clearInterval(poll);
          child.kill('SIGINT');
          resolve();
        }
      }, 20);
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupted: \d+ of 54 runs finished and kept/);
    const kept = Object.keys(summaries(out)).length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(54);
    const resumed = aura(
      'experiment',
      scenario,
      '--seeds',
      '6',
      '--workers',
      '2',
      '--no-progress',
      '--out',
      out,
      '--resume',
    );
    expect(resumed.status).toBe(0);
    expect(resumed.stderr).toContain(`resumed: ${kept} finished runs reused`);
    expect(Object.keys(summaries(out))).toHaveLength(54);
  }, 180_000);

  it.each([
    [['--seeds', '0'], /--seeds.*positive integer/],
    [['--seed-list', '1,x'], /--seed-list.*non-negative integers/],
    [['--seeds', '2', '--seed-list', '1,2'], /--seeds and --seed-list both choose the seeds/],
    [['--workers', 'many'], /--workers.*positive integer/],
    [['--configs', 'best'], /unknown configuration 'best'/],
    [['--traffic', 'rush'], /unknown level 'rush'/],
  ])('exits 2 with a clear message for %j', (args, message) => {
    const res = aura('experiment', 'scenarios/paper.yaml', ...args, '--out', join(tmp(), 'x'));
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(message);
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });
});
