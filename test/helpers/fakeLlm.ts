/**
 * Fake model servers on 127.0.0.1 that speak the Anthropic Messages API and the OpenAI
 * chat-completions API, for testing the real clients (the official SDK, `fetch`) with no network.
 * By default they answer like the embedded simulated model (no errors); a behaviour function can
 * answer otherwise per request: any status and headers, a garbled body, or no answer at all.
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SimulatedProvider } from '../../src/llm/simulated.js';
import type { Prompt } from '../../src/llm/types.js';
import { Rng } from '../../src/rng.js';

export interface SeenRequest {
  readonly n: number;
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
  readonly prompt: Prompt;
}

/**
 * What to answer: a reply, or `hang` (never answer), or undefined for the default answer (or a
 * promise of one, to answer later).
 */
export type Reply =
  | { status: number; headers?: Record<string, string>; body: string }
  | 'hang'
  | undefined;

export interface FakeServer {
  /** Base URL: for Anthropic the server root, for OpenAI-compatible `.../v1`. */
  readonly url: string;
  readonly requests: SeenRequest[];
  close(): Promise<void>;
}

type Api = 'anthropic' | 'openai';

const answerer = () =>
  new SimulatedProvider(
    { model: 'fake', errorRate: 0, failureRate: 0, verbosity: 'terse' },
    Rng.create(99),
  );

function promptOf(api: Api, body: Record<string, unknown>): Prompt {
  const messages = (body.messages ?? []) as { role: string; content: string }[];
  const system =
    api === 'anthropic'
      ? String(body.system ?? '')
      : (messages.find((m) => m.role === 'system')?.content ?? '');
  const user = messages.find((m) => m.role === 'user')?.content ?? '';
  const kind = system.includes('evaluator') ? 'evaluator' : 'planner';
  return { kind, system, user: typeof user === 'string' ? user : JSON.stringify(user) };
}

export function okBody(api: Api, text: string, inputTokens = 120, outputTokens = 30): string {
  return JSON.stringify(
    api === 'anthropic'
      ? {
          id: 'msg_fake',
          type: 'message',
          role: 'assistant',
          model: 'fake',
          content: [{ type: 'text', text }],
          stop_reason: 'end_turn',
          stop_sequence: null,
          usage: { input_tokens: inputTokens, output_tokens: outputTokens },
        }
      : {
          id: 'chatcmpl-fake',
          object: 'chat.completion',
          choices: [
            { index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' },
          ],
          usage: { prompt_tokens: inputTokens, completion_tokens: outputTokens },
        },
  );
}

export async function fakeServer(
  api: Api,
  behaviour: (req: SeenRequest) => Reply | Promise<Reply> = () => undefined,
): Promise<FakeServer> {
  const requests: SeenRequest[] = [];
  const model = answerer();
  const hanging = new Set<ServerResponse>();
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      // leave empty
    }
    const seen: SeenRequest = {
      n: requests.length,
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      body,
      prompt: promptOf(api, body),
    };
    requests.push(seen);
    const reply = await behaviour(seen);
    if (reply === 'hang') {
      hanging.add(res);
      return;
    }
    if (reply) {
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(reply.body);
      return;
    }
    const c = model.complete(seen.prompt);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(okBody(api, c.text, c.inputTokens, c.outputTokens));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const root = `http://127.0.0.1:${port}`;
  return {
    url: api === 'anthropic' ? root : `${root}/v1`,
    requests,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
