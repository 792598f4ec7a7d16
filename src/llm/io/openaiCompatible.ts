/**
 * An OpenAI-compatible chat-completions server (Ollama, vLLM, llama.cpp's server, and hosted
 * services that speak the same API), over plain HTTP with Node's `fetch` and a zod-checked reply.
 * `POST {baseUrl}/chat/completions`, system + user messages; `OPENAI_API_KEY`, when set, is sent
 * as a bearer token (local servers usually need none).
 */
import { z } from 'zod';
import type { ResolvedLlm } from '../../scenario/resolve.js';
import {
  type Completion,
  estimateTokens,
  type NetworkProvider,
  type Prompt,
  ProviderError,
} from '../types.js';
import { scrub, statusError, transportError } from './network.js';

const ReplySchema = z.object({
  choices: z
    .array(z.object({ message: z.object({ content: z.string().nullable().optional() }) }))
    .min(1),
  usage: z
    .object({ prompt_tokens: z.int().nonnegative(), completion_tokens: z.int().nonnegative() })
    .nullable()
    .optional(),
});

export class OpenAiCompatibleProvider implements NetworkProvider {
  readonly name = 'openai-compatible';
  readonly model: string;
  private readonly url: string;
  private readonly key: string | undefined;

  constructor(
    private readonly settings: ResolvedLlm,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.model = settings.model;
    this.url = `${settings.baseUrl!.replace(/\/+$/, '')}/chat/completions`;
    this.key = env.OPENAI_API_KEY || undefined;
  }

  async request(prompt: Prompt, signal: AbortSignal): Promise<Completion> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        signal,
        headers: {
          'content-type': 'application/json',
          ...(this.key ? { authorization: `Bearer ${this.key}` } : {}),
        },
        body: JSON.stringify({
          model: this.model,
          max_tokens: this.settings.maxTokens,
          temperature: this.settings.temperature,
          messages: [
            { role: 'system', content: prompt.system },
            { role: 'user', content: prompt.user },
          ],
        }),
      });
    } catch (err) {
      throw transportError(this.name, err, signal.aborted);
    }
    let body: string;
    try {
      body = await response.text();
    } catch (err) {
      throw transportError(this.name, err, signal.aborted);
    }
    if (!response.ok) {
      const e = statusError(this.name, response.status, errorMessage(body), response.headers);
      e.message = scrub(e.message, this.key);
      throw e;
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new ProviderError(`${this.name}: the reply is not JSON`);
    }
    const parsed = ReplySchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ProviderError(
        `${this.name}: malformed reply: ${issue.path.join('.')}: ${issue.message}`,
      );
    }
    const text = parsed.data.choices[0]!.message.content ?? '';
    const usage = parsed.data.usage;
    return {
      text,
      inputTokens: usage?.prompt_tokens ?? estimateTokens(prompt.system + prompt.user),
      outputTokens: usage?.completion_tokens ?? estimateTokens(text),
    };
  }
}

/** The `error.message` of an error body, or a short excerpt of it. */
function errorMessage(body: string): string {
  try {
    const m = (JSON.parse(body) as { error?: { message?: unknown } }).error?.message;
    if (typeof m === 'string') return m.slice(0, 300);
  } catch {
    // not JSON: fall through
  }
  return body.slice(0, 200).replace(/\s+/g, ' ').trim();
}
