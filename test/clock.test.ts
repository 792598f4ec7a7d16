import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assign, createActor, raise, setup } from 'xstate';
import { SimClock } from '../src/engine/clock.js';

/** Schedules a timer that logs `name@now` when it fires. */
function firing(clock: SimClock, log: string[], name: string, delay: number): number {
  return clock.setTimeout(() => log.push(`${name}@${clock.now()}`), delay);
}

describe('SimClock basics', () => {
  it('starts at 0 (or the given start) with nothing pending', () => {
    const clock = new SimClock();
    expect(clock.now()).toBe(0);
    expect(clock.pending).toBe(0);
    expect(clock.peek()).toBeUndefined();
    expect(clock.step()).toBe(false);
    expect(clock.run()).toBe(0);
    expect(clock.now()).toBe(0);
    expect(new SimClock({ start: 500 }).now()).toBe(500);
  });

  it('fires timers in due-time order regardless of scheduling order', () => {
    const clock = new SimClock();
    const log: string[] = [];
    firing(clock, log, 'c', 30);
    firing(clock, log, 'a', 10);
    firing(clock, log, 'd', 40);
    firing(clock, log, 'b', 20);
    expect(clock.pending).toBe(4);
    expect(clock.peek()).toBe(10);
    expect(clock.run()).toBe(4);
    expect(log).toEqual(['a@10', 'b@20', 'c@30', 'd@40']);
    expect(clock.now()).toBe(40);
    expect(clock.pending).toBe(0);
  });

  it('fires ties in insertion order', () => {
    const clock = new SimClock();
    const log: string[] = [];
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']) firing(clock, log, name, 5);
    firing(clock, log, 'early', 1);
    firing(clock, log, 'i', 5);
    clock.run();
    expect(log).toEqual(['early@1', ...'abcdefghi'.split('').map((n) => `${n}@5`)]);
  });

  it('jumps time straight to the next due timer, one timer per step', () => {
    const clock = new SimClock({ start: 100 });
    const seen: number[] = [];
    clock.setTimeout(() => seen.push(clock.now()), 250);
    clock.setTimeout(() => seen.push(clock.now()), 1_000_000);
    expect(clock.step()).toBe(true);
    expect(seen).toEqual([350]);
    expect(clock.now()).toBe(350);
    expect(clock.pending).toBe(1);
    expect(clock.step()).toBe(true);
    expect(seen).toEqual([350, 1_000_100]);
    expect(clock.now()).toBe(1_000_100);
    expect(clock.step()).toBe(false);
    expect(clock.now()).toBe(1_000_100);
  });

  it('delays are relative to the time of scheduling', () => {
    const clock = new SimClock();
    const log: string[] = [];
    firing(clock, log, 'a', 10);
    clock.runUntil(7);
    firing(clock, log, 'b', 5); // due 12
    firing(clock, log, 'c', 2); // due 9
    clock.run();
    expect(log).toEqual(['c@9', 'a@10', 'b@12']);
  });

  it('passes no arguments and ignores the callback return value', () => {
    const clock = new SimClock();
    let args: unknown[] | undefined;
    clock.setTimeout((...a: unknown[]) => {
      args = a;
    }, 1);
    clock.step();
    expect(args).toEqual([]);
  });

  it('returns distinct ids', () => {
    const clock = new SimClock();
    const ids = Array.from({ length: 50 }, () => clock.setTimeout(() => {}, 1));
    expect(new Set(ids).size).toBe(50);
  });
});

describe('SimClock delays', () => {
  it.each([
    ['negative', -50],
    ['NaN', Number.NaN],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['zero', 0],
    ['undefined', undefined as unknown as number],
  ])('treats a %s delay as 0', (_name, delay) => {
    const clock = new SimClock({ start: 40 });
    const log: string[] = [];
    firing(clock, log, 'later', 1);
    firing(clock, log, 'x', delay);
    expect(clock.peek()).toBe(40);
    clock.run();
    expect(log).toEqual(['x@40', 'later@41']);
    expect(clock.now()).toBe(41);
  });

  it('keeps fractional delays exactly', () => {
    const clock = new SimClock();
    const log: string[] = [];
    firing(clock, log, 'b', 0.75);
    firing(clock, log, 'a', 0.5);
    clock.run();
    expect(log).toEqual(['a@0.5', 'b@0.75']);
  });

  it('rejects an infinite delay', () => {
    const clock = new SimClock();
    expect(() => clock.setTimeout(() => {}, Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(clock.pending).toBe(0);
  });
});

describe('SimClock clearTimeout', () => {
  it('cancels a pending timer', () => {
    const clock = new SimClock();
    const log: string[] = [];
    firing(clock, log, 'a', 10);
    const b = firing(clock, log, 'b', 20);
    firing(clock, log, 'c', 30);
    clock.clearTimeout(b);
    expect(clock.pending).toBe(2);
    expect(clock.run()).toBe(2);
    expect(log).toEqual(['a@10', 'c@30']);
  });

  it('peek and step skip cancelled timers at the top of the heap', () => {
    const clock = new SimClock();
    const log: string[] = [];
    const a = firing(clock, log, 'a', 1);
    const b = firing(clock, log, 'b', 2);
    firing(clock, log, 'c', 3);
    clock.clearTimeout(a);
    clock.clearTimeout(b);
    expect(clock.peek()).toBe(3);
    expect(clock.step()).toBe(true);
    expect(log).toEqual(['c@3']);
    expect(clock.now()).toBe(3);
  });

  it('step returns false and time stays put when every timer was cancelled', () => {
    const clock = new SimClock();
    const ids = [5, 6, 7].map((d) => clock.setTimeout(() => {}, d));
    for (const id of ids) clock.clearTimeout(id);
    expect(clock.pending).toBe(0);
    expect(clock.peek()).toBeUndefined();
    expect(clock.step()).toBe(false);
    expect(clock.now()).toBe(0);
  });

  it('cancels a timer from inside another timer callback, even at the same instant', () => {
    const clock = new SimClock();
    const log: string[] = [];
    let sameInstant = 0;
    let later = 0;
    clock.setTimeout(() => {
      log.push('killer');
      clock.clearTimeout(sameInstant);
      clock.clearTimeout(later);
    }, 5);
    sameInstant = firing(clock, log, 'same', 5);
    later = firing(clock, log, 'later', 9);
    firing(clock, log, 'survivor', 9);
    expect(clock.pending).toBe(4);
    clock.step();
    expect(clock.pending).toBe(1);
    clock.run();
    expect(log).toEqual(['killer', 'survivor@9']);
  });

  it('is harmless for fired, already-cancelled, unknown and foreign ids', () => {
    const clock = new SimClock();
    const log: string[] = [];
    const a = firing(clock, log, 'a', 1);
    clock.step();
    firing(clock, log, 'b', 1);
    const c = firing(clock, log, 'c', 2);
    clock.clearTimeout(a); // already fired
    clock.clearTimeout(c);
    clock.clearTimeout(c); // twice
    for (const junk of [0, -1, 999, Number.NaN, undefined, null, 'x', {}]) clock.clearTimeout(junk);
    expect(clock.pending).toBe(1);
    clock.run();
    expect(log).toEqual(['a@1', 'b@2']);
  });

  it('a timer cancelling itself from its own callback is harmless', () => {
    const clock = new SimClock();
    const log: string[] = [];
    const self: number = clock.setTimeout(() => {
      clock.clearTimeout(self);
      log.push('self');
    }, 1);
    firing(clock, log, 'next', 1);
    clock.run();
    expect(log).toEqual(['self', 'next@1']);
  });
});

describe('SimClock re-entrant scheduling', () => {
  it('callbacks can schedule future timers', () => {
    const clock = new SimClock();
    const log: string[] = [];
    const tick = (n: number) => {
      log.push(`tick${n}@${clock.now()}`);
      if (n < 4) clock.setTimeout(() => tick(n + 1), 10);
    };
    clock.setTimeout(() => tick(0), 10);
    firing(clock, log, 'mid', 25);
    expect(clock.run()).toBe(6);
    expect(log).toEqual(['tick0@10', 'tick1@20', 'mid@25', 'tick2@30', 'tick3@40', 'tick4@50']);
  });

  it('zero-delay timers scheduled during a callback fire after timers already queued for that instant', () => {
    const clock = new SimClock();
    const log: string[] = [];
    clock.setTimeout(() => {
      log.push('a@5');
      firing(clock, log, 'a0', 0);
      firing(clock, log, 'aNeg', -3);
      firing(clock, log, 'a1', 1);
    }, 5);
    firing(clock, log, 'b', 5);
    clock.setTimeout(() => {
      log.push('c@5');
      firing(clock, log, 'c0', 0);
    }, 5);
    firing(clock, log, 'd', 6); // queued before a1 (scheduled at 5 with delay 1), so fires first
    clock.run();
    expect(log).toEqual(['a@5', 'b@5', 'c@5', 'a0@5', 'aNeg@5', 'c0@5', 'd@6', 'a1@6']);
  });

  it('a chain of zero-delay timers never advances time', () => {
    const clock = new SimClock({ start: 3 });
    let n = 0;
    const again = () => {
      n++;
      if (n < 100) clock.setTimeout(again, 0);
    };
    clock.setTimeout(again, 0);
    expect(clock.run()).toBe(100);
    expect(clock.now()).toBe(3);
  });
});

describe('SimClock runUntil / run', () => {
  it('never moves to a NaN or infinite time, and refuses a non-finite start', () => {
    const clock = new SimClock({ start: 10 });
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(clock.now()), 5);
    clock.runUntil(Number.NaN);
    expect(clock.now()).toBe(10);
    clock.runUntil(Number.POSITIVE_INFINITY);
    expect(fired).toEqual([15]);
    expect(clock.now()).toBe(15);
    expect(() => new SimClock({ start: Number.NaN })).toThrow(RangeError);
  });

  it('fires only timers due at or before t, then sets now to t', () => {
    const clock = new SimClock();
    const log: string[] = [];
    firing(clock, log, 'a', 10);
    firing(clock, log, 'b', 20);
    firing(clock, log, 'c', 20);
    firing(clock, log, 'd', 21);
    clock.runUntil(20);
    expect(log).toEqual(['a@10', 'b@20', 'c@20']);
    expect(clock.now()).toBe(20);
    expect(clock.pending).toBe(1);
    clock.runUntil(20.5);
    expect(log).toHaveLength(3);
    expect(clock.now()).toBe(20.5);
    clock.runUntil(100);
    expect(log).toEqual(['a@10', 'b@20', 'c@20', 'd@21']);
    expect(clock.now()).toBe(100);
  });

  it('fires timers scheduled by callbacks when they fall inside the window', () => {
    const clock = new SimClock();
    const log: string[] = [];
    clock.setTimeout(() => {
      firing(clock, log, 'inside', 3); // due 8
      firing(clock, log, 'edge', 5); // due 10
      firing(clock, log, 'outside', 6); // due 11
    }, 5);
    clock.runUntil(10);
    expect(log).toEqual(['inside@8', 'edge@10']);
    expect(clock.pending).toBe(1);
    expect(clock.now()).toBe(10);
  });

  it('does not move time backwards', () => {
    const clock = new SimClock({ start: 50 });
    const log: string[] = [];
    firing(clock, log, 'a', 0);
    clock.runUntil(10);
    expect(clock.now()).toBe(50);
    expect(log).toEqual([]); // due 50 > 10
    clock.runUntil(50);
    expect(log).toEqual(['a@50']);
    expect(clock.now()).toBe(50);
  });

  it('run(maxSteps) fires at most maxSteps timers and returns the count', () => {
    const clock = new SimClock();
    const log: string[] = [];
    for (let i = 1; i <= 5; i++) firing(clock, log, `t${i}`, i);
    expect(clock.run(2)).toBe(2);
    expect(log).toEqual(['t1@1', 't2@2']);
    expect(clock.now()).toBe(2);
    expect(clock.pending).toBe(3);
    expect(clock.run(0)).toBe(0);
    expect(clock.run(10)).toBe(3);
    expect(clock.pending).toBe(0);
  });

  it('run(maxSteps) bounds a self-perpetuating timer', () => {
    const clock = new SimClock();
    const forever = () => {
      clock.setTimeout(forever, 7);
    };
    clock.setTimeout(forever, 7);
    expect(clock.run(1000)).toBe(1000);
    expect(clock.now()).toBe(7000);
    expect(clock.pending).toBe(1);
  });

  it('pending counts scheduled minus fired minus cancelled', () => {
    const clock = new SimClock();
    const ids = Array.from({ length: 10 }, (_, i) => clock.setTimeout(() => {}, i % 3));
    expect(clock.pending).toBe(10);
    clock.clearTimeout(ids[9]);
    expect(clock.pending).toBe(9);
    clock.step();
    expect(clock.pending).toBe(8);
    clock.runUntil(1);
    expect(clock.pending).toBe(3);
    clock.run();
    expect(clock.pending).toBe(0);
  });
});

describe('SimClock onAdvance', () => {
  it('is called once per distinct forward move, before the callbacks at the new time', () => {
    const events: string[] = [];
    const clock = new SimClock({
      onAdvance: (from, to) => events.push(`advance ${from}->${to} now=${clock.now()}`),
    });
    const fire = (name: string, delay: number) =>
      clock.setTimeout(() => events.push(`${name}@${clock.now()}`), delay);
    fire('a', 0); // same instant as start: no advance
    fire('b', 10);
    fire('c', 10);
    fire('d', 10);
    fire('e', 25);
    clock.run();
    expect(events).toEqual([
      'a@0',
      'advance 0->10 now=10',
      'b@10',
      'c@10',
      'd@10',
      'advance 10->25 now=25',
      'e@25',
    ]);
  });

  it('is called by runUntil for the final move to t, and not when t is not in the future', () => {
    const calls: [number, number][] = [];
    const clock = new SimClock({ start: 5, onAdvance: (from, to) => calls.push([from, to]) });
    clock.setTimeout(() => {}, 10);
    clock.runUntil(15);
    expect(calls).toEqual([[5, 15]]);
    clock.runUntil(40);
    expect(calls).toEqual([
      [5, 15],
      [15, 40],
    ]);
    clock.runUntil(40);
    clock.runUntil(3);
    expect(calls).toHaveLength(2);
  });

  it('is not called for cancelled timers or zero-delay timers', () => {
    const calls: [number, number][] = [];
    const clock = new SimClock({ onAdvance: (from, to) => calls.push([from, to]) });
    const a = clock.setTimeout(() => {}, 3);
    clock.setTimeout(() => clock.setTimeout(() => {}, 0), 8);
    clock.clearTimeout(a);
    clock.run();
    expect(calls).toEqual([[0, 8]]);
  });

  it('can be attached after construction, and timers it schedules run after the current one', () => {
    const clock = new SimClock();
    const log: string[] = [];
    clock.onAdvance = (from, to) => {
      log.push(`adv ${from}->${to}`);
      if (log.length < 10) firing(clock, log, 'fromHook', 0); // guard: a broken hook must not loop
    };
    firing(clock, log, 'a', 4);
    firing(clock, log, 'b', 4);
    clock.run();
    expect(log).toEqual(['adv 0->4', 'a@4', 'b@4', 'fromHook@4']);
  });
});

// ---------------------------------------------------------------------------------------------
// Property test against a naive reference implementation.

interface ClockUnderTest {
  setTimeout(fn: () => void, delay: number): number;
  clearTimeout(id: unknown): void;
  step(): boolean;
  runUntil(time: number): void;
  run(maxSteps?: number): number;
  peek(): number | undefined;
  now(): number;
  readonly pending: number;
}

/** Linear-scan reference: the obviously-correct (and slow) clock. */
class RefClock implements ClockUnderTest {
  private timers: { id: number; due: number; fn: () => void }[] = [];
  private seq = 0;
  private t = 0;
  constructor(private readonly onAdvance: (from: number, to: number) => void) {}
  now(): number {
    return this.t;
  }
  get pending(): number {
    return this.timers.length;
  }
  setTimeout(fn: () => void, delay: number): number {
    const d = Number.isFinite(delay) && delay > 0 ? delay : 0;
    const id = ++this.seq;
    this.timers.push({ id, due: this.t + d, fn });
    return id;
  }
  clearTimeout(id: unknown): void {
    this.timers = this.timers.filter((timer) => timer.id !== id);
  }
  private minIndex(): number {
    let best = -1;
    this.timers.forEach((timer, i) => {
      const b = this.timers[best];
      if (!b || timer.due < b.due || (timer.due === b.due && timer.id < b.id)) best = i;
    });
    return best;
  }
  peek(): number | undefined {
    return this.timers[this.minIndex()]?.due;
  }
  private advance(to: number): void {
    if (to > this.t) {
      const from = this.t;
      this.t = to;
      this.onAdvance(from, to);
    }
  }
  step(): boolean {
    const i = this.minIndex();
    const timer = this.timers[i];
    if (!timer) return false;
    this.timers.splice(i, 1);
    this.advance(timer.due);
    timer.fn();
    return true;
  }
  runUntil(time: number): void {
    for (;;) {
      const next = this.peek();
      if (next === undefined || next > time) break;
      this.step();
    }
    this.advance(time);
  }
  run(maxSteps = Number.POSITIVE_INFINITY): number {
    let n = 0;
    while (n < maxSteps && this.step()) n++;
    return n;
  }
}

interface Action {
  readonly cancels: readonly number[];
  readonly schedules: readonly { readonly delay: number; readonly next: Action }[];
}

type Op =
  | { readonly kind: 'schedule'; readonly delay: number; readonly next: Action }
  | { readonly kind: 'cancel'; readonly target: number }
  | { readonly kind: 'step' }
  | { readonly kind: 'runUntil'; readonly dt: number }
  | { readonly kind: 'run'; readonly max: number };

const delayArb = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom(-1, Number.NaN, 0.5) },
);
/** A timer "name": the n-th timer scheduled by the program (may not exist yet, or ever). */
const targetArb = fc.nat(30);
const noAction: Action = { cancels: [], schedules: [] };

function actionArb(depth: number): fc.Arbitrary<Action> {
  return fc.record({
    cancels: fc.array(targetArb, { maxLength: 2 }),
    schedules:
      depth === 0
        ? fc.constant([])
        : fc.array(fc.record({ delay: delayArb, next: actionArb(depth - 1) }), { maxLength: 2 }),
  });
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('schedule' as const),
      delay: delayArb,
      next: fc.oneof(fc.constant(noAction), actionArb(2)),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel' as const), target: targetArb }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('step' as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('runUntil' as const),
      dt: fc.oneof(fc.integer({ min: -2, max: 6 }), fc.constant(0.25)),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('run' as const),
      max: fc.integer({ min: 0, max: 3 }),
    }),
  },
);

/** Runs a program on a clock and returns the full trace of what happened. */
function trace(make: (onAdvance: (from: number, to: number) => void) => ClockUnderTest, ops: Op[]) {
  const log: string[] = [];
  const clock = make((from, to) => log.push(`advance ${from}->${to}`));
  const ids: number[] = []; // name -> id
  const cancel = (name: number) => clock.clearTimeout(ids[name] ?? 10_000 + name);
  const schedule = (delay: number, next: Action) => {
    const name = ids.length;
    ids.push(
      clock.setTimeout(() => {
        log.push(`fire ${name}@${clock.now()}`);
        for (const target of next.cancels) cancel(target);
        for (const s of next.schedules) schedule(s.delay, s.next);
      }, delay),
    );
  };
  for (const op of ops) {
    switch (op.kind) {
      case 'schedule':
        schedule(op.delay, op.next);
        break;
      case 'cancel':
        cancel(op.target);
        break;
      case 'step':
        log.push(`step ${clock.step()}`);
        break;
      case 'runUntil':
        clock.runUntil(clock.now() + op.dt);
        break;
      case 'run':
        log.push(`run ${clock.run(op.max)}`);
        break;
    }
    log.push(`${op.kind}: now=${clock.now()} pending=${clock.pending} peek=${clock.peek()}`);
  }
  log.push(`drain ${clock.run()} now=${clock.now()} pending=${clock.pending}`);
  return log;
}

describe('SimClock vs a naive reference', () => {
  it('produces the same fire log, times, pending counts and advances for random programs', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const expected = trace((onAdvance) => new RefClock(onAdvance), ops);
        const actual = trace((onAdvance) => new SimClock({ onAdvance }), ops);
        expect(actual).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('stays ordered under many interleaved schedules and cancels (large heap)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.boolean()), {
          minLength: 50,
          maxLength: 400,
        }),
        (entries) => {
          const clock = new SimClock();
          const fired: [number, number][] = [];
          const ids = entries.map(([delay], i) =>
            clock.setTimeout(() => fired.push([clock.now(), i]), delay),
          );
          entries.forEach(([, cancel], i) => {
            if (cancel) clock.clearTimeout(ids[i]);
          });
          clock.run();
          const expected = entries
            .map(([delay, cancel], i) => ({ delay, cancel, i }))
            .filter((e) => !e.cancel)
            .sort((x, y) => x.delay - y.delay || x.i - y.i)
            .map((e): [number, number] => [e.delay, e.i]);
          expect(fired).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// XState v5 integration.

describe('SimClock drives XState v5', () => {
  const machine = setup({
    types: { context: {} as { pings: number }, events: {} as { type: 'PING' } | { type: 'LEAVE' } },
  }).createMachine({
    id: 'timed',
    context: { pings: 0 },
    initial: 'idle',
    states: {
      idle: { after: { 1000: 'waiting' } },
      waiting: {
        entry: raise({ type: 'PING' }, { delay: 250 }),
        on: {
          PING: {
            target: 'pinged',
            actions: assign({ pings: ({ context }) => context.pings + 1 }),
          },
        },
      },
      pinged: { after: { 1000: 'done' }, on: { LEAVE: 'left' } },
      left: {},
      done: { type: 'final' },
    },
  });

  it('fires after-transitions and delayed raises only when the clock is stepped', () => {
    const clock = new SimClock();
    const actor = createActor(machine, { clock }).start();
    expect(actor.getSnapshot().value).toBe('idle');
    expect(clock.pending).toBe(1);
    expect(clock.peek()).toBe(1000);

    clock.runUntil(999);
    expect(actor.getSnapshot().value).toBe('idle');

    expect(clock.step()).toBe(true);
    expect(clock.now()).toBe(1000);
    expect(actor.getSnapshot().value).toBe('waiting');
    expect(clock.pending).toBe(1);
    expect(clock.peek()).toBe(1250);

    expect(clock.step()).toBe(true);
    expect(clock.now()).toBe(1250);
    expect(actor.getSnapshot().value).toBe('pinged');
    expect(actor.getSnapshot().context.pings).toBe(1);
    expect(clock.peek()).toBe(2250);

    expect(clock.step()).toBe(true);
    expect(clock.now()).toBe(2250);
    expect(actor.getSnapshot().value).toBe('done');
    expect(actor.getSnapshot().status).toBe('done');
    expect(clock.pending).toBe(0);
    expect(clock.step()).toBe(false);
  });

  it('leaving a state cancels its pending after-timer', () => {
    const clock = new SimClock();
    const actor = createActor(machine, { clock }).start();
    clock.run(2);
    expect(actor.getSnapshot().value).toBe('pinged');
    expect(clock.pending).toBe(1);

    actor.send({ type: 'LEAVE' });
    expect(actor.getSnapshot().value).toBe('left');
    expect(clock.pending).toBe(0);
    expect(clock.peek()).toBeUndefined();
    expect(clock.step()).toBe(false);
    expect(clock.now()).toBe(1250);
    expect(actor.getSnapshot().value).toBe('left');
  });

  it('stopping the actor cancels its timers', () => {
    const clock = new SimClock();
    const actor = createActor(machine, { clock }).start();
    expect(clock.pending).toBe(1);
    actor.stop();
    expect(clock.pending).toBe(0);
    expect(clock.run()).toBe(0);
  });
});
