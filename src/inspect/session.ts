/**
 * What the inspector page shows, gathered from a running simulation without touching it: XState's
 * inspection events (actors, their snapshots, every event delivered) and the run's episode
 * records, turned into plain JSON messages — a full `hello` for a new page and small `update`s
 * with what changed since the last one. Reads of the model (trust, the planner's queue) happen
 * only when a message is built, never while the engine runs, and never write.
 */
import type { AnyEventObject, InspectionEvent } from 'xstate';
import { sumOverCells } from '../metrics/counters.js';
import type { EpisodeRecord } from '../model/report.js';
import { activeStateIds } from './graph.js';
import type { PacerState } from './pacer.js';

export interface ActorView {
  /** The actor's id in the system (`bs:urban`, `planner`; the root is `simulation`). */
  readonly id: string;
  readonly machine: string;
  readonly parent: string | null;
  /** The state value as text (`guided.cycle.awaitingGuidance`). */
  readonly state: string;
  /** Ids of the active state nodes, as in the diagrams. */
  readonly active: readonly string[];
  readonly status: string;
  /** Transitions taken so far. */
  readonly transitions: number;
}

export interface LogEntry {
  readonly seq: number;
  /** Simulated time, ms. */
  readonly t: number;
  readonly type: string;
  readonly from: string | null;
  readonly to: string;
  /** The event's scalar fields, briefly. */
  readonly detail: string;
}

export interface EpisodePoint {
  readonly phase: string;
  readonly episode: number;
  readonly droppedRequests: number;
  readonly droppedHandoffs: number;
  readonly systemFailures: number;
  readonly meanReward: number;
  /** Share of decisions taken from the LLM, or null without guidance. */
  readonly llmUsage: number | null;
  readonly meanTrust: number | null;
}

export interface AgentGauge {
  readonly cell: string;
  readonly trust: number | null;
  /** Share of the last finished episode's decisions that came from the LLM. */
  readonly llmUsage: number | null;
}

export interface Gauges {
  readonly agents: readonly AgentGauge[];
  /** Planner actors; requests waiting, requests in calls in flight, calls made (batches sent). */
  readonly planner: {
    readonly planners: number;
    readonly queued: number;
    readonly inFlight: number;
    readonly calls: number;
  } | null;
  readonly phase: string | null;
  readonly episode: number | null;
}

export interface RunInfo {
  readonly scenario: string;
  readonly config: string;
  readonly traffic: string;
  readonly seed: number;
}

/** Log entries kept for pages that connect later. */
const LOG_KEEP = 2000;
/** Log entries sent at most per update (the rest are counted as skipped). */
const LOG_PER_UPDATE = 400;

interface Tracked {
  readonly ref: ActorRefLike;
  /** The system's root (the simulation), whose context holds the world. */
  readonly root: boolean;
  id: string;
  machine: string;
  parent: string | null;
  snapshot: SnapshotLike | null;
  transitions: number;
  dirty: boolean;
}
interface ActorRefLike {
  readonly id: string;
  readonly sessionId: string;
  readonly _parent?: ActorRefLike;
  readonly logic?: { readonly id?: string };
  readonly src?: unknown;
}
interface SnapshotLike {
  readonly status: string;
  readonly value?: unknown;
  readonly context?: unknown;
}

/** A readable state value: `running.training.episode`. */
export function stateText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    return Object.entries(value)
      .map(([k, v]) => {
        const inner = stateText(v);
        return inner ? `${k}.${inner}` : k;
      })
      .join(', ');
  }
  return '';
}

/** The length of a list-like value (array, typed array, arrival window), else null. */
export function lengthOf(value: unknown): number | null {
  if (Array.isArray(value) || ArrayBuffer.isView(value))
    return (value as { length: number }).length;
  if (value && typeof value === 'object' && 'length' in value && typeof value.length === 'number')
    return value.length;
  return null;
}

/** The scalar fields of an event, for the log line (payloads can be large). */
export function eventDetail(event: AnyEventObject): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(event)) {
    if (key === 'type') continue;
    if (typeof value === 'number')
      parts.push(`${key}=${Number.isInteger(value) ? value : value.toFixed(3)}`);
    else if (typeof value === 'string')
      parts.push(`${key}=${value.length > 40 ? `${value.slice(0, 40)}…` : value}`);
    else if (typeof value === 'boolean') parts.push(`${key}=${value}`);
    else if (lengthOf(value) !== null) parts.push(`${key}=[${lengthOf(value)}]`);
    if (parts.length >= 6) break;
  }
  return parts.join(' ');
}

// Just what is read of the model, for gauges.
interface WorldLike {
  readonly config: { readonly cells: readonly { readonly id: string }[] };
  readonly phase: string;
  readonly episode: number;
  readonly guidance: {
    readonly trust: Float64Array;
    /** The planner's ledger: its calls are counted there, as the summary counts them. */
    readonly ledger: { readonly [phase: string]: { readonly calls: number } };
  } | null;
}
interface PlannerContextLike {
  readonly core: {
    readonly queue: readonly unknown[];
    readonly call: { readonly batch: readonly unknown[] } | null;
  };
}

export class InspectorSession {
  private readonly actors = new Map<string, Tracked>();
  private readonly order: Tracked[] = [];
  private log: LogEntry[] = [];
  private seq = 0;
  private sentSeq = 0;
  private readonly episodes: EpisodePoint[] = [];
  private sentEpisodes = 0;
  private lastRecord: EpisodeRecord | null = null;
  private world: WorldLike | null = null;
  private finished: { summaryPath: string | null } | null = null;

  constructor(
    readonly info: RunInfo,
    /** Simulated time of the event being delivered, ms (the pacer's). */
    private readonly simNow: () => number,
  ) {}

  /** XState's inspection observer: only records references and counts; cheap and read-only. */
  readonly inspect = (ev: InspectionEvent): void => {
    switch (ev.type) {
      case '@xstate.actor': {
        this.track(ev.actorRef as unknown as ActorRefLike);
        break;
      }
      case '@xstate.snapshot': {
        const tracked = this.track(ev.actorRef as unknown as ActorRefLike);
        const snapshot = ev.snapshot as SnapshotLike;
        tracked.snapshot = snapshot;
        tracked.transitions++;
        tracked.dirty = true;
        if (tracked.root && this.world === null) {
          const ctx = tracked.snapshot.context as { world?: WorldLike } | undefined;
          if (ctx?.world) this.world = ctx.world;
        }
        break;
      }
      case '@xstate.event': {
        const to = this.track(ev.actorRef as unknown as ActorRefLike);
        const from = ev.sourceRef ? (this.actors.get(ev.sourceRef.sessionId)?.id ?? null) : null;
        this.log.push({
          seq: ++this.seq,
          t: this.simNow(),
          type: ev.event.type,
          from,
          to: to.id,
          detail: eventDetail(ev.event),
        });
        if (this.log.length > LOG_KEEP * 2) this.log = this.log.slice(-LOG_KEEP);
        break;
      }
      default:
        break;
    }
  };

  /** The run's episode callback. */
  readonly onEpisode = (record: EpisodeRecord): void => {
    this.lastRecord = record;
    this.episodes.push(episodePoint(record));
  };

  /** The run is over (its summary written to `summaryPath`, if any). */
  finish(summaryPath: string | null): void {
    this.finished = { summaryPath };
  }

  private track(ref: ActorRefLike): Tracked {
    let tracked = this.actors.get(ref.sessionId);
    if (!tracked) {
      const parent = ref._parent ? (this.actors.get(ref._parent.sessionId)?.id ?? null) : null;
      const machine = ref.logic?.id ?? (typeof ref.src === 'string' ? ref.src : 'actor');
      tracked = {
        ref,
        root: !ref._parent,
        id: ref._parent ? ref.id : machine,
        machine,
        parent,
        snapshot: null,
        transitions: 0,
        dirty: true,
      };
      this.actors.set(ref.sessionId, tracked);
      this.order.push(tracked);
    }
    return tracked;
  }

  private view(t: Tracked): ActorView {
    const s = t.snapshot;
    return {
      id: t.id,
      machine: t.machine,
      parent: t.parent,
      state: s ? stateText(s.value) : '',
      active: s && s.value !== undefined ? activeStateIds(t.machine, s.value) : [],
      status: s?.status ?? 'starting',
      transitions: t.transitions,
    };
  }

  gauges(): Gauges {
    const world = this.world;
    const last = this.lastRecord;
    const agents = (world?.config.cells ?? []).map((cell, i) => {
      const c = last?.counters.cells[i];
      return {
        cell: cell.id,
        trust: world?.guidance ? (world.guidance.trust[i] ?? null) : null,
        llmUsage:
          world?.guidance && c && last.counters.steps > 0
            ? c.llmDecisions / last.counters.steps
            : null,
      };
    });
    // One planner, or one per region (`guidance.planner.scope: region`): summed.
    const planners = this.order.filter((t) => t.machine === 'planner' && t.snapshot);
    let plannerGauge: Gauges['planner'] = null;
    if (planners.length > 0) {
      let queued = 0;
      let inFlight = 0;
      for (const p of planners) {
        const core = (p.snapshot!.context as PlannerContextLike).core;
        queued += core.queue.length;
        inFlight += core.call ? core.call.batch.length : 0;
      }
      const ledger = world?.guidance?.ledger;
      const calls = ledger ? (ledger.training?.calls ?? 0) + (ledger.test?.calls ?? 0) : 0;
      plannerGauge = { planners: planners.length, queued, inFlight, calls };
    }
    return {
      agents,
      planner: plannerGauge,
      phase: world ? world.phase : null,
      episode: world ? world.episode : null,
    };
  }

  /** Everything, for a page that just connected. */
  hello(machines: unknown, control: PacerState): Record<string, unknown> {
    return {
      type: 'hello',
      run: this.info,
      machines,
      actors: this.order.map((t) => this.view(t)),
      log: this.log.slice(-LOG_PER_UPDATE),
      episodes: this.episodes,
      gauges: this.gauges(),
      control,
      finished: this.finished,
    };
  }

  /** What changed since the last update, or null when nothing did. */
  update(control: PacerState): Record<string, unknown> | null {
    const changed = this.order.filter((t) => t.dirty);
    for (const t of changed) t.dirty = false;
    const fresh = this.log.filter((e) => e.seq > this.sentSeq);
    const newEpisodes = this.episodes.slice(this.sentEpisodes);
    this.sentSeq = this.seq;
    this.sentEpisodes = this.episodes.length;
    if (changed.length === 0 && fresh.length === 0 && newEpisodes.length === 0) return null;
    return {
      type: 'update',
      actors: changed.map((t) => this.view(t)),
      log: fresh.slice(-LOG_PER_UPDATE),
      skipped: Math.max(0, fresh.length - LOG_PER_UPDATE),
      episodes: newEpisodes,
      gauges: this.gauges(),
      control,
      finished: this.finished,
    };
  }
}

export function episodePoint(record: EpisodeRecord): EpisodePoint {
  const { counters } = record;
  const steps = Math.max(counters.steps, 1);
  const cells = counters.cells;
  const guided = record.trust !== null;
  return {
    phase: record.phase,
    episode: record.episode,
    droppedRequests: sumOverCells(cells, 'droppedRequests'),
    droppedHandoffs: sumOverCells(cells, 'droppedHandoffs'),
    systemFailures: counters.systemFailures,
    meanReward: sumOverCells(cells, 'rewardSum') / (steps * Math.max(cells.length, 1)),
    llmUsage: guided
      ? sumOverCells(cells, 'llmDecisions') / (steps * Math.max(cells.length, 1))
      : null,
    meanTrust:
      guided && record.trust!.length > 0
        ? record.trust!.reduce((a, b) => a + b, 0) / record.trust!.length
        : null,
  };
}
