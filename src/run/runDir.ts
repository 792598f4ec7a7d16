/** Writes a run directory. Files are written atomically (temporary file, then rename). */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
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

export function writeRunDir(dir: string, files: RunFiles): void {
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, 'scenario.resolved.json'), json(files.resolved));
  if (typeof files.episodesCsv === 'string') {
    writeFileAtomic(join(dir, 'episodes.csv'), files.episodesCsv);
  } else renameSync(files.episodesCsv.file, join(dir, 'episodes.csv'));
  writeFileAtomic(join(dir, 'policy.trained.json'), json(files.trainedPolicy));
  writeFileAtomic(join(dir, 'policy.final.json'), json(files.finalPolicy));
  writeFileAtomic(join(dir, 'timings.json'), json(files.timings));
  if (files.feedbackJsonl !== undefined) {
    writeFileAtomic(join(dir, 'feedback.jsonl'), files.feedbackJsonl);
  }
  writeFileAtomic(join(dir, 'summary.json'), json(files.summary)); // last: its presence marks a complete run
}
