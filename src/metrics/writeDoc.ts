/** `npm run docs:metrics`: regenerates docs/metrics.md from the metric list. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderMetricsDoc } from './doc.js';

// dist/src/metrics/ → the package root, wherever the command is run from.
const file = fileURLToPath(new URL('../../../docs/metrics.md', import.meta.url));
writeFileSync(file, renderMetricsDoc());
process.stdout.write(`wrote ${file}\n`);
