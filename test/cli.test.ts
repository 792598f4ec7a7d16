import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../src/scenario/load.js';

// The built CLI (`npm test` builds first), exactly as users run it.
const CLI = 'dist/src/cli/main.js';
const aura = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
const tmp = () => mkdtempSync(join(tmpdir(), 'aura-cli-'));

/** A short copy of the paper scenario, so CLI runs take well under a second. */
function shortScenario(dir: string): string {
  const file = join(dir, 'short.yaml');
  const text = readFileSync('scenarios/paper.yaml', 'utf8')
    .replace('training: 200', 'training: 10')
    .replace('test: 50', 'test: 3');
  writeFileSync(file, text);
  return file;
}

describe('aura CLI', () => {
  it('prints help and version', () => {
    const help = aura('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/run \[options\] <scenario>/);
    expect(aura('--version').stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('runs a scenario, writes the run directory and prints JSON', () => {
    const dir = tmp();
    const out = join(dir, 'run');
    const res = aura(
      'run',
      shortScenario(dir),
      '--traffic',
      'high',
      '--seed',
      '5',
      '--out',
      out,
      '--json',
    );
    expect(res.status).toBe(0);
    const printed = JSON.parse(res.stdout);
    expect(printed).toMatchObject({
      scenario: 'paper',
      config: 'marl-only',
      traffic: 'high',
      seed: 5,
    });
    for (const f of [
      'summary.json',
      'episodes.csv',
      'timings.json',
      'scenario.resolved.json',
      'policy.trained.json',
      'policy.final.json',
    ]) {
      expect(existsSync(join(out, f))).toBe(true);
    }
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))).toEqual(printed);
    const csv = readFileSync(join(out, 'episodes.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(1 + 13);
    expect(csv[0]).toMatch(/^phase,episode,epsilon,steps,systemFailures/);
    // Same flags again: byte-identical summary.
    const out2 = join(dir, 'run2');
    expect(
      aura('run', shortScenario(dir), '--traffic', 'high', '--seed', '5', '--out', out2, '--json')
        .status,
    ).toBe(0);
    expect(readFileSync(join(out2, 'summary.json'), 'utf8')).toBe(
      readFileSync(join(out, 'summary.json'), 'utf8'),
    );
  });

  it('runs several traffic levels into subdirectories and reloads a saved policy', () => {
    const dir = tmp();
    const scenario = shortScenario(dir);
    const res = aura('run', scenario, '--traffic', 'low,normal', '--out', join(dir, 'grid'));
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/traffic low/);
    expect(res.stdout).toMatch(/traffic normal/);
    const policy = join(dir, 'grid', 'normal', 'policy.trained.json');
    const again = aura('run', scenario, '--policy', policy, '--out', join(dir, 'again'), '--json');
    expect(again.status).toBe(0);
    const bad = aura('run', scenario, '--policy', join(dir, 'grid', 'normal', 'summary.json'));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/not a Q-table document/);
  });

  it('refuses a policy from another scenario unless told to transfer it', () => {
    const dir = tmp();
    const scenario = shortScenario(dir);
    expect(aura('run', scenario, '--out', join(dir, 'first')).status).toBe(0);
    const policy = join(dir, 'first', 'policy.trained.json');
    const doc = JSON.parse(readFileSync(policy, 'utf8'));
    const other = join(dir, 'other.json');
    writeFileSync(other, JSON.stringify({ ...doc, scenario: 'stadium' }));
    const refused = aura('run', scenario, '--policy', other, '--out', join(dir, 'x'));
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(
      "trained on scenario 'stadium', this run is 'paper' (pass --transfer to use them anyway)",
    );
    expect(existsSync(join(dir, 'x'))).toBe(false);
    const moved = aura('run', scenario, '--policy', other, '--transfer', '--out', join(dir, 'y'));
    expect(moved.status).toBe(0);
    const lone = aura('run', scenario, '--transfer', '--out', join(dir, 'z'));
    expect(lone.status).toBe(2);
    expect(lone.stderr).toContain('--transfer needs --policy');

    const extra = join(dir, 'extra.json');
    writeFileSync(
      extra,
      JSON.stringify({ ...doc, agents: { ...doc.agents, suburb: doc.agents.rural } }),
    );
    const res = aura('run', scenario, '--policy', extra, '--out', join(dir, 'z'));
    expect(res.status).toBe(2);
    expect(res.stderr).toContain(
      'Q-tables for cells the scenario does not have: suburb (cells: rural, urban)',
    );

    const rows = doc.agents.urban.states;
    const dup = join(dir, 'dup.json');
    writeFileSync(
      dup,
      JSON.stringify({
        ...doc,
        agents: { ...doc.agents, urban: { ...doc.agents.urban, states: [...rows, rows[0]] } },
      }),
    );
    const twice = aura('run', scenario, '--policy', dup, '--out', join(dir, 'z'));
    expect(twice.status).toBe(2);
    expect(twice.stderr).toContain(
      `agents.urban.states[${rows.length}]: the same state as states[0]`,
    );
  });

  it('runs guided and aura out of the box, key-free, and writes the feedback log', () => {
    const dir = tmp();
    const scenario = shortScenario(dir);
    const guided = aura('run', scenario, '--config', 'guided', '--out', join(dir, 'g'), '--json');
    expect(guided.status).toBe(0);
    const g = JSON.parse(guided.stdout);
    expect(g.llm).toMatchObject({ provider: 'simulated', model: 'aura-sim-heuristic' });
    expect(g.llm.calls).toBeGreaterThan(0);
    expect(g.guidance.trust.rural.final).toBeGreaterThan(0);
    expect(existsSync(join(dir, 'g', 'feedback.jsonl'))).toBe(false);
    const csv = readFileSync(join(dir, 'g', 'episodes.csv'), 'utf8').split('\n')[0]!;
    expect(csv).toContain('rural.trust');
    const text = aura('run', scenario, '--config', 'aura', '--out', join(dir, 'a'));
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/LLM \(simulated\/aura-sim-heuristic\): \d+ calls/);
    expect(text.stdout).toMatch(/alignment: \d+ evaluations/);
    const log = readFileSync(join(dir, 'a', 'feedback.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(JSON.parse(log[0]!)).toMatchObject({ phase: 'training', parameter: expect.any(String) });
  });

  it('runs every configuration and level into <config>/<level> subdirectories', () => {
    const dir = tmp();
    const res = aura(
      'run',
      shortScenario(dir),
      '--config',
      'all',
      '--traffic',
      'low,high',
      '--out',
      join(dir, 'grid'),
      '--json',
    );
    expect(res.status).toBe(0);
    const runs = JSON.parse(res.stdout).runs as { config: string; traffic: string }[];
    expect(runs.map((r) => `${r.config}/${r.traffic}`)).toEqual([
      'marl-only/low',
      'marl-only/high',
      'guided/low',
      'guided/high',
      'aura/low',
      'aura/high',
    ]);
    for (const r of runs) {
      expect(existsSync(join(dir, 'grid', r.config, r.traffic, 'summary.json'))).toBe(true);
    }
  });

  it('builds a playbook and starts a guided run from its matching entry', () => {
    const dir = tmp();
    const scenario = shortScenario(dir);
    const book = join(dir, 'book.json');
    const built = aura('playbook', scenario, '--out', book, '--traffic', 'low,high');
    expect(built.status).toBe(0);
    expect(built.stdout).toContain('entries low, high');
    const doc = JSON.parse(readFileSync(book, 'utf8'));
    expect(doc.entries.map((e: { name: string }) => e.name)).toEqual(['low', 'high']);
    const hit = aura(
      'run',
      scenario,
      '--config',
      'guided',
      '--traffic',
      'high',
      '--playbook',
      book,
      '--json',
      '--out',
      join(dir, 'h'),
    );
    expect(hit.status).toBe(0);
    const h = JSON.parse(hit.stdout);
    expect(h.guidance.playbook).toEqual({ entry: 'high', distance: 0, tolerance: 0.1 });
    expect(h.guidance.training.requests).toBe(0); // tier 1: no reasoning calls
    const novel = aura(
      'run',
      scenario,
      '--config',
      'guided',
      '--traffic',
      'normal',
      '--playbook',
      book,
      '--json',
      '--out',
      join(dir, 'n'),
    );
    const n = JSON.parse(novel.stdout);
    expect(n.guidance.playbook.entry).toBeNull();
    expect(n.guidance.training.requests).toBeGreaterThan(0);
    const wrong = aura('run', scenario, '--playbook', book, '--out', join(dir, 'w'));
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('--playbook needs a guided configuration');
    const garbled = aura(
      'run',
      scenario,
      '--config',
      'aura',
      '--playbook',
      scenario,
      '--out',
      join(dir, 'x'),
    );
    expect(garbled.status).toBe(2);
    expect(garbled.stderr).toMatch(/cannot read playbook/);
  });

  it('writes a resolved scenario that validates and parses back to the same scenario', () => {
    const dir = tmp();
    const scenario = shortScenario(dir);
    expect(aura('run', scenario, '--out', join(dir, 'r')).status).toBe(0);
    const resolved = join(dir, 'r', 'scenario.resolved.json');
    const check = aura('validate', resolved);
    expect(check.status).toBe(0);
    expect(parseScenario(readFileSync(resolved, 'utf8'), resolved)).toEqual(
      parseScenario(readFileSync(scenario, 'utf8'), scenario),
    );
  });

  it('reads JSON scenarios too, and keeps the summary when the run directory cannot be written', async () => {
    const dir = tmp();
    const { parse } = await import('yaml');
    const json = join(dir, 'short.json');
    writeFileSync(json, JSON.stringify(parse(readFileSync(shortScenario(dir), 'utf8'))));
    const ok = aura('run', json, '--json', '--out', join(dir, 'from-json'));
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).scenario).toBe('paper');
    writeFileSync(join(dir, 'plain-file'), '');
    const res = aura('run', json, '--out', join(dir, 'plain-file', 'run'));
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/cannot write run directory .*plain-file.*ENOTDIR/);
    expect(JSON.parse(res.stdout).test.steps).toBe(300);
  });

  it.each([
    [['run'], /missing required argument 'scenario'/],
    [['run', 'scenarios/paper.yaml', '--seed', '-1'], /seed.*non-negative integer/],
    [
      ['run', 'scenarios/paper.yaml', '--config', 'best'],
      /unknown configuration 'best' \(configurations: marl-only, guided, aura, or 'all'\)/,
    ],
    [
      ['run', 'scenarios/paper.yaml', '--traffic', 'rush'],
      /unknown level 'rush'.*low, normal, high/,
    ],
    [['run', 'missing.yaml'], /missing\.yaml: cannot read scenario \(file not found\)/],
    [['run', 'scenarios/paper.yaml', '--wat'], /unknown option '--wat'/],
  ])('exits 2 with a clear message for %j', (args, message) => {
    const res = aura(...args);
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(message);
    expect(res.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('validate reports every problem with its path and line, exit 2', () => {
    const dir = tmp();
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      [
        'name: broken',
        'cellTypes:',
        '  small:',
        '    power: { min: 40, max: 30 }',
        '    capacity: -5',
        'cells:',
        '  - id: a',
        '    type: small',
        '    neighbours: [ghost]',
        '    colour: blue',
        'traffic:',
        '  sources: [{ id: s, cell: a, arrivalRate: 1 }]',
      ].join('\n'),
    );
    const res = aura('validate', file, 'scenarios/paper.yaml');
    expect(res.status).toBe(2);
    expect(res.stdout).toMatch(/paper\.yaml: ok/);
    expect(res.stderr).toMatch(
      /cellTypes\.small\.power\.min \(line 4\): min \(40\) must not exceed max \(30\)/,
    );
    expect(res.stderr).toMatch(/cellTypes\.small\.capacity \(line 5\)/);
    expect(res.stderr).toMatch(/cells\[0\]\.colour \(line 10\): unknown key 'colour'/);
    expect(res.stderr).not.toMatch(/\n\s+at /);
    const run = aura('run', file);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/cells\[0\]\.colour/);
  });
});
