/** The world's store of pending arrivals: order, due steps, and growth without loss. */
import { describe, expect, it } from 'vitest';
import { ArrivalQueues, ArrivalWindow } from '../src/model/arrivals.js';
import { Rng } from '../src/rng.js';

/** A window of `n` arrivals of a cell with `nb` neighbours, from `step`, values tagged by `tag`. */
function window(nb: number, positioned: boolean, step: number, n: number, tag: number) {
  const w = new ArrivalWindow(nb, positioned, 1);
  for (let i = 0; i < n; i++) {
    const at = w.add(step + Math.floor(i / 2), tag + i, 1 + i);
    for (let k = 0; k < nb; k++) w.neighbourGainDb[at * nb + k] = tag * 10 + k;
    if (positioned) {
      w.x![at] = tag + 0.5;
      w.y![at] = -i;
    }
  }
  return w;
}

/** Pops source `s`'s next pending arrival as an object (its due step checked on the way). */
function popOne(q: ArrivalQueues, s: number, nb: number) {
  const r = q.next(s);
  expect(q.due[s]).toBe(q.data[r]);
  const one = {
    step: q.data[r]!,
    gainDb: q.data[r + 1]!,
    holdingSteps: q.data[r + 2]!,
    neighbourGainDb: Array.from(q.data.subarray(r + 3, r + 3 + nb)),
    x: q.data[r + 3 + nb]!,
    y: q.data[r + 4 + nb]!,
  };
  q.pop(s);
  return one;
}

describe('arrival queues', () => {
  it('give back every window in order, per source, whatever the interleaving and growth', () => {
    const shapes = [{ nb: 2 }, { nb: 0 }, { nb: 6 }];
    // Tiny first stretches: every source must slide, move and grow the buffer.
    const q = new ArrivalQueues(
      shapes.map((s) => s.nb),
      true,
      [1, 1, 1],
    );
    const paper = new ArrivalQueues([1], false, [1]); // no positions in its records
    expect(() => paper.push(0, window(1, true, 0, 1, 0))).toThrow(/record shape/);

    const rng = Rng.create(3);
    const expected: ReturnType<ArrivalWindow['toArray']>[] = [[], [], []];
    const got: unknown[][] = [[], [], []];
    let step = 0;
    for (let round = 0; round < 60; round++) {
      const s = rng.int(0, 2);
      const { nb } = shapes[s]!;
      if (rng.next() < 0.6) {
        const w = window(nb, true, step, rng.int(0, 9), 100 * round);
        expected[s]!.push(...w.toArray());
        q.push(s, w);
        step += 6;
      } else {
        // consume part of what is pending
        for (let k = rng.int(0, 4); k > 0 && q.pending(s) > 0; k--) {
          got[s]!.push(popOne(q, s, nb));
        }
      }
    }
    for (let s = 0; s < 3; s++) {
      while (q.pending(s) > 0) got[s]!.push(popOne(q, s, shapes[s]!.nb));
      expect(q.due[s]).toBe(Number.POSITIVE_INFINITY);
      expect(got[s]).toEqual(expected[s]);
    }
  });
});
