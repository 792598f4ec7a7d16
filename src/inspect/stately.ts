/**
 * The Stately bridge (`aura inspect --stately`): forwards XState's inspection events through
 * `@statelyai/inspect`'s WebSocket inspector, e.g. to its local bridge server
 * (`@statelyai/inspect/server`, which opens Stately's hosted inspector in a browser). Contexts and
 * events are reduced to their scalar fields first: a context holds the whole simulated world,
 * which is neither small nor meant to leave the process.
 */
import { createWebSocketInspector } from '@statelyai/inspect';
import type { AnyEventObject, InspectionEvent } from 'xstate';

/** Where `@statelyai/inspect`'s bridge server listens by default. */
export const STATELY_DEFAULT_URL = 'ws://localhost:8080';

/** The scalar fields of an object, arrays as their length (for what leaves the process). */
export function scalars(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || v === null)
      out[key] = v;
    else if (Array.isArray(v)) out[key] = `[${v.length} items]`;
  }
  return out;
}

export interface StatelyBridge {
  readonly inspect: (event: InspectionEvent) => void;
  stop(): void;
}

export function createStatelyBridge(url: string): StatelyBridge {
  const inspector = createWebSocketInspector({
    url,
    // Actors register before the socket is open: keep their events until it is.
    maxDeferredEvents: 10_000,
    sanitizeContext: (context) => scalars(context as Record<string, unknown>),
    sanitizeEvent: (event) => scalars(event) as AnyEventObject,
  });
  return {
    inspect: (event) => inspector.inspect.next?.(event),
    stop: () => inspector.stop(),
  };
}
