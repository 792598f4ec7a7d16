/**
 * `aura inspect`: one run, paced against the wall clock, watched in a browser. Starts the
 * inspector server, runs the simulation with the session observing it and the pacer holding it,
 * and keeps serving the page after the run until Ctrl-C. Inspection only observes: the run's
 * results are those of `aura run` with the same scenario, configuration, traffic and seed.
 */
import { UserError } from '../errors.js';
import { allMachineGraphs } from '../inspect/graph.js';
import { Pacer, PacerStopped } from '../inspect/pacer.js';
import {
  type InspectorServer,
  type MachineAsset,
  startInspectorServer,
} from '../inspect/server.js';
import { InspectorSession } from '../inspect/session.js';
import {
  createStatelyBridge,
  STATELY_DEFAULT_URL,
  type StatelyBridge,
} from '../inspect/stately.js';
import { toSvg } from '../inspect/svg.js';
import { executeRun, type LlmFiles } from '../run/execute.js';
import { writeRunDir } from '../run/runDir.js';
import type { ConfigName } from '../run/summary.js';
import type { Scenario } from '../scenario/schema.js';
import type { InspectFlags } from './inspectFlags.js';

async function machineAssets(): Promise<MachineAsset[]> {
  const out = [];
  for (const g of allMachineGraphs())
    out.push({ id: g.id, summary: g.summary, svg: await toSvg(g) });
  return out;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

/** Resolves on the first Ctrl-C (or SIGTERM) after it is called. */
function interrupted(): { promise: Promise<void>; dispose(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  const handler = () => resolve();
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return {
    promise,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

export async function inspectCommand(
  scenario: Scenario,
  scenarioLabel: string,
  config: ConfigName,
  traffic: string,
  flags: InspectFlags,
  llm?: LlmFiles,
): Promise<number> {
  const pacer = new Pacer({ speed: flags.speed, paused: flags.paused });
  const session = new InspectorSession(
    { scenario: scenarioLabel, config, traffic, seed: flags.seed },
    () => pacer.simNow,
  );
  const stately: StatelyBridge | null = flags.stately
    ? createStatelyBridge(typeof flags.stately === 'string' ? flags.stately : STATELY_DEFAULT_URL)
    : null;
  let server: InspectorServer;
  try {
    server = await startInspectorServer({
      host: flags.host,
      port: flags.port,
      session,
      pacer,
      machines: await machineAssets(),
    });
  } catch (err) {
    stately?.stop();
    throw err;
  }
  const stop = interrupted();
  stop.promise.then(() => pacer.stop());
  const speed = Number.isFinite(flags.speed) ? `${flags.speed}×` : 'max';
  log(
    `aura inspect: ${server.url} — ${scenario.name}, ${config}, ${traffic}, seed ${flags.seed}; speed ${speed}${flags.paused ? ', paused' : ''}${stately ? `; forwarding to Stately at ${typeof flags.stately === 'string' ? flags.stately : STATELY_DEFAULT_URL}` : ''}. Ctrl-C to stop.`,
  );
  const close = async () => {
    stop.dispose();
    await server.close();
    if (stately) {
      stately.stop();
      // @statelyai/inspect retries a failed connection every 5 s, even after stop(): don't let
      // a pending retry keep the finished process alive.
      setTimeout(() => process.exit(), 1000).unref();
    }
  };
  try {
    const result = await executeRun({
      scenario,
      traffic,
      config,
      seed: flags.seed,
      llm,
      onEpisode: session.onEpisode,
      inspect: stately
        ? (ev) => {
            session.inspect(ev);
            stately.inspect(ev);
          }
        : session.inspect,
      beforeStep: pacer.beforeStep,
    });
    let summaryPath: string | null = null;
    if (flags.out) {
      try {
        writeRunDir(flags.out, result.files);
      } catch (err) {
        throw new UserError(
          `cannot write run directory ${flags.out} (${(err as NodeJS.ErrnoException).code ?? err})`,
        );
      }
      summaryPath = `${flags.out}/summary.json`;
    }
    session.finish(summaryPath);
    pacer.finish();
    server.flush();
    log(
      `aura inspect: run finished${summaryPath ? `, summary in ${summaryPath}` : ''}${flags.exitWhenDone ? '' : '; the page stays up until Ctrl-C'}.`,
    );
    if (!flags.exitWhenDone) await stop.promise;
    await close();
    return 0;
  } catch (err) {
    await close();
    if (err instanceof PacerStopped) {
      log('aura inspect: stopped before the run finished.');
      return 130;
    }
    throw err;
  }
}
