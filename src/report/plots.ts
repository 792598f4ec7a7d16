/**
 * The report's SVG figures, drawn with Vega-Lite and rendered headless (no browser, no canvas):
 * box plots of a per-seed metric by configuration (the paper's Figure 2) and line charts over
 * episodes. Columns are traffic levels, rows optionally agents. Each configuration keeps one colour
 * in every figure. Box whiskers span min–max (not 1.5 IQR): with a handful of seeds per cell every
 * point is drawn anyway, jittered by a hash of its index, so "outliers" would only be drawn twice.
 * Output is byte-identical for the same input: Vega's global clip/gradient id counters are
 * renumbered per figure, and its log messages are routed away from the console.
 */

import type { LoggerInterface } from 'vega';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export interface PointRow {
  config: string;
  traffic: string;
  value: number;
  agent?: string;
}

export interface LineRow {
  config: string;
  traffic: string;
  x: number;
  y: number;
  /** Optional band around the line, e.g. the interquartile range across seeds. */
  lo?: number;
  hi?: number;
  agent?: string;
}

export interface BoxPlotOptions {
  title: string;
  yTitle: string;
  rows: readonly PointRow[];
  configs: readonly string[];
  traffics: readonly string[];
  byAgent?: boolean;
}

export interface LineChartOptions {
  title: string;
  xTitle: string;
  yTitle: string;
  rows: readonly LineRow[];
  configs: readonly string[];
  traffics: readonly string[];
  byAgent?: boolean;
}

export interface RenderOptions {
  /** Receives Vega/Vega-Lite warnings, which would otherwise go to the console. */
  onWarning?: (message: string) => void;
}

/** Fixed colours for the paper's configurations, so a figure of a subset keeps them. */
const CONFIG_COLOURS: Readonly<Record<string, string>> = {
  'marl-only': '#4c78a8',
  guided: '#f58518',
  aura: '#54a24b',
};
const SPARE_COLOURS = ['#e45756', '#72b7b2', '#b279a2', '#eeca3b', '#9d755d', '#ff9da6', '#bab0ac'];

const FACET_WIDTH = 180;
const FACET_HEIGHT = 220;
const FONT = 'sans-serif';

/** FNV-1a: a stable small hash for colours and jitter (Math.random would break determinism). */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Colours in `configs` order: the fixed ones, others by name hash, skipping ones already used. */
function colours(configs: readonly string[]): string[] {
  const used = new Set<string>();
  const out = configs.map((c) => CONFIG_COLOURS[c]);
  for (const c of out) if (c) used.add(c);
  return out.map((c, i) => {
    if (c) return c;
    const start = hash(configs[i]!) % SPARE_COLOURS.length;
    for (let k = 0; k < SPARE_COLOURS.length; k++) {
      const pick = SPARE_COLOURS[(start + k) % SPARE_COLOURS.length]!;
      if (!used.has(pick)) {
        used.add(pick);
        return pick;
      }
    }
    return SPARE_COLOURS[start]!;
  });
}

function escapeXml(s: string): string {
  return s.replace(
    /[<>&"']/g,
    (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[ch]!,
  );
}

/** A small placeholder figure, so a report with a missing metric still has a valid image. */
function noData(title: string): string {
  const t = escapeXml(title);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="320" height="90" viewBox="0 0 320 90">` +
    `<rect width="320" height="90" fill="white"/>` +
    `<text x="160" y="30" text-anchor="middle" font-family="${FONT}" font-size="13px" font-weight="bold" fill="#000">${t}</text>` +
    `<text x="160" y="60" text-anchor="middle" font-family="${FONT}" font-size="12px" fill="#666">no data</text>` +
    `</svg>`
  );
}

/** Agents in order of first appearance, which is the caller's order. */
function agentsOf(rows: readonly { agent?: string }[]): string[] {
  return [...new Set(rows.map((r) => r.agent ?? '–'))];
}

const BASE_CONFIG = {
  background: 'white',
  font: FONT,
  view: { stroke: '#ddd' },
  title: { fontSize: 14, anchor: 'start' },
  axis: { labelFontSize: 10, titleFontSize: 11 },
  header: { labelFontSize: 11, titleFontSize: 11 },
  legend: { labelFontSize: 10, titleFontSize: 11 },
} as const;

/** Column (traffic) and optional row (agent) facets, in the caller's orders. */
function facetOf(traffics: readonly string[], agents: readonly string[] | undefined) {
  return {
    column: { field: 'traffic', type: 'nominal', sort: [...traffics], title: 'traffic' },
    ...(agents
      ? {
          row: {
            field: 'agent',
            type: 'nominal',
            sort: agents,
            title: 'agent',
            // On the right, clear of the y axis titles that every row repeats.
            header: {
              labelOrient: 'right',
              titleOrient: 'right',
              labelAngle: 0,
              labelAlign: 'right',
            },
          },
        }
      : {}),
  };
}

/**
 * Box plots of `value` by configuration, one column per traffic level and, with `byAgent`, one row
 * per agent. Rows whose configuration or traffic is not listed, or whose value is not finite, are
 * left out.
 */
export async function boxPlot(options: BoxPlotOptions, render?: RenderOptions): Promise<string> {
  const { configs, traffics } = options;
  const cs = new Set(configs);
  const ts = new Set(traffics);
  const rows = options.rows.filter(
    (r) => cs.has(r.config) && ts.has(r.traffic) && Number.isFinite(r.value),
  );
  if (rows.length === 0) return noData(options.title);
  const agents = options.byAgent ? agentsOf(rows) : undefined;
  const values = rows.map((r, i) => ({
    config: r.config,
    traffic: r.traffic,
    agent: r.agent ?? '–',
    value: r.value,
    // In [-1, 1): spreads a cell's points across the box's width without any randomness.
    jitter: (hash(`${i}`) % 2000) / 1000 - 1,
  }));
  const x = {
    field: 'config',
    type: 'nominal',
    title: null,
    scale: { domain: [...configs], paddingInner: 0.25, paddingOuter: 0.15 },
    axis: { labelAngle: 0 },
  };
  const color = {
    field: 'config',
    type: 'nominal',
    scale: { domain: [...configs], range: colours(configs) },
    legend: null, // the x axis already names each box
  };
  const y = { field: 'value', type: 'quantitative', title: options.yTitle };
  const spec = {
    title: options.title,
    data: { values },
    facet: facetOf(traffics, agents),
    spec: {
      width: FACET_WIDTH,
      height: FACET_HEIGHT,
      layer: [
        {
          mark: {
            type: 'boxplot',
            extent: 'min-max',
            size: 26,
            box: { opacity: 0.45 },
            median: { color: '#222', strokeWidth: 2 },
            rule: { color: '#555' },
            ticks: { color: '#555', size: 10 },
          },
          encoding: { x, y, color },
        },
        {
          // Dark rather than coloured, to stand out against the box of the same colour.
          mark: {
            type: 'point',
            filled: true,
            size: 14,
            opacity: 0.55,
            color: '#333',
            aria: false,
          },
          encoding: {
            x,
            y,
            xOffset: { field: 'jitter', type: 'quantitative', scale: { domain: [-3.5, 3.5] } },
          },
        },
      ],
    },
    config: BASE_CONFIG,
  };
  return renderVegaLite(spec, render);
}

/**
 * One line per configuration over x, one column per traffic level and, with `byAgent`, one row per
 * agent; a translucent band between `lo` and `hi` where the rows have them.
 */
export async function lineChart(
  options: LineChartOptions,
  render?: RenderOptions,
): Promise<string> {
  const { configs, traffics } = options;
  const cs = new Set(configs);
  const ts = new Set(traffics);
  const rows = options.rows.filter(
    (r) => cs.has(r.config) && ts.has(r.traffic) && Number.isFinite(r.x) && Number.isFinite(r.y),
  );
  if (rows.length === 0) return noData(options.title);
  const agents = options.byAgent ? agentsOf(rows) : undefined;
  const palette = new Map(configs.map((c, i) => [c, colours(configs)[i]!]));
  const values = rows.map((r) => ({
    config: r.config,
    colour: palette.get(r.config)!,
    traffic: r.traffic,
    agent: r.agent ?? '–',
    x: r.x,
    y: r.y,
    // Vega-Lite drops a band point with a null end, which is what a row without a band should do.
    lo: Number.isFinite(r.lo) ? r.lo : null,
    hi: Number.isFinite(r.hi) ? r.hi : null,
  }));
  const hasBand = values.some((v) => v.lo !== null && v.hi !== null);
  const x = { field: 'x', type: 'quantitative', title: options.xTitle, scale: { nice: false } };
  const color = {
    field: 'config',
    type: 'nominal',
    title: 'configuration',
    scale: { domain: [...configs], range: colours(configs) },
  };
  const line = {
    mark: { type: 'line', strokeWidth: 1.75 },
    encoding: {
      x,
      // Not from zero: a line chart is read for its changes.
      y: { field: 'y', type: 'quantitative', title: options.yTitle, scale: { zero: false } },
      color,
      // Explicit order so points join by x even if the caller's rows are unsorted.
      order: { field: 'x', type: 'quantitative' },
    },
  };
  const band = {
    mark: { type: 'area', opacity: 0.18, aria: false },
    encoding: {
      x,
      y: { field: 'lo', type: 'quantitative', title: options.yTitle, scale: { zero: false } },
      y2: { field: 'hi' },
      // Literal colours, no scale: a shared `color` scale would put the band's faint swatches in
      // the legend, and Vega-Lite drops the whole merged legend if one layer says `legend: null`.
      fill: { field: 'colour', type: 'nominal', scale: null },
    },
  };
  const spec = {
    title: options.title,
    data: { values },
    facet: facetOf(traffics, agents),
    spec: {
      width: FACET_WIDTH,
      height: FACET_HEIGHT,
      layer: hasBand ? [band, line] : [line],
    },
    // Each facet its own y range: traffic levels differ by far more than the lines within one.
    resolve: { scale: { y: 'independent' } },
    config: { ...BASE_CONFIG, legend: { ...BASE_CONFIG.legend, orient: 'bottom' } },
  };
  return renderVegaLite(spec, render);
}

/** A logger that hands warnings to the caller and keeps errors for `renderVegaLite` to throw. */
class RoutedLogger implements LoggerInterface {
  private lvl = vega.Warn;
  readonly errors: string[] = [];
  constructor(private readonly onWarning: ((message: string) => void) | undefined) {}
  level(l?: number): number | LoggerInterface {
    if (l === undefined) return this.lvl;
    this.lvl = l;
    return this;
  }
  error(...args: unknown[]): this {
    this.errors.push(args.map(String).join(' '));
    return this;
  }
  warn(...args: unknown[]): this {
    if (this.lvl >= vega.Warn) this.onWarning?.(args.map(String).join(' '));
    return this;
  }
  info(): this {
    return this;
  }
  debug(): this {
    return this;
  }
}

/**
 * Vega numbers clip paths and gradients with module-wide counters, so the same figure rendered
 * twice in one process would differ; renumber them in order of appearance.
 */
function renumberIds(svg: string): string {
  const ids = new Map<string, string>();
  return svg.replace(/\b(clip\d+|gradient_\d+)\b/g, (id) => {
    let to = ids.get(id);
    if (!to) {
      const prefix = id.startsWith('clip') ? 'clip' : 'gradient_';
      let n = 1;
      for (const v of ids.values()) if (v.startsWith(prefix)) n++;
      to = `${prefix}${n}`;
      ids.set(id, to);
    }
    return to;
  });
}

/** Compile a Vega-Lite spec and render it to an SVG string, headless and quietly. */
export async function renderVegaLite(spec: object, options: RenderOptions = {}): Promise<string> {
  const logger = new RoutedLogger(options.onWarning);
  const vgSpec = compile(spec as TopLevelSpec, { logger }).spec;
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none', logger });
  try {
    const svg = await view.toSVG();
    if (logger.errors.length > 0) throw new Error(`vega: ${logger.errors.join('; ')}`);
    return renumberIds(svg);
  } finally {
    view.finalize();
  }
}
