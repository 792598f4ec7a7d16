import { describe, expect, it } from 'vitest';
import type { Arrival } from '../src/model/arrivals.js';
import {
  ADMITTED,
  ADMITTED_NEIGHBOUR,
  admit,
  BLOCKED,
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
  paperSnrDb,
  powerLevel,
  powerShare,
  requiredSnrDb,
  UNCOVERED,
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

/** No rate requirement unless a test asks for one: SNR and signal thresholds only. */
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
  referencePowerDbm: 40,
  service: { minRateMbps: 0, bandwidthMHz: 10 },
  coverage: { goodMaxPoorShare: 0.1, fairMaxPoorShare: 0.3 },
  shadowing: { sdDb: 0, decorrelationSeconds: 50 },
  handoffMarginDb: 3,
};

const user = (gain: number, over: Partial<User> = {}): User => ({
  gain,
  baseGain: gain,
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

const signal = (c: CellState, u: User) => c.power + u.gain;
const snr = (c: CellState, u: User) => paperSnrDb(signal(c, u), c.config);

const arrival = (over: Partial<Arrival> = {}): Arrival => ({
  step: 10,
  gainDb: -110,
  holdingSteps: 7,
  neighbourGainDb: [],
  ...over,
});

/** Cell 0 (30..37 dBm) with neighbours 1 (43..46 dBm) and 2 (20..25 dBm). */
const three = (power0 = 30, users0: User[] = []): CellState[] => [
  cell({ neighbours: [1, 2] }, power0, users0),
  cell({ index: 1, powerMin: 43, powerMax: 46, powerLevels: 4, neighbours: [0] }, 43),
  cell({ index: 2, powerMin: 20, powerMax: 25, powerLevels: 6, neighbours: [0, 1] }, 20),
];

describe('power', () => {
  it("an increase raises every signal (and the paper model's SNR) by the step, a decrease lowers them", () => {
    const c = cell({ powerStep: 2, powerMax: 36, powerLevels: 4 }, 32, [user(-140), user(-130)]);
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

describe('cell selection and admission', () => {
  it('attaches to the own cell when it is the strongest covering cell with room', () => {
    const cells = three();
    // own: 30 - 110 = -80; neighbours: 43 - 130 = -87, 20 - 110 = -90
    const a = arrival({ gainDb: -110, neighbourGainDb: [-130, -110] });
    expect(admit(cells, 0, a, radio, Rng.create(1))).toBe(ADMITTED);
    expect(list(cells[0]!)).toEqual([
      { gain: -110, baseGain: -110, departStep: 17, neighbourGain: [-130, -110] },
    ]);
    expect(cells[1]!.users).toHaveLength(0);
  });

  it("power is absolute: the same user's own cell covers it at 37 dBm, not at 30", () => {
    const a = arrival({ gainDb: -146, neighbourGainDb: [-170, -170] }); // -116 dBm at 30, -109 at 37
    expect(admit(three(30), 0, a, radio, Rng.create(1))).toBe(UNCOVERED);
    expect(admit(three(37), 0, a, radio, Rng.create(1))).toBe(ADMITTED);
  });

  it('attaches to a stronger neighbour, with its links as seen from there', () => {
    const cells = three();
    // own -80; neighbour 1: 43 - 118 = -75 (strongest)
    const a = arrival({ gainDb: -110, neighbourGainDb: [-118, -125] });
    expect(admit(cells, 0, a, radio, Rng.create(1))).toBe(ADMITTED_NEIGHBOUR);
    expect(cells[0]!.users).toHaveLength(0);
    // cell 1's only neighbour is cell 0: the old own link
    expect(list(cells[1]!)).toEqual([
      { gain: -118, baseGain: -118, departStep: 17, neighbourGain: [-110] },
    ]);
  });

  it('a full strongest cell sends the user to the next covering one', () => {
    const cells = three();
    for (let i = 0; i < 30; i++) cells[0]!.users.add(user(-60));
    const a = arrival({ gainDb: -110, neighbourGainDb: [-140, -125] }); // own -80, nb1 -97, nb2 -105
    expect(admit(cells, 0, a, radio, Rng.create(1))).toBe(ADMITTED_NEIGHBOUR);
    expect(cells[1]!.users).toHaveLength(1);
  });

  it('is blocked when every covering cell is full, uncovered when none covers', () => {
    const cells = three();
    for (let i = 0; i < 30; i++) cells[0]!.users.add(user(-60));
    // only the own cell covers (-80); neighbours -117 and -130 are below the floor
    const covered = arrival({ gainDb: -110, neighbourGainDb: [-160, -150] });
    expect(admit(cells, 0, covered, radio, Rng.create(1))).toBe(BLOCKED);
    const hole = arrival({ gainDb: -150, neighbourGainDb: [-160, -150] });
    expect(admit(cells, 0, hole, radio, Rng.create(1))).toBe(UNCOVERED);
    expect(cells.map((c) => c.users.length)).toEqual([30, 0, 0]);
  });

  it('the floor itself covers', () => {
    const cells = [cell({}, 30)];
    expect(admit(cells, 0, arrival({ gainDb: -142 }), radio, Rng.create(1))).toBe(ADMITTED);
    expect(admit(cells, 0, arrival({ gainDb: -142.5 }), radio, Rng.create(1))).toBe(UNCOVERED);
  });

  it('draws a link towards a cell the user had none to', () => {
    // cell 0's neighbours are [1]; cell 1's are [0, 2]: the user has no link to cell 2 yet
    const cells = [
      cell({ neighbours: [1] }, 30),
      cell({ index: 1, powerMin: 43, powerMax: 46, powerLevels: 4, neighbours: [0, 2] }, 43),
      cell({ index: 2, powerMin: 20, powerMax: 25, powerLevels: 6, signalMin: -90 }, 20),
    ];
    const a = arrival({ gainDb: -130, neighbourGainDb: [-120] });
    expect(admit(cells, 0, a, radio, Rng.create(1))).toBe(ADMITTED_NEIGHBOUR);
    const u = cells[1]!.users.at(0);
    expect(u.neighbourGain[0]).toBe(-130);
    // uniform(signalMin, signalMax) at the reference power 40: [-130, -90)
    expect(u.neighbourGain[1]).toBeGreaterThanOrEqual(-130);
    expect(u.neighbourGain[1]).toBeLessThan(-90);
  });
});

describe('coverage and service', () => {
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

  it("the paper model's SNR is the signal over the type's noise floor, capped", () => {
    const c = config(); // noise -120 - 0 = -120 dBm, cap 30 dB
    expect(paperSnrDb(-112, c)).toBe(8);
    expect(paperSnrDb(-95, c)).toBe(25);
    expect(paperSnrDb(-60, c)).toBe(30);
    expect(paperSnrDb(-100, config({ signalMin: -110, snrMin: 5 }))).toBe(15);
  });

  it('a user is poor below the signal threshold or the SNR it needs', () => {
    const c = config();
    expect(isPoor(30, -129, radio, c, 1)).toBe(false); // -99 dBm, SNR 21
    expect(isPoor(30, -130.5, radio, c, 1)).toBe(true); // -100.5 dBm
    // SNR 22 dB: enough alone, too little for 2 Mbit/s each among 40 users in 10 MHz (8 b/s/Hz)
    const service: Radio = { ...radio, service: { minRateMbps: 2, bandwidthMHz: 10 } };
    expect(requiredSnrDb(service, 40)).toBeCloseTo(10 * Math.log10(2 ** 8 - 1), 10);
    expect(isPoor(30, -128, service, c, 10)).toBe(false);
    expect(isPoor(30, -128, service, c, 40)).toBe(true);
    expect(requiredSnrDb(service, 1)).toBe(5); // 0.2 b/s/Hz needs less than poorSnrDb
  });

  it('counts poor users as isPoor does, and a power increase or a lighter load serves more', () => {
    const service: Radio = { ...radio, service: { minRateMbps: 2, bandwidthMHz: 10 } };
    const gains = Array.from({ length: 40 }, (_, i) => -140 + i);
    const c = cell(
      { capacity: 50 },
      30,
      gains.map((g) => user(g)),
    );
    const byHand = gains.filter((g) => isPoor(30, g, service, c.config, 40)).length;
    expect(countPoor(c, service)).toBe(byHand);
    changePower(c, 1);
    expect(countPoor(c, service)).toBeLessThan(byHand);
    const light = cell(
      { capacity: 50 },
      30,
      gains.slice(0, 20).map((g) => user(g)),
    );
    expect(countPoor(light, service)).toBeLessThan(
      gains.slice(0, 20).filter((g) => isPoor(30, g, service, c.config, 40)).length,
    );
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

describe('shadowing', () => {
  it('with zero deviation changes nothing and draws nothing', () => {
    const c = cell({}, 30, [user(-100), user(-140.5, { neighbourGain: [-90] })]);
    const before = list(c);
    const rng = Rng.create(1);
    expect(driftUsers(c, radio, 0.98, rng)).toBe(0);
    expect(list(c)).toEqual(before);
    expect(rng.next()).toBe(Rng.create(1).next());
  });

  it('drops users already below the floor (e.g. after a power decrease)', () => {
    const c = cell({}, 31, [user(-142), user(-143), user(-120)]);
    changePower(c, -1); // signals -111, -112, -89 → -112 (at the floor: kept), -113, -90
    expect(driftUsers(c, radio, 0.98, Rng.create(1))).toBe(1);
    expect(
      list(c)
        .map((u) => u.gain)
        .sort((a, b) => a - b),
    ).toEqual([-142, -120]);
  });

  it('is bounded and mean-reverting: the stationary spread is sdDb, around the gain at attachment', () => {
    const fading: Radio = {
      ...radio,
      signalFloorDbm: -1e9,
      shadowing: { sdDb: 4, decorrelationSeconds: 50 },
    };
    const rho = Math.exp(-1 / 50);
    const c = cell(
      { capacity: 2000 },
      30,
      Array.from({ length: 1000 }, () => user(-100)),
    );
    const rng = Rng.create(7);
    for (let t = 0; t < 1000; t++) driftUsers(c, fading, rho, rng);
    const g = list(c).map((u) => u.gain + 100);
    const mean = g.reduce((a, b) => a + b, 0) / g.length;
    const sd = Math.sqrt(g.reduce((a, b) => a + (b - mean) ** 2, 0) / g.length);
    expect(Math.abs(mean)).toBeLessThan(0.5);
    expect(sd).toBeGreaterThan(3.6);
    expect(sd).toBeLessThan(4.4); // a random walk of the same per-step size would reach ~25 dB
    for (const u of list(c)) expect(u.baseGain).toBe(-100);
  });

  it('drops exactly the users pushed below the floor', () => {
    const n = 400;
    const c = cell(
      {},
      30,
      Array.from({ length: n }, (_, i) => user(-141.9, { departStep: i })),
    );
    const fading: Radio = { ...radio, shadowing: { sdDb: 10, decorrelationSeconds: 0 } };
    const dropped = driftUsers(c, fading, 0, Rng.create(4));
    expect(dropped).toBeGreaterThan(n * 0.35);
    expect(dropped).toBeLessThan(n * 0.65);
    expect(c.users).toHaveLength(n - dropped);
    for (const u of list(c)) expect(signal(c, u)).toBeGreaterThanOrEqual(-112);
    expect(new Set(list(c).map((u) => u.departStep)).size).toBe(c.users.length);
  });
});

describe('handoff (A3)', () => {
  it("is 'noCandidate' without a poor user whose neighbour is better by the offset", () => {
    // a well-served user with a much better neighbour: not a candidate
    const good = three(30, [user(-60, { neighbourGain: [-60, -60] })]);
    expect(handoff(good, 0, radio, Rng.create(1))).toBe('noCandidate');
    // a poor user (-105 dBm) whose best neighbour is exactly the offset better (-102): not enough
    const edge = three(30, [user(-135, { neighbourGain: [-145, -150] })]);
    expect(handoff(edge, 0, radio, Rng.create(1))).toBe('noCandidate');
    const lonely = [cell({}, 30, [user(-140)])];
    expect(handoff(lonely, 0, radio, Rng.create(1))).toBe('noCandidate');
    expect(lonely[0]!.users).toHaveLength(1);
  });

  it('hands over the poor user with the largest margin, to the neighbour giving it', () => {
    const cells = three(30, [
      user(-60, { neighbourGain: [-60, -60] }), // well served: never a candidate
      user(-131, { neighbourGain: [-140, -150], departStep: 51 }), // -101; nb1 -97: margin 4
      user(-140, { neighbourGain: [-150, -115], departStep: 52 }), // -110; nb2 -95: margin 15
    ]);
    expect(handoff(cells, 0, radio, Rng.create(1))).toBe('handedOff');
    expect(
      list(cells[0]!)
        .map((u) => u.gain)
        .sort((a, b) => a - b),
    ).toEqual([-131, -60]);
    const moved = cells[2]!.users.at(0);
    expect(moved).toEqual({
      gain: -115,
      baseGain: -115,
      departStep: 52,
      neighbourGain: [-140, -150],
    });
    expect(signal(cells[2]!, moved)).toBe(-95);
  });

  it("fails ('targetFull') when the chosen target is full, and the user stays", () => {
    const cells = three(30, [user(-140, { neighbourGain: [-140, -170] })]);
    for (let i = 0; i < 30; i++) cells[1]!.users.add(user(-60));
    expect(handoff(cells, 0, radio, Rng.create(1))).toBe('targetFull');
    expect(cells.map((c) => c.users.length)).toEqual([1, 30, 0]);
  });

  it("fails ('targetNoSignal') when the user would be below the floor at the target", () => {
    // serving fell below the floor with a power decrease this step (-120); target -115
    const cells = three(30, [user(-150, { neighbourGain: [-158, -170] })]);
    expect(handoff(cells, 0, radio, Rng.create(1))).toBe('targetNoSignal');
    expect(cells[0]!.users).toHaveLength(1);
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
          baseGain: step,
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
