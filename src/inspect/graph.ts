/**
 * Statechart diagrams from the machine definitions themselves: a plain, JSON-safe graph of each
 * machine's states and transitions (via `@xstate/graph`, plus the eventless `always` transitions
 * it leaves out), and its Mermaid `stateDiagram-v2` text. The SVG rendering is in `svg.ts`; the
 * inspector page and `aura machines` both draw from this graph, so they never disagree.
 */
import { toDirectedGraph } from '@xstate/graph';
import type { AnyStateMachine } from 'xstate';
import { alignmentControllerMachine } from '../../machines/alignmentController.js';
import { arrivalProcessMachine } from '../../machines/arrivalProcess.js';
import { baseStationMachine } from '../../machines/baseStation.js';
import { plannerMachine } from '../../machines/planner.js';
import { regionMachine } from '../../machines/region.js';
import { regionGroupMachine } from '../../machines/regionGroup.js';
import { simulationMachine } from '../../machines/simulation.js';

/** Every machine of the simulation, in the order of the actor tree. */
export const MACHINES: readonly { readonly machine: AnyStateMachine; readonly summary: string }[] =
  [
    {
      machine: simulationMachine,
      summary:
        'The root: spawns the regions, the planner and the alignment controller, then runs the training and test episodes.',
    },
    {
      machine: regionGroupMachine,
      summary:
        'Above 16 regions (256 cells): up to 16 regions under the root; relays the episode events to them.',
    },
    {
      machine: regionMachine,
      summary: 'Up to 16 base stations; relays the episode events to them.',
    },
    {
      machine: baseStationMachine,
      summary:
        "One per cell: spawns its cell's arrival processes, acts, and with guidance asks the planner every guidance period.",
    },
    {
      machine: arrivalProcessMachine,
      summary: 'One per traffic source: sends its base station a window of arrivals at a time.',
    },
    {
      machine: plannerMachine,
      summary:
        'The LLM planner (guided, aura): batches requests, waits for rate budget, calls the model, delivers suggestions after its latency.',
    },
    {
      machine: alignmentControllerMachine,
      summary:
        'The alignment controller (aura): evaluates histories and applies delayed rewards and feedback after the call latency.',
    },
  ];

export type StateKind = 'atomic' | 'compound' | 'parallel' | 'final' | 'history';

export interface StateGraphNode {
  /** The state node's id, e.g. `planner.inFlight` (the machine's id for the root). */
  readonly id: string;
  readonly key: string;
  readonly kind: StateKind;
  /** Id of the initial child (compound states). */
  readonly initial: string | null;
  readonly entry: readonly string[];
  /** Events handled without leaving the state (targetless transitions). */
  readonly internal: readonly string[];
  readonly children: readonly StateGraphNode[];
}

export interface StateGraphEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  /** What takes it: an event type, `after <delay>`, or `always`. */
  readonly trigger: string;
  readonly kind: 'event' | 'after' | 'always';
  readonly guard: string | null;
  /** Leaves and re-enters its target even when it is the source (`reenter: true`). */
  readonly reenter: boolean;
}

export interface MachineGraph {
  readonly id: string;
  readonly summary: string;
  readonly root: StateGraphNode;
  readonly edges: readonly StateGraphEdge[];
}

// Just the parts of XState's StateNode and TransitionDefinition read here.
interface NodeLike {
  readonly id: string;
  readonly key: string;
  readonly type: StateKind;
  readonly initial?: { readonly target: readonly NodeLike[] } | undefined;
  readonly entry: readonly unknown[];
  readonly always?: readonly TransitionLike[] | undefined;
}
interface TransitionLike {
  readonly eventType: string;
  readonly target?: readonly NodeLike[] | undefined;
  readonly guard?: unknown;
  readonly reenter?: boolean;
}

const nameOf = (x: unknown): string | null => {
  if (x == null) return null;
  if (typeof x === 'string') return x;
  if (typeof x === 'object' && 'type' in x && typeof x.type === 'string') return x.type;
  if (typeof x === 'function') return x.name || 'inline';
  return 'inline';
};

/** `xstate.after.batch.planner.collecting` → `after batch`. */
function triggerOf(eventType: string): { trigger: string; kind: StateGraphEdge['kind'] } {
  if (eventType === '') return { trigger: 'always', kind: 'always' };
  const after = /^xstate\.after\.([^.]+)\./.exec(eventType);
  if (after) return { trigger: `after ${after[1]}`, kind: 'after' };
  if (eventType.startsWith('xstate.done.state.')) return { trigger: 'onDone', kind: 'event' };
  return { trigger: eventType, kind: 'event' };
}

/** The graph of one machine, in definition order. */
export function machineGraph(machine: AnyStateMachine, summary = ''): MachineGraph {
  const edges: StateGraphEdge[] = [];
  const addEdge = (source: string, t: TransitionLike) => {
    const { trigger, kind } = triggerOf(t.eventType);
    for (const target of t.target ?? []) {
      edges.push({
        id: `${source}:${edges.length}`,
        source,
        target: target.id,
        trigger,
        kind,
        guard: nameOf(t.guard),
        reenter: t.reenter === true,
      });
    }
  };
  const visit = (g: ReturnType<typeof toDirectedGraph>): StateGraphNode => {
    const node = g.stateNode as unknown as NodeLike;
    const internal: string[] = [];
    for (const edge of g.edges) {
      const t = edge.transition as unknown as TransitionLike;
      if (!t.target || t.target.length === 0) internal.push(triggerOf(t.eventType).trigger);
      else addEdge(node.id, t);
    }
    for (const t of node.always ?? []) addEdge(node.id, { ...t, eventType: '' });
    return {
      id: node.id,
      key: node.key,
      kind: node.type,
      initial: node.initial?.target[0]?.id ?? null,
      // XState implements `after` with raise/cancel actions of its own: not the machine's.
      entry: node.entry
        .map(nameOf)
        .filter((n): n is string => n !== null && n !== 'raise' && !n.startsWith('xstate.')),
      internal: [...new Set(internal)],
      children: g.children.map(visit),
    };
  };
  const root = visit(toDirectedGraph(machine));
  return { id: machine.id, summary, root, edges };
}

/** The graphs of every machine of the simulation. */
export const allMachineGraphs = (): MachineGraph[] =>
  MACHINES.map(({ machine, summary }) => machineGraph(machine, summary));

/** Every state node of a graph, depth first. */
export function statesOf(node: StateGraphNode): StateGraphNode[] {
  return [node, ...node.children.flatMap(statesOf)];
}

/** An edge's label: trigger, then guard in brackets. */
export const edgeLabel = (e: StateGraphEdge): string =>
  e.guard ? `${e.trigger} [${e.guard}]` : e.trigger;

/**
 * The state node ids active in a snapshot value (`{ running: { training: 'episode' } }` →
 * `simulation`, `simulation.running`, `simulation.running.training`, …).
 */
export function activeStateIds(machineId: string, value: unknown): string[] {
  const ids = [machineId];
  const walk = (prefix: string, v: unknown) => {
    if (typeof v === 'string') ids.push(`${prefix}.${v}`);
    else if (v && typeof v === 'object') {
      for (const [key, sub] of Object.entries(v)) {
        ids.push(`${prefix}.${key}`);
        walk(`${prefix}.${key}`, sub);
      }
    }
  };
  walk(machineId, value);
  return ids;
}

/** Mermaid `stateDiagram-v2` text of a machine (renders on GitHub and in Mermaid tools). */
export function toMermaid(graph: MachineGraph): string {
  // Mermaid state names must be plain identifiers: state ids with dots become underscores, and
  // each state shows its key as its label.
  const name = (id: string) => id.replace(/[^A-Za-z0-9_]/g, '_');
  const lines = ['stateDiagram-v2'];
  const byParent = new Map<string, StateGraphEdge[]>();
  const parentOf = new Map<string, string>();
  for (const s of statesOf(graph.root)) for (const c of s.children) parentOf.set(c.id, s.id);
  // Mermaid draws an edge inside the innermost composite holding both ends.
  const container = (a: string, b: string): string => {
    const chain = (id: string) => {
      const out: string[] = [];
      for (let p = parentOf.get(id); p !== undefined; p = parentOf.get(p)) out.push(p);
      return out;
    };
    const up = chain(b);
    return chain(a).find((p) => up.includes(p)) ?? graph.root.id;
  };
  for (const e of graph.edges) {
    const home =
      e.source === graph.root.id || e.target === graph.root.id
        ? graph.root.id
        : container(e.source, e.target);
    byParent.set(home, [...(byParent.get(home) ?? []), e]);
  }
  const emit = (node: StateGraphNode, indent: string) => {
    for (const child of node.children) {
      lines.push(`${indent}state "${child.key}" as ${name(child.id)}`);
      if (child.children.length > 0) {
        lines.push(`${indent}state ${name(child.id)} {`);
        emit(child, `${indent}  `);
        lines.push(`${indent}}`);
      }
      if (child.kind === 'final') lines.push(`${indent}${name(child.id)} --> [*]`);
    }
    if (node.initial) lines.push(`${indent}[*] --> ${name(node.initial)}`);
    for (const e of byParent.get(node.id) ?? []) {
      // Transitions of the machine itself (root-level `on`) stay in the text as a note.
      if (e.source === graph.root.id || e.target === graph.root.id) continue;
      lines.push(`${indent}${name(e.source)} --> ${name(e.target)}: ${edgeLabel(e)}`);
    }
  };
  emit(graph.root, '  ');
  const rootNotes = [
    ...graph.root.internal,
    ...graph.edges.filter((e) => e.source === graph.root.id).map(edgeLabel),
  ];
  if (rootNotes.length > 0) {
    lines.push(`  %% in every state: ${rootNotes.join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}
