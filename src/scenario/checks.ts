/**
 * The scenario's cross-field checks, run once every field has parsed: ids unique, references
 * resolve, profiles fit the episode, levels exist, and the run stays finite. Each problem is an
 * issue at the path of the field to change. The topology and the traffic profiles answer the
 * questions about generated cells and peak rates, so the checks agree with what will run.
 */
import type { z } from 'zod';
import { crowdPeak, diurnalPeak, flashEnd, schedulePeak } from '../model/profiles.js';
import { cellTypesOf } from './schema/cells.js';
import { stepMilliseconds } from './schema/episodes.js';
import { LIMITS } from './schema/limits.js';
import type { Scenario } from './schema/scenario.js';
import type { TrafficSource } from './schema/traffic.js';
import { hexCellCount, hexCells } from './topology.js';

/** Cross-field checks: ids unique, references resolve, levels exist, the run is finite. */
export function checkReferences(s: Scenario, ctx: z.RefinementCtx): void {
  const types = cellTypesOf(s);
  const cellIds = new Set<string>();
  s.cells.forEach((cell, i) => {
    if (cellIds.has(cell.id)) {
      ctx.addIssue({
        code: 'custom',
        message: `duplicate cell id '${cell.id}'`,
        path: ['cells', i, 'id'],
      });
    }
    cellIds.add(cell.id);
    if (!Object.hasOwn(types, cell.type)) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown cell type '${cell.type}' (known: ${Object.keys(types).join(', ')})`,
        path: ['cells', i, 'type'],
      });
    }
  });
  // Generated cells: ids must not clash with explicit ones; their type must exist.
  const hex = s.layout?.hex;
  if (hex) {
    if (!Object.hasOwn(types, hex.type)) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown cell type '${hex.type}' (known: ${Object.keys(types).join(', ')})`,
        path: ['layout', 'hex', 'type'],
      });
    }
    const count = hexCellCount(hex.rings);
    if (s.cells.length + count > LIMITS.cells) {
      ctx.addIssue({
        code: 'custom',
        message: `${hex.rings} rings make ${count} cells; at most ${LIMITS.cells} cells are allowed`,
        path: ['layout', 'hex', 'rings'],
      });
    } else {
      for (const cell of hexCells(hex)) {
        if (cellIds.has(cell.id)) {
          ctx.addIssue({
            code: 'custom',
            message: `the layout generates cell id '${cell.id}', which a cell in \`cells\` already has (change layout.hex.idPrefix)`,
            path: ['layout', 'hex', 'idPrefix'],
          });
          break;
        }
        cellIds.add(cell.id);
      }
    }
  }
  if (cellIds.size === 0) {
    ctx.addIssue({
      code: 'custom',
      message: 'no cells: give `cells` or a `layout`',
      path: ['cells'],
    });
  }
  s.cells.forEach((cell, i) => {
    cell.neighbours?.forEach((n, j) => {
      if (!cellIds.has(n)) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown neighbour '${n}'`,
          path: ['cells', i, 'neighbours', j],
        });
      } else if (n === cell.id) {
        ctx.addIssue({
          code: 'custom',
          message: 'a cell cannot be its own neighbour',
          path: ['cells', i, 'neighbours', j],
        });
      } else if (cell.neighbours!.indexOf(n) < j) {
        ctx.addIssue({
          code: 'custom',
          message: `neighbour '${n}' is listed twice`,
          path: ['cells', i, 'neighbours', j],
        });
      }
    });
  });
  const signalIds = new Set<string>();
  s.signals.forEach((signal, i) => {
    if (signalIds.has(signal.id)) {
      ctx.addIssue({
        code: 'custom',
        message: `duplicate signal id '${signal.id}'`,
        path: ['signals', i, 'id'],
      });
    }
    signalIds.add(signal.id);
    signal.cells.forEach((c, j) => {
      if (!cellIds.has(c)) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown cell '${c}'`,
          path: ['signals', i, 'cells', j],
        });
      }
    });
  });
  const episodeSteps = s.time.stepsPerEpisode;
  s.traffic.flashCrowds.forEach((f, i) => {
    f.cells.forEach((c, j) => {
      if (!cellIds.has(c)) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown cell '${c}'`,
          path: ['traffic', 'flashCrowds', i, 'cells', j],
        });
      }
    });
    const end = flashEnd(f);
    if (f.startStep >= episodeSteps) {
      ctx.addIssue({
        code: 'custom',
        message: `starts at step ${f.startStep}, after the episode's ${episodeSteps} steps`,
        path: ['traffic', 'flashCrowds', i, 'startStep'],
      });
    } else if (end > episodeSteps) {
      ctx.addIssue({
        code: 'custom',
        message: `lasts until step ${end} (start + 2 × ramp + duration), beyond the episode's ${episodeSteps} steps`,
        path: ['traffic', 'flashCrowds', i, 'durationSteps'],
      });
    }
    if (signalIds.has(f.id) && f.announce !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `flash crowd '${f.id}' announces itself as a signal, but a signal has that id already`,
        path: ['traffic', 'flashCrowds', i, 'id'],
      });
    }
  });
  const profiled: [Omit<TrafficSource, 'id' | 'cell'>, (string | number)[]][] = [
    ...s.traffic.sources.map((src, i): [TrafficSource, (string | number)[]] => [
      src,
      ['traffic', 'sources', i],
    ]),
    ...(s.traffic.everyCell
      ? [[s.traffic.everyCell, ['traffic', 'everyCell']] as [TrafficSource, (string | number)[]]]
      : []),
    ...s.traffic.areas.map((area, i): [TrafficSource, (string | number)[]] => [
      { ...area, cell: area.cells[0]! },
      ['traffic', 'areas', i],
    ]),
  ];
  for (const [src, at] of profiled) {
    src.schedule?.forEach((piece, k) => {
      if (piece.fromStep >= episodeSteps) {
        ctx.addIssue({
          code: 'custom',
          message: `starts at step ${piece.fromStep}, after the episode's ${episodeSteps} steps`,
          path: [...at, 'schedule', k, 'fromStep'],
        });
      }
    });
    if (src.trace && (src.schedule || src.diurnal)) {
      ctx.addIssue({
        code: 'custom',
        message:
          'a trace gives the arrivals itself: it cannot be combined with schedule or diurnal',
        path: [...at, 'trace'],
      });
    }
    if (src.trace && typeof src.trace !== 'string' && src.trace.arrivals.length > episodeSteps) {
      ctx.addIssue({
        code: 'custom',
        message: `the trace has ${src.trace.arrivals.length} steps; an episode has ${episodeSteps} (rows from step ${episodeSteps} on would never be replayed)`,
        path: [...at, 'trace'],
      });
    }
  }
  // Flash crowds must act on something: a cell with drawn (not replayed) arrivals.
  const poissonCells = new Set([
    ...s.traffic.sources.filter((x) => !x.trace).map((x) => x.cell),
    ...s.traffic.areas.filter((x) => !x.trace).flatMap((x) => x.cells),
    ...(s.traffic.everyCell && !s.traffic.everyCell.trace ? cellIds : []),
  ]);
  const crowdIds = new Set<string>();
  s.traffic.flashCrowds.forEach((f, i) => {
    if (crowdIds.has(f.id)) {
      ctx.addIssue({
        code: 'custom',
        message: `duplicate flash crowd id '${f.id}'`,
        path: ['traffic', 'flashCrowds', i, 'id'],
      });
    }
    crowdIds.add(f.id);
    f.cells.forEach((c, j) => {
      if (cellIds.has(c) && !poissonCells.has(c)) {
        ctx.addIssue({
          code: 'custom',
          message: `cell '${c}' has no traffic source with drawn arrivals (none, or only traces): the crowd would change nothing`,
          path: ['traffic', 'flashCrowds', i, 'cells', j],
        });
      }
    });
  });
  // A level's rate override cannot apply to a trace (its counts are the data).
  for (const [name, level] of Object.entries(s.traffic.levels)) {
    for (const src of s.traffic.sources) {
      if (src.trace && Object.hasOwn(level.arrivalRates, src.id)) {
        ctx.addIssue({
          code: 'custom',
          message: `source '${src.id}' replays a trace: a rate override cannot apply (use the level's scale)`,
          path: ['traffic', 'levels', name, 'arrivalRates', src.id],
        });
      }
    }
  }
  // A signal outside the episode would never be seen.
  const episodeSeconds = episodeSteps * s.time.stepSeconds;
  s.signals.forEach((signal, i) => {
    if (signal.startSeconds >= episodeSeconds) {
      ctx.addIssue({
        code: 'custom',
        message: `starts at ${signal.startSeconds} s, after the episode's ${episodeSeconds} s`,
        path: ['signals', i, 'startSeconds'],
      });
    }
  });
  // Suggestions are judged at the next step: a maximum age under one step makes them all stale.
  const maxAge = s.guidance.planner.maxAgeSeconds;
  if (maxAge !== undefined && maxAge < s.time.stepSeconds) {
    ctx.addIssue({
      code: 'custom',
      message: `maxAgeSeconds (${maxAge}) is shorter than one step (${s.time.stepSeconds} s): every suggestion would be stale before an agent could use it`,
      path: ['guidance', 'planner', 'maxAgeSeconds'],
    });
  }
  s.traffic.areas.forEach((area, i) => {
    area.cells.forEach((c, j) => {
      if (!cellIds.has(c)) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown cell '${c}'`,
          path: ['traffic', 'areas', i, 'cells', j],
        });
      }
    });
  });
  if (s.traffic.sources.length === 0 && s.traffic.areas.length === 0 && !s.traffic.everyCell) {
    ctx.addIssue({
      code: 'custom',
      message: 'no traffic: give traffic.sources or traffic.everyCell',
      path: ['traffic', 'sources'],
    });
  }
  const sourceIds = new Set<string>([
    ...(s.traffic.everyCell ? [...cellIds].map((c) => `${c}-users`) : []),
    ...s.traffic.areas.flatMap((a) => a.cells.map((c) => `${a.id}-${c}`)),
  ]);
  s.traffic.sources.forEach((src, i) => {
    if (sourceIds.has(src.id)) {
      ctx.addIssue({
        code: 'custom',
        message: `duplicate traffic source id '${src.id}'${s.traffic.everyCell && src.id === `${src.cell}-users` ? ' (traffic.everyCell already makes a source <cell>-users for every cell)' : ''}`,
        path: ['traffic', 'sources', i, 'id'],
      });
    }
    sourceIds.add(src.id);
    if (!cellIds.has(src.cell)) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown cell '${src.cell}'`,
        path: ['traffic', 'sources', i, 'cell'],
      });
    }
  });
  const allSourceIds = new Set([
    ...s.traffic.sources.map((x) => x.id),
    ...s.traffic.areas.flatMap((a) => [a.id, ...a.cells.map((c) => `${a.id}-${c}`)]),
    ...(s.traffic.everyCell ? [...cellIds].map((c) => `${c}-users`) : []),
  ]);
  for (const [name, level] of Object.entries(s.traffic.levels)) {
    for (const sourceId of Object.keys(level.arrivalRates)) {
      if (!allSourceIds.has(sourceId)) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown traffic source '${sourceId}'`,
          path: ['traffic', 'levels', name, 'arrivalRates', sourceId],
        });
      }
    }
  }
  if (!Object.hasOwn(s.traffic.levels, s.traffic.default)) {
    ctx.addIssue({
      code: 'custom',
      message: `default level '${s.traffic.default}' is not among the levels (${Object.keys(s.traffic.levels).join(', ')})`,
      path: ['traffic', 'default'],
    });
  }
  const totalSteps = (s.episodes.training + s.episodes.test) * s.time.stepsPerEpisode;
  const fieldsInRange =
    s.time.stepsPerEpisode <= LIMITS.stepsPerEpisode &&
    s.episodes.training <= LIMITS.episodes &&
    s.episodes.test <= LIMITS.episodes &&
    s.time.stepSeconds <= LIMITS.stepSeconds;
  if (!fieldsInRange) {
    // each out-of-range field is reported on its own
  } else if (totalSteps > LIMITS.totalSteps) {
    ctx.addIssue({
      code: 'custom',
      message: `the run would take ${totalSteps} steps ((training + test) × stepsPerEpisode); at most ${LIMITS.totalSteps} are allowed`,
      path: ['episodes'],
    });
  } else if (totalSteps * stepMilliseconds(s.time.stepSeconds) > Number.MAX_SAFE_INTEGER) {
    ctx.addIssue({
      code: 'custom',
      message: `the run would last ${totalSteps} steps of ${s.time.stepSeconds} s, beyond the simulated clock's exact range`,
      path: ['time', 'stepSeconds'],
    });
  }
  checkPeakArrivals(s, cellIds, ctx);
  const { min, max } = s.initial.loadFraction;
  if (min < 0 || max > 1) {
    ctx.addIssue({
      code: 'custom',
      message: 'loadFraction must lie within 0..1',
      path: ['initial', 'loadFraction'],
    });
  }
}

/**
 * Bounds the arrivals one window can hold (one message, all in memory): a source's highest rate
 * over the episode — base or level override, × the largest level scale, × its schedule's, cycle's
 * and flash crowds' peaks (or its trace's largest count) — × `windowSteps`.
 */
function checkPeakArrivals(s: Scenario, cellIds: ReadonlySet<string>, ctx: z.RefinementCtx): void {
  const levels = Object.values(s.traffic.levels);
  const maxScale = Math.max(0, ...levels.map((l) => l.scale));
  type Src = Omit<TrafficSource, 'id' | 'cell'>;
  const peakOf = (src: Src, id: string, cell: string): number => {
    const overrides = levels.flatMap((l) =>
      Object.hasOwn(l.arrivalRates, id) ? [l.arrivalRates[id]!] : [],
    );
    const trace = src.trace && typeof src.trace !== 'string' ? src.trace.arrivals : null;
    const base = trace ? Math.max(0, ...trace) : src.arrivalRate;
    const rate = Math.max(base * maxScale, ...overrides);
    const schedule = schedulePeak(src.schedule);
    const cycle = diurnalPeak(src.diurnal);
    const crowds = crowdPeak(s.traffic.flashCrowds, cell);
    return rate * (trace ? crowds : schedule * cycle * crowds);
  };
  const check = (src: Src, id: string, cell: string, path: (string | number)[]) => {
    if (src.arrivalRate > LIMITS.arrivalRate) return; // reported on its own
    const perWindow = peakOf(src, id, cell) * s.traffic.windowSteps;
    if (perWindow > LIMITS.arrivalsPerWindow) {
      ctx.addIssue({
        code: 'custom',
        message: `the peak arrival rate (level, schedule, cycle and crowds included) × windowSteps = ${Math.round(perWindow)} arrivals per window; at most ${LIMITS.arrivalsPerWindow} are allowed (lower the rates or traffic.windowSteps)`,
        path,
      });
    }
  };
  s.traffic.sources.forEach((src, i) => {
    check(src, src.id, src.cell, ['traffic', 'sources', i, 'arrivalRate']);
  });
  s.traffic.areas.forEach((area, i) => {
    for (const cell of area.cells) {
      check(area, `${area.id}-${cell}`, cell, ['traffic', 'areas', i, 'arrivalRate']);
    }
  });
  const template = s.traffic.everyCell;
  if (template) {
    for (const cell of cellIds) {
      check(template, `${cell}-users`, cell, ['traffic', 'everyCell', 'arrivalRate']);
    }
  }
}
