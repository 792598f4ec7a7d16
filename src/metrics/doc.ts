/**
 * docs/metrics.md, rendered from the metric list (`list.ts`): `npm run docs:metrics` writes it,
 * and a test fails when the file drifts from the list.
 */
import { ACTIONS } from '../agents/space.js';
import { METRIC_SPECS, type MetricSpec, type Readout } from './list.js';

const code = (s: string) => `\`${s}\``;

/** How a readout divides its counter, in words. */
function divided(r: Readout, network: boolean): string {
  if (r.per === undefined) return '';
  if (r.per === 'step') return network ? ' ÷ (steps × cells)' : ' ÷ steps';
  return ` ÷ ${code(r.per)}`;
}

function summaryCell(m: MetricSpec): string {
  const s = m.summary;
  if (!s) return '';
  if (m.scope === 'network') return code(`test.${s.name}`);
  const agent = `${code(`test.agents.<cell>.${s.name}`)}${divided(s, false)}`;
  return s.network ? `${agent}; ${code(`test.${s.name}`)}${divided(s, true)}` : agent;
}

function csvCell(m: MetricSpec): string {
  const c = m.csv;
  if (!c) return '';
  if (m.scope === 'network') return code(c.name);
  const cell = `${code(`<cell>.${c.name}`)}${divided(c, false)}${c.guided ? ' (guided)' : ''}`;
  return c.network ? `${code(c.name)}; ${cell}` : cell;
}

function elsewhere(m: MetricSpec): string {
  const out: string[] = [];
  if (m.summary && (m.scope === 'network' || m.summary.network)) out.push('results.csv, sweep.csv');
  if (m.table) out.push(`table: ${m.table.label}`);
  if (m.terminal) out.push(`terminal: ${m.terminal.header}`);
  return out.join('; ');
}

const cellText = (s: string) => s.replace(/\|/g, '\\|');

export function renderMetricsDoc(): string {
  const rows = METRIC_SPECS.map(
    (m) =>
      `| ${[
        code(m.key),
        m.scope,
        m.countedIn,
        m.combine,
        m.unit,
        summaryCell(m),
        csvCell(m),
        elsewhere(m),
        m.description,
      ]
        .map(cellText)
        .join(' | ')} |`,
  );
  return [
    '# Metrics',
    '',
    '<!-- Generated from src/metrics/list.ts by `npm run docs:metrics`; do not edit by hand. -->',
    '',
    'Every counted quantity of a run, in the order every output lists them. The model counts each',
    "one in a plain field of the episode's counters (`cell`: per cell; `network`: once per step);",
    'episodes add up (`sum`) or keep the larger value (`max`). summary.json reports the test phase;',
    'per-step and ratio readouts are rounded to 6 decimals and are 0 when the denominator is.',
    '',
    '- **counted in**: the part of a step that counts it ([model.md](model.md), "One step"):',
    '  `decide`, `hand off`, `settle`, the end of the `step`, or a `suggestion` reaching the agent',
    "  (and the episode's end, for suggestions never consulted).",
    '- **summary.json**: per agent under `test.agents.<cell>`; a network total under `test`.',
    "- **episodes.csv**: one row per episode; network columns first, then every cell's, then with",
    "  guidance every cell's `(guided)` columns and its trust at the episode's end (`<cell>.trust`).",
    '- **elsewhere**: results.csv and sweep.csv carry every network total (and its per-agent value',
    '  as `<cell>.<name>`); the experiment table (table.csv, stats.json, report.md) and the terminal',
    '  table of `aura run` show the metrics labelled so. The `guidance` block of summary.json',
    '  ([guidance.md](guidance.md)) reads the suggestion and trust counters for both phases.',
    '',
    '| counter | scope | counted in | combine | unit | summary.json | episodes.csv | elsewhere | description |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `Each cell also counts its decisions per action (\`actions\`: ${ACTIONS.map(code).join(', ')}),`,
    'reported as `test.agents.<cell>.actions` in summary.json.',
    '',
    'A new metric is one entry in `src/metrics/list.ts` (and the line in the model that counts it);',
    'then `npm run docs:metrics`.',
    '',
  ].join('\n');
}
