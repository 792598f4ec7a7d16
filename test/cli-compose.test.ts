import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../src/scenario/load.js';

// The built CLI (`npm test` builds first), exactly as users run it.
const CLI = 'dist/src/cli/main.js';
const aura = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
const tmp = () => mkdtempSync(join(tmpdir(), 'aura-cli-compose-'));

const child = 'test/fixtures/scenarios/compose/child.yaml'; // extends base.yaml; 4 + 2 episodes

describe('aura schema', () => {
  it('prints the scenario JSON Schema', () => {
    const res = aura('schema');
    expect(res.status).toBe(0);
    const schema = JSON.parse(res.stdout);
    expect(schema.$schema).toMatch(/json-schema\.org/);
    expect(schema.properties.extends.type).toBe('string');
    expect(schema.properties.cells.items.properties.neighbours.description).toBeTruthy();
  });
});

describe('extends and --set on the command line', () => {
  it('run: merges the base, applies overrides, writes the merged scenario without extends', () => {
    const dir = tmp();
    const out = join(dir, 'run');
    const res = aura(
      'run',
      child,
      '--set',
      'agent.gamma=0.6',
      '--set',
      'guidance.llm.latency={model: fixed, seconds: 1}',
      '--out',
      out,
      '--json',
    );
    expect(res.status).toBe(0);
    expect(JSON.parse(res.stdout).scenario).toBe('child');
    const resolved = JSON.parse(readFileSync(join(out, 'scenario.resolved.json'), 'utf8'));
    expect(resolved).not.toHaveProperty('extends');
    expect(resolved.description).toBe('The base scenario.');
    expect(resolved.agent.gamma).toBe(0.6);
    expect(resolved.guidance.llm.latency).toEqual({ model: 'fixed', seconds: 1 });
    expect(resolved).toEqual(
      JSON.parse(
        JSON.stringify(
          loadScenarioFile(child, {
            set: ['agent.gamma=0.6', 'guidance.llm.latency={model: fixed, seconds: 1}'],
          }),
        ),
      ),
    );
    // The resolved scenario stands alone.
    expect(aura('validate', join(out, 'scenario.resolved.json')).status).toBe(0);
  });

  it('validate: reports a misspelt --set path, a bad --set value and a base problem, exit 2', () => {
    const ok = aura('validate', child, '--set', 'agent.alpha=0.4');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/child\.yaml: ok \(scenario 'child'/);

    const path = aura('validate', child, '--set', 'agent.alphaa=0.2');
    expect(path.status).toBe(2);
    expect(path.stderr).toContain(
      "--set agent.alphaa: unknown key 'alphaa' in agent (did you mean 'alpha'?)",
    );
    expect(path.stderr).not.toMatch(/\n\s+at /);

    const value = aura('validate', child, '--set', 'agent.alpha=2');
    expect(value.status).toBe(2);
    expect(value.stderr).toMatch(/agent\.alpha \(--set agent\.alpha=2\): Too big/);

    const base = aura('validate', 'test/fixtures/scenarios/compose/bad-child.yaml');
    expect(base.status).toBe(2);
    expect(base.stderr).toContain(
      "cells[0].neighbors (test/fixtures/scenarios/compose/bad-base.yaml, line 10): unknown key 'neighbors' (did you mean 'neighbours'?)",
    );
    expect(base.stderr).toContain(
      "agent.gama (line 5): unknown key 'gama' (did you mean 'gamma'?)",
    );

    const cycle = aura('validate', 'test/fixtures/scenarios/compose/cycle-a.yaml');
    expect(cycle.status).toBe(2);
    expect(cycle.stderr).toMatch(
      /extends cycle: .*cycle-a\.yaml → .*cycle-b\.yaml → .*cycle-a\.yaml/,
    );
  });

  it('experiment: runs the overridden scenario and records the overrides', () => {
    const dir = tmp();
    const out = join(dir, 'exp');
    const res = aura(
      'experiment',
      child,
      '--set',
      'agent.alpha=0.5',
      '--configs',
      'marl-only',
      '--traffic',
      'normal',
      '--seeds',
      '1',
      '--workers',
      '1',
      '--no-progress',
      '--out',
      out,
    );
    expect(res.status).toBe(0);
    const run = join(out, 'runs', 'marl-only', 'normal', 'seed-1');
    const resolved = JSON.parse(readFileSync(join(run, 'scenario.resolved.json'), 'utf8'));
    expect(resolved.agent.alpha).toBe(0.5);
    expect(resolved).not.toHaveProperty('extends');
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain(
      `Scenario \`${child} --set agent.alpha=0.5\``,
    );
    const bad = aura('experiment', child, '--set', 'agent.alpah=0.5', '--out', join(dir, 'x'));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("unknown key 'alpah' in agent (did you mean 'alpha'?)");
  });

  it('sweep: --set applies before the --vary values', () => {
    const dir = tmp();
    const out = join(dir, 'sweep');
    const res = aura(
      'sweep',
      child,
      '--set',
      'agent.gamma=0.7',
      '--vary',
      'agent.alpha=0.1,0.2',
      '--configs',
      'marl-only',
      '--seeds',
      '1',
      '--workers',
      '1',
      '--no-progress',
      '--out',
      out,
    );
    expect(res.status).toBe(0);
    const rows = readFileSync(join(out, 'sweep.csv'), 'utf8').trim().split('\n');
    expect(rows).toHaveLength(1 + 2);
  });
});
