/**
 * `aura collect`: waits for the jobs of an experiment or sweep submitted with `--queue`, gathers
 * their results and writes its outputs, as the submitting command would have.
 */
import type { Command } from 'commander';
import { parseQueueUrl } from '../../experiment/queue.js';
import { collectFromQueue, readQueueRecord } from '../../experiment/queueSubmit.js';
import { parseVary } from '../../experiment/sweep.js';
import { settled } from '../grid.js';
import { withProgress } from '../progress.js';
import { finishExperiment } from './experiment.js';
import { finishSweep } from './sweep.js';

export interface CollectFlags {
  queue: string;
  progress: boolean;
}

export function addCollectCommand(program: Command): void {
  program
    .command('collect')
    .description(
      'Wait for the jobs of an experiment or sweep submitted with --queue (e.g. with --detach), gather their results and write its outputs.',
    )
    .argument('<dir>', 'the experiment (or sweep) directory given to --out when submitting')
    .requiredOption('--queue <url>', 'Redis: redis://[USER:PASSWORD@]HOST[:PORT][/DB]')
    .option('--no-progress', 'no progress output')
    .action((dir: string, flags: CollectFlags) => collectCommand(dir, flags));
}

/** Waits for a submission's jobs, gathers them into its directory and writes its outputs. */
export async function collectCommand(dir: string, flags: CollectFlags): Promise<void> {
  const url = parseQueueUrl(flags.queue);
  const record = readQueueRecord(dir);
  const varies = record.vary.map(parseVary);
  const settings = varies.reduce((product, v) => product * v.values.length, 1);
  const { grid } = record;
  const total = settings * grid.configs.length * grid.traffics.length * grid.seeds.length;
  process.stderr.write(
    `collect: ${total} runs of ${record.kind} '${record.scenario.name}' from queue ${record.queue} on ${url.display} → ${dir}\n`,
  );
  const collected = await withProgress(total, flags.progress, (signal, onJob, onNotice) =>
    collectFromQueue(dir, { url, signal, onJob, onNotice }),
  );
  const outcome = settled(collected.outcome, dir, `run the same command again to gather the rest`);
  if (!outcome) return;
  if (record.kind === 'sweep') {
    await finishSweep(
      dir,
      record.scenarioFile,
      grid,
      varies.map((v) => v.path),
      outcome,
    );
  } else {
    await finishExperiment(
      dir,
      record.scenarioFile,
      record.scenario.name,
      grid,
      outcome,
      record.allPairs,
    );
  }
}
