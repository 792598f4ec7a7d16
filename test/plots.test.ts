/**
 * The report's SVG figures: well-formed, labelled in the caller's order, byte-identical across
 * renders (Vega's global id counters must not leak in), quiet, and graceful with no data.
 */
import { writeFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { boxPlot, lineChart, type PointRow, renderVegaLite } from '../src/report/plots.js';

const CONFIGS = ['marl-only', 'guided', 'aura'] as const;
const TRAFFICS = ['low', 'normal', 'high'] as const;
const AGENTS = ['bs-0', 'bs-1'] as const;

/** Deterministic, varied values without randomness. */
const wobble = (i: number) => ((i * 37) % 11) - 5;

function points(byAgent: boolean): PointRow[] {
  const rows: PointRow[] = [];
  let i = 0;
  for (const traffic of TRAFFICS)
    for (const [c, config] of CONFIGS.entries())
      for (const agent of byAgent ? AGENTS : [undefined])
        for (let seed = 0; seed < 6; seed++)
          rows.push({
            config,
            traffic,
            value: 40 - 10 * c + 5 * TRAFFICS.indexOf(traffic) + wobble(i++),
            ...(agent ? { agent } : {}),
          });
  return rows;
}

function lines(byAgent: boolean) {
  const rows = [];
  for (const traffic of TRAFFICS)
    for (const [c, config] of CONFIGS.entries())
      for (const agent of byAgent ? AGENTS : [undefined])
        for (let x = 0; x < 10; x++) {
          const y = 0.5 + 0.04 * x * (c + 1) - 0.02 * TRAFFICS.indexOf(traffic);
          rows.push({ config, traffic, x, y, lo: y - 0.05, hi: y + 0.05, agent });
        }
  return rows;
}

/** Rough well-formedness: one root, and every opened element closed in order. */
function expectWellFormedSvg(svg: string): void {
  expect(svg.startsWith('<svg')).toBe(true);
  expect(svg.endsWith('</svg>')).toBe(true);
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([A-Za-z][\w:-]*)[^>]*?(\/?)>/g)) {
    const [, close, name, selfClose] = m;
    if (selfClose) continue;
    if (close) expect(stack.pop()).toBe(name);
    else stack.push(name!);
  }
  expect(stack).toEqual([]);
  // Self-contained: nothing fetched from elsewhere (the xmlns URIs are names, not fetches).
  expect(svg.replace(/xmlns(:\w+)?="[^"]*"/g, '')).not.toMatch(/https?:|@import|href=/);
}

/** Each label occurs, and their first occurrences as visible text are in the given order. */
function expectInOrder(svg: string, labels: readonly string[]): void {
  const at = labels.map((l) => svg.indexOf(`>${l}</text>`));
  for (const i of at) expect(i).toBeGreaterThanOrEqual(0);
  expect([...at].sort((a, b) => a - b)).toEqual(at);
}

const dump = (name: string, svg: string) => {
  // Opt-in, for looking at the figures by eye.
  if (process.env.PLOTS_DUMP) writeFileSync(`${process.env.PLOTS_DUMP}/${name}.svg`, svg);
};

describe('boxPlot', () => {
  const options = {
    title: 'Dropped requests',
    yTitle: 'dropped requests (test phase)',
    rows: points(false),
    configs: CONFIGS,
    traffics: TRAFFICS,
  };

  it('draws a well-formed, titled SVG with configurations and traffic levels in order', async () => {
    const svg = await boxPlot(options);
    dump('box', svg);
    expectWellFormedSvg(svg);
    expect(svg).toContain('>Dropped requests</text>');
    expect(svg).toContain('>dropped requests (test phase)</text>');
    expectInOrder(svg, CONFIGS);
    expectInOrder(svg, TRAFFICS);
    expect(svg).toContain('fill="white"');
  });

  it('follows the caller’s order, not the data’s, and keeps each configuration’s colour', async () => {
    const reversed = await boxPlot({
      ...options,
      configs: [...CONFIGS].reverse(),
      traffics: [...TRAFFICS].reverse(),
    });
    expectInOrder(reversed, [...CONFIGS].reverse());
    expectInOrder(reversed, [...TRAFFICS].reverse());
    // A subset (the LLM usage figure omits marl-only) keeps aura's colour.
    const subset = await boxPlot({ ...options, configs: ['guided', 'aura'] });
    const full = await boxPlot(options);
    const auraColour = '#54a24b';
    expect(full).toContain(auraColour);
    expect(subset).toContain(auraColour);
    expect(subset).not.toContain('>marl-only</text>');
  });

  it('is byte-identical across renders, including concurrent ones', async () => {
    const a = await boxPlot(options);
    const [b, c] = await Promise.all([boxPlot(options), boxPlot(options)]);
    expect(b).toBe(a);
    expect(c).toBe(a);
  });

  it('draws one row per agent with byAgent', async () => {
    const svg = await boxPlot({ ...options, rows: points(true), byAgent: true });
    dump('box-agents', svg);
    expectWellFormedSvg(svg);
    expectInOrder(svg, AGENTS);
    expectInOrder(svg, CONFIGS);
    expect(svg).toBe(await boxPlot({ ...options, rows: points(true), byAgent: true }));
  });

  it('returns a small "no data" SVG for empty input, or input with nothing plottable', async () => {
    for (const rows of [[], [{ config: 'other', traffic: 'low', value: 1 }]]) {
      const svg = await boxPlot({ ...options, title: 'A & <B>', rows });
      expectWellFormedSvg(svg);
      expect(svg).toContain('no data');
      expect(svg).toContain('A &amp; &lt;B&gt;');
    }
  });

  it('escapes titles with special characters', async () => {
    const svg = await boxPlot({ ...options, title: 'p < .05 & "stars" \'q\'', yTitle: 'a<b>' });
    expectWellFormedSvg(svg);
    expect(svg).toContain('p &lt; .05 &amp;');
    expect(svg).toContain('a&lt;b&gt;');
    expect(svg).not.toContain('a<b>');
  });

  it('renders quietly: no console output from Vega', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const warnings: string[] = [];
      const onWarning = (m: string) => warnings.push(m);
      await boxPlot({ ...options, rows: points(true), byAgent: true }, { onWarning });
      await lineChart({ ...lineOptions, byAgent: true, rows: lines(true) }, { onWarning });
      // Our own specs compile cleanly; the spies show nothing would reach a CLI's output anyway.
      expect(warnings).toEqual([]);
      await renderVegaLite({ mark: 'bar', encoding: { shape: { field: 'a', type: 'nominal' } } });
      expect(warn).not.toHaveBeenCalled();
      expect(log).not.toHaveBeenCalled();
      expect(error).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
      log.mockRestore();
      error.mockRestore();
    }
  });

  it('handles a larger report-sized input', async () => {
    const many: PointRow[] = [];
    for (const traffic of TRAFFICS)
      for (const config of CONFIGS)
        for (let i = 0; i < 100; i++) many.push({ config, traffic, value: wobble(i) + i / 10 });
    expectWellFormedSvg(await boxPlot({ ...options, rows: many }));
  });
});

const lineOptions = {
  title: 'Trust in the planner',
  xTitle: 'episode',
  yTitle: 'trust',
  rows: lines(false),
  configs: CONFIGS,
  traffics: TRAFFICS,
};

describe('lineChart', () => {
  it('draws a well-formed, titled SVG with configurations and traffic levels in order', async () => {
    const svg = await lineChart(lineOptions);
    dump('line', svg);
    expectWellFormedSvg(svg);
    expect(svg).toContain('>Trust in the planner</text>');
    expect(svg).toContain('>episode</text>');
    expectInOrder(svg, CONFIGS);
    expectInOrder(svg, TRAFFICS);
  });

  it('is byte-identical across renders', async () => {
    const a = await lineChart(lineOptions);
    const [b, c] = await Promise.all([lineChart(lineOptions), lineChart(lineOptions)]);
    expect(b).toBe(a);
    expect(c).toBe(a);
  });

  it('draws one row per agent with byAgent, and works without bands', async () => {
    const svg = await lineChart({ ...lineOptions, rows: lines(true), byAgent: true });
    dump('line-agents', svg);
    expectWellFormedSvg(svg);
    expectInOrder(svg, AGENTS);
    const bare = lines(false).map(({ lo: _lo, hi: _hi, ...r }) => r);
    const noBand = await lineChart({ ...lineOptions, rows: bare });
    expectWellFormedSvg(noBand);
    expect(noBand).not.toContain(
      'role-mark marks" role="graphics-object" aria-roledescription="area',
    );
  });

  it('returns a "no data" SVG for empty input', async () => {
    const svg = await lineChart({ ...lineOptions, rows: [] });
    expectWellFormedSvg(svg);
    expect(svg).toContain('no data');
  });
});

describe('renderVegaLite', () => {
  it('renumbers Vega’s process-wide clip ids, so repeated renders are identical', async () => {
    const spec = {
      data: {
        values: [
          { x: 0, y: 0 },
          { x: 1, y: 2 },
        ],
      },
      mark: { type: 'line', clip: true },
      encoding: {
        x: { field: 'x', type: 'quantitative', scale: { domain: [0, 0.5] } },
        y: { field: 'y', type: 'quantitative' },
      },
    };
    const a = await renderVegaLite(spec);
    expect(a).toContain('clip-path="url(#clip1)"');
    expect(await renderVegaLite(spec)).toBe(a);
  });

  it('renders any Vega-Lite spec and routes warnings to the caller', async () => {
    const warnings: string[] = [];
    const svg = await renderVegaLite(
      {
        title: 'Bars',
        data: { values: [{ a: 'x', b: 1 }] },
        mark: 'bar',
        encoding: {
          x: { field: 'a', type: 'nominal' },
          y: { field: 'b', type: 'quantitative' },
          // A bar has no shape, so Vega-Lite warns and drops the channel.
          shape: { field: 'a', type: 'nominal' },
        },
      },
      { onWarning: (m) => warnings.push(m) },
    );
    expectWellFormedSvg(svg);
    expect(svg).toContain('>Bars</text>');
    expect(warnings.length).toBeGreaterThan(0);
  });
});
