/** Human-readable rendering of run summaries for the terminal. */
import { type AgentField, CELL_METRICS, type TestField } from '../metrics/list.js';
import type { Summary } from '../run/summary.js';

const pct = (num: number, den: number): string =>
  den > 0 ? `${((100 * num) / den).toFixed(1)}%` : '-';

function table(rows: (string | number)[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  return rows
    .map((r) =>
      r
        .map((v, c) => (c === 0 ? String(v).padEnd(widths[c]!) : String(v).padStart(widths[c]!)))
        .join('  '),
    )
    .join('\n');
}

/** The table's metrics: those with a terminal column (`metrics/list.ts`), in list order. */
const COLUMNS = CELL_METRICS.flatMap((m) =>
  m.terminal && m.summary
    ? [{ ...m.terminal, name: m.summary.name as AgentField, total: m.summary.network === true }]
    : [],
);

const shownValue = (x: number, digits: number | undefined) =>
  digits === undefined ? x : x.toFixed(digits);

/** Above this many cells the table lists only the worst ones. */
const MAX_CELL_ROWS = 12;
const WORST_CELLS = 8;

export function formatSummary(s: Summary, dir: string): string {
  const t = s.test;
  const rows: (string | number)[][] = [['cell', ...COLUMNS.map((c) => c.header)]];
  const agents = Object.entries(t.agents);
  // A large network shows its worst cells (most dropped requests); summary.json has them all.
  const shown =
    agents.length > MAX_CELL_ROWS
      ? [...agents]
          .sort(([, a], [, b]) => b.droppedRequests - a.droppedRequests)
          .slice(0, WORST_CELLS)
      : agents;
  for (const [id, a] of shown) {
    rows.push([id, ...COLUMNS.map((c) => shownValue(a[c.name], c.digits))]);
  }
  if (shown.length < agents.length) {
    const more = `… ${agents.length - shown.length} more cells (all in summary.json)`;
    rows.push([more, ...COLUMNS.map(() => '')]);
  }
  // The network row: the totals summary.json has (`test.<name>`), blank for the rest.
  rows.push([
    'all',
    ...COLUMNS.map((c) => (c.total ? shownValue(t[c.name as TestField], c.digits) : '')),
  ]);
  return [
    `${s.scenario} · ${s.config} · traffic ${s.traffic} · seed ${s.seed}  (${s.episodes.training} training + ${s.episodes.test} test episodes × ${s.episodes.stepsPerEpisode} steps)`,
    `test: ${t.steps} steps, ${t.systemFailures} system failures (${pct(t.systemFailures, t.steps)}), ` +
      `LLM usage ${(100 * t.llmUsageRate).toFixed(1)}%`,
    table(rows),
    ...guidanceLines(s),
    `run directory: ${dir}`,
  ].join('\n');
}

function guidanceLines(s: Summary): string[] {
  const g = s.guidance;
  if (!g) return [];
  const t = g.test;
  const final = Object.entries(g.trust).map(([id, v]) => [id, v.final] as const);
  const trust =
    final.length > MAX_CELL_ROWS
      ? trustRange(final)
      : final.map(([id, v]) => `${id} ${v.toFixed(2)}`).join(', ');
  const lines = [
    `LLM (${s.llm.provider}/${s.llm.model}): ${s.llm.calls} calls, ${s.llm.inputTokens} tokens in, ${s.llm.outputTokens} out, ${s.llm.rejected} rejected, ${s.llm.failedCalls} failed${s.llm.retries > 0 ? `, ${s.llm.retries} retries` : ''}${s.llm.cost && s.llm.cost.source !== 'none' ? `, about $${s.llm.cost.usd.toFixed(4)}` : ''}`,
    ...(s.llm.measured
      ? [
          `model latency: measured ${(s.llm.measured.meanMs / 1000).toFixed(2)} s mean, ${(s.llm.measured.maxMs / 1000).toFixed(2)} s max; simulated ${(s.llm.meanLatencyMs / 1000).toFixed(2)} s mean (from ${s.llm.latencyFrom === 'measured' ? 'the measurements' : 'the latency model'})`,
        ]
      : []),
    `test guidance: ${t.suggestions} suggestions, ${t.staleSuggestions} stale, mean age ${(t.meanSuggestionAgeMs / 1000).toFixed(1)} s; trust ${trust}`,
  ];
  if (g.playbook) {
    lines.push(
      g.playbook.entry
        ? `playbook: started from entry '${g.playbook.entry}' (offered-load distance ${g.playbook.distance})`
        : `playbook: novel conditions (nearest distance ${g.playbook.distance ?? '-'} > ${g.playbook.tolerance}); the planner reasoned`,
    );
  }
  if (t.evaluations + g.training.evaluations > 0) {
    lines.push(
      `alignment: ${g.training.evaluations + t.evaluations} evaluations, ${g.training.delayedRewards + t.delayedRewards} delayed rewards, ${g.training.parameterChanges + t.parameterChanges} parameter changes from feedback`,
    );
  }
  return lines;
}

/** Final trust of many agents in one line: mean, lowest and highest (with their cells). */
function trustRange(final: readonly (readonly [string, number])[]): string {
  let lo = final[0]!;
  let hi = final[0]!;
  let sum = 0;
  for (const f of final) {
    sum += f[1];
    if (f[1] < lo[1]) lo = f;
    if (f[1] > hi[1]) hi = f;
  }
  const mean = sum / final.length;
  return `mean ${mean.toFixed(2)} over ${final.length} agents, lowest ${lo[1].toFixed(2)} (${lo[0]}), highest ${hi[1].toFixed(2)} (${hi[0]})`;
}
