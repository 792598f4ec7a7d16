#!/usr/bin/env node
/**
 * The `aura` command line. A thin adapter: parse flags, call the model, print and write results.
 * Exit codes: 0 success, 2 user error (bad file, flag or value; no stack trace), 1 internal error.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SingleBar } from 'cli-progress';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { UserError } from '../errors.js';
import { executeRun } from '../run/execute.js';
import { buildPlaybook } from '../run/playbook.js';
import { json, writeFileAtomic, writeRunDir } from '../run/runDir.js';
import { CONFIGS, type ConfigName, type Summary } from '../run/summary.js';
import { loadScenarioFile } from '../scenario/load.js';
import { scenarioJsonSchema } from '../scenario/reference.js';
import { trafficLevels } from '../scenario/resolve.js';
import type { Scenario } from '../scenario/schema.js';
import { declaredCells } from '../scenario/topology.js';
import { VERSION } from '../version.js';
import {
  type ExperimentFlags,
  experimentCommand,
  parsePositive,
  parseSeedList,
  type SweepFlags,
  sweepCommand,
} from './experiment.js';
import { formatSummary } from './format.js';
import {
  DEFAULT_PORT,
  DEFAULT_SPEED,
  type InspectFlags,
  MACHINE_FORMATS,
  type MachineFormat,
  parsePort,
  parseSpeed,
} from './inspectFlags.js';
import { checkLlmAccess, type LlmFlags, llmFilesOf, llmOptions, llmSets } from './llm.js';
import {
  type CollectFlags,
  collectCommand,
  queueStatusCommand,
  type WorkerFlags,
  workerCommand,
} from './queue.js';

function parseSeed(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError('expected a non-negative integer.');
  }
  return n;
}

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

/** `--set PATH=VALUE`, repeatable: scenario overrides applied by the loader, in order. */
const SET_OPTION = [
  '--set <PATH=VALUE>',
  'override a scenario field, e.g. agent.alpha=0.2 or "guidance.llm.latency={model: fixed, seconds: 1}" (repeatable)',
  (value: string, previous: string[]) => [...previous, value],
  [] as string[],
] as const;

/** The scenario as results name it: the file, and the overrides if any. */
const scenarioLabel = (file: string, set: readonly string[]) =>
  [file, ...set.map((s) => `--set ${s}`)].join(' ');

/** The traffic levels a `--traffic` value names ('all', one, or a comma-separated list). */
function chooseLevels(scenario: Scenario, value: string, file: string): string[] {
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
function chooseConfigs(value: string, flag = '--config'): ConfigName[] {
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
    const bar =
      flags.progress && process.stderr.isTTY
        ? new SingleBar({
            stream: process.stderr,
            format: `${config.padEnd(9)} ${traffic.padEnd(8)} [{bar}] {value}/{total} episodes | {phase} | ETA {eta_formatted}`,
            hideCursor: true,
          })
        : undefined;
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

interface PlaybookFlags {
  out: string;
  traffic: string;
  seed: number;
  set: string[];
}

async function playbookCommand(file: string, flags: PlaybookFlags): Promise<void> {
  const scenario = loadScenarioFile(file, { set: flags.set });
  const levels = chooseLevels(scenario, flags.traffic, file);
  const doc = await buildPlaybook(scenario, levels, flags.seed, (traffic) =>
    process.stderr.write(`trained '${traffic}' (${scenario.episodes.training} episodes)\n`),
  );
  try {
    writeFileAtomic(flags.out, json(doc));
  } catch (err) {
    throw new UserError(
      `cannot write ${flags.out} (${(err as NodeJS.ErrnoException).code ?? err})`,
    );
  }
  process.stdout.write(`${flags.out}: playbook with entries ${levels.join(', ')}\n`);
}

function validateCommand(files: string[], flags: { set: string[] }): void {
  const failures: string[] = [];
  for (const file of files) {
    try {
      const s = loadScenarioFile(file, { set: flags.set });
      process.stdout.write(
        `${file}: ok (scenario '${s.name}', ${declaredCells(s).length} cells, ${s.traffic.sources.length + (s.traffic.everyCell ? declaredCells(s).length : 0)} traffic sources, levels ${trafficLevels(s).join(', ')})\n`,
      );
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      failures.push(err.message.startsWith(file) ? err.message : `${file}: ${err.message}`);
    }
  }
  if (failures.length > 0) throw new UserError(failures.join('\n'));
}

/** The options `experiment` and `sweep` share: the grid, the pool, the output, resume. */
function gridOptions(command: Command, what: string, traffic: string): void {
  command
    .option('-c, --configs <names>', `configurations: comma-separated, or 'all'`, 'all')
    .option('-t, --traffic <levels>', "traffic levels: comma-separated, or 'all'", traffic)
    .option('-n, --seeds <n>', 'seeds 1..n (default 10)', parsePositive)
    .option('--seed-list <seeds>', 'explicit seeds, comma-separated', parseSeedList)
    .option('-w, --workers <n>', 'worker threads (default: one per CPU)', parsePositive)
    .option('-o, --out <dir>', `${what} directory (default runs/<scenario>-${what})`)
    .option('--resume', `finish an interrupted ${what} in --out: skip the runs already done`)
    .option(
      '--queue <url>',
      'run the jobs on `aura worker` processes through Redis at redis://[USER:PASSWORD@]HOST[:PORT][/DB] instead of locally',
    )
    .option('--detach', 'with --queue: return once the jobs are queued (gather with aura collect)')
    .option('--no-progress', 'no progress output')
    .option(...SET_OPTION);
  llmOptions(command);
}

/** `aura machines`: every machine's diagram, to stdout or one file per machine in --out. */
async function machinesCommand(flags: { format: MachineFormat; out?: string }): Promise<void> {
  // Loaded on demand, like the inspector: the layout engine is large and most commands never draw.
  const { machineFiles } = await import('../inspect/machinesDoc.js');
  const files = await machineFiles(flags.format);
  if (!flags.out) {
    if (flags.format === 'svg')
      throw new UserError('--format svg writes one file per machine: give --out <dir>');
    if (flags.format === 'json') {
      const machines = files.map((f) => JSON.parse(f.text));
      process.stdout.write(`${JSON.stringify({ machines }, null, 2)}\n`);
    } else {
      process.stdout.write(files.map((f) => `%% ${f.name}\n${f.text}`).join('\n'));
    }
    return;
  }
  try {
    mkdirSync(flags.out, { recursive: true });
    for (const f of files) writeFileSync(join(flags.out, f.name), f.text);
  } catch (err) {
    throw new UserError(
      `cannot write to ${flags.out} (${(err as NodeJS.ErrnoException).code ?? err})`,
    );
  }
  for (const f of files) process.stdout.write(`${join(flags.out, f.name)}\n`);
}

/** What `experiment` and `sweep` share before they run: the scenario, the grid, the checks. */
function prepareGrid(file: string, flags: ExperimentFlags) {
  const configs = chooseConfigs(flags.configs, '--configs');
  const set = [...llmSets(flags), ...flags.set];
  const scenario = loadScenarioFile(file, { set });
  const traffics = chooseLevels(scenario, flags.traffic, file);
  // On a queue the runs need the keys on the workers, not here.
  if (!flags.queue) {
    checkLlmAccess(
      scenario,
      configs.some((c) => c !== 'marl-only'),
      llmFilesOf(flags),
    );
  }
  return { label: scenarioLabel(file, set), scenario, configs, traffics };
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('aura')
    .description(
      'AURA simulator: LLM-guided multi-agent reinforcement learning for cellular networks, as XState actors on a simulated clock.',
    )
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

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

  const experiment = program
    .command('experiment')
    .description(
      "Run the paper's grid — configurations × traffic levels × seeds — on worker threads, then write results, statistics and a report.",
    )
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .option(
      '--all-pairs',
      "Dunn's test on every pair of configurations, not only against marl-only",
    );
  gridOptions(experiment, 'experiment', 'all');
  experiment.action(async (file: string, flags: ExperimentFlags) => {
    const { label, scenario, configs, traffics } = prepareGrid(file, flags);
    await experimentCommand(label, scenario, configs, traffics, flags);
  });

  const sweep = program
    .command('sweep')
    .description(
      'Vary scenario parameters over a grid (× configurations × seeds) and report each metric against each parameter.',
    )
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .option(
      '--vary <PATH=V1,V2,...>',
      'a parameter path and its values, e.g. guidance.llm.latency.medianSeconds=0.1,2,20 (repeatable)',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    );
  gridOptions(sweep, 'sweep', 'normal');
  sweep.action(async (file: string, flags: SweepFlags) => {
    const { label, scenario, configs, traffics } = prepareGrid(file, flags);
    await sweepCommand(label, scenario, configs, traffics, flags);
  });

  program
    .command('worker')
    .description(
      'Run experiment jobs from a Redis queue (submitted with --queue) until stopped; start one on each machine.',
    )
    .requiredOption('--queue <url>', 'Redis: redis://[USER:PASSWORD@]HOST[:PORT][/DB]')
    .option('--concurrency <n>', 'jobs run at once (default: one per CPU)', parsePositive)
    .option(
      '--stall-seconds <n>',
      'a job whose worker stops renewing its lock this long is handed to another worker',
      parsePositive,
      30,
    )
    .action((flags: WorkerFlags) => workerCommand(flags));

  program
    .command('collect')
    .description(
      'Wait for the jobs of an experiment or sweep submitted with --queue (e.g. with --detach), gather their results and write its outputs.',
    )
    .argument('<dir>', 'the experiment (or sweep) directory given to --out when submitting')
    .requiredOption('--queue <url>', 'Redis: redis://[USER:PASSWORD@]HOST[:PORT][/DB]')
    .option('--no-progress', 'no progress output')
    .action((dir: string, flags: CollectFlags) => collectCommand(dir, flags));

  program
    .command('queue-status')
    .description(
      'Show the queues on a Redis: jobs waiting, running, finished and failed (with why), and the workers serving them.',
    )
    .requiredOption('--queue <url>', 'Redis: redis://[USER:PASSWORD@]HOST[:PORT][/DB]')
    .option('--json', 'print the status as JSON')
    .action((flags: { queue: string; json?: boolean }) => queueStatusCommand(flags));

  program
    .command('playbook')
    .description(
      'Build an offline playbook: train marl-only agents under each traffic level and save their Q-tables as named entries.',
    )
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .requiredOption('-o, --out <file>', 'playbook file to write (JSON)')
    .option('-t, --traffic <levels>', "levels to train, comma-separated, or 'all'", 'all')
    .option('-s, --seed <n>', 'random seed (non-negative integer)', parseSeed, 1)
    .option(...SET_OPTION)
    .action((file: string, flags: PlaybookFlags) => playbookCommand(file, flags));

  program
    .command('validate')
    .description('Check scenario files and report every problem with its field path and line.')
    .argument('<files...>', 'scenario files (YAML or JSON)')
    .option(...SET_OPTION)
    .action((files: string[], flags: { set: string[] }) => validateCommand(files, flags));

  program
    .command('schema')
    .description(
      'Print the scenario format as JSON Schema (for editor completion and checks); the same as docs/scenario-reference.md.',
    )
    .action(() => {
      process.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
    });

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
    const { inspectCommand } = await import('./inspect.js');
    process.exitCode = await inspectCommand(
      scenario,
      scenarioLabel(file, flags.set),
      config,
      traffic,
      flags,
      llm,
    );
  });

  program
    .command('machines')
    .description(
      "Write every machine's statechart diagram (drawn from the machine definitions): Mermaid, JSON or SVG.",
    )
    .addOption(
      new Option('-f, --format <format>', 'diagram format')
        .choices(MACHINE_FORMATS)
        .default('mermaid'),
    )
    .option('-o, --out <dir>', 'write one file per machine here (default: stdout; needed for svg)')
    .action((flags: { format: MachineFormat; out?: string }) => machinesCommand(flags));

  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; every other parse failure is a usage error.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof UserError) {
      process.stderr.write(`aura: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(
      `aura: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
