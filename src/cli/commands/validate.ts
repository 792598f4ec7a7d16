/** `aura validate`: checks scenario files and reports every problem with its path and line. */
import type { Command } from 'commander';
import { UserError } from '../../errors.js';
import { loadScenarioFile } from '../../scenario/load.js';
import { trafficLevels } from '../../scenario/resolve.js';
import { declaredCells } from '../../scenario/topology.js';
import { SET_OPTION } from '../options.js';

export function addValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('Check scenario files and report every problem with its field path and line.')
    .argument('<files...>', 'scenario files (YAML or JSON)')
    .option(...SET_OPTION)
    .action((files: string[], flags: { set: string[] }) => validateCommand(files, flags));
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
