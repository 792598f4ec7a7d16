/**
 * An experiment's results, from its jobs' summaries: one row per job (`results.csv`,
 * `results.jsonl`), the Figure-2-shaped table (median and IQR, mean and 95% CI of each metric by
 * configuration × traffic level, per agent where the paper shows agents), and the statistics
 * (Kruskal–Wallis across configurations, Dunn against `marl-only` with Holm correction).
 */
import {
  type AgentField,
  CELL_METRICS,
  NETWORK_METRICS,
  TEST_FIELDS,
  type TestField,
} from '../metrics/list.js';
import type { Summary } from '../run/summary.js';
import {
  describe,
  dunnEffectSize,
  dunnTest,
  epsilonSquared,
  kruskalWallis,
  significanceStars,
} from '../stats/index.js';

export type Row = Record<string, string | number | null>;

/** The per-agent values of the metrics with a network total: results.csv's per-agent columns. */
const AGENT_TOTAL_FIELDS = CELL_METRICS.flatMap((m) =>
  m.summary?.network ? [m.summary.name as AgentField] : [],
);

/** One flat row per job: the job, the network's metrics, LLM use, then each agent's metrics. */
export function resultRow(s: Summary): Row {
  const row: Row = { config: s.config, traffic: s.traffic, seed: s.seed };
  for (const name of TEST_FIELDS) row[name] = s.test[name];
  Object.assign(row, {
    llmCalls: s.llm.calls,
    inputTokens: s.llm.inputTokens,
    outputTokens: s.llm.outputTokens,
    rejected: s.llm.rejected,
    llmCostUsd: s.llm.cost?.usd ?? null,
  });
  for (const [id, a] of Object.entries(s.test.agents)) {
    for (const name of AGENT_TOTAL_FIELDS) row[`${id}.${name}`] = a[name];
    row[`${id}.trust`] = s.guidance?.trust[id]?.final ?? null;
  }
  return row;
}

/**
 * CSV of rows with every column any row has, in first-seen order (a marl-only row lacks the
 * guidance columns; they stay empty). Ids and numbers only: nothing to quote.
 */
export function toCsv(rows: readonly Row[]): string {
  if (rows.length === 0) return '';
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: string | number | null | undefined) =>
    v === null || v === undefined ? '' : String(v);
  return `${[cols.join(','), ...rows.map((r) => cols.map((c) => cell(r[c])).join(','))].join('\n')}\n`;
}

/** A metric of the Figure-2 table: how to read it from a summary, per agent or network-wide. */
export interface Metric {
  readonly key: string;
  readonly label: string;
  readonly perAgent: boolean;
  readonly value: (s: Summary, agent?: string) => number;
}

/**
 * The metrics with a table label (`metrics/list.ts`): per-agent ones first, as the paper's panels,
 * then network-wide ones, each in list order.
 */
export const TABLE_METRICS: readonly Metric[] = [
  ...CELL_METRICS.flatMap((m): Metric[] => {
    if (!m.table || !m.summary) return [];
    const name = m.summary.name as AgentField;
    return [
      {
        key: name,
        label: m.table.label,
        perAgent: true,
        value: (s, a) => s.test.agents[a!]![name],
      },
    ];
  }),
  ...NETWORK_METRICS.flatMap((m): Metric[] => {
    if (!m.table || !m.summary) return [];
    const name = m.summary.name as TestField;
    return [{ key: name, label: m.table.label, perAgent: false, value: (s) => s.test[name] }];
  }),
];

export interface Cell {
  readonly metric: string;
  readonly agent: string | null;
  readonly config: string;
  readonly traffic: string;
  readonly stats: ReturnType<typeof describe>;
}

export interface Comparison {
  readonly metric: string;
  readonly agent: string | null;
  readonly traffic: string;
  readonly kruskal: { H: number; df: number; pValue: number; epsilonSquared: number } | null;
  /**
   * Dunn's test pairs (`b` against the control `a`, or every pair a < b), Holm-adjusted; z is
   * positive when `b` ranks higher than `a`.
   */
  readonly dunn: {
    a: string;
    b: string;
    z: number;
    pValue: number;
    pAdjusted: number;
    r: number;
    stars: string;
  }[];
}

export interface Analysis {
  readonly configs: string[];
  readonly traffics: string[];
  readonly agents: string[];
  readonly table: Cell[];
  readonly comparisons: Comparison[];
}

const groupValues = (
  summaries: readonly Summary[],
  metric: Metric,
  agent: string | undefined,
  config: string,
  traffic: string,
): number[] =>
  summaries
    .filter((s) => s.config === config && s.traffic === traffic)
    .map((s) => metric.value(s, agent));

/**
 * The table and the statistics. `control` names the configuration Dunn's test compares with
 * (default `marl-only` when present); `allPairs` compares every pair instead.
 */
export function analyse(
  summaries: readonly Summary[],
  grid: { configs: readonly string[]; traffics: readonly string[] },
  options: { allPairs?: boolean } = {},
): Analysis {
  const configs = grid.configs.filter((c) => summaries.some((s) => s.config === c));
  const traffics = grid.traffics.filter((t) => summaries.some((s) => s.traffic === t));
  const agents = summaries.length > 0 ? Object.keys(summaries[0]!.test.agents) : [];
  const table: Cell[] = [];
  const comparisons: Comparison[] = [];
  const controlIndex = options.allPairs ? -1 : configs.indexOf('marl-only');
  for (const metric of TABLE_METRICS) {
    const targets: (string | undefined)[] = metric.perAgent ? agents : [undefined];
    for (const agent of targets) {
      for (const traffic of traffics) {
        const groups = configs.map((c) => groupValues(summaries, metric, agent, c, traffic));
        configs.forEach((config, k) => {
          if (groups[k]!.length === 0) return;
          table.push({
            metric: metric.key,
            agent: agent ?? null,
            config,
            traffic,
            stats: describe(groups[k]!),
          });
        });
        // The LLM usage rate is 0 by construction in marl-only: testing it says nothing.
        if (metric.key === 'llmUsageRate') continue;
        const usable = groups.every((g) => g.length > 0) && groups.length >= 2;
        if (!usable) continue;
        const n = groups.reduce((sum, g) => sum + g.length, 0);
        const kw = kruskalWallis(groups);
        const dunn = dunnTest(groups, {
          correction: 'holm',
          ...(controlIndex >= 0 ? { control: controlIndex } : {}),
        }).comparisons.map((c) => ({
          a: configs[c.i]!,
          b: configs[c.j]!,
          // Oriented as "b against a": positive when b ranks higher (more of the metric).
          z: -c.z,
          pValue: c.pValue,
          pAdjusted: c.pAdjusted,
          r: dunnEffectSize(c.z, n),
          stars: significanceStars(c.pAdjusted),
        }));
        comparisons.push({
          metric: metric.key,
          agent: agent ?? null,
          traffic,
          kruskal: { ...kw, epsilonSquared: epsilonSquared(kw.H, n) },
          dunn,
        });
      }
    }
  }
  return { configs, traffics, agents, table, comparisons };
}

export function cellOf(
  a: Analysis,
  metric: string,
  agent: string | null,
  config: string,
  traffic: string,
): Cell | undefined {
  return a.table.find(
    (c) => c.metric === metric && c.agent === agent && c.config === config && c.traffic === traffic,
  );
}
