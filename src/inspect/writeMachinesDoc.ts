/** `npm run docs:machines`: regenerates docs/machines.md and its SVGs in docs/machines/. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { machineFiles, renderMachinesDoc } from './machinesDoc.js';

// dist/src/inspect/ → the package root, wherever the command is run from.
const docs = (name: string) => fileURLToPath(new URL(`../../../docs/${name}`, import.meta.url));
writeFileSync(docs('machines.md'), renderMachinesDoc());
mkdirSync(docs('machines'), { recursive: true });
for (const file of await machineFiles('svg'))
  writeFileSync(docs(`machines/${file.name}`), file.text);
process.stdout.write(`wrote ${docs('machines.md')} and its SVGs in ${docs('machines')}\n`);
