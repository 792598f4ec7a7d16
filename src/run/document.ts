/** Reading a JSON document a user hands us (a policy, a playbook): parse, validate, explain. */
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { UserError } from '../errors.js';
import { formatPath } from '../scenario/load.js';

/**
 * Reads `file` as JSON and validates it with `schema`; any failure is a `UserError` naming the
 * file, what it should have been (`what`, e.g. "playbook") and the first problem's path.
 */
export function readJsonDocument<T>(file: string, schema: z.ZodType<T>, what: string): T {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new UserError(
      `${file}: cannot read ${what} (${e.code === 'ENOENT' ? 'file not found' : e.message})`,
    );
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = formatPath(issue.path.filter((p): p is string | number => typeof p !== 'symbol'));
    throw new UserError(`${file}: not a ${what}: ${path || '(document)'}: ${issue.message}`);
  }
  return parsed.data;
}
