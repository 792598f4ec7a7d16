/**
 * The static export of the statecharts: `aura machines` (Mermaid, JSON or SVG files) and
 * docs/machines.md with its SVGs in docs/machines/, generated from the machine definitions
 * (`npm run docs:machines`) and checked for drift by a test.
 */

import type { MachineFormat } from './formats.js';
import { allMachineGraphs, type MachineGraph, toMermaid } from './graph.js';
import { toSvg } from './svg.js';

const EXTENSION: Record<MachineFormat, string> = { mermaid: 'mmd', json: 'json', svg: 'svg' };

/** One file per machine: name and text. */
export async function machineFiles(
  format: MachineFormat,
  graphs: readonly MachineGraph[] = allMachineGraphs(),
): Promise<{ name: string; text: string }[]> {
  const files = [];
  for (const g of graphs) {
    const text =
      format === 'mermaid'
        ? toMermaid(g)
        : format === 'json'
          ? `${JSON.stringify(g, null, 2)}\n`
          : await toSvg(g);
    files.push({ name: `${g.id}.${EXTENSION[format]}`, text });
  }
  return files;
}

/** Handled in every state (the machine's own targetless transitions). */
const everywhere = (g: MachineGraph) => g.root.internal.map((e) => `\`${e}\``).join(', ');

/** docs/machines.md: every machine's summary, Mermaid diagram and SVG. */
export function renderMachinesDoc(graphs: readonly MachineGraph[] = allMachineGraphs()): string {
  const parts = [
    '# State machines',
    '',
    '<!-- Generated from machines/*.ts by `npm run docs:machines`; do not edit. -->',
    '',
    'Every actor of a simulation runs one of these statecharts. They are drawn from the machine definitions themselves (`aura machines` writes them as Mermaid, JSON or SVG; `aura inspect` shows them live, see [inspector.md](inspector.md)); a test fails when this page is stale. Labels read `event [guard]`; `after <delay>` is a timer on the simulated clock, `always` an eventless transition, `onDone` a compound state reaching its final state. [architecture.md](architecture.md) explains the events.',
    '',
    ...graphs.map((g) => `- [\`${g.id}\`](#${g.id.toLowerCase()})`),
    '',
  ];
  for (const g of graphs) {
    parts.push(`## ${g.id}`, '', g.summary, '');
    if (g.root.internal.length > 0) parts.push(`Handled in every state: ${everywhere(g)}.`, '');
    parts.push('```mermaid', toMermaid(g).trimEnd(), '```', '');
    parts.push(`![${g.id} statechart](machines/${g.id}.svg)`, '');
  }
  return `${parts.join('\n').trimEnd()}\n`;
}
