/**
 * The AURA paper's reported outcomes (DESIGN.md §1), checked one by one against an experiment's
 * results — with the numbers, whichever way they fall. Medians over seeds are compared; a claim of
 * "no significant difference" uses the Kruskal–Wallis test at α = .05.
 */
import type { Analysis } from '../experiment/results.js';
import type { Summary } from '../run/summary.js';
import { describe } from '../stats/index.js';

export type Verdict = 'reproduced' | 'partly reproduced' | 'not reproduced' | 'not testable';

export interface Claim {
  readonly claim: string;
  readonly verdict: Verdict;
  /** The numbers behind the verdict, one line each. */
  readonly evidence: string[];
}

const median = (xs: number[]) => (xs.length > 0 ? describe(xs).median : Number.NaN);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1));

function verdictOf(checks: boolean[]): Verdict {
  if (checks.length === 0) return 'not testable';
  const ok = checks.filter(Boolean).length;
  return ok === checks.length ? 'reproduced' : ok === 0 ? 'not reproduced' : 'partly reproduced';
}

export function checkClaims(summaries: readonly Summary[], analysis: Analysis): Claim[] {
  const has = (c: string) => analysis.configs.includes(c);
  const values = (config: string, traffic: string, f: (s: Summary) => number) =>
    summaries.filter((s) => s.config === config && s.traffic === traffic).map(f);
  const guidedConfigs = ['guided', 'aura'].filter(has);
  const claims: Claim[] = [];

  // 1. Dropped requests more than halved under normal and high traffic.
  {
    const checks: boolean[] = [];
    const evidence: string[] = [];
    if (has('marl-only')) {
      for (const traffic of ['normal', 'high'].filter((t) => analysis.traffics.includes(t))) {
        for (const agent of analysis.agents) {
          const base = median(
            values('marl-only', traffic, (s) => s.test.agents[agent]!.droppedRequests),
          );
          for (const config of guidedConfigs) {
            const m = median(values(config, traffic, (s) => s.test.agents[agent]!.droppedRequests));
            const cut = base > 0 ? 1 - m / base : 0;
            checks.push(cut > 0.5);
            evidence.push(
              `${traffic}, ${agent}: ${config} median ${fmt(m)} vs marl-only ${fmt(base)} (${cut >= 0 ? 'cut' : 'rise'} ${pct(Math.abs(cut))})`,
            );
          }
        }
      }
    }
    claims.push({
      claim:
        'LLM-guided configurations cut dropped requests by more than half under normal and high traffic.',
      verdict: verdictOf(checks),
      evidence,
    });
  }

  // 2. No significant difference under low traffic.
  {
    const rows = analysis.comparisons.filter(
      (c) => c.metric === 'droppedRequests' && c.traffic === 'low' && c.kruskal,
    );
    claims.push({
      claim: 'No significant difference in dropped requests under low traffic.',
      verdict: verdictOf(rows.map((r) => r.kruskal!.pValue >= 0.05)),
      evidence: rows.map(
        (r) =>
          `low, ${r.agent}: Kruskal–Wallis H = ${r.kruskal!.H.toFixed(2)}, p = ${r.kruskal!.pValue.toPrecision(3)}`,
      ),
    });
  }

  // 3. LLM usage below 60%.
  {
    const evidence: string[] = [];
    const checks: boolean[] = [];
    for (const config of guidedConfigs) {
      for (const traffic of analysis.traffics) {
        const rates = values(config, traffic, (s) => s.test.llmUsageRate);
        if (rates.length === 0) continue;
        const max = Math.max(...rates);
        checks.push(max < 0.6);
        evidence.push(`${config}, ${traffic}: median ${pct(median(rates))}, highest ${pct(max)}`);
      }
    }
    claims.push({
      claim: 'Agents use LLM input in fewer than 60% of decisions.',
      verdict: verdictOf(checks),
      evidence,
    });
  }

  // 4. AURA relies on the LLM slightly less than GUIDED.
  {
    const evidence: string[] = [];
    const checks: boolean[] = [];
    if (has('guided') && has('aura')) {
      for (const traffic of analysis.traffics) {
        const g = median(values('guided', traffic, (s) => s.test.llmUsageRate));
        const a = median(values('aura', traffic, (s) => s.test.llmUsageRate));
        checks.push(a < g);
        evidence.push(`${traffic}: aura ${pct(a)} vs guided ${pct(g)} (median LLM usage)`);
      }
    }
    claims.push({
      claim: 'AURA relies on the LLM slightly less than GUIDED.',
      verdict: verdictOf(checks),
      evidence,
    });
  }

  // 5. Both reduce system failures; AURA most under high traffic.
  {
    const evidence: string[] = [];
    const checks: boolean[] = [];
    if (has('marl-only')) {
      for (const traffic of analysis.traffics) {
        const base = median(values('marl-only', traffic, (s) => s.test.systemFailures));
        for (const config of guidedConfigs) {
          const m = median(values(config, traffic, (s) => s.test.systemFailures));
          checks.push(m < base);
          evidence.push(
            `${traffic}: ${config} median ${fmt(m)} vs marl-only ${fmt(base)} system failures`,
          );
        }
      }
      if (has('guided') && has('aura') && analysis.traffics.includes('high')) {
        const g = median(values('guided', 'high', (s) => s.test.systemFailures));
        const a = median(values('aura', 'high', (s) => s.test.systemFailures));
        checks.push(a < g);
        evidence.push(`high: aura ${fmt(a)} vs guided ${fmt(g)} (AURA lowest under high traffic?)`);
      }
    }
    claims.push({
      claim: 'Both guided configurations reduce system failures, AURA the most under high traffic.',
      verdict: verdictOf(checks),
      evidence,
    });
  }
  return claims;
}
