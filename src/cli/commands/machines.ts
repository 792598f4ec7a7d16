/** `aura machines`: every machine's statechart diagram, as Mermaid, JSON or SVG. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Command, Option } from 'commander';
import { UserError } from '../../errors.js';
import { MACHINE_FORMATS, type MachineFormat } from '../inspectFlags.js';

export function addMachinesCommand(program: Command): void {
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
}

/** `aura machines`: every machine's diagram, to stdout or one file per machine in --out. */
async function machinesCommand(flags: { format: MachineFormat; out?: string }): Promise<void> {
  // Loaded on demand, like the inspector: the layout engine is large and most commands never draw.
  const { machineFiles } = await import('../../inspect/machinesDoc.js');
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
