/**
 * Every counted quantity of a run, once. The counter struct (`counters.ts`), summary.json, the
 * episodes.csv columns, results.csv, the experiment table, the terminal table and docs/metrics.md
 * are all built from this list, so a new metric is one entry here (and the line in the model that
 * counts it). The model increments the counters as plain fields; the list is never read per step.
 *
 * Order matters: every output lists its metrics in this order (summary.json's keys, CSV columns),
 * so an entry's place is its place in all of them.
 */

/** Where the model counts a quantity (docs/model.md, "One step"). */
export type CountedIn = 'step' | 'decide' | 'hand off' | 'settle' | 'suggestion';

/**
 * How a metric is read from its counter: as counted, per step (`'step'`), or per another cell
 * counter (its key: a mean over those events). Per-step and ratio readouts are rounded to 6
 * decimals and are 0 when the denominator is.
 */
export type Per = 'step' | string;

export interface Readout {
  /** Field name in the output. */
  readonly name: string;
  readonly per?: Per;
}

/** summary.json's readout: also, with `rate`, the count per step under that name, right after it. */
export interface SummaryReadout extends Readout {
  readonly network?: true;
  readonly rate?: string;
}

export interface MetricSpec {
  /** The counter's field in `CellCounters` (scope `cell`) or `EpisodeCounters` (scope `network`). */
  readonly key: string;
  /** `cell`: counted per cell; `network`: counted once per step for the whole network. */
  readonly scope: 'cell' | 'network';
  readonly countedIn: CountedIn;
  /** How two counts combine: over episodes (totals) and over cells (network totals). */
  readonly combine: 'sum' | 'max';
  readonly unit: string;
  readonly description: string;
  /**
   * summary.json, test phase: `test.agents.<cell>.<name>` (scope `cell`) or `test.<name>` (scope
   * `network`). `network`: also the total over cells as `test.<name>` (a per-step readout is then
   * per cell and step), with the per-agent values in results.csv.
   */
  readonly summary?: SummaryReadout;
  /**
   * episodes.csv: `<cell>.<name>` per cell (scope `cell`) or `<name>` (scope `network`).
   * `network`: also the total over cells as `<name>`; `guided`: only with guidance, in the block
   * after every cell's other columns.
   */
  readonly csv?: Readout & { readonly network?: true; readonly guided?: true };
  /** The terminal table (`aura run`): column header, decimals shown (default: as is). */
  readonly terminal?: { readonly header: string; readonly digits?: number };
  /** The experiment's table and statistics (table.csv, stats.json, report.md): its label. */
  readonly table?: { readonly label: string };
}

export const METRICS = [
  {
    key: 'steps',
    scope: 'network',
    countedIn: 'step',
    combine: 'sum',
    unit: 'steps',
    description: 'Steps run.',
    summary: { name: 'steps' },
    csv: { name: 'steps' },
  },
  {
    key: 'systemFailures',
    scope: 'network',
    countedIn: 'step',
    combine: 'sum',
    unit: 'steps',
    description:
      'Steps in which the network failed a request it could have served: some cell blocked an arrival, dropped a call or failed a handoff (coverage holes and handoffs without a candidate do not count). Per step, the failure rate.',
    summary: { name: 'systemFailures', rate: 'failureRate' },
    csv: { name: 'systemFailures' },
    table: { label: 'System failures' },
  },
  {
    key: 'droppedRequests',
    scope: 'cell',
    countedIn: 'settle',
    combine: 'sum',
    unit: 'requests',
    description:
      'Requests the network could have served and did not: blocked + droppedCalls + droppedHandoffs (not uncovered arrivals). Per step, the drop rate.',
    summary: { name: 'droppedRequests', network: true, rate: 'droppedRequestsPerStep' },
    csv: { name: 'droppedRequests', network: true },
    terminal: { header: 'dropped' },
    table: { label: 'Dropped requests' },
  },
  {
    key: 'droppedHandoffs',
    scope: 'cell',
    countedIn: 'hand off',
    combine: 'sum',
    unit: 'requests',
    description:
      'Failed handoffs: the target refused the user (full, or the user would be below the floor there); the user stays.',
    summary: { name: 'droppedHandoffs', network: true },
    csv: { name: 'droppedHandoffs', network: true },
    terminal: { header: 'handoffs failed' },
    table: { label: 'Dropped handoff requests' },
  },
  {
    key: 'llmDecisions',
    scope: 'cell',
    countedIn: 'decide',
    combine: 'sum',
    unit: 'decisions',
    description:
      'Decisions whose final action came from the LLM (0 without guidance); per step, the LLM usage rate.',
    summary: { name: 'llmUsageRate', per: 'step', network: true },
    csv: { name: 'llmDecisions', guided: true },
    table: { label: 'LLM usage rate' },
  },
  {
    key: 'blocked',
    scope: 'cell',
    countedIn: 'settle',
    combine: 'sum',
    unit: 'requests',
    description:
      "Arrivals blocked for capacity: some candidate cell covered the user, but every covering one was full (counted at the user's own cell).",
    summary: { name: 'blocked', network: true },
    csv: { name: 'blocked' },
    terminal: { header: 'blocked' },
    table: { label: 'Blocked arrivals' },
  },
  {
    key: 'uncovered',
    scope: 'cell',
    countedIn: 'settle',
    combine: 'sum',
    unit: 'users',
    description:
      'Arrivals no candidate cell covered (every link below the floor): a coverage hole, not a dropped request.',
    summary: { name: 'uncovered', network: true },
    csv: { name: 'uncovered' },
    terminal: { header: 'uncovered' },
    table: { label: 'Uncovered arrivals (not dropped requests)' },
  },
  {
    key: 'droppedCalls',
    scope: 'cell',
    countedIn: 'settle',
    combine: 'sum',
    unit: 'users',
    description:
      'Dropped calls: admitted users lost because their signal fell below the floor (fading, or a power decrease).',
    summary: { name: 'droppedCalls', network: true },
    csv: { name: 'droppedCalls' },
    terminal: { header: 'dropped calls' },
    table: { label: 'Dropped calls' },
  },
  {
    key: 'arrivals',
    scope: 'cell',
    countedIn: 'settle',
    combine: 'sum',
    unit: 'users',
    description: "Users arriving in the cell's area: admitted + blocked + uncovered.",
    summary: { name: 'arrivals' },
  },
  {
    key: 'admitted',
    scope: 'cell',
    countedIn: 'settle',
    combine: 'sum',
    unit: 'users',
    description: 'Arrivals admitted, by their own cell or a neighbour (cell selection).',
    summary: { name: 'admitted' },
  },
  {
    key: 'admittedNeighbour',
    scope: 'cell',
    countedIn: 'settle',
    combine: 'sum',
    unit: 'users',
    description:
      'Arrivals admitted by a neighbour: the strongest covering cell with room was not their own.',
    summary: { name: 'admittedNeighbour' },
  },
  {
    key: 'handoffRequests',
    scope: 'cell',
    countedIn: 'hand off',
    combine: 'sum',
    unit: 'requests',
    description:
      'Handoff requests sent to a target (a `handoff` action that found a candidate): handoffsDone + droppedHandoffs.',
    summary: { name: 'handoffRequests' },
    csv: { name: 'handoffRequests' },
  },
  {
    key: 'handoffsDone',
    scope: 'cell',
    countedIn: 'hand off',
    combine: 'sum',
    unit: 'requests',
    description: 'Handoff requests served: the user moved to the neighbour.',
    summary: { name: 'handoffsDone' },
    csv: { name: 'handoffsDone' },
  },
  {
    key: 'handoffNoCandidate',
    scope: 'cell',
    countedIn: 'hand off',
    combine: 'sum',
    unit: 'actions',
    description:
      'Handoff actions with nothing to hand off: no poorly served user had a neighbour better by the A3 offset (no request, no drop).',
    summary: { name: 'handoffNoCandidate' },
    csv: { name: 'handoffNoCandidate' },
  },
  {
    key: 'rewardSum',
    scope: 'cell',
    countedIn: 'settle',
    combine: 'sum',
    unit: 'reward',
    description:
      "Immediate reward with the scenario's weights (not feedback-tuned ones), summed; per step, the mean reward (= coverage − drop − energy terms).",
    summary: { name: 'meanReward', per: 'step' },
    csv: { name: 'meanReward', per: 'step' },
  },
  {
    key: 'rewardCoverageSum',
    scope: 'cell',
    countedIn: 'settle',
    combine: 'sum',
    unit: 'reward',
    description:
      "The reward's connectivity-quality term (weight × share of users well served), summed; per step, its mean.",
    summary: { name: 'meanCoverageTerm', per: 'step' },
    csv: { name: 'meanCoverageTerm', per: 'step' },
  },
  {
    key: 'rewardDropSum',
    scope: 'cell',
    countedIn: 'settle',
    combine: 'sum',
    unit: 'reward',
    description:
      "The reward's drop penalty (weight × dropped requests), summed; per step, its mean.",
    summary: { name: 'meanDropTerm', per: 'step' },
    csv: { name: 'meanDropTerm', per: 'step' },
  },
  {
    key: 'rewardEnergySum',
    scope: 'cell',
    countedIn: 'settle',
    combine: 'sum',
    unit: 'reward',
    description:
      "The reward's energy-efficiency penalty (weight × power share of the range), summed; per step, its mean.",
    summary: { name: 'meanEnergyTerm', per: 'step' },
    csv: { name: 'meanEnergyTerm', per: 'step' },
  },
  {
    key: 'powerSum',
    scope: 'cell',
    countedIn: 'settle',
    combine: 'sum',
    unit: 'dBm',
    description: 'Transmit power after the step, summed; per step, the mean power.',
    summary: { name: 'meanPowerDbm', per: 'step' },
    csv: { name: 'meanPowerDbm', per: 'step' },
    terminal: { header: 'mean power dBm', digits: 2 },
  },
  {
    key: 'usersSum',
    scope: 'cell',
    countedIn: 'settle',
    combine: 'sum',
    unit: 'users',
    description: 'Users in the cell after the step, summed; per step, the mean load.',
    summary: { name: 'meanUsers', per: 'step' },
    csv: { name: 'meanUsers', per: 'step' },
    terminal: { header: 'mean users', digits: 1 },
  },
  {
    key: 'llmAvailable',
    scope: 'cell',
    countedIn: 'decide',
    combine: 'sum',
    unit: 'decisions',
    description: 'Decisions made with a fresh suggestion at hand (followed or not).',
    csv: { name: 'decisionsWithSuggestion', guided: true },
  },
  {
    key: 'suggestionsReceived',
    scope: 'cell',
    countedIn: 'suggestion',
    combine: 'sum',
    unit: 'suggestions',
    description: 'Suggestions that reached the agent.',
  },
  {
    key: 'suggestionsStale',
    scope: 'cell',
    countedIn: 'suggestion',
    combine: 'sum',
    unit: 'suggestions',
    description:
      'Suggestions discarded unused as too old: on arrival, or expired before a decision consulted them.',
    csv: { name: 'staleSuggestions', guided: true },
  },
  {
    key: 'suggestionsUsed',
    scope: 'cell',
    countedIn: 'decide',
    combine: 'sum',
    unit: 'suggestions',
    description: 'Suggestions consulted by at least one decision.',
  },
  {
    key: 'suggestionsUnused',
    scope: 'cell',
    countedIn: 'suggestion',
    combine: 'sum',
    unit: 'suggestions',
    description:
      'Fresh suggestions never consulted: replaced by a newer one, or the episode ended first.',
  },
  {
    key: 'suggestionAgeSumMs',
    scope: 'cell',
    countedIn: 'decide',
    combine: 'sum',
    unit: 'ms',
    description:
      'Age of the suggestion at each decision that had one, summed; per such decision, the mean age.',
    csv: { name: 'meanSuggestionAgeMs', per: 'llmAvailable', guided: true },
  },
  {
    key: 'suggestionAgeMaxMs',
    scope: 'cell',
    countedIn: 'decide',
    combine: 'max',
    unit: 'ms',
    description: 'Largest age of a suggestion at a decision that had one.',
  },
  {
    key: 'trustSum',
    scope: 'cell',
    countedIn: 'decide',
    combine: 'sum',
    unit: 'trust',
    description: "The agent's trust at each decision, summed; per step, the mean trust.",
    csv: { name: 'meanTrust', per: 'step', guided: true },
  },
  {
    key: 'decisionsAwaiting',
    scope: 'cell',
    countedIn: 'decide',
    combine: 'sum',
    unit: 'decisions',
    description: "Decisions taken while the agent's latest guidance request was still unanswered.",
  },
  {
    key: 'servedSum',
    scope: 'cell',
    countedIn: 'settle',
    combine: 'sum',
    unit: 'share',
    description:
      "Share of the cell's users well served, summed over steps (the evaluator's prompt).",
  },
] as const satisfies readonly MetricSpec[];

type Entry = (typeof METRICS)[number];
type CellEntry = Extract<Entry, { scope: 'cell' }>;
type NetworkEntry = Extract<Entry, { scope: 'network' }>;

/** A counter of every cell (the per-action counts aside). */
export type CellCount = CellEntry['key'];
/** A counter of the whole network (once per step). */
export type NetworkCount = NetworkEntry['key'];

type SummaryName<E> =
  | (E extends { summary: { name: infer N extends string } } ? N : never)
  | (E extends { summary: { rate: infer R extends string } } ? R : never);
/** A per-agent field of summary.json's `test.agents.<cell>`. */
export type AgentField = SummaryName<CellEntry>;
/** A network field of summary.json's `test`. */
export type TestField =
  | SummaryName<NetworkEntry>
  | SummaryName<Extract<CellEntry, { summary: { network: true } }>>;

/** The list typed as specs (the literal types above are for field names only). */
export const METRIC_SPECS: readonly MetricSpec[] = METRICS;
export const CELL_METRICS = METRIC_SPECS.filter(
  (m) => m.scope === 'cell',
) as readonly (MetricSpec & {
  readonly key: CellCount;
})[];
export const NETWORK_METRICS = METRIC_SPECS.filter(
  (m) => m.scope === 'network',
) as readonly (MetricSpec & { readonly key: NetworkCount })[];

/** A summary readout's field names: its own, then its per-step rate's (if any). */
const summaryNames = (r: SummaryReadout): string[] => (r.rate ? [r.name, r.rate] : [r.name]);

/** summary.json's network fields (`test.<name>`), in list order: also results.csv's. */
export const TEST_FIELDS = METRIC_SPECS.flatMap((m) =>
  m.summary && (m.scope === 'network' || m.summary.network)
    ? (summaryNames(m.summary) as TestField[])
    : [],
);

/** summary.json's per-agent fields (`test.agents.<cell>.<name>`), in list order. */
export const AGENT_FIELDS = CELL_METRICS.flatMap((m) =>
  m.summary ? (summaryNames(m.summary) as AgentField[]) : [],
);
