/**
 * `aura playbook`: trains marl-only agents under each traffic level and saves their Q-tables as
 * the named entries of an offline playbook.
 */
import type { Command } from 'commander';
import { UserError } from '../../errors.js';
import { buildPlaybook } from '../../run/playbook.js';
import { json, writeFileAtomic } from '../../run/runDir.js';
import { loadScenarioFile } from '../../scenario/load.js';
import { chooseLevels, parseSeed, SET_OPTION } from '../options.js';

interface PlaybookFlags {
  out: string;
  traffic: string;
  seed: number;
  set: string[];
}

export function addPlaybookCommand(program: Command): void {
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
