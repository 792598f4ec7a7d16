/**
 * `aura inspect`: one run paced against the wall clock and watched in a browser. The flags are
 * checked here; the inspector (server, layout engine, Stately bridge) loads only when it runs.
 */
import type { Command } from 'commander';
import { UserError } from '../../errors.js';
import { CONFIGS } from '../../run/summary.js';
import { loadScenarioFile } from '../../scenario/load.js';
import {
  DEFAULT_PORT,
  DEFAULT_SPEED,
  type InspectFlags,
  parsePort,
  parseSpeed,
} from '../inspectFlags.js';
import { checkLlmAccess, type LlmFlags, llmFilesOf, llmOptions, llmSets } from '../llm.js';
import { chooseConfigs, chooseLevels, parseSeed, SET_OPTION, scenarioLabel } from '../options.js';

export function addInspectCommand(program: Command): void {
  const inspect = program
    .command('inspect')
    .description(
      'Run one simulation paced against the wall clock and watch every actor live in a browser (play, pause, step, speed).',
    )
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .option(
      '-c, --config <name>',
      `configuration: ${CONFIGS.join(', ')} (aura has every kind of actor)`,
      'aura',
    )
    .option('-t, --traffic <level>', "traffic level (default: the scenario's default level)")
    .option('-s, --seed <n>', 'random seed (non-negative integer)', parseSeed, 1)
    .option('-p, --port <port>', 'port of the page (0: any free port)', parsePort, DEFAULT_PORT)
    .option('--host <address>', 'address to listen on (only this machine by default)', '127.0.0.1')
    .option(
      '--speed <x>',
      `simulated seconds per wall-clock second, or 'max' (default ${DEFAULT_SPEED})`,
      parseSpeed,
      DEFAULT_SPEED,
    )
    .option('--paused', 'start paused (then play or step from the page)')
    .option('-o, --out <dir>', 'write the run directory here when the run finishes')
    .option('--exit-when-done', 'stop serving the page when the run finishes')
    .option(
      '--stately [url]',
      "also forward inspection events to Stately's inspector through @statelyai/inspect (default ws://localhost:8080)",
    )
    .option(...SET_OPTION);
  llmOptions(inspect).action(async (file: string, flags: InspectFlags & LlmFlags) => {
    const [config, ...more] = chooseConfigs(flags.config);
    if (!config || more.length > 0)
      throw new UserError('--config: inspect watches one configuration');
    const scenario = loadScenarioFile(file, { set: [...llmSets(flags), ...flags.set] });
    const llm = llmFilesOf(flags);
    checkLlmAccess(scenario, config !== 'marl-only', llm);
    const [traffic, ...others] = chooseLevels(
      scenario,
      flags.traffic ?? scenario.traffic.default,
      file,
    );
    if (!traffic || others.length > 0)
      throw new UserError('--traffic: inspect watches one traffic level');
    const { inspectCommand } = await import('../inspectRun.js');
    process.exitCode = await inspectCommand(
      scenario,
      scenarioLabel(file, flags.set),
      config,
      traffic,
      flags,
      llm,
    );
  });
}
