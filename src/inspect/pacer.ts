/**
 * Paces a simulation against the wall clock for the inspector. The engine awaits `beforeStep(t)`
 * before it delivers the control event due at simulated time `t`; the pacer resolves it when the
 * wall clock has caught up (`speed` simulated seconds per wall second), holds it while paused, and
 * lets exactly one event through per `step()`. It only ever delays the engine: simulated time and
 * the order of events are untouched, so results are the same at any speed.
 */

/** Speeds the inspector accepts (simulated seconds per wall-clock second), besides 'max'. */
export const MIN_SPEED = 0.01;
export const MAX_SPEED = 1e6;

export interface PacerOptions {
  /** Simulated seconds per wall-clock second; `Infinity` runs at full speed. */
  readonly speed: number;
  readonly paused?: boolean;
  /** Wall clock in ms (tests replace it). */
  readonly now?: () => number;
}

/** Thrown from `beforeStep` once the pacer is stopped: the run is abandoned. */
export class PacerStopped extends Error {
  override readonly name = 'PacerStopped';
}

/** Longest stretch of work before the engine yields to the event loop (server, Ctrl-C), ms. */
const YIELD_EVERY_MS = 25;
/** Longest single wait, so a long gap in simulated time stays responsive, ms. */
const MAX_WAIT_MS = 200;

export interface PacerState {
  readonly speed: number;
  readonly paused: boolean;
  /** Simulated time of the last event let through, ms. */
  readonly simMs: number;
  /** Control events let through. */
  readonly steps: number;
  readonly finished: boolean;
}

export class Pacer {
  private speed: number;
  private paused: boolean;
  private stepCredits = 0;
  private stopped = false;
  private finishedFlag = false;
  private simMs = 0;
  private steps = 0;
  // Wall time at which simulated time `simAnchor` was (or is) reached at the current speed.
  private simAnchor = 0;
  private wallAnchor: number;
  private lastYield: number;
  private wake: (() => void) | null = null;
  private readonly now: () => number;
  private readonly listeners = new Set<() => void>();

  constructor(options: PacerOptions) {
    this.now = options.now ?? (() => performance.now());
    this.speed = Pacer.checkSpeed(options.speed);
    this.paused = options.paused ?? false;
    this.wallAnchor = this.now();
    this.lastYield = this.wallAnchor;
  }

  static checkSpeed(speed: number): number {
    if (!(speed > 0)) throw new RangeError(`speed must be positive, got ${speed}`);
    return speed;
  }

  /** Simulated time of the last event let through, ms. */
  get simNow(): number {
    return this.simMs;
  }

  get state(): PacerState {
    return {
      speed: this.speed,
      paused: this.paused,
      simMs: this.simMs,
      steps: this.steps,
      finished: this.finishedFlag,
    };
  }

  /** Called when the speed, pause state or finish changes (not on every step). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The engine's hook: resolves when the event due at `nextAtMs` may be delivered. */
  beforeStep = async (nextAtMs: number): Promise<void> => {
    for (;;) {
      if (this.stopped) throw new PacerStopped('inspection stopped');
      if (this.paused) {
        if (this.stepCredits > 0) {
          this.stepCredits--;
          break;
        }
        await this.changed(Number.POSITIVE_INFINITY);
        continue;
      }
      const wait = Number.isFinite(this.speed)
        ? this.wallAnchor + (nextAtMs - this.simAnchor) / this.speed - this.now()
        : 0;
      if (wait <= 0) break;
      await this.changed(Math.min(wait, MAX_WAIT_MS));
    }
    this.simMs = nextAtMs;
    this.steps++;
    if (this.paused) this.anchor();
    // Let the server and signal handlers run now and then, even at full speed.
    if (this.now() - this.lastYield >= YIELD_EVERY_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      this.lastYield = this.now();
      if (this.stopped) throw new PacerStopped('inspection stopped');
    }
  };

  pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.stepCredits = 0;
    this.notify();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.anchor();
    this.notify();
  }

  /** While paused: deliver one more control event. */
  step(): void {
    if (!this.paused) this.pause();
    this.stepCredits++;
    this.notify();
  }

  setSpeed(speed: number): void {
    this.speed = Pacer.checkSpeed(speed);
    this.anchor();
    this.notify();
  }

  /** The run is over: nothing more to pace. */
  finish(): void {
    this.finishedFlag = true;
    this.notify();
  }

  /** Abandons the run: the pending and every later `beforeStep` rejects with `PacerStopped`. */
  stop(): void {
    this.stopped = true;
    this.notify();
  }

  private anchor(): void {
    this.simAnchor = this.simMs;
    this.wallAnchor = this.now();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
    for (const listener of this.listeners) listener();
  }

  /** Waits for a control change, or `ms` of wall time. */
  private changed(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
