/** Writes a run directory. Files are written atomically (temporary file, then rename). */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function writeFileAtomic(path: string, content: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}

export const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

export interface RunFiles {
  /** The validated scenario with every default filled in, plus what this run chose. */
  readonly resolved: unknown;
  readonly summary: unknown;
  /** The per-episode series: its text, or a file it was already streamed into. */
  readonly episodesCsv: string | { readonly file: string };
  readonly timings: unknown;
  readonly trainedPolicy: unknown;
  readonly finalPolicy: unknown;
  /** Parameter changes from verbal feedback, one JSON object per line (aura only). */
  readonly feedbackJsonl?: string;
}

/** The names of a run directory's files, in the order they are written (summary.json last). */
export const RUN_FILE_NAMES = [
  'scenario.resolved.json',
  'episodes.csv',
  'policy.trained.json',
  'policy.final.json',
  'timings.json',
  'feedback.jsonl',
  'summary.json',
] as const;

export type RunFileName = (typeof RUN_FILE_NAMES)[number];

/**
 * The exact text of each file of a run directory, in writing order. A run made elsewhere (a queue
 * worker) ships these texts, so its directory is byte-identical to a local one.
 */
export function runDirTexts(files: RunFiles): [RunFileName, string][] {
  const texts: [RunFileName, string][] = [
    ['scenario.resolved.json', json(files.resolved)],
    [
      'episodes.csv',
      typeof files.episodesCsv === 'string'
        ? files.episodesCsv
        : readFileSync(files.episodesCsv.file, 'utf8'),
    ],
    ['policy.trained.json', json(files.trainedPolicy)],
    ['policy.final.json', json(files.finalPolicy)],
    ['timings.json', json(files.timings)],
  ];
  if (files.feedbackJsonl !== undefined) texts.push(['feedback.jsonl', files.feedbackJsonl]);
  texts.push(['summary.json', json(files.summary)]); // last: its presence marks a complete run
  return texts;
}

/** Writes a run directory's files in order, each atomically; summary.json comes last. */
export function writeRunTexts(
  dir: string,
  texts: readonly (readonly [RunFileName, string])[],
): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of texts) writeFileAtomic(join(dir, name), text);
}

export function writeRunDir(dir: string, files: RunFiles): void {
  const series = files.episodesCsv;
  if (typeof series === 'string') {
    writeRunTexts(dir, runDirTexts(files));
    return;
  }
  // A series streamed to disk during the run is moved into place, not read back.
  mkdirSync(dir, { recursive: true });
  renameSync(series.file, join(dir, 'episodes.csv'));
  writeRunTexts(
    dir,
    runDirTexts({ ...files, episodesCsv: '' }).filter(([name]) => name !== 'episodes.csv'),
  );
}
