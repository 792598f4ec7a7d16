/**
 * `aura sweep`: a grid of scenario variants (× configurations × seeds) and each metric against
 * each varied parameter.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../errors.js';
import type { ExperimentOutcome } from '../../experiment/run.js';
import { parseVary, sweepVariants } from '../../experiment/sweep.js';
import { writeSweepOutputs } from '../../experiment/sweepOutputs.js';
import type { ConfigName } from '../../scenario/resolve.js';
import type { Scenario } from '../../scenario/schema.js';
import {
  type ExperimentFlags,
  failuresError,
  gridOptions,
  prepareGrid,
  runGrid,
  seedsOf,
} from '../grid.js';

export interface SweepFlags extends ExperimentFlags {
  vary: string[];
}

export function addSweepCommand(program: Command): void {
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
}

async function sweepCommand(
  file: string,
  scenario: Scenario,
  configs: ConfigName[],
  traffics: string[],
  flags: SweepFlags,
): Promise<void> {
  if (flags.vary.length === 0) throw new UserError('sweep: give at least one --vary PATH=V1,V2,…');
  const varies = flags.vary.map(parseVary);
  const variants = sweepVariants(scenario, varies);
  const grid = { configs, traffics, seeds: seedsOf(flags) };
  const outDir = flags.out ?? join('runs', `${scenario.name}-sweep`);
  const outcome = await runGrid(
    { kind: 'sweep', file, scenario, grid, outDir, variants, vary: flags.vary },
    flags,
  );
  if (!outcome) return;
  await finishSweep(
    outDir,
    file,
    grid,
    varies.map((v) => v.path),
    outcome,
  );
}

/** A sweep's outputs from its outcome, the paths on stdout; throws if some runs failed. */
export async function finishSweep(
  outDir: string,
  file: string,
  grid: { configs: readonly string[]; traffics: readonly string[]; seeds: readonly number[] },
  paths: string[],
  outcome: ExperimentOutcome,
): Promise<void> {
  const report = await writeSweepOutputs(outDir, file, grid, paths, outcome);
  process.stdout.write(`sweep: ${join(outDir, 'sweep.csv')}\nreport: ${report}\n`);
  if (outcome.failures.length > 0) throw failuresError(outcome, outDir);
}
