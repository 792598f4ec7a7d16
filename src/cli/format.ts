/** Human-readable rendering of run summaries for the terminal. */
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

export function formatSummary(s: Summary, dir: string): string {
  const t = s.test;
  const rows: (string | number)[][] = [
    [
      'cell',
      'dropped',
      'handoffs dropped',
      'refused (full)',
      'refused (signal)',
      'signal drops',
      'mean power dBm',
      'mean users',
    ],
  ];
  for (const [id, a] of Object.entries(t.agents)) {
    rows.push([
      id,
      a.droppedRequests,
      a.droppedHandoffs,
      a.refusedFull,
      a.refusedSignal,
      a.signalDrops,
      a.meanPowerDbm.toFixed(2),
      a.meanUsers.toFixed(1),
    ]);
  }
  rows.push(['all', t.droppedRequests, t.droppedHandoffs, '', '', '', '', '']);
  return [
    `${s.scenario} · ${s.config} · traffic ${s.traffic} · seed ${s.seed}  (${s.episodes.training} training + ${s.episodes.test} test episodes × ${s.episodes.stepsPerEpisode} steps)`,
    `test: ${t.steps} steps, ${t.systemFailures} system failures (${pct(t.systemFailures, t.steps)}), ` +
      `LLM usage ${(100 * t.llmUsageRate).toFixed(1)}%`,
    table(rows),
    `run directory: ${dir}`,
  ].join('\n');
}
