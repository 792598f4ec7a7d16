import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { parsePort, parseSpeed } from '../src/cli/inspectFlags.js';
import { allMachineGraphs } from '../src/inspect/graph.js';
import { Pacer, PacerStopped } from '../src/inspect/pacer.js';
import { type InspectorServer, startInspectorServer } from '../src/inspect/server.js';
import { eventDetail, InspectorSession, stateText } from '../src/inspect/session.js';
import { createStatelyBridge, scalars } from '../src/inspect/stately.js';
import { executeRun } from '../src/run/execute.js';
import { json } from '../src/run/runDir.js';
import type { Scenario } from '../src/scenario/schema.js';
import { startInspect } from './helpers/inspect.js';
import { shortPaper } from './helpers/paper.js';

const CLI = 'dist/src/cli/main.js';
const aura = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
const tmp = () => mkdtempSync(join(tmpdir(), 'aura-inspect-'));

const PAPER_ACTORS = [
  'simulation',
  'planner',
  'alignmentController',
  'region:0',
  'bs:rural',
  'arrivals:rural-users',
  'bs:urban',
  'arrivals:urban-users',
];

/** A raw GET, path sent exactly as given (no URL normalisation). */
function get(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A WebSocket client that collects every message. */
function client(url: string, origin?: string) {
  const ws = new WebSocket(url, origin ? { origin } : {});
  const messages: Record<string, unknown>[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(String(data))));
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, messages, opened };
}

const until = async (check: () => boolean, what: string, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

/** A guided paper-seed run of `scenario` watched by an inspector session. */
async function inspectedGuidedRun(scenario: Scenario) {
  const session = new InspectorSession(
    { scenario: 'paper', config: 'guided', traffic: 'normal', seed: 1 },
    () => 0,
  );
  const { summary } = await executeRun({
    scenario,
    traffic: 'normal',
    config: 'guided',
    seed: 1,
    inspect: session.inspect,
  });
  return { session, summary };
}

describe('pacer', () => {
  it('at full speed lets every event through at once, keeping the simulated time', async () => {
    const pacer = new Pacer({ speed: Number.POSITIVE_INFINITY });
    for (const t of [0, 500, 500, 90_000]) await pacer.beforeStep(t);
    expect(pacer.state).toMatchObject({ simMs: 90_000, steps: 4, paused: false });
  });

  it('holds events while paused and lets exactly one through per step', async () => {
    const pacer = new Pacer({ speed: Number.POSITIVE_INFINITY, paused: true });
    let passed = 0;
    const run = (async () => {
      for (const t of [1000, 2000, 3000]) {
        await pacer.beforeStep(t);
        passed++;
      }
    })();
    await new Promise((r) => setTimeout(r, 50));
    expect(passed).toBe(0);
    pacer.step();
    await until(() => passed === 1, 'one step');
    await new Promise((r) => setTimeout(r, 50));
    expect(passed).toBe(1);
    expect(pacer.state).toMatchObject({ paused: true, simMs: 1000, steps: 1 });
    pacer.resume();
    await run;
    expect(passed).toBe(3);
  });

  it('paces simulated time against the wall clock at the chosen speed', async () => {
    // 100 simulated seconds per second: 20 simulated seconds take 200 ms
    const pacer = new Pacer({ speed: 100 });
    const started = performance.now();
    let done = false;
    const wait = pacer.beforeStep(20_000).then(() => {
      done = true;
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(done).toBe(false);
    await wait;
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    // a faster speed applies to the wait in progress
    const fast = pacer.beforeStep(20_000 + 3_600_000);
    pacer.setSpeed(Number.POSITIVE_INFINITY);
    await fast;
    expect(pacer.state.simMs).toBe(3_620_000);
  });

  it('stop() abandons the run: the waiting step rejects', async () => {
    const pacer = new Pacer({ speed: 1, paused: true });
    const waiting = pacer.beforeStep(1000);
    pacer.stop();
    await expect(waiting).rejects.toBeInstanceOf(PacerStopped);
    await expect(pacer.beforeStep(2000)).rejects.toBeInstanceOf(PacerStopped);
  });

  it('refuses a speed that is not positive', () => {
    expect(() => new Pacer({ speed: 0 })).toThrow(RangeError);
    expect(() => new Pacer({ speed: 1 }).setSpeed(-2)).toThrow(RangeError);
    expect(() => new Pacer({ speed: 1 }).setSpeed(Number.NaN)).toThrow(RangeError);
  });
});

describe('inspector session', () => {
  it('formats state values and event payloads briefly', () => {
    expect(stateText({ running: { training: 'episode' } })).toBe('running.training.episode');
    expect(stateText('idle')).toBe('idle');
    expect(
      eventDetail({
        type: 'plan.requested',
        cellId: 'urban',
        observedAtMs: 1000,
        cells: [1, 2],
        x: {},
      }),
    ).toBe('cellId=urban observedAtMs=1000 cells=[2]');
    // typed arrays and list-like objects (an arrival window) by their length
    expect(
      eventDetail({
        type: 'users.arrived',
        sourceIndex: 0,
        a: new Float64Array(3),
        b: { length: 7 },
      }),
    ).toBe('sourceIndex=0 a=[3] b=[7]');
  });

  let server: InspectorServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('does not change results: an inspected run at full speed gives the same summary', async () => {
    const scenario = shortPaper();
    const plain = json(
      (await executeRun({ scenario, traffic: 'normal', config: 'aura', seed: 3 })).summary,
    );
    const pacer = new Pacer({ speed: Number.POSITIVE_INFINITY });
    const session = new InspectorSession(
      { scenario: 'paper', config: 'aura', traffic: 'normal', seed: 3 },
      () => pacer.simNow,
    );
    server = await startInspectorServer({
      host: '127.0.0.1',
      port: 0,
      session,
      pacer,
      machines: [],
      updateMs: 5,
    });
    const page = client(`ws://127.0.0.1:${server.port}/ws`);
    await page.opened;
    const inspected = await executeRun({
      scenario,
      traffic: 'normal',
      config: 'aura',
      seed: 3,
      inspect: session.inspect,
      beforeStep: pacer.beforeStep,
      onEpisode: session.onEpisode,
    });
    expect(json(inspected.summary)).toBe(plain);
    server.flush();
    const finalState = () =>
      page.messages
        .flatMap((m) => (m.actors ?? []) as { id: string; state: string }[])
        .filter((a) => a.id === 'simulation')
        .at(-1)?.state;
    await until(() => finalState() === 'done', 'the final update');

    // what the page was told
    const hello = page.messages[0]!;
    expect(hello.type).toBe('hello');
    const updates = page.messages.filter((m) => m.type === 'update');
    const actors = new Map<string, { state: string; machine: string }>();
    for (const m of [hello, ...updates])
      for (const a of m.actors as { id: string; state: string; machine: string }[])
        actors.set(a.id, a);
    expect([...actors.keys()].sort()).toEqual([...PAPER_ACTORS].sort());
    expect(actors.get('bs:urban')!.machine).toBe('baseStation');
    expect(actors.get('simulation')!.state).toBe('done');
    const episodes = updates.flatMap((m) => m.episodes as { phase: string }[]);
    expect(episodes).toHaveLength(25);
    expect(episodes.at(-1)).toMatchObject({ phase: 'test' });
    const last = session.hello([], pacer.state) as {
      gauges: { agents: { cell: string; trust: number }[]; planner: { calls: number } };
      log: { t: number; type: string }[];
    };
    expect(last.gauges.agents.map((a) => a.cell)).toEqual(['rural', 'urban']);
    expect(last.gauges.agents[0]!.trust).toBeCloseTo(
      inspected.summary.guidance!.trust.rural!.final,
      5,
    );
    expect(last.gauges.planner.calls).toBeGreaterThan(0);
    const times = last.log.map((e) => e.t);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(last.log.some((e) => e.type === 'plan.suggested')).toBe(true);
    page.ws.close();
  });
});

describe('inspector session with regional planners', () => {
  it('lists each planner and sums their queues and calls', async () => {
    const base = shortPaper({ episodes: { training: 2, test: 1 } });
    const scenario = {
      ...base,
      guidance: {
        ...base.guidance,
        planner: { ...base.guidance.planner, scope: 'region' as const, regionCells: 1 },
      },
    };
    const { session } = await inspectedGuidedRun(scenario);
    const hello = session.hello([], new Pacer({ speed: 1 }).state) as {
      actors: { id: string; machine: string }[];
      gauges: { planner: { planners: number; calls: number } };
    };
    expect(hello.actors.filter((a) => a.machine === 'planner').map((a) => a.id)).toEqual([
      'planner:0',
      'planner:1',
    ]);
    expect(hello.gauges.planner.planners).toBe(2);
    expect(hello.gauges.planner.calls).toBeGreaterThan(0);
  });

  it('counts planner calls as the summary does, even back-to-back batches', async () => {
    const base = shortPaper({ episodes: { training: 2, test: 1 } });
    const scenario = {
      ...base,
      guidance: { ...base.guidance, planner: { ...base.guidance.planner, maxBatchSize: 1 } },
    };
    const { session, summary } = await inspectedGuidedRun(scenario);
    const hello = session.hello([], new Pacer({ speed: 1 }).state) as {
      gauges: { planner: { calls: number } };
    };
    const g = summary.guidance!;
    expect(hello.gauges.planner.calls).toBe(g.training.calls + g.test.calls);
  });
});

describe('inspector server', () => {
  let server: InspectorServer | undefined;
  let pacer: Pacer;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  const start = async () => {
    pacer = new Pacer({ speed: 10, paused: true });
    const session = new InspectorSession(
      { scenario: 'paper', config: 'aura', traffic: 'normal', seed: 1 },
      () => 0,
    );
    server = await startInspectorServer({
      host: '127.0.0.1',
      port: 0,
      session,
      pacer,
      machines: [],
    });
    return server;
  };

  it('serves its own page, and nothing else: path traversal gets 404', async () => {
    const { port, url } = await start();
    expect(url).toBe(`http://127.0.0.1:${port}/`);
    const page = await get(port, '/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>aura inspector</title>');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect((await get(port, '/app.mjs')).headers['content-type']).toMatch(/^text\/javascript/);
    expect((await get(port, '/style.css')).status).toBe(200);
    for (const path of [
      '/../package.json',
      '/..%2fpackage.json',
      '/%2e%2e/%2e%2e/package.json',
      '/page/../../../package.json',
      '/app.mjs/../../server.ts',
      '/index.html',
      '/server.js',
      '/etc/passwd',
      '//etc/passwd',
      '/%00',
    ]) {
      const r = await get(port, path);
      expect(r.status, path).toBe(404);
      expect(r.body).toBe('not found\n');
    }
    expect((await get(port, '/', {}, 'POST')).status).toBe(405);
    // a page of another site, reached through a DNS name pointed at 127.0.0.1, is refused
    expect((await get(port, '/', { host: `evil.example:${port}` })).status).toBe(403);
  });

  it('sends a hello, takes play / pause / step / speed, and refuses other origins', async () => {
    const { port } = await start();
    const page = client(`ws://127.0.0.1:${port}/ws`, `http://127.0.0.1:${port}`);
    await page.opened;
    await until(() => page.messages.length > 0, 'hello');
    expect(page.messages[0]).toMatchObject({
      type: 'hello',
      run: { scenario: 'paper', config: 'aura' },
      control: { paused: true, speed: 10 },
    });
    page.ws.send(JSON.stringify({ type: 'speed', speed: 250 }));
    page.ws.send(JSON.stringify({ type: 'play' }));
    await until(() => !pacer.state.paused && pacer.state.speed === 250, 'play at 250');
    page.ws.send(JSON.stringify({ type: 'speed', speed: 'max' }));
    await until(() => pacer.state.speed === Number.POSITIVE_INFINITY, 'max');
    await until(
      () =>
        page.messages.some(
          (m) => m.type === 'control' && (m.control as { speed: unknown }).speed === 'max',
        ),
      'control message',
    );
    page.ws.send(JSON.stringify({ type: 'pause' }));
    await until(() => pacer.state.paused, 'pause');
    page.ws.send('not json');
    page.ws.send(JSON.stringify({ type: 'speed', speed: -1 }));
    await until(() => page.messages.filter((m) => m.type === 'error').length === 2, 'errors');
    expect(pacer.state.speed).toBe(Number.POSITIVE_INFINITY);
    page.ws.close();

    const foreign = client(`ws://127.0.0.1:${port}/ws`, 'http://evil.example');
    await expect(foreign.opened).rejects.toThrow(/Unexpected server response: 40[13]/);
  });

  it('survives oversized and malformed frames, and refuses absurd speeds', async () => {
    const { port } = await start();
    const rude = client(`ws://127.0.0.1:${port}/ws`, `http://127.0.0.1:${port}`);
    await rude.opened;
    rude.ws.send('x'.repeat(5000)); // over the 4 KiB limit: that client is dropped
    await new Promise((r) => setTimeout(r, 200));
    const page = client(`ws://127.0.0.1:${port}/ws`, `http://127.0.0.1:${port}`);
    await page.opened;
    await until(() => page.messages.length > 0, 'hello after a bad client');
    for (const speed of [1e-320, 1e9, true, '5']) {
      page.ws.send(JSON.stringify({ type: 'speed', speed }));
    }
    await until(() => page.messages.filter((m) => m.type === 'error').length === 4, 'refusals');
    expect(pacer.state.speed).toBe(10);
    page.ws.close();
  });
});

describe('Stately bridge', () => {
  it("forwards actors, events and snapshots through @statelyai/inspect's WebSocket inspector", async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => wss.once('listening', r));
    const received: { type: string; [k: string]: unknown }[] = [];
    wss.on('connection', (ws) =>
      ws.on('message', (data) => received.push(JSON.parse(String(data)))),
    );
    const port = (wss.address() as { port: number }).port;
    const bridge = createStatelyBridge(`ws://127.0.0.1:${port}`);
    const pacer = new Pacer({ speed: Number.POSITIVE_INFINITY });
    const scenario = shortPaper({ episodes: { training: 3, test: 1 } });
    const plain = json(
      (await executeRun({ scenario, traffic: 'normal', config: 'aura', seed: 2 })).summary,
    );
    const bridged = await executeRun({
      scenario,
      traffic: 'normal',
      config: 'aura',
      seed: 2,
      inspect: bridge.inspect,
      beforeStep: pacer.beforeStep,
    });
    expect(json(bridged.summary)).toBe(plain);
    await until(
      () =>
        received.some(
          (m) =>
            m.type === '@xstate.event' && (m.event as { type: string }).type === 'plan.suggested',
        ),
      'events at the bridge server',
    );
    bridge.stop();
    await new Promise<void>((r) => wss.close(() => r()));

    const actors = received.filter((m) => m.type === '@xstate.actor');
    // named by machine, one registration per actor
    expect(actors.map((m) => m.name).sort()).toEqual([
      'alignmentController',
      'arrivalProcess',
      'arrivalProcess',
      'baseStation',
      'baseStation',
      'planner',
      'region',
      'simulation',
    ]);
    const snapshot = received.find(
      (m) =>
        m.type === '@xstate.snapshot' && (m.snapshot as { value: unknown }).value === 'inFlight',
    );
    expect(snapshot).toBeDefined();
    // contexts leave the process as scalars only: never the simulated world
    for (const m of received.filter((r) => 'snapshot' in r)) {
      const context = (m.snapshot as { context?: object }).context ?? {};
      expect(Object.keys(context)).not.toContain('world');
    }
    const request = received.find(
      (m) => m.type === '@xstate.event' && (m.event as { type: string }).type === 'plan.requested',
    )!;
    expect(request.event).toMatchObject({ type: 'plan.requested', cells: '[2 items]' });
    expect(scalars({ a: 1, b: 'x', c: [1, 2], d: { deep: true }, e: new Int32Array(4) })).toEqual({
      a: 1,
      b: 'x',
      c: '[2 items]',
      e: '[4 items]',
    });
  });
});

describe('aura inspect (CLI)', () => {
  it('parses --port and --speed, naming the flag and the value when they are wrong', () => {
    expect(parsePort('0')).toBe(0);
    expect(parsePort('65535')).toBe(65535);
    expect(parseSpeed('2.5')).toBe(2.5);
    expect(parseSpeed('max')).toBe(Number.POSITIVE_INFINITY);
    for (const bad of ['70000', '-1', '1.5', 'abc', ''])
      expect(() => parsePort(bad)).toThrow(
        `--port: expected an integer from 0 to 65535 (0: any free port), got '${bad}'`,
      );
    for (const bad of ['0', '-3', 'fast', 'Infinity', '', '1e-300', '1e9'])
      expect(() => parseSpeed(bad)).toThrow(
        `--speed: expected a number from 0.01 to 1000000 (simulated seconds per second) or 'max', got '${bad}'`,
      );
    expect(() => createStatelyBridge('localhost:8080')).toThrow(
      "--stately: expected a ws:// or wss:// address, got 'localhost:8080'",
    );
  });

  it('refuses a bad port or a port in use, with exit 2 and no stack', async () => {
    const bad = aura('inspect', 'scenarios/paper.yaml', '--port', 'abc');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe(
      "aura: --port: expected an integer from 0 to 65535 (0: any free port), got 'abc'\n",
    );
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    const port = (busy.address() as { port: number }).port;
    const r = spawnSync(
      process.execPath,
      [CLI, 'inspect', 'scenarios/paper.yaml', '--port', String(port)],
      {
        encoding: 'utf8',
      },
    );
    busy.close();
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`aura: --port ${port}: 127.0.0.1:${port} is already in use\n`);
  });

  it('binds to 127.0.0.1, and stops cleanly on Ctrl-C mid-run (exit 130)', async () => {
    const p = await startInspect(['scenarios/paper.yaml', '--paused']);
    expect(p.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const port = Number(new URL(p.url).port);
    expect((await get(port, '/')).status).toBe(200);
    p.child.kill('SIGINT');
    expect(await p.exited).toBe(130);
    expect(p.stderr()).toContain('aura inspect: stopped before the run finished.');
    expect(p.stderr()).not.toMatch(/\n\s+at /); // no stack trace
    await expect(get(port, '/')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('at full speed, Stately bridge on, writes the same summary.json as aura run, then serves until Ctrl-C (exit 0)', async () => {
    const dir = tmp();
    // the paper scenario, shortened
    const short = ['--set', 'episodes.training=60', '--set', 'episodes.test=20'];
    const run = aura(
      'run',
      'scenarios/paper.yaml',
      ...short,
      '--config',
      'aura',
      '--out',
      join(dir, 'run'),
    );
    expect(run.status).toBe(0);
    // a stand-in for Stately's bridge server, on this machine
    const bridge = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => bridge.once('listening', r));
    const forwarded: { type: string }[] = [];
    bridge.on('connection', (ws) =>
      ws.on('message', (data) => forwarded.push(JSON.parse(String(data)))),
    );
    const p = await startInspect([
      'scenarios/paper.yaml',
      ...short,
      '--speed',
      'max',
      '--out',
      join(dir, 'inspected'),
      '--stately',
      `ws://127.0.0.1:${(bridge.address() as { port: number }).port}`,
    ]);
    expect(p.stderr()).toMatch(/forwarding to Stately at ws:\/\/127\.0\.0\.1:\d+/);
    await p.waitFor(/run finished, summary in .*summary\.json; the page stays up until Ctrl-C/);
    expect((await get(Number(new URL(p.url).port), '/')).status).toBe(200);
    p.child.kill('SIGINT');
    expect(await p.exited).toBe(0);
    await new Promise<void>((r) => bridge.close(() => r()));
    expect(readFileSync(join(dir, 'inspected', 'summary.json'), 'utf8')).toBe(
      readFileSync(join(dir, 'run', 'summary.json'), 'utf8'),
    );
    expect(forwarded.filter((m) => m.type === '@xstate.actor')).toHaveLength(PAPER_ACTORS.length);
    expect(forwarded.some((m) => m.type === '@xstate.snapshot')).toBe(true);
  });
});

describe('page assets', () => {
  it('the page loads only its own files (no CDN) and every machine it draws exists', () => {
    const html = readFileSync('src/inspect/page/index.html', 'utf8');
    const app = readFileSync('src/inspect/page/app.mjs', 'utf8');
    for (const text of [html, app]) expect(text).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    expect(allMachineGraphs().length).toBe(7);
  });
});
