/**
 * The simulated clock: the one clock of the whole actor system.
 *
 * Implements XState's `Clock` interface (`setTimeout` / `clearTimeout`) over a binary heap ordered
 * by (due time, insertion sequence), so timers due at the same instant fire in the order they were
 * scheduled. Time never passes by itself: `step()` jumps straight to the next due timer. Timers may
 * be scheduled or cancelled from inside a firing callback.
 *
 * `onAdvance(from, to)` is called once, before any timer at `to` fires, whenever time moves
 * forward. The engine uses it to let the data plane (the radio network) catch up to the instant of
 * the next control event, so actors always see a world that is exactly as old as the clock.
 *
 * Why not XState's `SimulatedClock`: it re-sorts every timer on each tick (quadratic) and leaves
 * ties unordered.
 */
import type { ActorOptions, AnyActorLogic } from 'xstate';

/** XState's clock interface (not exported by name from the package). */
export type Clock = NonNullable<ActorOptions<AnyActorLogic>['clock']>;

export type TimerId = number;
type Callback = (...args: unknown[]) => void;

interface Timer {
  readonly id: TimerId;
  readonly due: number;
  readonly fn: Callback;
  cancelled: boolean;
}

export interface SimClockOptions {
  /** Start time in milliseconds (default 0). */
  readonly start?: number;
  /** Called with (from, to) whenever time moves forward, before timers due at `to` fire. */
  readonly onAdvance?: (from: number, to: number) => void;
}

export class SimClock implements Clock {
  private heap: Timer[] = [];
  private live = new Map<TimerId, Timer>();
  private seq = 0;
  private current: number;
  onAdvance: ((from: number, to: number) => void) | undefined;

  constructor(options: SimClockOptions = {}) {
    const start = options.start ?? 0;
    if (!Number.isFinite(start)) throw new RangeError('SimClock: start time must be finite');
    this.current = start;
    this.onAdvance = options.onAdvance;
  }

  /** Current simulated time in milliseconds. */
  now(): number {
    return this.current;
  }

  /** Number of timers scheduled and not yet fired or cancelled. */
  get pending(): number {
    return this.live.size;
  }

  setTimeout(fn: Callback, timeout: number): TimerId {
    if (timeout === Number.POSITIVE_INFINITY) throw new RangeError('SimClock: infinite delay');
    // Like the platform: missing, negative or NaN delays mean "as soon as possible".
    const delay = Number.isFinite(timeout) && timeout > 0 ? timeout : 0;
    const id = ++this.seq;
    const timer: Timer = { id, due: this.current + delay, fn, cancelled: false };
    this.live.set(id, timer);
    this.push(timer);
    return id;
  }

  clearTimeout(id: unknown): void {
    const timer = this.live.get(id as TimerId);
    if (!timer) return;
    timer.cancelled = true; // lazily dropped when it reaches the top of the heap
    this.live.delete(timer.id);
  }

  /** Due time of the next live timer, or undefined when none is pending. */
  peek(): number | undefined {
    this.dropCancelled();
    return this.heap[0]?.due;
  }

  /** Fires the next due timer (advancing time to it). Returns false when nothing is pending. */
  step(): boolean {
    this.dropCancelled();
    const timer = this.pop();
    if (!timer) return false;
    this.live.delete(timer.id);
    this.moveTo(timer.due);
    timer.fn();
    return true;
  }

  /** Fires every timer due at or before `time`, then sets the clock to `time`. */
  runUntil(time: number): void {
    for (let next = this.peek(); next !== undefined && next <= time; next = this.peek()) {
      this.step();
    }
    this.moveTo(time);
  }

  /** Fires timers until none is pending (or `maxSteps` have fired). Returns the number fired. */
  run(maxSteps = Number.POSITIVE_INFINITY): number {
    let fired = 0;
    while (fired < maxSteps && this.step()) fired++;
    return fired;
  }

  private moveTo(time: number): void {
    if (!(time > this.current) || !Number.isFinite(time)) return; // never backwards, NaN or ∞
    const from = this.current;
    this.current = time;
    this.onAdvance?.(from, time);
  }

  private dropCancelled(): void {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
  }

  private static before(a: Timer, b: Timer): boolean {
    return a.due < b.due || (a.due === b.due && a.id < b.id);
  }

  private push(timer: Timer): void {
    const heap = this.heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!SimClock.before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private pop(): Timer | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && SimClock.before(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && SimClock.before(heap[r]!, heap[m]!)) m = r;
      if (m === i) break;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
    return top;
  }
}
