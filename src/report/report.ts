/**
 * The experiment report: `report.md` with the Figure-2-shaped table, the statistics (stars for
 * p < .05/.01/.001 as in the paper), SVG plots in `plots/`, and the paper's claims checked one by
 * one. Deterministic: no dates or timings, so the same results give the same report.
 */
import type { Analysis, Cell, Comparison } from '../experiment/results.js';
import { cellOf, TABLE_METRICS } from '../experiment/results.js';
import type { Summary } from '../run/summary.js';
import type { Claim } from './claims.js';

export interface ReportInput {
  readonly scenario: string;
  readonly scenarioFile: string;
  readonly seeds: readonly number[];
  readonly analysis: Analysis;
  readonly claims: readonly Claim[];
  /** Plot files (relative to the report) with their captions. */
  readonly plots: readonly { file: string; caption: string }[];
  readonly failures: readonly { id: string; message: string }[];
  readonly jobs: number;
  /** Dunn's test on every pair, not only against marl-only. */
  readonly allPairs?: boolean;
  /** Every finished run's summary (for model use and cost). */
  readonly summaries: readonly Summary[];
}

/** Model calls, tokens and estimated cost per configuration, summed over the runs. */
export function usageTable(summaries: readonly Summary[]): string[] {
  const byConfig = new Map<string, Summary[]>();
  for (const s of summaries) {
    if (!s.llm.cost) continue;
    byConfig.set(s.config, [...(byConfig.get(s.config) ?? []), s]);
  }
  if (byConfig.size === 0) return [];
  const lines = [
    '| configuration | model | runs | calls | failed | retries | input tokens | output tokens | estimated cost (USD) |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const total = { calls: 0, usd: 0 };
  const priced = new Set<string>();
  for (const [config, runs] of byConfig) {
    const sum = (f: (s: Summary) => number) => runs.reduce((acc, s) => acc + f(s), 0);
    const usd = sum((s) => s.llm.cost!.usd);
    const models = [...new Set(runs.map((s) => `${s.llm.provider}/${s.llm.model}`))].join(', ');
    for (const s of runs) priced.add(s.llm.cost!.source);
    total.calls += sum((s) => s.llm.calls);
    total.usd += usd;
    lines.push(
      `| ${config} | ${models} | ${runs.length} | ${sum((s) => s.llm.calls)} | ${sum((s) => s.llm.failedCalls)} | ${sum((s) => s.llm.retries)} | ${sum((s) => s.llm.inputTokens)} | ${sum((s) => s.llm.outputTokens)} | ${usd.toFixed(4)} |`,
    );
  }
  const note = priced.has('none')
    ? ' Unpriced models (the simulated model, local servers without `guidance.llm.pricing`) count 0.'
    : '';
  return [
    ...lines,
    '',
    `In all: ${total.calls} model calls, an estimated $${total.usd.toFixed(4)}.${note} Prices: \`guidance.llm.pricing\` or the built-in table (docs/llm.md).`,
    '',
  ];
}

const num = (x: number, digits = 1) =>
  Number.isFinite(x) ? (Number.isInteger(x) && digits <= 1 ? String(x) : x.toFixed(digits)) : '–';
const p = (x: number) => (x < 0.001 ? x.toExponential(1) : x.toFixed(3));

function summaryCell(c: Cell | undefined, rate: boolean): string {
  if (!c) return '–';
  const f = (x: number) => (rate ? `${(100 * x).toFixed(1)}%` : num(x));
  const s = c.stats;
  return `${f(s.median)} [${f(s.q1)}–${f(s.q3)}]<br>${f(s.mean)} ± ${f((s.ci95[1] - s.ci95[0]) / 2)}`;
}

function figureTable(a: Analysis): string[] {
  const lines: string[] = [];
  for (const metric of TABLE_METRICS) {
    const rate = metric.key === 'llmUsageRate';
    const targets = metric.perAgent ? a.agents : [null];
    for (const agent of targets) {
      lines.push(`**${metric.label}${agent ? ` — ${agent}` : ''}**`, '');
      lines.push(`| configuration | ${a.traffics.join(' | ')} |`);
      lines.push(`| --- |${a.traffics.map(() => ' ---: |').join('')}`);
      for (const config of a.configs) {
        const cells = a.traffics.map((t) =>
          summaryCell(cellOf(a, metric.key, agent, config, t), rate),
        );
        lines.push(`| ${config} | ${cells.join(' | ')} |`);
      }
      lines.push('');
    }
  }
  return lines;
}

function statsTable(a: Analysis): string[] {
  const lines = [
    '| metric | agent | traffic | Kruskal–Wallis H (df) | p | ε² | Dunn (Holm) |',
    '| --- | --- | --- | ---: | ---: | ---: | --- |',
  ];
  const label = (key: string) => TABLE_METRICS.find((m) => m.key === key)?.label ?? key;
  const dunn = (c: Comparison) =>
    c.dunn
      .map(
        (d) =>
          `${d.b} vs ${d.a}: z = ${d.z.toFixed(2)}, p = ${p(d.pAdjusted)}${d.stars ? ` ${d.stars}` : ''}, r = ${d.r.toFixed(2)}`,
      )
      .join('<br>');
  for (const c of a.comparisons) {
    const k = c.kruskal!;
    lines.push(
      `| ${label(c.metric)} | ${c.agent ?? 'network'} | ${c.traffic} | ${k.H.toFixed(2)} (${k.df}) | ${p(k.pValue)} | ${k.epsilonSquared.toFixed(3)} | ${dunn(c)} |`,
    );
  }
  return lines;
}

export function renderReport(r: ReportInput): string {
  const a = r.analysis;
  const out: string[] = [
    `# Experiment report — ${r.scenario}`,
    '',
    `Scenario \`${r.scenarioFile}\`; configurations ${a.configs.map((c) => `\`${c}\``).join(', ')}; traffic ${a.traffics.map((t) => `\`${t}\``).join(', ')}; ${r.seeds.length} seeds (${r.seeds.length > 6 ? `${r.seeds.slice(0, 3).join(', ')} … ${r.seeds.at(-1)}` : r.seeds.join(', ')}); ${r.jobs} runs. Test-phase results; every run's files are under \`runs/<config>/<traffic>/seed-<n>/\`. How to read this report: \`docs/experiments.md\`.`,
    '',
    '## Results (Figure 2 of the paper)',
    '',
    'Each cell: median [interquartile range] over seeds, then mean ± half-width of the 95% confidence interval (t distribution).',
    '',
    ...figureTable(a),
    '## Statistics',
    '',
    `Kruskal–Wallis test across configurations for each agent and traffic level (tie-corrected; ε² effect size), then Dunn’s test ${r.allPairs ? 'on every pair of configurations' : 'of each configuration against `marl-only`'} with Holm correction within each row (tie-corrected z, positive when the first-named configuration ranks higher; two-sided; r = |z|/√N). Stars: * p < .05, ** p < .01, *** p < .001 (adjusted). The LLM usage rate is not tested: it is 0 in \`marl-only\` by construction.`,
    '',
    ...statsTable(a),
    '',
    ...(usageTable(r.summaries).length > 0
      ? ['## Model use and cost', '', ...usageTable(r.summaries)]
      : []),
    '## Plots',
    '',
    ...r.plots.flatMap((pl) => [`![${pl.caption}](${pl.file})`, '', `*${pl.caption}*`, '']),
    '## The paper’s claims',
    '',
    'Each reported outcome of the AURA paper, checked against this run. Not tuned to agree: the numbers are what they are.',
    '',
  ];
  for (const c of r.claims) {
    out.push(`- **${c.verdict}** — ${c.claim}`);
    for (const e of c.evidence) out.push(`  - ${e}`);
  }
  out.push('');
  if (r.failures.length > 0) {
    out.push('## Failed runs', '', 'These runs failed and are missing from every table above:', '');
    for (const f of r.failures) out.push(`- \`${f.id}\`: ${f.message}`);
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
