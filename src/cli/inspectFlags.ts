/**
 * The flags of `aura inspect` and `aura machines`, parsed without loading the inspector (its
 * server, layout engine and Stately bridge load only when the command runs).
 */

import { UserError } from '../errors.js';
import { MAX_SPEED, MIN_SPEED } from '../inspect/pacer.js';

export { MACHINE_FORMATS, type MachineFormat } from '../inspect/formats.js';

export interface InspectFlags {
  config: string;
  traffic?: string;
  seed: number;
  port: number;
  host: string;
  speed: number;
  paused?: boolean;
  out?: string;
  exitWhenDone?: boolean;
  stately?: boolean | string;
  set: string[];
}

export const DEFAULT_PORT = 7300;
export const DEFAULT_SPEED = 20;

/** `--port`: 0 (any free port) to 65535. */
export function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > 65535) {
    throw new UserError(
      `--port: expected an integer from 0 to 65535 (0: any free port), got '${value}'`,
    );
  }
  return n;
}

/** `--speed`: simulated seconds per wall-clock second, or `max`. */
export function parseSpeed(value: string): number {
  if (value === 'max') return Number.POSITIVE_INFINITY;
  const n = Number(value);
  if (!Number.isFinite(n) || n < MIN_SPEED || n > MAX_SPEED) {
    throw new UserError(
      `--speed: expected a number from ${MIN_SPEED} to ${MAX_SPEED} (simulated seconds per second) or 'max', got '${value}'`,
    );
  }
  return n;
}
