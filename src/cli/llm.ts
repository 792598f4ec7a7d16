/**
 * The model flags shared by `run`, `experiment` and `sweep`: which provider and model (sugar for
 * `--set guidance.llm.*`), recording and replay, and the up-front check that a real provider's
 * key is there before any run starts.
 */

import { appendFileSync } from 'node:fs';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { UserError } from '../errors.js';
import { type LlmFiles, loadCassette } from '../run/execute.js';
import { resolveLlm } from '../scenario/resolve.js';
import type { Scenario } from '../scenario/schema.js';

export interface LlmFlags {
  llm?: string;
  model?: string;
  baseUrl?: string;
  latencyFrom?: string;
  record?: string;
  replay?: string;
  replayFallback?: boolean;
}

const PROVIDERS = ['simulated', 'anthropic', 'openai-compatible'];

const oneOf = (flag: string, values: readonly string[]) => (value: string) => {
  if (!values.includes(value)) {
    throw new InvalidArgumentError(`${flag} must be one of ${values.join(', ')}`);
  }
  return value;
};

export function llmOptions(command: Command): Command {
  return command
    .option(
      '--llm <provider>',
      `model provider for guided/aura: ${PROVIDERS.join(', ')} (default: the scenario's, else simulated)`,
      oneOf('--llm', PROVIDERS),
    )
    .option('--model <id>', 'model id (default: claude-sonnet-4-20250514 for anthropic)')
    .option(
      '--base-url <url>',
      'server address (openai-compatible: e.g. http://127.0.0.1:11434/v1)',
    )
    .option(
      '--latency-from <source>',
      "real providers: simulated latency is each call's measured wall time or a draw from the latency model",
      oneOf('--latency-from', ['measured', 'model']),
    )
    .option('--record <file>', 'append every model exchange to this JSONL recording (no keys)')
    .option('--replay <file>', 'answer model calls from a recording: no network, same results')
    .option(
      '--replay-fallback',
      'with --replay: ask the provider for exchanges the recording lacks',
    );
}

/** The flags as `--set` overrides, applied before the scenario's own `--set`s. */
export function llmSets(flags: LlmFlags): string[] {
  const set = (path: string, value: string | undefined) =>
    value === undefined ? [] : [`guidance.llm.${path}=${JSON.stringify(value)}`];
  return [
    ...set('provider', flags.llm),
    ...set('model', flags.model),
    ...set('baseUrl', flags.baseUrl),
    ...set('latencyFrom', flags.latencyFrom),
  ];
}

/**
 * Recording and replay files from the flags (undefined when neither is given), checked before
 * any run starts: the recording must load, the record file must be writable.
 */
export function llmFilesOf(flags: LlmFlags): LlmFiles | undefined {
  if (flags.replayFallback && !flags.replay)
    throw new UserError('--replay-fallback needs --replay <file>');
  if (!flags.record && !flags.replay) return undefined;
  if (flags.replay) loadCassette(flags.replay);
  if (flags.record) {
    try {
      appendFileSync(flags.record, '');
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new UserError(`cannot write the recording ${flags.record}: ${e.code ?? e.message}`);
    }
  }
  return { record: flags.record, replay: flags.replay, replayFallback: flags.replayFallback };
}

/**
 * Stops before any run when a guided configuration will need a key that is not set. Replaying
 * without fallback needs none.
 */
export function checkLlmAccess(
  scenario: Scenario,
  guided: boolean,
  files: LlmFiles | undefined,
  env: NodeJS.ProcessEnv = process.env,
): void {
  if (!guided || (files?.replay && !files.replayFallback)) return;
  const llm = resolveLlm(scenario.guidance.llm);
  if (llm.provider === 'anthropic' && !env.ANTHROPIC_API_KEY) {
    throw new UserError(
      'the anthropic provider needs an API key: set ANTHROPIC_API_KEY in the environment (or replay a recording with --replay FILE)',
    );
  }
}
