import { describe, expect, it } from 'vitest';
import type { Arrival } from '../src/model/arrivals.js';
import {
  admit,
  type CellState,
  changePower,
  countPoor,
  coverageOf,
  departUsers,
  driftUsers,
  FAIR,
  GOOD,
  handoff,
  isPoor,
  POOR,
  powerLevel,
  powerShare,
  type User,
  UserTable,
} from '../src/model/cell.js';
import type { Radio } from '../src/model/radio.js';
import { Rng } from '../src/rng.js';
import type { CellConfig } from '../src/scenario/resolve.js';

const config = (over: Partial<CellConfig> = {}): CellConfig => ({
  id: 'c',
  index: 0,
  type: 't',
  powerMin: 30,
  powerMax: 37,
  powerStep: 1,
  powerLevels: 8,
  capacity: 30,
  signalMin: -120,
  signalMax: -50,
  snrMin: 0,
  snrMax: 30,
  neighbours: [],
  x: Number.NaN,
  y: Number.NaN,
  userRadiusKm: 0,
  ...over,
});

const radio: Radio = {
  model: 'paper',
  sinr: {
    pathLossDb: 128.1,
    pathLossSlopeDb: 37.6,
    shadowingSdDb: 8,
    noiseDbm: -97,
    minDistanceKm: 0.035,
  },
  signalFloorDbm: -112,
  poorSignalDbm: -100,
  poorSnrDb: 5,
  coverage: { goodMaxPoorShare: 0.1, fairMaxPoorShare: 0.3 },
  drift: { signalSdDb: 0, snrSdDb: 0 },
  handoffMarginDb: 3,
};

const user = (gain: number, over: Partial<User> = {}): User => ({
  gain,
  snrOffset: 110,
  departStep: 100,
  neighbourGain: [],
  ...over,
});

const cell = (over: Partial<CellConfig> = {}, power?: number, users: User[] = []): CellState => {
  const c = config(over);
  const table = new UserTable(c.neighbours.length, false, 1);
  for (const u of users) table.add(u);
  return { config: c, power: power ?? c.powerMin, users: table, poorUsers: 0 };
};

/** The cell's users as objects. */
const list = (c: CellState): User[] => c.users.toArray();

const poorAt30 = (u: User) => isPoor(30, u.gain, u.snrOffset, radio);
const signal = (c: CellState, u: User) => c.power + u.gain;
const snr = (c: CellState, u: User) => c.power + u.gain + u.snrOffset;

const arrival = (over: Partial<Arrival> = {}): Arrival => ({
  step: 10,
  signalDbm: -80,
  snrDb: 12,
  holdingSteps: 7,
  neighbourSignalDbm: [],
  ...over,
});

describe('power', () => {
  it('an increase raises every signal and SNR by the step, a decrease lowers them', () => {
    const c = cell({ powerStep: 2, powerMax: 36, powerLevels: 4 }, 32, [
      user(-140, { snrOffset: 3 }),
      user(-100, { snrOffset: -10 }),
    ]);
    const before = list(c).map((u) => [signal(c, u), snr(c, u)]);
    changePower(c, 1);
    expect(c.power).toBe(34);
    expect(list(c).map((u) => [signal(c, u), snr(c, u)])).toEqual(
      before.map(([s, n]) => [s! + 2, n! + 2]),
    );
    changePower(c, -1);
    changePower(c, -1);
    expect(c.power).toBe(30);
    expect(list(c).map((u) => [signal(c, u), snr(c, u)])).toEqual(
      before.map(([s, n]) => [s! - 2, n! - 2]),
    );
  });

  it('is clamped at the maximum and the minimum', () => {
    const c = cell({}, 37, [user(-120)]);
    changePower(c, 1);
    expect(c.power).toBe(37);
    expect(signal(c, c.users.at(0))).toBe(-83);
    expect(powerLevel(c)).toBe(7);
    expect(powerShare(c)).toBe(1);
    c.power = 30;
    changePower(c, -1);
    expect(c.power).toBe(30);
    expect(powerLevel(c)).toBe(0);
    expect(powerShare(c)).toBe(0);
  });

  it('does not overshoot the maximum with a step larger than the headroom', () => {
    const c = cell({ powerStep: 3 }, 36);
    changePower(c, 1);
    expect(c.power).toBe(37);
    c.power = 31;
    changePower(c, -1);
    expect(c.power).toBe(30);
  });
});

describe('admission', () => {
  it("refuses a user when the cell is full ('full'), whatever its signal", () => {
    const c = cell({ capacity: 2 }, 37, [user(-100), user(-100)]);
    expect(admit(c, arrival({ signalDbm: -50 }), [c], radio)).toBe('full');
    expect(c.users).toHaveLength(2);
  });

  it("refuses a user below the signal floor ('noSignal'), checked after capacity", () => {
    const c = cell({}, 30);
    // signal at powerMin: -112.5 < -112
    expect(admit(c, arrival({ signalDbm: -112.5 }), [c], radio)).toBe('noSignal');
    expect(c.users).toHaveLength(0);
    // exactly at the floor is served
    expect(admit(c, arrival({ signalDbm: -112 }), [c], radio)).toBe('admitted');
    const full = cell({ capacity: 1 }, 30, [user(-50)]);
    expect(admit(full, arrival({ signalDbm: -130 }), [full], radio)).toBe('full');
  });

  it('uses the current power: a user below the floor at minimum power is served at higher power', () => {
    const c = cell({}, 35);
    expect(admit(c, arrival({ signalDbm: -115 }), [c], radio)).toBe('admitted');
    expect(signal(c, c.users.at(0))).toBe(-110);
    expect(admit(c, arrival({ signalDbm: -118 }), [c], radio)).toBe('noSignal');
  });

  it('stores the gain relative to powerMin, the SNR offset, the end step and neighbour gains', () => {
    const cells = [
      cell({ neighbours: [1, 2] }, 33),
      cell({ index: 1, powerMin: 43, powerMax: 46, powerLevels: 4 }, 45),
      cell({ index: 2, powerMin: 20, powerMax: 25, powerLevels: 6 }, 20),
    ];
    const a = arrival({ signalDbm: -90, snrDb: 14, step: 10, holdingSteps: 7 });
    expect(admit(cells[0]!, { ...a, neighbourSignalDbm: [-95, -70] }, cells, radio)).toBe(
      'admitted',
    );
    const u = cells[0]!.users.at(0);
    expect(u).toEqual({ gain: -120, snrOffset: 104, departStep: 17, neighbourGain: [-138, -90] });
    expect(signal(cells[0]!, u)).toBe(-87); // 3 dB above minimum power
    expect(snr(cells[0]!, u)).toBe(17);
  });
});

describe('coverage', () => {
  const withPoor = (n: number, poor: number): CellState => {
    const c = cell(
      {},
      30,
      Array.from({ length: n }, () => user(-60)),
    );
    c.poorUsers = poor;
    return c;
  };

  it('is good for an empty cell', () => {
    const c = cell();
    c.poorUsers = 3; // stale count cannot make an empty cell poor
    expect(coverageOf(c, radio)).toBe(GOOD);
  });

  it('is good/fair/poor at the share boundaries', () => {
    expect(coverageOf(withPoor(10, 0), radio)).toBe(GOOD);
    expect(coverageOf(withPoor(10, 1), radio)).toBe(GOOD); // 0.1 is still good
    expect(coverageOf(withPoor(10, 2), radio)).toBe(FAIR);
    expect(coverageOf(withPoor(20, 6), radio)).toBe(FAIR); // 0.3 is still fair
    expect(coverageOf(withPoor(20, 7), radio)).toBe(POOR);
    expect(coverageOf(withPoor(10, 10), radio)).toBe(POOR);
  });

  it('follows the configured thresholds', () => {
    const strict: Radio = { ...radio, coverage: { goodMaxPoorShare: 0, fairMaxPoorShare: 0 } };
    expect(coverageOf(withPoor(10, 0), strict)).toBe(GOOD);
    expect(coverageOf(withPoor(10, 1), strict)).toBe(POOR);
  });

  it('counts a user as poor below either the signal or the SNR threshold', () => {
    // power 30: signals -99 (ok), -101.5 (poor); SNR = signal + offset
    expect(poorAt30(user(-129, { snrOffset: 104 }))).toBe(false); // -99 dBm, 5 dB
    expect(poorAt30(user(-131.5, { snrOffset: 200 }))).toBe(true);
    expect(poorAt30(user(-129, { snrOffset: 103.5 }))).toBe(true); // 4.5 dB
    const c = cell({}, 30, [
      user(-129, { snrOffset: 104 }),
      user(-131.5, { snrOffset: 200 }),
      user(-129, { snrOffset: 103.5 }),
    ]);
    expect(countPoor(c, radio)).toBe(2);
    changePower(c, 1);
    expect(countPoor(c, radio)).toBe(1);
  });
});

describe('departures', () => {
  it('removes exactly the calls that have ended by the step', () => {
    const ends = [5, 3, 7, 5, 10, 6, 4];
    const c = cell(
      {},
      30,
      ends.map((departStep) => user(-80, { departStep })),
    );
    departUsers(c, 5);
    expect(
      list(c)
        .map((u) => u.departStep)
        .sort((a, b) => a - b),
    ).toEqual([6, 7, 10]);
    departUsers(c, 5);
    expect(c.users).toHaveLength(3);
    departUsers(c, 100);
    expect(c.users).toHaveLength(0);
  });
});

describe('drift', () => {
  it('with zero deviations changes nothing and draws nothing', () => {
    const c = cell({}, 30, [user(-100), user(-140.5, { snrOffset: -3, neighbourGain: [-90] })]);
    const before = list(c);
    const rng = Rng.create(1);
    expect(driftUsers(c, radio, rng)).toBe(0);
    expect(list(c)).toEqual(before);
    expect(rng.next()).toBe(Rng.create(1).next());
  });

  it('drops users already below the floor (e.g. after a power decrease)', () => {
    const c = cell({}, 31, [user(-142), user(-143), user(-120)]);
    changePower(c, -1); // signals -111, -112, -89 → -112 (at the floor: kept), -113, -90
    expect(driftUsers(c, radio, Rng.create(1))).toBe(1);
    expect(
      list(c)
        .map((u) => u.gain)
        .sort((a, b) => a - b),
    ).toEqual([-142, -120]);
  });

  it('drops exactly the users pushed below the floor by the random walk', () => {
    const n = 400;
    const c = cell(
      {},
      30,
      Array.from({ length: n }, (_, i) => user(-141.9, { departStep: i })),
    );
    const drifting: Radio = { ...radio, drift: { signalSdDb: 10, snrSdDb: 1 } };
    const dropped = driftUsers(c, drifting, Rng.create(4));
    expect(dropped).toBeGreaterThan(n * 0.35);
    expect(dropped).toBeLessThan(n * 0.65);
    expect(c.users).toHaveLength(n - dropped);
    for (const u of list(c)) expect(signal(c, u)).toBeGreaterThanOrEqual(-112);
    // each survivor appears once (no user drifted twice or lost by the swap-removal)
    expect(new Set(list(c).map((u) => u.departStep)).size).toBe(c.users.length);
    expect(list(c).some((u) => u.snrOffset !== 110)).toBe(true);
  });
});

describe('handoff', () => {
  // cell 0 (urban-like, 30..37 dBm) hands off to cell 1 (43..46 dBm) and cell 2 (20..25 dBm)
  const three = (poorGains: number[], nbGains: number[][] = []) => {
    const users = poorGains.map((g, i) =>
      user(g, {
        departStep: 50 + i,
        snrOffset: 100 + i,
        neighbourGain: nbGains[i] ?? [-150, -150],
      }),
    );
    return [
      cell({ neighbours: [1, 2] }, 30, [user(-60, { neighbourGain: [-100, -100] }), ...users]),
      cell({ index: 1, powerMin: 43, powerMax: 46, powerLevels: 4, neighbours: [0] }, 43),
      cell({ index: 2, powerMin: 20, powerMax: 25, powerLevels: 6, neighbours: [0, 1] }, 20),
    ];
  };

  it("is 'none' without a poor user or without neighbours", () => {
    const cells = three([]);
    expect(handoff(cells, 0, radio, Rng.create(1))).toBe('none');
    const lonely = [cell({}, 30, [user(-140, { neighbourGain: [] })])];
    expect(poorAt30(lonely[0]!.users.at(0))).toBe(true);
    expect(handoff(lonely, 0, radio, Rng.create(1))).toBe('none');
    expect(lonely[0]!.users).toHaveLength(1);
  });

  it("is 'neighbourFull' when the best neighbour is full (even if another has room)", () => {
    const cells = three([-140], [[-140, -150]]);
    for (let i = 0; i < 30; i++) cells[1]!.users.add(user(-60));
    expect(handoff(cells, 0, radio, Rng.create(1))).toBe('neighbourFull');
    expect(cells[0]!.users).toHaveLength(2);
    expect(cells[1]!.users).toHaveLength(30);
    expect(cells[2]!.users).toHaveLength(0);
  });

  it("is 'neighbourWorse' unless the best neighbour is better by the margin", () => {
    // serving signal 30 - 135 = -105; neighbour 1 offers 43 - 145.5 = -102.5 (< -105 + 3)
    const worse = three([-135], [[-145.5, -150]]);
    expect(handoff(worse, 0, radio, Rng.create(1))).toBe('neighbourWorse');
    expect(worse[0]!.users).toHaveLength(2);
    expect(worse[1]!.users).toHaveLength(0);
    // exactly the margin is enough: 43 - 145 = -102
    const enough = three([-135], [[-145, -150]]);
    expect(handoff(enough, 0, radio, Rng.create(1))).toBe('handedOff');
    // a larger margin refuses the same move
    const strict = three([-135], [[-145, -150]]);
    expect(handoff(strict, 0, { ...radio, handoffMarginDb: 3.5 }, Rng.create(1))).toBe(
      'neighbourWorse',
    );
  });

  it("'handedOff' moves the worst poor user to the best neighbour with its channel", () => {
    // poor users at -131 (signal -101) and -140 (signal -110); the latter is worst.
    // For the worst: neighbour 1 offers 43 - 160 = -117, neighbour 2 offers 20 - 120 = -100.
    const cells = three(
      [-131, -140],
      [
        [-100, -100],
        [-160, -120],
      ],
    );
    expect(handoff(cells, 0, radio, Rng.create(1))).toBe('handedOff');
    expect(
      list(cells[0]!)
        .map((u) => u.gain)
        .sort((a, b) => a - b),
    ).toEqual([-131, -60]);
    expect(cells[1]!.users).toHaveLength(0);
    expect(cells[2]!.users).toHaveLength(1);
    const moved = cells[2]!.users.at(0);
    expect(moved.gain).toBe(-120); // its former gain towards cell 2
    expect(signal(cells[2]!, moved)).toBe(-100);
    // cell 2's neighbours are [0, 1]: back to the old cell = old serving gain
    expect(moved.neighbourGain).toEqual([-140, -160]);
    expect(moved.departStep).toBe(51);
    expect(moved.snrOffset).toBe(101);
  });

  it('draws a fresh channel towards a neighbour the user had none to', () => {
    // cell 0's neighbours are [1]; cell 1's neighbours are [0, 2]
    const cells = [
      cell({ neighbours: [1] }, 30, [user(-140, { neighbourGain: [-140] })]),
      cell({ index: 1, powerMin: 43, powerMax: 46, powerLevels: 4, neighbours: [0, 2] }, 43),
      cell({ index: 2, powerMin: 20, powerMax: 25, powerLevels: 6, signalMin: -90 }, 20),
    ];
    expect(handoff(cells, 0, radio, Rng.create(1))).toBe('handedOff');
    const moved = cells[1]!.users.at(0);
    expect(moved.gain).toBe(-140);
    expect(moved.neighbourGain[0]).toBe(-140);
    // uniform(signalMin, signalMax) - powerMin of cell 2: [-110, -70)
    expect(moved.neighbourGain[1]).toBeGreaterThanOrEqual(-110);
    expect(moved.neighbourGain[1]).toBeLessThan(-70);
  });
});

describe('user table', () => {
  it('keeps rows in the order an array would under push and swap-remove, across growth', () => {
    const table = new UserTable(2, false, 1);
    const mirror: User[] = [];
    const rng = Rng.create(9);
    for (let step = 0; step < 400; step++) {
      if (mirror.length > 0 && rng.next() < 0.45) {
        const i = rng.int(0, mirror.length - 1);
        table.removeAt(i);
        const last = mirror.pop()!;
        if (i < mirror.length) mirror[i] = last;
      } else {
        const u = user(-100 - step, {
          snrOffset: step,
          departStep: 1000 + step,
          neighbourGain: [step, -step],
        });
        table.add(u);
        mirror.push(u);
      }
      expect(table.length).toBe(mirror.length);
    }
    expect(mirror.length).toBeGreaterThan(20); // it grew well past its first row
    expect(table.toArray()).toEqual(mirror);
    table.clear();
    expect(table.toArray()).toEqual([]);
  });

  it("'sinr' rows carry linear gains and the position", () => {
    const table = new UserTable(2, true);
    table.add(user(-90, { neighbourGain: [-100, -120], x: 0.25, y: -1.5 }));
    const u = table.at(0);
    expect(u.neighbourLin).toEqual([1e-10, 1e-12]);
    expect([u.x, u.y]).toEqual([0.25, -1.5]);
    expect(JSON.stringify({ users: table })).toBe('{"users":{"users":1}}');
  });
});
