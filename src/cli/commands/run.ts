/**
 * `aura run`: trains the agents, tests them, prints a summary and writes a run directory, for
 * each chosen configuration and traffic level.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../errors.js';
import { executeRun } from '../../run/execute.js';
import { writeRunDir } from '../../run/runDir.js';
import { CONFIGS, type Summary } from '../../run/summary.js';
import { loadScenarioFile } from '../../scenario/load.js';
import type { Scenario } from '../../scenario/schema.js';
import { formatSummary } from '../format.js';
import { checkLlmAccess, type LlmFlags, llmFilesOf, llmOptions, llmSets } from '../llm.js';
import { chooseConfigs, chooseLevels, parseSeed, SET_OPTION } from '../options.js';
import { terminalBar } from '../progress.js';

interface RunFlags extends LlmFlags {
  traffic?: string;
  config: string;
  seed: number;
  out?: string;
  json?: boolean;
  policy?: string;
  transfer?: boolean;
  playbook?: string;
  progress: boolean;
  set: string[];
}

export function addRunCommand(program: Command): void {
  const run = program
    .command('run')
    .description('Train the agents, test them, print a summary and write a run directory.')
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .option(
      '-t, --traffic <levels>',
      "traffic level, a comma-separated list, or 'all' (default: the scenario's default level)",
    )
    .option(
      '-c, --config <names>',
      `configuration: ${CONFIGS.join(', ')}, a comma-separated list, or 'all'`,
      'marl-only',
    )
    .option('-s, --seed <n>', 'random seed (non-negative integer)', parseSeed, 1)
    .option(
      '-o, --out <dir>',
      'run directory (default: runs/<scenario>-<config>-<traffic>-seed<n>; with several levels, one subdirectory per level)',
    )
    .option('--policy <file>', 'start from the Q-tables in this file (e.g. a policy.trained.json)')
    .option(
      '--transfer',
      'with --policy: accept Q-tables saved from a scenario of another name (same cells and state spaces)',
    )
    .option(
      '--playbook <file>',
      'guided/aura: an offline playbook (aura playbook); a matching entry is the starting policy',
    )
    .option('--json', 'print the summary as JSON on stdout')
    .option('--no-progress', 'no progress bar')
    .option(...SET_OPTION);
  llmOptions(run).action((file: string, flags: RunFlags) => runCommand(file, flags));
}

/**
 * Where a run goes: `--out` itself for a single run, else one subdirectory per configuration
 * and/or traffic level under it (default `runs/<scenario>-<config>-<traffic>-seed<n>`).
 */
function runDirOf(
  scenario: Scenario,
  flags: RunFlags,
  configs: readonly string[],
  levels: readonly string[],
  config: string,
  traffic: string,
): string {
  const parts = [...(configs.length > 1 ? [config] : []), ...(levels.length > 1 ? [traffic] : [])];
  if (parts.length === 0) {
    return flags.out ?? join('runs', `${scenario.name}-${config}-${traffic}-seed${flags.seed}`);
  }
  const base =
    flags.out ??
    join(
      'runs',
      [scenario.name, configs.length > 1 ? '' : config, levels.length > 1 ? '' : traffic]
        .filter(Boolean)
        .concat(`seed${flags.seed}`)
        .join('-'),
    );
  return join(base, ...parts);
}

async function runCommand(file: string, flags: RunFlags): Promise<void> {
  if (flags.transfer && !flags.policy) throw new UserError('--transfer needs --policy <file>');
  const configs = chooseConfigs(flags.config);
  const scenario = loadScenarioFile(file, { set: [...llmSets(flags), ...flags.set] });
  const llm = llmFilesOf(flags);
  checkLlmAccess(
    scenario,
    configs.some((c) => c !== 'marl-only'),
    llm,
  );
  const levels = chooseLevels(scenario, flags.traffic ?? scenario.traffic.default, file);
  const summaries: Summary[] = [];
  if (flags.playbook && configs.includes('marl-only')) {
    throw new UserError('--playbook needs a guided configuration (--config guided or aura)');
  }
  const runs = configs.flatMap((config) => levels.map((traffic) => [config, traffic] as const));
  for (const [config, traffic] of runs) {
    const dir = runDirOf(scenario, flags, configs, levels, config, traffic);
    const total = scenario.episodes.training + scenario.episodes.test;
    const bar = terminalBar(
      `${config.padEnd(9)} ${traffic.padEnd(8)} [{bar}] {value}/{total} episodes | {phase} | ETA {eta_formatted}`,
      flags.progress,
    );
    bar?.start(total, 0, { phase: 'training' });
    let done = 0;
    let result: Awaited<ReturnType<typeof executeRun>>;
    try {
      result = await executeRun({
        scenario,
        traffic,
        config,
        seed: flags.seed,
        policyFile: flags.policy,
        transfer: flags.transfer,
        playbookFile: flags.playbook,
        llm,
        seriesFile: join(dir, 'episodes.csv.partial'),
        onEpisode: (record) => {
          done++;
          if (bar && (done % 5 === 0 || done === total)) bar.update(done, { phase: record.phase });
        },
      });
    } finally {
      bar?.stop();
    }
    try {
      writeRunDir(dir, result.files);
    } catch (err) {
      // Keep what was computed: the summary still reaches stdout before we fail.
      process.stdout.write(`${JSON.stringify(result.summary, null, 2)}\n`);
      const e = err as NodeJS.ErrnoException;
      throw new UserError(
        `cannot write run directory ${dir} (${e.code ?? e.message}); the summary is printed above`,
      );
    }
    summaries.push(result.summary);
    if (!flags.json) process.stdout.write(`${formatSummary(result.summary, dir)}\n\n`);
  }
  if (flags.json) {
    const out = summaries.length === 1 ? summaries[0] : { runs: summaries };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  }
}
