/**
 * The Stately bridge (`aura inspect --stately`): forwards XState's inspection events through
 * `@statelyai/inspect`'s WebSocket inspector, e.g. to its bridge server
 * (`@statelyai/inspect/server`, which shows them in Stately's hosted inspector).
 *
 * Events go through the inspector's explicit `actor` / `event` / `snapshot` calls, each made at
 * once with a reduced copy: contexts and events keep their scalar fields only. A context holds
 * the whole simulated world, which is neither small nor meant to leave the process, and the
 * inspector's own observer would serialise it later (deferred), when the world has moved on.
 */

import { createWebSocketInspector } from '@statelyai/inspect';
import type { AnyEventObject, InspectionEvent } from 'xstate';
import { UserError } from '../errors.js';
import { lengthOf } from './session.js';

/** Where `@statelyai/inspect`'s bridge server listens by default. */
export const STATELY_DEFAULT_URL = 'ws://localhost:8080';

/** The scalar fields of an object, lists as their length (for what leaves the process). */
export function scalars(value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!value || typeof value !== 'object') return out;
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || v === null)
      out[key] = v;
    else if (lengthOf(v) !== null) out[key] = `[${lengthOf(v)} items]`;
  }
  return out;
}

interface SnapshotLike {
  readonly status?: 'active' | 'done' | 'error' | 'stopped';
  readonly value?: unknown;
  readonly context?: unknown;
}

/** A snapshot as Stately's inspector shows it: status, state value, scalar context. */
const brief = (s: SnapshotLike | undefined) => ({
  status: s?.status ?? ('active' as const),
  value: s?.value,
  context: scalars(s?.context),
});

export interface StatelyBridge {
  readonly inspect: (event: InspectionEvent) => void;
  stop(): void;
}

export function createStatelyBridge(url: string): StatelyBridge {
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    // reported below
  }
  if (!parsed || (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:')) {
    throw new UserError(`--stately: expected a ws:// or wss:// address, got '${url}'`);
  }
  // Actors register before the socket is open: their events are kept until it is.
  const inspector = createWebSocketInspector({ url, maxDeferredEvents: 10_000 });
  type Ref = Parameters<typeof inspector.actor>[0] & object;
  return {
    inspect: (ev) => {
      const ref = ev.actorRef as unknown as Ref;
      switch (ev.type) {
        case '@xstate.actor': {
          let snapshot: SnapshotLike | undefined;
          try {
            snapshot = ev.actorRef.getSnapshot() as SnapshotLike;
          } catch {
            snapshot = undefined;
          }
          inspector.actor(ref, brief(snapshot), {
            rootId: ev.rootId,
            parentId: (ev.actorRef as { _parent?: { sessionId: string } })._parent?.sessionId,
          });
          break;
        }
        case '@xstate.event':
          inspector.event(ref, scalars(ev.event) as AnyEventObject, {
            source: ev.sourceRef as unknown as Ref | undefined,
          });
          break;
        case '@xstate.snapshot':
          inspector.snapshot(ref, brief(ev.snapshot as SnapshotLike), {
            event: scalars(ev.event) as AnyEventObject,
          });
          break;
        default:
          break;
      }
    },
    stop: () => inspector.stop(),
  };
}
