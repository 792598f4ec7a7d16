/**
 * Flag parsing the commands share: seeds and counts, `--set`, and the configurations and traffic
 * levels a comma-separated flag names.
 */
import { InvalidArgumentError } from 'commander';
import { UserError } from '../errors.js';
import { CONFIGS, type ConfigName } from '../run/summary.js';
import { trafficLevels } from '../scenario/resolve.js';
import type { Scenario } from '../scenario/schema.js';

export function parseSeed(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError('expected a non-negative integer.');
  }
  return n;
}

/** `--seed-list 1,2,7`: distinct non-negative integers. */
export function parseSeedList(value: string): number[] {
  const seeds = value.split(',').map((s) => s.trim());
  if (
    seeds.length === 0 ||
    seeds.some((s) => !/^\d+$/.test(s) || !Number.isSafeInteger(Number(s)))
  ) {
    throw new InvalidArgumentError('expected a comma-separated list of non-negative integers.');
  }
  return [...new Set(seeds.map(Number))];
}

/** `--seeds 10`, `--workers 4`: a positive integer. */
export function parsePositive(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError('expected a positive integer.');
  }
  return n;
}

/** `--set PATH=VALUE`, repeatable: scenario overrides applied by the loader, in order. */
export const SET_OPTION = [
  '--set <PATH=VALUE>',
  'override a scenario field, e.g. agent.alpha=0.2 or "guidance.llm.latency={model: fixed, seconds: 1}" (repeatable)',
  (value: string, previous: string[]) => [...previous, value],
  [] as string[],
] as const;

/** The scenario as results name it: the file, and the overrides if any. */
export const scenarioLabel = (file: string, set: readonly string[]) =>
  [file, ...set.map((s) => `--set ${s}`)].join(' ');

/** The traffic levels a `--traffic` value names ('all', one, or a comma-separated list). */
export function chooseLevels(scenario: Scenario, value: string, file: string): string[] {
  const known = trafficLevels(scenario);
  const levels = value === 'all' ? known : [...new Set(value.split(',').map((s) => s.trim()))];
  for (const level of levels) {
    if (!known.includes(level)) {
      throw new UserError(
        `--traffic: unknown level '${level}' for ${file} (levels: ${known.join(', ')}, or 'all')`,
      );
    }
  }
  return levels;
}

/** The configurations a `--config` value names ('all', one, or a comma-separated list). */
export function chooseConfigs(value: string, flag = '--config'): ConfigName[] {
  const names =
    value === 'all' ? [...CONFIGS] : [...new Set(value.split(',').map((s) => s.trim()))];
  for (const name of names) {
    if (!(CONFIGS as readonly string[]).includes(name)) {
      throw new UserError(
        `${flag}: unknown configuration '${name}' (configurations: ${CONFIGS.join(', ')}, or 'all')`,
      );
    }
  }
  return names as ConfigName[];
}
