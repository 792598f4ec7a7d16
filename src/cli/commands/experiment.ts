/**
 * `aura experiment`: the paper's grid (configurations × traffic levels × seeds) on a pool of
 * worker threads, then the results, statistics, report and headline table.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { writeExperimentOutputs } from '../../experiment/outputs.js';
import { cellOf } from '../../experiment/results.js';
import type { ExperimentOutcome } from '../../experiment/run.js';
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

export function addExperimentCommand(program: Command): void {
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
}

async function experimentCommand(
  file: string,
  scenario: Scenario,
  configs: ConfigName[],
  traffics: string[],
  flags: ExperimentFlags,
): Promise<void> {
  const grid = { configs, traffics, seeds: seedsOf(flags) };
  const outDir = flags.out ?? join('runs', `${scenario.name}-experiment`);
  const outcome = await runGrid({ kind: 'experiment', file, scenario, grid, outDir }, flags);
  if (!outcome) return;
  await finishExperiment(outDir, file, scenario.name, grid, outcome, flags.allPairs ?? false);
}

/** An experiment's outputs from its outcome, the headline table on stdout; throws if runs failed. */
export async function finishExperiment(
  outDir: string,
  file: string,
  scenarioName: string,
  grid: { configs: readonly string[]; traffics: readonly string[]; seeds: readonly number[] },
  outcome: ExperimentOutcome,
  allPairs: boolean,
): Promise<void> {
  const { analysis, reportFile } = await writeExperimentOutputs(
    outDir,
    file,
    scenarioName,
    grid,
    outcome,
    { allPairs },
  );
  // The headline table: median dropped requests per agent, LLM usage, system failures.
  const lines: string[] = [];
  const header = ['configuration', ...analysis.traffics].map((s) => s.padEnd(14)).join('');
  for (const [metric, label] of [
    ['droppedRequests', 'dropped requests (median)'],
    ['llmUsageRate', 'LLM usage rate (median)'],
  ] as const) {
    for (const agent of analysis.agents) {
      lines.push(`${label} — ${agent}`, header);
      for (const config of analysis.configs) {
        const cells = analysis.traffics.map((t) => {
          const m = cellOf(analysis, metric, agent, config, t)?.stats.median;
          const text =
            m === undefined
              ? '–'
              : metric === 'llmUsageRate'
                ? `${(100 * m).toFixed(1)}%`
                : String(m);
          return text.padEnd(14);
        });
        lines.push([config.padEnd(14), ...cells].join(''));
      }
      lines.push('');
    }
  }
  lines.push('system failures (median)', header);
  for (const config of analysis.configs) {
    const cells = analysis.traffics.map((t) =>
      String(cellOf(analysis, 'systemFailures', null, config, t)?.stats.median ?? '–').padEnd(14),
    );
    lines.push([config.padEnd(14), ...cells].join(''));
  }
  process.stdout.write(`${lines.join('\n')}\n\nreport: ${reportFile}\n`);
  if (outcome.failures.length > 0) throw failuresError(outcome, outDir);
}
