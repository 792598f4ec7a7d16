/**
 * Anthropic Claude through the official SDK (`@anthropic-ai/sdk`): one Messages API request per
 * planner batch or evaluation. The key comes from `ANTHROPIC_API_KEY`, the address from the
 * scenario's `baseUrl` or `ANTHROPIC_BASE_URL`. The SDK's own retries are off: the gateway
 * retries (it honours `retry-after` and counts attempts the same way for every provider). The
 * SDK takes no sampling temperature: the model's own default applies.
 */
import Anthropic, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk';
import { z } from 'zod';
import type { ResolvedLlm } from '../../scenario/resolve.js';
import {
  type Completion,
  LlmFatalError,
  type NetworkProvider,
  type Prompt,
  ProviderError,
} from '../types.js';
import { scrub, statusError, transportError } from './network.js';

/** The part of a Messages API reply we read. */
const MessageSchema = z.object({
  content: z.array(z.object({ type: z.string(), text: z.string().optional() })),
  usage: z.object({ input_tokens: z.int().nonnegative(), output_tokens: z.int().nonnegative() }),
});

export class AnthropicProvider implements NetworkProvider {
  readonly name = 'anthropic';
  readonly model: string;
  private readonly client: Anthropic;
  private readonly key: string;

  constructor(
    private readonly settings: ResolvedLlm,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    const key = env.ANTHROPIC_API_KEY;
    if (!key) {
      throw new LlmFatalError(
        'the anthropic provider needs an API key: set ANTHROPIC_API_KEY in the environment (or replay a recording with --replay FILE)',
      );
    }
    this.key = key;
    this.model = settings.model;
    this.client = new Anthropic({
      apiKey: key,
      authToken: null,
      baseURL: settings.baseUrl ?? env.ANTHROPIC_BASE_URL ?? null,
      maxRetries: 0,
      timeout: settings.callTimeoutSeconds * 1000,
    });
  }

  async request(prompt: Prompt, signal: AbortSignal): Promise<Completion> {
    let reply: unknown;
    try {
      reply = await this.client.messages.create(
        {
          model: this.model,
          max_tokens: this.settings.maxTokens,
          system: prompt.system,
          messages: [{ role: 'user', content: prompt.user }],
        },
        { signal },
      );
    } catch (err) {
      throw this.classify(err, signal);
    }
    const parsed = MessageSchema.safeParse(reply);
    if (!parsed.success) {
      throw new ProviderError(`anthropic: malformed reply: ${parsed.error.issues[0]?.message}`);
    }
    return {
      text: parsed.data.content
        .filter((b) => b.type === 'text')
        .map((b) => b.text ?? '')
        .join(''),
      inputTokens: parsed.data.usage.input_tokens,
      outputTokens: parsed.data.usage.output_tokens,
    };
  }

  private classify(err: unknown, signal: AbortSignal): Error {
    if (err instanceof APIUserAbortError || err instanceof APIConnectionTimeoutError) {
      return transportError(this.name, err, true);
    }
    if (err instanceof APIConnectionError) return transportError(this.name, err, signal.aborted);
    if (err instanceof APIError && typeof err.status === 'number') {
      const e = statusError(this.name, err.status, err.apiMessage ?? '', err.headers);
      e.message = scrub(e.message, this.key);
      return e;
    }
    if (err instanceof LlmFatalError || err instanceof ProviderError) return err;
    // Anything else (a reply the SDK could not parse, say) is a failed call, counted.
    return new ProviderError(
      `anthropic: ${scrub(err instanceof Error ? err.message : String(err), this.key)}`,
    );
  }
}
