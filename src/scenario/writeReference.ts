/**
 * `npm run docs:scenarios`: regenerates docs/scenario-reference.md from the schema, and lists the
 * fields that still lack a description (they appear with an empty one).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderScenarioReference, undocumentedFields } from './reference.js';

// dist/src/scenario/ → the package root, wherever the command is run from.
const target = fileURLToPath(new URL('../../../docs/scenario-reference.md', import.meta.url));
writeFileSync(target, renderScenarioReference());
process.stdout.write(`wrote ${target}\n`);
const missing = undocumentedFields();
if (missing.length > 0) {
  process.stderr.write(
    `${missing.length} fields have no description (add .describe() in src/scenario/schema.ts):\n${missing.map((f) => `  ${f}`).join('\n')}\n`,
  );
}
