/**
 * One run, end to end: resolve the scenario for a traffic level, simulate (training then test) on
 * the actor engine, and assemble everything the run directory holds. No I/O besides an optional
 * policy file read; the caller writes the results.
 */
import { type ActorRunOptions, runActors } from '../engine/actorEngine.js';
import { type EpisodeRecord, totalAgentSteps } from '../engine/run.js';
import { UserError } from '../errors.js';
import { resolveModel } from '../scenario/resolve.js';
import type { Scenario } from '../scenario/schema.js';
import { matchPlaybook, readPlaybook } from './playbook.js';
import { loadPolicy, policyDocument } from './policy.js';
import type { RunFiles } from './runDir.js';
import { episodeCsvRow, episodesCsvHeader } from './series.js';
import { buildSummary, type ConfigName, type Summary } from './summary.js';

export interface RunRequest {
  readonly scenario: Scenario;
  readonly traffic: string;
  readonly config: ConfigName;
  readonly seed: number;
  /** Q-tables to start from instead of empty ones (training still runs `episodes.training`). */
  readonly policyFile?: string;
  /** Accept a policy saved from a scenario of another name. */
  readonly transfer?: boolean;
  /** An offline playbook (guided and aura): a matching entry is the agents' starting policy. */
  readonly playbookFile?: string;
  readonly onEpisode?: (record: EpisodeRecord) => void;
  /** An inspection observer (the inspector); it must only observe. */
  readonly inspect?: ActorRunOptions['inspect'];
  /** Awaited before each control event (the inspector's pacing); simulated time is unaffected. */
  readonly beforeStep?: ActorRunOptions['beforeStep'];
}

export interface RunResult {
  readonly summary: Summary;
  readonly files: RunFiles;
}

export async function executeRun(
  req: RunRequest,
  clock: () => number = () => performance.now(),
): Promise<RunResult> {
  const model = resolveModel(req.scenario, req.traffic, req.config);
  if (req.playbookFile && !model.guidance) {
    throw new UserError('--playbook needs a guided configuration (--config guided or aura)');
  }
  if (req.playbookFile && req.policyFile) {
    throw new UserError('--playbook and --policy both choose the starting policy: give one');
  }
  const playbook = req.playbookFile
    ? matchPlaybook(
        req.playbookFile,
        readPlaybook(req.playbookFile),
        model,
        model.guidance!.planner.playbookTolerance,
      )
    : null;
  const agents = req.policyFile
    ? loadPolicy(req.policyFile, model, { transfer: req.transfer })
    : (playbook?.agents ?? undefined);
  const rows = [episodesCsvHeader(model)];
  const started = clock();
  const outcome = await runActors(model, {
    seed: req.seed,
    agents,
    playbookMatched: playbook?.agents != null,
    inspect: req.inspect,
    beforeStep: req.beforeStep,
    onEpisode: (record) => {
      rows.push(episodeCsvRow(record));
      req.onEpisode?.(record);
    },
  });
  const wallMs = clock() - started;
  const agentSteps = totalAgentSteps(model);
  const summary = buildSummary(model, req.config, req.seed, outcome, playbook?.match ?? null);
  return {
    summary,
    files: {
      resolved: req.scenario,
      summary,
      episodesCsv: `${rows.join('\n')}\n`,
      timings: {
        wallMs: Math.round(wallMs),
        agentSteps,
        agentStepsPerSec: Math.round(agentSteps / Math.max(wallMs / 1000, 1e-9)),
        xstateMessages: outcome.messages,
        messagesPerAgentStep: outcome.messages / agentSteps,
        node: process.version,
      },
      feedbackJsonl: model.guidance?.alignment
        ? outcome.world.guidance!.feedbackLog.map((f) => `${JSON.stringify(f)}\n`).join('')
        : undefined,
      trainedPolicy: policyDocument(model, outcome.trainedAgents),
      finalPolicy: policyDocument(model, outcome.world.agents),
    },
  };
}
