/**
 * One run, end to end: resolve the scenario for a traffic level, simulate (training then test) on
 * the actor engine, and assemble everything the run directory holds. Its file I/O: it reads the
 * starting policy or playbook and a model recording to replay, appends model exchanges to a
 * recording, and streams the episode series into `seriesFile` when given; the caller writes the
 * run directory.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type ActorRunOptions, runActors } from '../engine/actorEngine.js';
import { type LlmIo, totalAgentSteps } from '../engine/run.js';
import { UserError } from '../errors.js';
import { Cassette, Recorder } from '../llm/io/cassette.js';
import type { EpisodeRecord } from '../model/report.js';
import { resolveModel } from '../scenario/resolve.js';
import type { Scenario } from '../scenario/schema.js';
import { matchPlaybook, readPlaybook } from './playbook.js';
import { loadPolicy, policyDocument } from './policy.js';
import type { RunFiles } from './runDir.js';
import { episodesCsv } from './series.js';
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
  /** Record model exchanges to a file, or replay them from one. */
  readonly llm?: LlmFiles;
  /** Stream the per-episode series into this file as the run goes (else it is returned). */
  readonly seriesFile?: string;
}

/** Where model exchanges are recorded to or replayed from (`llm/io/cassette.ts`). */
export interface LlmFiles {
  readonly record?: string;
  readonly replay?: string;
  /** On a replay miss, ask the provider instead of failing. */
  readonly replayFallback?: boolean;
}

/** Loaded recordings, by path; reloaded when the file changed (it may grow between runs). */
const cassettes = new Map<string, { stamp: string; cassette: Cassette }>();

export function loadCassette(path: string): Cassette {
  let stamp = '';
  try {
    const st = statSync(path);
    stamp = `${st.mtimeMs}:${st.size}`;
  } catch {
    // Cassette.load reports the problem
  }
  const cached = cassettes.get(path);
  if (cached && cached.stamp === stamp) return cached.cassette;
  const cassette = Cassette.load(path);
  cassettes.set(path, { stamp, cassette });
  return cassette;
}

/**
 * A run's name in a recording: scenario (name and content digest), configuration, traffic, seed.
 * How the model is reached (address, timeouts, retries, concurrency, prices) is left out of the
 * digest: a recording replays wherever it was made.
 */
export function runKeyOf(req: RunRequest): string {
  const {
    baseUrl: _b,
    callTimeoutSeconds: _t,
    retries: _r,
    retryBaseSeconds: _rb,
    concurrency: _c,
    requestsPerMinute: _rpm,
    pricing: _p,
    ...llm
  } = req.scenario.guidance.llm;
  const content = { ...req.scenario, guidance: { ...req.scenario.guidance, llm } };
  const digest = createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 12);
  return `${req.scenario.name}@${digest}/${req.config}/${req.traffic}/seed${req.seed}`;
}

function llmIoOf(req: RunRequest): LlmIo | undefined {
  const files = req.llm;
  if (!files) return undefined;
  const replay = files.replay ? loadCassette(files.replay) : undefined;
  return {
    runKey: runKeyOf(req),
    recorder: files.record ? new Recorder(files.record) : undefined,
    replay,
    replayFallback: files.replayFallback,
  };
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
  // The series goes to disk episode by episode when the caller names a file (memory stays flat
  // over any number of episodes), else it is kept for the caller.
  // If the file cannot be written, the rows stay in memory: nothing computed is lost, and the
  // caller's own write reports the problem.
  let series = req.seriesFile;
  const rows: string[] = [];
  const addRow = (row: string) => {
    if (series) {
      try {
        appendFileSync(series, `${row}\n`);
        return;
      } catch {
        rows.push(
          ...readFileSync(series, 'utf8')
            .split('\n')
            .filter((r) => r !== ''),
        );
        series = undefined;
      }
    }
    rows.push(row);
  };
  if (series) {
    try {
      mkdirSync(dirname(series), { recursive: true });
      writeFileSync(series, '');
    } catch {
      series = undefined;
    }
  }
  const csv = episodesCsv(model);
  addRow(csv.header);
  const started = clock();
  const outcome = await runActors(model, {
    seed: req.seed,
    agents,
    playbookMatched: playbook?.agents != null,
    inspect: req.inspect,
    beforeStep: req.beforeStep,
    llmIo: llmIoOf(req),
    keepEpisodes: false, // per episode only totals are kept; the series is written as it goes
    onEpisode: (record) => {
      addRow(csv.row(record));
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
      episodesCsv: series ? { file: series } : `${rows.join('\n')}\n`,
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
