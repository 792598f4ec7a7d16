/**
 * The inspector's HTTP and WebSocket server (a thin adapter). It serves the page's own files — a
 * fixed list read once at start, so no request path ever reaches the file system — and pushes the
 * session's updates to every page over a WebSocket at `/ws`, ten times a second at most. Pages send
 * back play / pause / step / speed, which act on the pacer. Binds to 127.0.0.1 unless told
 * otherwise; requests naming another host, and WebSockets opened from another origin, are refused.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type WebSocket, WebSocketServer } from 'ws';
import { UserError } from '../errors.js';
import { MAX_SPEED, MIN_SPEED, type Pacer } from './pacer.js';
import type { InspectorSession } from './session.js';

/** The page's files: URL path → file name and type. Nothing else is served. */
const ASSETS: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.mjs': { file: 'app.mjs', type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
};

/** The page's directory: next to this file in the sources, `src/inspect/page` from `dist/`. */
function pageDir(): URL {
  const candidates = [
    new URL('./page/', import.meta.url),
    new URL('../../../src/inspect/page/', import.meta.url),
  ];
  for (const dir of candidates) {
    try {
      readFileSync(new URL('index.html', dir));
      return dir;
    } catch {}
  }
  throw new Error(
    `inspector page not found (looked in ${candidates.map((c) => fileURLToPath(c)).join(', ')})`,
  );
}

export interface MachineAsset {
  readonly id: string;
  readonly summary: string;
  readonly svg: string;
}

export interface InspectorServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly session: InspectorSession;
  readonly pacer: Pacer;
  readonly machines: readonly MachineAsset[];
  /** Most frequent update, ms. */
  readonly updateMs?: number;
}

export interface InspectorServer {
  readonly url: string;
  readonly port: number;
  /** Sends what changed now (also done on a timer). */
  flush(): void;
  close(): Promise<void>;
}

/** Play, pause, step and speed, as the page sends them. */
export function applyControl(pacer: Pacer, message: unknown): boolean {
  if (!message || typeof message !== 'object') return false;
  const m = message as { type?: unknown; speed?: unknown };
  switch (m.type) {
    case 'play':
      pacer.resume();
      return true;
    case 'pause':
      pacer.pause();
      return true;
    case 'step':
      pacer.step();
      return true;
    case 'speed': {
      // 'max', or a finite number in a sensible range (a tiny positive speed would freeze the run).
      const speed =
        m.speed === 'max'
          ? Number.POSITIVE_INFINITY
          : typeof m.speed === 'number' && m.speed >= MIN_SPEED && m.speed <= MAX_SPEED
            ? m.speed
            : Number.NaN;
      if (Number.isNaN(speed)) return false;
      pacer.setSpeed(speed);
      return true;
    }
    default:
      return false;
  }
}

/** JSON with `Infinity` (full speed) as the string 'max'. */
const encode = (value: unknown) =>
  JSON.stringify(value, (_key, v) => (v === Number.POSITIVE_INFINITY ? 'max' : v));

export async function startInspectorServer(
  options: InspectorServerOptions,
): Promise<InspectorServer> {
  const dir = pageDir();
  const files = new Map(
    Object.entries(ASSETS).map(([path, { file, type }]) => [
      path,
      { body: readFileSync(new URL(file, dir)), type },
    ]),
  );
  const { session, pacer } = options;
  // An IPv6 address appears in a Host header in brackets; names are case-insensitive.
  const bound = options.host.includes(':') ? `[${options.host}]` : options.host;
  const allowedHosts = new Set(['127.0.0.1', 'localhost', '[::1]', bound.toLowerCase()]);
  const hostAllowed = (req: IncomingMessage) => {
    const host = req.headers.host?.toLowerCase();
    if (!host) return false;
    const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!;
    return allowedHosts.has(name) || options.host === '0.0.0.0' || options.host === '::';
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const reply = (status: number, text: string) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`${text}\n`);
    };
    if (!hostAllowed(req)) return reply(403, 'unexpected Host header');
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, 'method not allowed');
    let path: string;
    try {
      path = new URL(req.url ?? '/', 'http://localhost').pathname;
    } catch {
      return reply(404, 'not found');
    }
    const asset = files.get(path);
    if (!asset) return reply(404, 'not found');
    res.writeHead(200, {
      'content-type': asset.type,
      'content-length': asset.body.length,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'content-security-policy':
        "default-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
    });
    res.end(req.method === 'HEAD' ? undefined : asset.body);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const where = `${options.host}:${options.port}`;
      if (err.code === 'EADDRINUSE')
        reject(new UserError(`--port ${options.port}: ${where} is already in use`));
      else if (err.code === 'EACCES')
        reject(new UserError(`--port ${options.port}: not allowed to listen on ${where}`));
      else if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND')
        reject(new UserError(`--host ${options.host}: not an address of this machine`));
      else reject(err);
    });
    server.listen(options.port, options.host, () => resolve());
  });
  const wss = new WebSocketServer({
    server,
    path: '/ws',
    // Pages only ever send a short command.
    maxPayload: 4096,
    verifyClient: ({ origin, req }: { origin: string; req: IncomingMessage }) => {
      if (!hostAllowed(req)) return false;
      // A browser always sends its page's origin: only our own page may connect.
      if (!origin) return true;
      try {
        return new URL(origin).host === req.headers.host;
      } catch {
        return false;
      }
    },
  });
  const machines = options.machines;
  const send = (ws: WebSocket, message: unknown) => {
    if (ws.readyState === ws.OPEN) ws.send(encode(message));
  };
  const broadcast = (message: unknown) => {
    for (const ws of wss.clients) send(ws, message);
  };
  // A malformed or oversized frame is that client's problem: drop it, keep serving.
  wss.on('error', () => {});
  wss.on('connection', (ws) => {
    ws.on('error', () => ws.terminate());
    // Bring the session up to date first, so that the greeting and the next update do not
    // both carry the same events.
    flush();
    send(ws, session.hello(machines, pacer.state));
    ws.on('message', (data) => {
      let message: unknown;
      try {
        message = JSON.parse(String(data));
      } catch {
        message = null;
      }
      if (!applyControl(pacer, message)) send(ws, { type: 'error', message: 'unknown command' });
    });
  });
  function flush() {
    const update = session.update(pacer.state);
    if (update) broadcast(update);
  }
  const offControl = pacer.onChange(() => broadcast({ type: 'control', control: pacer.state }));
  const timer = setInterval(flush, options.updateMs ?? 100);

  const port = (server.address() as AddressInfo).port;
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${hostForUrl}:${port}/`,
    port,
    flush,
    close: async () => {
      clearInterval(timer);
      offControl();
      flush();
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
