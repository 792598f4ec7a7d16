/**
 * The model flags end to end through the built CLI, against fake servers on 127.0.0.1: a real
 * provider run, its recording replayed offline to the same `summary.json`, the key never written
 * anywhere, and every user error a clear message with exit code 2.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeServer, fakeServer } from './helpers/fakeLlm.js';

const CLI = 'dist/src/cli/main.js';
const KEY = 'sk-ant-cli-SENTINEL-9876543210';

/** Runs the CLI without blocking this process (the fake server must keep answering). */
function aura(args: string[], env: Record<string, string> = {}) {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  delete childEnv.ANTHROPIC_API_KEY;
  delete childEnv.OPENAI_API_KEY;
  Object.assign(childEnv, env);
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: childEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const tmp = () => mkdtempSync(join(tmpdir(), 'aura-cli-llm-'));

function shortScenario(dir: string): string {
  const file = join(dir, 'short.yaml');
  const text = readFileSync('scenarios/paper.yaml', 'utf8')
    .replace('training: 200', 'training: 3')
    .replace('test: 50', 'test: 1')
    .replace('stepsPerEpisode: 100', 'stepsPerEpisode: 30');
  writeFileSync(file, text);
  return file;
}

/** Every file under a directory, with its text. */
function filesUnder(dir: string): [string, string][] {
  return readdirSync(dir).flatMap((name): [string, string][] => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [[path, readFileSync(path, 'utf8')]];
  });
}

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('aura run with a real provider', () => {
  it('records a Claude run, replays it offline to the same summary.json, and never writes the key', async () => {
    server = await fakeServer('anthropic');
    const dir = tmp();
    const scenario = shortScenario(dir);
    const cassette = join(dir, 'claude.jsonl');
    const live = await aura(
      [
        'run',
        scenario,
        '--config',
        'aura',
        '--llm',
        'anthropic',
        '--base-url',
        server.url,
        '--record',
        cassette,
        '--out',
        join(dir, 'live'),
        '--no-progress',
      ],
      { ANTHROPIC_API_KEY: KEY },
    );
    expect(live.stderr).toBe('');
    expect(live.status).toBe(0);
    expect(live.stdout).toMatch(/anthropic\/claude-sonnet-4-20250514/);
    expect(live.stdout).toMatch(/\$\d+\.\d+/); // the estimated cost
    expect(server.requests.length).toBeGreaterThan(0);
    await server.close();
    server = undefined;
    const replay = await aura([
      'run',
      scenario,
      '--config',
      'aura',
      '--llm',
      'anthropic',
      '--base-url',
      'http://127.0.0.1:9',
      '--replay',
      cassette,
      '--out',
      join(dir, 'replay'),
      '--no-progress',
    ]);
    expect(replay.stderr).toBe('');
    expect(replay.status).toBe(0);
    const summary = (run: string) => readFileSync(join(dir, run, 'summary.json'), 'utf8');
    expect(summary('replay')).toBe(summary('live'));
    for (const [path, text] of filesUnder(dir)) expect(text, path).not.toContain(KEY);
    for (const out of [live.stdout, live.stderr, replay.stdout, replay.stderr]) {
      expect(out).not.toContain(KEY);
    }
  });

  it('a missing key, a refused key or a bad flag: exit 2 with a clear message, no stack trace', async () => {
    const dir = tmp();
    const scenario = shortScenario(dir);
    const missing = await aura(['run', scenario, '--config', 'guided', '--llm', 'anthropic']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/ANTHROPIC_API_KEY/);
    expect(missing.stderr).not.toMatch(/\n\s+at /);

    server = await fakeServer('anthropic', () => ({
      status: 401,
      body: JSON.stringify({
        type: 'error',
        error: { type: 'authentication_error', message: 'invalid x-api-key' },
      }),
    }));
    const refused = await aura(
      [
        'run',
        scenario,
        '--config',
        'guided',
        '--llm',
        'anthropic',
        '--base-url',
        server.url,
        '--out',
        join(dir, 'r'),
      ],
      { ANTHROPIC_API_KEY: KEY },
    );
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/HTTP 401.*refused/);
    expect(refused.stderr).not.toContain(KEY);
    expect(server.requests).toHaveLength(1);

    const bogus = await aura(['run', scenario, '--llm', 'gpt-9']);
    expect(bogus.status).toBe(2);
    expect(bogus.stderr).toMatch(/--llm must be one of simulated, anthropic, openai-compatible/);

    const noModel = await aura([
      'run',
      scenario,
      '--config',
      'guided',
      '--llm',
      'openai-compatible',
    ]);
    expect(noModel.status).toBe(2);
    expect(noModel.stderr).toMatch(/guidance\.llm\.model.*--model NAME/);
    expect(noModel.stderr).toMatch(/guidance\.llm\.baseUrl.*--base-url URL/);

    const badReplay = join(dir, 'bad.jsonl');
    writeFileSync(badReplay, '{"run": 1}\n');
    const garbled = await aura(['run', scenario, '--config', 'guided', '--replay', badReplay]);
    expect(garbled.status).toBe(2);
    expect(garbled.stderr).toMatch(/bad\.jsonl:1: not a recorded exchange/);
  });
});

describe('aura experiment with a local OpenAI-compatible server', () => {
  it('records on worker threads, replays to the same results, and reports calls and cost', async () => {
    server = await fakeServer('openai');
    const dir = tmp();
    const scenario = shortScenario(dir);
    const cassette = join(dir, 'local.jsonl');
    const grid = [
      '--configs',
      'guided,aura',
      '--traffic',
      'normal',
      '--seeds',
      '2',
      '--workers',
      '2',
      '--no-progress',
    ];
    const flags = [
      '--llm',
      'openai-compatible',
      '--model',
      'llama3.1:8b',
      '--base-url',
      server.url,
    ];
    const live = await aura([
      'experiment',
      scenario,
      ...grid,
      ...flags,
      '--record',
      cassette,
      '--out',
      join(dir, 'live'),
    ]);
    expect(live.status, live.stderr).toBe(0);
    await server.close();
    server = undefined;
    const replay = await aura([
      'experiment',
      scenario,
      ...grid,
      ...flags,
      '--replay',
      cassette,
      '--out',
      join(dir, 'replay'),
    ]);
    expect(replay.status, replay.stderr).toBe(0);
    const results = (run: string) => readFileSync(join(dir, run, 'results.csv'), 'utf8');
    expect(results('replay')).toBe(results('live'));
    const report = readFileSync(join(dir, 'live', 'report.md'), 'utf8');
    expect(report).toMatch(/## Model use and cost/);
    expect(report).toMatch(/\| guided \| openai-compatible\/llama3\.1:8b \| 2 \|/);
  }, 60_000);
});
