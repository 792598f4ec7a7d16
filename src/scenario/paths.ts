/**
 * Field paths into a scenario, as users write them (`traffic.sources[0].arrivalRate`): shared by
 * error messages, `--set` and sweep's `--vary`, so every place names a field the same way.
 */
import { UserError } from '../errors.js';

/** `a.b[2].c` → ['a', 'b', 2, 'c']; `flag` names the option in the error (e.g. `--vary`). */
export function parsePath(path: string, flag: string): (string | number)[] {
  if (!/^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*|\[\d+\])*$/.test(path)) {
    throw new UserError(
      `${flag}: '${path}' is not a parameter path (use dots and [index], e.g. guidance.llm.latency.medianSeconds or traffic.sources[0].arrivalRate)`,
    );
  }
  return Array.from(path.matchAll(/([A-Za-z_][\w-]*)|\[(\d+)\]/g), (m) =>
    m[2] !== undefined ? Number(m[2]) : m[1]!,
  );
}

/** ['cells', 0, 'neighbours'] → `cells[0].neighbours`. */
export function formatPath(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}
