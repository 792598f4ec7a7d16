/**
 * The AURA paper's reported outcomes (DESIGN.md §1), checked one by one against an experiment's
 * results — with the numbers, whichever way they fall. Medians over seeds are compared, per agent
 * as in the paper's Figure 2; each evidence line is marked ✓ (holds) or ✗ (does not). A claim of
 * "no significant difference" needs at least `MIN_SEEDS` runs per group, else it is not testable.
 */
import type { Analysis } from '../experiment/results.js';
import type { Summary } from '../run/summary.js';
import { describe } from '../stats/index.js';

export type Verdict = 'reproduced' | 'partly reproduced' | 'not reproduced' | 'not testable';

export interface Claim {
  readonly claim: string;
  readonly verdict: Verdict;
  /** The numbers behind the verdict, one line each, marked ✓ or ✗. */
  readonly evidence: string[];
}

/** Fewest runs per group for a "no significant difference" verdict to mean anything. */
export const MIN_SEEDS = 5;

const median = (xs: number[]) => (xs.length > 0 ? describe(xs).median : Number.NaN);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1));

/** Collects checks and their evidence lines. */
class Checks {
  readonly results: boolean[] = [];
  readonly evidence: string[] = [];
  add(ok: boolean, line: string): void {
    this.results.push(ok);
    this.evidence.push(`${ok ? '✓' : '✗'} ${line}`);
  }
  verdict(): Verdict {
    if (this.results.length === 0) return 'not testable';
    const ok = this.results.filter(Boolean).length;
    if (ok === this.results.length) return 'reproduced';
    return ok === 0 ? 'not reproduced' : 'partly reproduced';
  }
}

export function checkClaims(summaries: readonly Summary[], analysis: Analysis): Claim[] {
  const has = (c: string) => analysis.configs.includes(c);
  const values = (config: string, traffic: string, f: (s: Summary) => number) =>
    summaries.filter((s) => s.config === config && s.traffic === traffic).map(f);
  const guidedConfigs = ['guided', 'aura'].filter(has);
  const stressed = ['normal', 'high'].filter((t) => analysis.traffics.includes(t));
  const claims: Claim[] = [];

  // 1. Dropped requests (all drops, and handoff drops) more than halved under normal and high.
  for (const [metric, noun] of [
    ['droppedRequests', 'dropped requests'],
    ['droppedHandoffs', 'dropped handoff requests'],
  ] as const) {
    const checks = new Checks();
    if (has('marl-only')) {
      for (const traffic of stressed) {
        for (const agent of analysis.agents) {
          const of = (s: Summary) => s.test.agents[agent]![metric];
          const base = median(values('marl-only', traffic, of));
          for (const config of guidedConfigs) {
            const m = median(values(config, traffic, of));
            if (base === 0) {
              checks.add(
                false,
                `${traffic}, ${agent}: marl-only median 0, ${config} ${fmt(m)}: nothing to halve`,
              );
              continue;
            }
            const change = m / base - 1;
            checks.add(
              change < -0.5,
              `${traffic}, ${agent}: ${config} median ${fmt(m)} vs marl-only ${fmt(base)} (${change <= 0 ? 'cut' : 'rise'} ${pct(Math.abs(change))})`,
            );
          }
        }
      }
    }
    claims.push({
      claim: `LLM-guided configurations cut ${noun} by more than half under normal and high traffic.`,
      verdict: checks.verdict(),
      evidence: checks.evidence,
    });
  }

  // 2. No significant difference under low traffic.
  {
    const checks = new Checks();
    const rows = analysis.comparisons.filter(
      (c) => c.metric === 'droppedRequests' && c.traffic === 'low' && c.kruskal,
    );
    const fewest = Math.min(
      ...analysis.configs.map(
        (c) => summaries.filter((s) => s.config === c && s.traffic === 'low').length,
      ),
    );
    if (fewest >= MIN_SEEDS) {
      for (const r of rows) {
        checks.add(
          r.kruskal!.pValue >= 0.05,
          `low, ${r.agent}: Kruskal–Wallis H = ${r.kruskal!.H.toFixed(2)}, p = ${r.kruskal!.pValue.toPrecision(3)} (n = ${fewest}+ per configuration)`,
        );
      }
    }
    claims.push({
      claim: 'No significant difference in dropped requests under low traffic.',
      verdict: checks.verdict(),
      evidence:
        fewest >= MIN_SEEDS || rows.length === 0
          ? checks.evidence
          : [
              `not testable with ${fewest} run(s) per configuration: at least ${MIN_SEEDS} are needed`,
            ],
    });
  }

  // 3. LLM usage below 60% (every agent, every guided run).
  {
    const checks = new Checks();
    for (const config of guidedConfigs) {
      for (const traffic of analysis.traffics) {
        for (const agent of analysis.agents) {
          const rates = values(config, traffic, (s) => s.test.agents[agent]!.llmUsageRate);
          if (rates.length === 0) continue;
          const max = Math.max(...rates);
          checks.add(
            max < 0.6,
            `${config}, ${traffic}, ${agent}: median ${pct(median(rates))}, highest ${pct(max)}`,
          );
        }
      }
    }
    claims.push({
      claim: 'Agents use LLM input in fewer than 60% of decisions.',
      verdict: checks.verdict(),
      evidence: checks.evidence,
    });
  }

  // 4. AURA relies on the LLM slightly less than GUIDED (median usage per agent and level).
  {
    const checks = new Checks();
    if (has('guided') && has('aura')) {
      for (const traffic of analysis.traffics) {
        for (const agent of analysis.agents) {
          const of = (s: Summary) => s.test.agents[agent]!.llmUsageRate;
          const g = median(values('guided', traffic, of));
          const a = median(values('aura', traffic, of));
          checks.add(
            a < g,
            `${traffic}, ${agent}: aura ${pct(a)} vs guided ${pct(g)} (median LLM usage)`,
          );
        }
      }
    }
    claims.push({
      claim: 'AURA relies on the LLM slightly less than GUIDED.',
      verdict: checks.verdict(),
      evidence: checks.evidence,
    });
  }

  // 5. Both reduce system failures (normal and high traffic); AURA the most under high traffic.
  {
    const checks = new Checks();
    if (has('marl-only')) {
      for (const traffic of stressed) {
        const base = median(values('marl-only', traffic, (s) => s.test.systemFailures));
        for (const config of guidedConfigs) {
          const m = median(values(config, traffic, (s) => s.test.systemFailures));
          checks.add(
            m < base,
            `${traffic}: ${config} median ${fmt(m)} vs marl-only ${fmt(base)} system failures`,
          );
        }
      }
      if (has('guided') && has('aura') && analysis.traffics.includes('high')) {
        const g = median(values('guided', 'high', (s) => s.test.systemFailures));
        const a = median(values('aura', 'high', (s) => s.test.systemFailures));
        checks.add(a < g, `high: aura ${fmt(a)} vs guided ${fmt(g)} system failures (AURA lowest)`);
      }
    }
    claims.push({
      claim:
        'Both guided configurations reduce system failures under normal and high traffic, AURA the most under high traffic.',
      verdict: checks.verdict(),
      evidence: checks.evidence,
    });
  }
  return claims;
}
