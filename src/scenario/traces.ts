/**
 * Arrival traces from CSV: in a scenario file, `trace: arrivals.csv` (a path relative to the
 * scenario file) is read here, at load time, into `trace: { arrivals: [...], csv: arrivals.csv }`,
 * so the validated scenario is self-contained (it travels to worker threads and is written into
 * `scenario.resolved.json` as data). The CSV has a header `step,arrivals` and one row per step of
 * the episode with arrivals (steps missing from the file have none).
 */
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { UserError } from '../errors.js';
import { LIMITS } from './schema.js';

/** Largest trace file read. */
const MAX_TRACE_BYTES = 16 * 1024 * 1024;

/** Parses a `step,arrivals` CSV into arrivals per step; `where` names the file in errors. */
export function parseTraceCsv(text: string, where: string): number[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const header = lines[0]?.trim().toLowerCase().replace(/\s+/g, '');
  if (header !== 'step,arrivals') {
    throw new UserError(
      `${where}: line 1: expected the header 'step,arrivals', found '${lines[0] ?? ''}'`,
    );
  }
  const arrivals: number[] = [];
  const seen = new Set<number>();
  lines.slice(1).forEach((raw, k) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const cells = line.split(',').map((c) => c.trim());
    const at = `${where}: line ${k + 2}`;
    if (cells.length !== 2 || !/^\d+$/.test(cells[0]!) || !/^\d+$/.test(cells[1]!)) {
      throw new UserError(
        `${at}: expected 'step,arrivals' with two non-negative integers, found '${line}'`,
      );
    }
    const step = Number(cells[0]);
    const count = Number(cells[1]);
    if (step >= LIMITS.stepsPerEpisode)
      throw new UserError(`${at}: step ${step} is beyond any episode`);
    if (count > LIMITS.arrivalRate) {
      throw new UserError(`${at}: ${count} arrivals in one step; at most ${LIMITS.arrivalRate}`);
    }
    if (seen.has(step)) throw new UserError(`${at}: step ${step} appears twice`);
    seen.add(step);
    while (arrivals.length <= step) arrivals.push(0);
    arrivals[step] = count;
  });
  if (arrivals.length === 0) throw new UserError(`${where}: the trace has no rows`);
  return arrivals;
}

/**
 * Replaces every `traffic.sources[i].trace` given as a file name in the raw document by the
 * arrivals it holds. Anything else is left for the schema to judge.
 */
export function inlineTraceFiles(doc: unknown, baseDir: string): unknown {
  const traffic = (doc as { traffic?: { sources?: unknown; everyCell?: unknown } } | null)?.traffic;
  if (!traffic || typeof traffic !== 'object') return doc;
  const holders: [unknown, string][] = [
    ...(Array.isArray(traffic.sources)
      ? traffic.sources.map((x, i): [unknown, string] => [x, `traffic.sources[${i}].trace`])
      : []),
    [traffic.everyCell, 'traffic.everyCell.trace'],
  ];
  for (const [holder, path] of holders) {
    const trace = (holder as { trace?: unknown } | null)?.trace;
    if (typeof trace !== 'string') continue;
    (holder as { trace: unknown }).trace = readTrace(trace, baseDir, `${path} (${trace})`);
  }
  return doc;
}

function readTrace(trace: string, baseDir: string, where: string) {
  const file = isAbsolute(trace) ? trace : join(baseDir, trace);
  let text: string;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new UserError(`${where}: not a regular file`);
    if (stat.size > MAX_TRACE_BYTES) {
      throw new UserError(`${where}: the file is larger than ${MAX_TRACE_BYTES} bytes`);
    }
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(
      `${where}: cannot read the trace (${code === 'ENOENT' ? 'file not found' : String(code ?? err)})`,
    );
  }
  return { arrivals: parseTraceCsv(text, trace), csv: trace };
}
