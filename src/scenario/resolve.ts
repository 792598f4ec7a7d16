/**
 * Turns a validated scenario plus a traffic level into the flat, index-based configuration the
 * data plane runs on (cell presets applied, neighbour ids resolved, arrival rates scaled).
 */

import { UserError } from '../errors.js';
import { scaledTrace, sourceMultipliers } from '../model/profiles.js';
import { shadowingRho } from '../model/radio.js';
import {
  type AlignmentSettings,
  cellTypesOf,
  DEFAULT_MODELS,
  type LlmSettings,
  type PlannerSettings,
  type Scenario,
  type Signal,
  stepMilliseconds,
  type TrustParams,
} from './schema.js';
import { scenarioCells } from './topology.js';

/** The paper's three configurations. */
export const CONFIGS = ['marl-only', 'guided', 'aura'] as const;
export type ConfigName = (typeof CONFIGS)[number];

/** The LLM settings with the provider's defaults filled in. */
export type ResolvedLlm = LlmSettings & {
  readonly model: string;
  readonly latencyFrom: 'model' | 'measured';
};

/** What the LLM-guided configurations run with (null in `marl-only`). */
export interface GuidanceConfig {
  readonly llm: ResolvedLlm;
  readonly planner: PlannerSettings;
  readonly trust: TrustParams;
  /** The alignment controller (`aura` only). */
  readonly alignment: AlignmentSettings | null;
  readonly signals: readonly Signal[];
  /** Derived, in whole simulated milliseconds. */
  readonly intervalMs: number;
  readonly batchMs: number;
  readonly maxAgeMs: number;
  readonly timeoutMs: number;
  /** The planners' cells: one entry (every cell) with scope 'network', one per region otherwise. */
  readonly plannerRegions: readonly (readonly number[])[];
  /** Index into `plannerRegions` of each cell's planner. */
  readonly plannerOfCell: readonly number[];
}

export interface CellConfig {
  readonly id: string;
  readonly index: number;
  readonly type: string;
  readonly powerMin: number;
  readonly powerMax: number;
  readonly powerStep: number;
  /** Number of discrete power levels, min..max inclusive. */
  readonly powerLevels: number;
  readonly capacity: number;
  readonly signalMin: number;
  readonly signalMax: number;
  readonly snrMin: number;
  readonly snrMax: number;
  /** Indices of the neighbour cells, in the scenario's order. */
  readonly neighbours: readonly number[];
  /** Position, km (NaN when the scenario gives none; the 'sinr' model requires one). */
  readonly x: number;
  readonly y: number;
  /** 'sinr': users appear within this distance of the cell, km. */
  readonly userRadiusKm: number;
}

export interface SourceConfig {
  readonly id: string;
  readonly cellIndex: number;
  /** Mean arrivals per step after the traffic level's scaling (before profiles). */
  readonly ratePerStep: number;
  readonly meanHoldingSteps: number;
  /** Rate multiplier per step of the episode (schedule × diurnal × flash crowds), or null: 1. */
  readonly multipliers: Float64Array | null;
  /** Exact arrivals per step of the episode (a replayed trace, scaled), or null: Poisson. */
  readonly trace: Int32Array | null;
  /** Mean arrivals per step over an episode, profiles and traces included. */
  readonly meanRatePerStep: number;
}

export interface ModelConfig {
  readonly scenario: string;
  readonly traffic: string;
  readonly configuration: ConfigName;
  readonly guidance: GuidanceConfig | null;
  readonly stepMs: number;
  readonly stepsPerEpisode: number;
  readonly trainingEpisodes: number;
  readonly testEpisodes: number;
  readonly windowSteps: number;
  readonly initialLoad: { readonly min: number; readonly max: number };
  readonly radio: Scenario['radio'];
  /** Per-step correlation of the serving links' shadowing (`radio.shadowing`). */
  readonly shadowingRho: number;
  readonly agent: Scenario['agent'];
  readonly cells: readonly CellConfig[];
  readonly sources: readonly SourceConfig[];
}

export function trafficLevels(scenario: Scenario): string[] {
  return Object.keys(scenario.traffic.levels);
}

export function resolveModel(
  scenario: Scenario,
  traffic = scenario.traffic.default,
  configuration: ConfigName = 'marl-only',
): ModelConfig {
  const level = scenario.traffic.levels[traffic];
  if (!level) {
    throw new UserError(
      `unknown traffic level '${traffic}' for scenario '${scenario.name}' (levels: ${trafficLevels(scenario).join(', ')})`,
    );
  }
  const defs = scenarioCells(scenario);
  const types = cellTypesOf(scenario);
  const indexOf = new Map(defs.map((c, i) => [c.id, i]));
  const cells = defs.map((cell, index): CellConfig => {
    const type = types[cell.type]!;
    const power = cell.power ?? type.power;
    return {
      id: cell.id,
      index,
      type: cell.type,
      powerMin: power.min,
      powerMax: power.max,
      powerStep: power.step,
      powerLevels: Math.round((power.max - power.min) / power.step) + 1,
      capacity: cell.capacity ?? type.capacity,
      signalMin: type.signalDbm.min,
      signalMax: type.signalDbm.max,
      snrMin: type.snrDb.min,
      snrMax: type.snrDb.max,
      neighbours: cell.neighbours.map((n) => indexOf.get(n)!),
      x: cell.position?.x ?? Number.NaN,
      y: cell.position?.y ?? Number.NaN,
      userRadiusKm: 0,
    };
  });
  if (scenario.radio.model === 'sinr') placeUsers(cells, scenario.radio.sinr.userRadiusKm);
  const episodeSteps = scenario.time.stepsPerEpisode;
  const template = scenario.traffic.everyCell;
  const declared = [
    ...scenario.traffic.sources,
    ...scenario.traffic.areas.flatMap(({ cells, ...area }) =>
      cells.map((cell) => ({ ...area, id: `${area.id}-${cell}`, areaId: area.id, cell })),
    ),
    ...(template ? defs.map((c) => ({ ...template, id: `${c.id}-users`, cell: c.id })) : []),
  ];
  const sources = declared.map((s): SourceConfig => {
    // An area's override applies to each of its cells' sources.
    const areaId = 'areaId' in s && typeof s.areaId === 'string' ? s.areaId : undefined;
    const override =
      level.arrivalRates[s.id] ?? (areaId !== undefined ? level.arrivalRates[areaId] : undefined);
    const ratePerStep = override ?? s.arrivalRate * level.scale;
    const multipliers = sourceMultipliers(s, s.cell, scenario.traffic.flashCrowds, episodeSteps);
    if (typeof s.trace === 'string') {
      throw new UserError(
        `traffic source '${s.id}': the trace file ${s.trace} was not read (load the scenario from its file)`,
      );
    }
    const trace = s.trace ? scaledTrace(s.trace.arrivals, level.scale) : null;
    let total = 0;
    if (trace) for (let t = 0; t < Math.min(trace.length, episodeSteps); t++) total += trace[t]!;
    else if (multipliers) for (const m of multipliers) total += ratePerStep * m;
    return {
      id: s.id,
      cellIndex: indexOf.get(s.cell)!,
      ratePerStep,
      meanHoldingSteps:
        s.meanHoldingSteps ?? types[defs[indexOf.get(s.cell)!]!.type]!.meanHoldingSteps ?? 20,
      multipliers,
      trace,
      meanRatePerStep: trace || multipliers ? total / episodeSteps : ratePerStep,
    };
  });
  // Flash crowds that announce themselves are external signals the planner can see ahead.
  const stepSeconds = scenario.time.stepSeconds;
  const announced = scenario.traffic.flashCrowds.flatMap((f) =>
    f.announce === undefined
      ? []
      : [
          {
            id: f.id,
            description: f.announce,
            cells: f.cells,
            startSeconds: f.startStep * stepSeconds,
            durationSeconds: (2 * f.rampSteps + f.durationSteps) * stepSeconds,
          },
        ],
  );
  const stepMs = stepMilliseconds(scenario.time.stepSeconds);
  const ms = (seconds: number) => Math.round(seconds * 1000);
  const g = scenario.guidance;
  const guidance: GuidanceConfig | null =
    configuration === 'marl-only'
      ? null
      : {
          llm: resolveLlm(g.llm),
          planner: g.planner,
          trust: g.trust,
          alignment: configuration === 'aura' ? g.alignment : null,
          signals: [...scenario.signals, ...announced],
          intervalMs: g.planner.intervalSteps * stepMs,
          batchMs: ms(g.planner.batchSeconds),
          maxAgeMs: ms(g.planner.maxAgeSeconds ?? 1.5 * g.planner.intervalSteps * stepSeconds),
          timeoutMs: ms(g.llm.timeoutSeconds),
          ...plannerRegionsOf(cells, g.planner),
        };
  return {
    scenario: scenario.name,
    traffic,
    configuration,
    guidance,
    stepMs,
    stepsPerEpisode: scenario.time.stepsPerEpisode,
    trainingEpisodes: scenario.episodes.training,
    testEpisodes: scenario.episodes.test,
    windowSteps: scenario.traffic.windowSteps,
    initialLoad: scenario.initial.loadFraction,
    radio: scenario.radio,
    shadowingRho: shadowingRho(scenario.radio, stepMs / 1000),
    agent: scenario.agent,
    cells,
    sources,
  };
}

export function resolveLlm(llm: LlmSettings): ResolvedLlm {
  const fallback = llm.provider === 'openai-compatible' ? '' : DEFAULT_MODELS[llm.provider];
  return {
    ...llm,
    model: llm.model ?? fallback,
    latencyFrom: llm.latencyFrom ?? (llm.provider === 'simulated' ? 'model' : 'measured'),
  };
}

/**
 * 'sinr': every cell needs a position; users appear within `userRadiusKm` of their cell (default:
 * half the distance to its nearest neighbour; a cell without neighbours looks at every cell).
 */
function placeUsers(cells: CellConfig[], radiusKm: number | undefined): void {
  const missing = cells.find((c) => Number.isNaN(c.x));
  if (missing) {
    throw new UserError(
      `radio.model 'sinr' needs every cell's position: cell '${missing.id}' has none (give cells[].position or use layout.hex)`,
    );
  }
  const mutable = cells as { -readonly [K in keyof CellConfig]: CellConfig[K] }[];
  if (radiusKm !== undefined) {
    for (const c of mutable) c.userRadiusKm = radiusKm;
    return;
  }
  for (const c of mutable) {
    let nearest = Number.POSITIVE_INFINITY;
    const others = c.neighbours.length > 0 ? c.neighbours.map((j) => cells[j]!) : cells;
    for (const o of others) {
      const d = Math.hypot(o.x - c.x, o.y - c.y);
      if (o !== c && d > 0) nearest = Math.min(nearest, d); // co-located cells (sectors) skipped
    }
    c.userRadiusKm = Number.isFinite(nearest) && nearest > 0 ? nearest / 2 : 1;
  }
}

/**
 * The planners' regions: every cell (scope 'network'), or `k = ⌈n / regionCells⌉` regions of
 * nearly equal size. Cells with positions are taken along a Hilbert curve over their positions,
 * so a region is a compact patch; without positions, in scenario order.
 */
function plannerRegionsOf(
  cells: readonly CellConfig[],
  planner: PlannerSettings,
): Pick<GuidanceConfig, 'plannerRegions' | 'plannerOfCell'> {
  const n = cells.length;
  const k = planner.scope === 'region' ? Math.max(1, Math.ceil(n / planner.regionCells)) : 1;
  const order =
    cells.every((c) => !Number.isNaN(c.x)) && k > 1 ? hilbertOrder(cells) : cells.map((_, i) => i);
  const plannerRegions: number[][] = Array.from({ length: k }, () => []);
  const plannerOfCell: number[] = new Array(n).fill(0);
  order.forEach((cell, rank) => {
    const region = Math.floor((rank * k) / n); // sizes differ by at most one
    plannerRegions[region]!.push(cell);
    plannerOfCell[cell] = region;
  });
  for (const r of plannerRegions) r.sort((a, b) => a - b);
  return { plannerRegions, plannerOfCell };
}

/** Cell indices ordered along a Hilbert curve over their positions (16 bits per axis). */
function hilbertOrder(cells: readonly CellConfig[]): number[] {
  const xs = cells.map((c) => c.x);
  const ys = cells.map((c) => c.y);
  const [x0, y0] = [Math.min(...xs), Math.min(...ys)];
  const span = Math.max(Math.max(...xs) - x0, Math.max(...ys) - y0, 1e-9);
  const side = 65536;
  const quantise = (v: number) => Math.min(side - 1, Math.floor((v / span) * (side - 1)));
  const keys = cells.map((c) => hilbertIndex(side, quantise(c.x - x0), quantise(c.y - y0)));
  return cells.map((_, i) => i).sort((a, b) => keys[a]! - keys[b]! || a - b);
}

/** Distance along the Hilbert curve of a `side`×`side` grid (a power of two) to (x, y). */
function hilbertIndex(side: number, x: number, y: number): number {
  let d = 0;
  for (let s = side >> 1; s > 0; s >>= 1) {
    const rx = (x & s) > 0 ? 1 : 0;
    const ry = (y & s) > 0 ? 1 : 0;
    d += s * s * ((3 * rx) ^ ry);
    if (ry === 0) {
      if (rx === 1) {
        x = side - 1 - x;
        y = side - 1 - y;
      }
      [x, y] = [y, x];
    }
  }
  return d;
}
