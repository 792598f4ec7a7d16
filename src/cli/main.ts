#!/usr/bin/env node
/**
 * The `aura` command line. A thin adapter: parse flags, call the model, print and write results.
 * Each command is built in its own file under `commands/`; this one registers them (in the order
 * `aura --help` lists them) and maps failures to exit codes.
 * Exit codes: 0 success, 2 user error (bad file, flag or value; no stack trace), 1 internal error.
 */
import { Command, CommanderError } from 'commander';
import { UserError } from '../errors.js';
import { VERSION } from '../version.js';
import { addCollectCommand } from './commands/collect.js';
import { addExperimentCommand } from './commands/experiment.js';
import { addInspectCommand } from './commands/inspect.js';
import { addMachinesCommand } from './commands/machines.js';
import { addPlaybookCommand } from './commands/playbook.js';
import { addQueueStatusCommand } from './commands/queueStatus.js';
import { addRunCommand } from './commands/run.js';
import { addSchemaCommand } from './commands/schema.js';
import { addSweepCommand } from './commands/sweep.js';
import { addValidateCommand } from './commands/validate.js';
import { addWorkerCommand } from './commands/worker.js';

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
  for (const add of [
    addRunCommand,
    addExperimentCommand,
    addSweepCommand,
    addWorkerCommand,
    addCollectCommand,
    addQueueStatusCommand,
    addPlaybookCommand,
    addValidateCommand,
    addSchemaCommand,
    addInspectCommand,
    addMachinesCommand,
  ]) {
    add(program);
  }
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
