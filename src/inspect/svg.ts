/**
 * A machine's statechart as SVG: the graph of `graph.ts`, laid out by ELK (the layered layout
 * Stately's own visualiser uses) and drawn as plain SVG with no fonts or scripts to load. Each state
 * is a `<g data-state-id="…">`, which the inspector page highlights as actors change state.
 */
import ElkBundled, { type ElkExtendedEdge, type ElkNode } from 'elkjs/lib/elk.bundled.js';
import {
  edgeLabel,
  type MachineGraph,
  type StateGraphEdge,
  type StateGraphNode,
  statesOf,
} from './graph.js';

// Text is drawn in a monospace font so its width can be known without measuring it.
const CHAR_W = 7.2;
const LINE_H = 15;
const FONT = 12;
// elkjs is CommonJS: its default import is the constructor itself at run time.
const ELK = ElkBundled as unknown as typeof ElkBundled.default;

const textWidth = (s: string) => Math.ceil(s.length * CHAR_W);

/** The text lines inside a state's box: its name, entry actions and events handled in place. */
function stateLines(node: StateGraphNode): string[] {
  const lines = [node.key];
  if (node.entry.length > 0) lines.push(`entry / ${node.entry.join(', ')}`);
  if (node.internal.length > 0) lines.push(`on ${node.internal.join(', ')}`);
  return lines;
}

const isRoot = (graph: MachineGraph, e: StateGraphEdge) =>
  e.source === graph.root.id || e.target === graph.root.id;

function elkNode(node: StateGraphNode): ElkNode {
  const lines = stateLines(node);
  const width = Math.max(...lines.map(textWidth)) + 24;
  const height = lines.length * LINE_H + 14;
  if (node.children.length === 0) return { id: node.id, width, height };
  const children = node.children.map(elkNode);
  if (node.initial) children.unshift({ id: `${node.id}#initial`, width: 12, height: 12 });
  return {
    id: node.id,
    children,
    layoutOptions: {
      'elk.padding': `[top=${height + 6},left=14,bottom=14,right=14]`,
      'elk.nodeSize.constraints': 'MINIMUM_SIZE',
      'elk.nodeSize.minimum': `(${width}, ${height})`,
    },
  };
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const n = (v: number | undefined) => Math.round((v ?? 0) * 10) / 10;

/** Lays out and draws a machine's statechart. Deterministic: same machine ⇒ same SVG text. */
export async function toSvg(graph: MachineGraph): Promise<string> {
  const edges: ElkExtendedEdge[] = graph.edges
    .filter((e) => !isRoot(graph, e))
    .map((e) => {
      const text = edgeLabel(e);
      return {
        id: e.id,
        sources: [e.source],
        targets: [e.target],
        labels: [{ id: `${e.id}#label`, text, width: textWidth(text), height: LINE_H }],
      };
    });
  for (const s of statesOf(graph.root)) {
    if (s.initial) {
      edges.push({ id: `${s.id}#start`, sources: [`${s.id}#initial`], targets: [s.initial] });
    }
  }
  const graphIn: ElkNode = {
    id: 'graph',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.json.edgeCoords': 'ROOT',
      'elk.json.shapeCoords': 'ROOT',
      'elk.edgeLabels.inline': 'false',
      'elk.layered.spacing.nodeNodeBetweenLayers': '36',
      'elk.spacing.nodeNode': '28',
      'elk.spacing.edgeLabel': '4',
      'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
      'elk.randomSeed': '1',
    },
    children: [elkNode(graph.root)],
    edges,
  };
  const layout: ElkNode = await new ELK().layout(graphIn);

  const out: string[] = [];
  const byId = new Map<string, StateGraphNode>(statesOf(graph.root).map((s) => [s.id, s]));
  const drawNode = (box: ElkNode) => {
    const state = byId.get(box.id);
    if (!state) {
      // the initial pseudo-state of a compound state
      const r = n((box.width ?? 12) / 2);
      out.push(
        `<circle class="initial" cx="${n((box.x ?? 0) + r)}" cy="${n((box.y ?? 0) + r)}" r="${r}"/>`,
      );
      return;
    }
    const [x, y, w, h] = [n(box.x), n(box.y), n(box.width), n(box.height)];
    const compound = state.children.length > 0;
    out.push(
      `<g class="state ${state.kind}${state.id === graph.root.id ? ' machine' : ''}" data-state-id="${esc(state.id)}">`,
    );
    out.push(`<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="8"/>`);
    if (state.kind === 'final') {
      out.push(`<rect x="${x + 3}" y="${y + 3}" width="${w - 6}" height="${h - 6}" rx="6"/>`);
    }
    stateLines(state).forEach((line, i) => {
      const ty = n(y + 7 + LINE_H * (i + 1) - 3);
      const anchor = compound ? `x="${n(x + 12)}"` : `x="${n(x + w / 2)}" text-anchor="middle"`;
      out.push(`<text ${anchor} y="${ty}"${i > 0 ? ' class="detail"' : ''}>${esc(line)}</text>`);
    });
    out.push('</g>');
    for (const child of box.children ?? []) drawNode(child);
  };
  for (const child of layout.children ?? []) drawNode(child);
  for (const edge of (layout.edges ?? []) as ElkExtendedEdge[]) {
    for (const s of edge.sections ?? []) {
      const pts = [s.startPoint, ...(s.bendPoints ?? []), s.endPoint];
      const d = pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${n(p.x)} ${n(p.y)}`).join(' ');
      out.push(
        `<path class="edge" data-edge-id="${esc(edge.id)}" d="${d}" marker-end="url(#arrow-${esc(graph.id)})"/>`,
      );
    }
    for (const label of edge.labels ?? []) {
      out.push(
        `<text class="edge-label" x="${n(label.x)}" y="${n((label.y ?? 0) + LINE_H - 3)}">${esc(label.text ?? '')}</text>`,
      );
    }
  }
  const width = n((layout.width ?? 0) + 2);
  const height = n((layout.height ?? 0) + 2);
  const style = [
    `text{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:${FONT}px;fill:#1f2933}`,
    '.state>rect{fill:#fff;stroke:#52606d;stroke-width:1.2}',
    '.state.machine>rect{fill:#f5f7fa;stroke:#9aa5b1}',
    '.state .detail{fill:#616e7c;font-size:11px}',
    '.initial{fill:#1f2933}',
    '.edge{fill:none;stroke:#7b8794;stroke-width:1.2}',
    '.edge-label{fill:#3e4c59;font-size:11px}',
  ].join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="statechart" data-machine="${esc(graph.id)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">`,
    `<style>${style}</style>`,
    `<defs><marker id="arrow-${esc(graph.id)}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#7b8794"/></marker></defs>`,
    ...out,
    '</svg>',
    '',
  ].join('\n');
}
