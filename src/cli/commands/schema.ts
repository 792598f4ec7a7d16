/** `aura schema`: the scenario format as JSON Schema on stdout. */
import type { Command } from 'commander';
import { scenarioJsonSchema } from '../../scenario/reference.js';

export function addSchemaCommand(program: Command): void {
  program
    .command('schema')
    .description(
      'Print the scenario format as JSON Schema (for editor completion and checks); the same as docs/scenario-reference.md.',
    )
    .action(() => {
      process.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
    });
}
