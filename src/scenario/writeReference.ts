/**
 * `npm run docs:scenarios`: regenerates docs/scenario-reference.md and the field-reference part of
 * docs/scenarios.md from the schema, and lists the
 * fields that still lack a description (they appear with an empty one).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  renderScenarioReference,
  undocumentedFields,
  withGeneratedReference,
} from './reference.js';

// dist/src/scenario/ → the package root, wherever the command is run from.
const docs = (name: string) => fileURLToPath(new URL(`../../../docs/${name}`, import.meta.url));
const reference = renderScenarioReference();
writeFileSync(docs('scenario-reference.md'), reference);
const guide = docs('scenarios.md');
writeFileSync(guide, withGeneratedReference(readFileSync(guide, 'utf8'), reference));
process.stdout.write(
  `wrote ${docs('scenario-reference.md')} and the field reference in ${guide}\n`,
);
const missing = undocumentedFields();
if (missing.length > 0) {
  process.stderr.write(
    `${missing.length} fields have no description (add .describe() in its section under src/scenario/schema/):\n${missing.map((f) => `  ${f}`).join('\n')}\n`,
  );
}
