/** The per-episode series of a run, as CSV (one row per episode, per-cell columns). */
import type { EpisodeRecord } from '../model/report.js';
import { sumOverCells } from '../metrics/counters.js';
import type { ModelConfig } from '../scenario/resolve.js';
import { round6 } from './summary.js';

const CELL_FIELDS = [
  'droppedRequests',
  'droppedHandoffs',
  'refusedFull',
  'refusedSignal',
  'signalDrops',
  'handoffRequests',
  'handoffsDone',
  'meanReward',
  'meanPowerDbm',
  'meanUsers',
] as const;

/** Extra per-cell columns with guidance: LLM use, suggestion age, trust over the episode. */
const GUIDED_FIELDS = [
  'llmDecisions',
  'decisionsWithSuggestion',
  'staleSuggestions',
  'meanSuggestionAgeMs',
  'meanTrust',
  'trust',
] as const;

export function episodesCsvHeader(config: ModelConfig): string {
  const cols = [
    'phase',
    'episode',
    'epsilon',
    'steps',
    'systemFailures',
    'droppedRequests',
    'droppedHandoffs',
  ];
  for (const cell of config.cells) for (const f of CELL_FIELDS) cols.push(`${cell.id}.${f}`);
  if (config.guidance) {
    for (const cell of config.cells) for (const f of GUIDED_FIELDS) cols.push(`${cell.id}.${f}`);
  }
  return cols.join(',');
}

export function episodeCsvRow(record: EpisodeRecord): string {
  const { counters } = record;
  const steps = Math.max(1, counters.steps);
  const cellCols: (string | number)[] = [];
  for (const c of counters.cells) {
    cellCols.push(
      c.droppedRequests,
      c.droppedHandoffs,
      c.refusedFull,
      c.refusedSignal,
      c.signalDrops,
      c.handoffRequests,
      c.handoffsDone,
      round6(c.rewardSum / steps),
      round6(c.powerSum / steps),
      round6(c.usersSum / steps),
    );
  }
  if (record.trust) {
    counters.cells.forEach((c, i) => {
      cellCols.push(
        c.llmDecisions,
        c.llmAvailable,
        c.suggestionsStale,
        c.llmAvailable > 0 ? round6(c.suggestionAgeSumMs / c.llmAvailable) : 0,
        round6(c.trustSum / steps),
        round6(record.trust![i]!),
      );
    });
  }
  return [
    record.phase,
    record.episode,
    round6(record.epsilon),
    counters.steps,
    counters.systemFailures,
    sumOverCells(counters.cells, 'droppedRequests'),
    sumOverCells(counters.cells, 'droppedHandoffs'),
    ...cellCols,
  ].join(',');
}
