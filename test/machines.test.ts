import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { plannerMachine } from '../machines/planner.js';
import {
  activeStateIds,
  allMachineGraphs,
  machineGraph,
  statesOf,
  toMermaid,
} from '../src/inspect/graph.js';
import { machineFiles, renderMachinesDoc } from '../src/inspect/machinesDoc.js';
import { toSvg } from '../src/inspect/svg.js';

const CLI = 'dist/src/cli/main.js';
const aura = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

const baseStationGraph = () => allMachineGraphs().find((g) => g.id === 'baseStation')!;

describe('machine graphs', () => {
  const planner = machineGraph(plannerMachine);

  it('has every state and transition of the definition, eventless and delayed ones included', () => {
    expect(statesOf(planner.root).map((s) => s.id)).toEqual([
      'planner',
      'planner.idle',
      'planner.collecting',
      'planner.dispatching',
      'planner.calling',
      'planner.rateLimited',
      'planner.inFlight',
      'planner.delivering',
    ]);
    expect(planner.root.initial).toBe('planner.idle');
    const edges = planner.edges.map(
      (e) => `${e.source} -${e.trigger}${e.guard ? `[${e.guard}]` : ''}-> ${e.target}`,
    );
    expect(edges).toEqual([
      'planner.idle -plan.requested-> planner.collecting',
      'planner.collecting -after batch-> planner.dispatching',
      'planner.collecting -always[batchFull]-> planner.dispatching',
      'planner.dispatching -always[nothingQueued]-> planner.idle',
      'planner.dispatching -always[mustWait]-> planner.rateLimited',
      'planner.dispatching -always-> planner.calling',
      'planner.calling -llm.replied-> planner.inFlight',
      'planner.calling -always[replied]-> planner.inFlight',
      'planner.rateLimited -after budget-> planner.dispatching',
      'planner.inFlight -after latency-> planner.delivering',
      'planner.delivering -always[queued]-> planner.dispatching',
      'planner.delivering -always-> planner.idle',
    ]);
    // targetless transitions are handled in place; entry actions are the machine's, not XState's
    expect(planner.root.internal).toEqual(['plan.requested']);
    const dispatching = statesOf(planner.root).find((s) => s.key === 'dispatching')!;
    expect(dispatching.entry).toEqual(['decideWait']);
    expect(statesOf(planner.root).find((s) => s.key === 'inFlight')!.entry).toEqual([]);
  });

  it('covers the seven machines, with nested and final states, re-entry and onDone', () => {
    const graphs = allMachineGraphs();
    expect(graphs.map((g) => g.id)).toEqual([
      'simulation',
      'regionGroup',
      'region',
      'baseStation',
      'arrivalProcess',
      'planner',
      'alignmentController',
    ]);
    const sim = graphs[0]!;
    expect(statesOf(sim.root).find((s) => s.id === 'simulation.done')!.kind).toBe('final');
    expect(sim.edges).toContainEqual(
      expect.objectContaining({
        source: 'simulation.running.training',
        target: 'simulation.running.testing',
        trigger: 'onDone',
      }),
    );
    const bs = graphs.find((g) => g.id === 'baseStation')!;
    expect(bs.edges).toContainEqual(
      expect.objectContaining({
        source: 'baseStation.guided.cycle',
        target: 'baseStation.guided.cycle',
        trigger: 'after guidance',
        reenter: true,
      }),
    );
    expect(JSON.parse(JSON.stringify(graphs))).toEqual(graphs);
  });

  it('names the active states of a snapshot value, outermost first', () => {
    expect(activeStateIds('simulation', { running: { training: 'episode' } })).toEqual([
      'simulation',
      'simulation.running',
      'simulation.running.training',
      'simulation.running.training.episode',
    ]);
    expect(activeStateIds('planner', 'idle')).toEqual(['planner', 'planner.idle']);
    // every id names a state of the graph
    const ids = new Set(statesOf(baseStationGraph().root).map((s) => s.id));
    for (const id of activeStateIds('baseStation', { guided: { cycle: 'awaitingGuidance' } }))
      expect(ids.has(id)).toBe(true);
  });

  it('renders Mermaid with composites, initial and final states and labelled edges', () => {
    const text = toMermaid(baseStationGraph());
    expect(text.startsWith('stateDiagram-v2\n')).toBe(true);
    expect(text).toContain('state baseStation_guided_cycle {');
    expect(text).toContain('[*] --> baseStation_idle');
    expect(text).toContain(
      'baseStation_guided_cycle_awaitingGuidance --> baseStation_guided_cycle_acting: plan.suggested [answersRequest]',
    );
    expect(text).toContain('baseStation_guided_cycle --> baseStation_guided_cycle: after guidance');
    expect(toMermaid(allMachineGraphs()[0]!)).toContain('simulation_done --> [*]');
  });

  it('draws SVG with one group per state and one path per transition, the same every time', async () => {
    const graph = machineGraph(plannerMachine);
    const svg = await toSvg(graph);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    for (const s of statesOf(graph.root)) expect(svg).toContain(`data-state-id="${s.id}"`);
    // twelve transitions plus the initial arrow
    expect(svg.match(/class="edge"/g)).toHaveLength(13);
    expect(svg).toContain('>always [mustWait]</text>');
    expect(svg).not.toMatch(/NaN|undefined/);
    expect(await toSvg(graph)).toBe(svg);
  });
});

describe('docs/machines.md', () => {
  it('is up to date with the machines (run `npm run docs:machines` if not)', async () => {
    const stale: string[] = [];
    if (readFileSync('docs/machines.md', 'utf8') !== renderMachinesDoc())
      stale.push('docs/machines.md');
    const svgs = await machineFiles('svg');
    for (const f of svgs) {
      let onDisk = '';
      try {
        onDisk = readFileSync(join('docs/machines', f.name), 'utf8');
      } catch {}
      if (onDisk !== f.text) stale.push(`docs/machines/${f.name}`);
    }
    const extra = readdirSync('docs/machines').filter((n) => !svgs.some((f) => f.name === n));
    stale.push(...extra.map((n) => `docs/machines/${n} (no such machine)`));
    if (stale.length > 0) {
      expect.fail(
        `${stale.join(', ')} stale: the machines changed. Run \`npm run docs:machines\` and commit the result.`,
      );
    }
  });

  it('shows every machine as Mermaid and SVG', () => {
    const doc = renderMachinesDoc();
    for (const g of allMachineGraphs()) {
      expect(doc).toContain(`## ${g.id}\n`);
      expect(doc).toContain(`![${g.id} statechart](machines/${g.id}.svg)`);
    }
    expect(doc.match(/```mermaid\nstateDiagram-v2/g)).toHaveLength(7);
    expect(doc).toContain('Handled in every state: `users.arrived`.');
  });
});

describe('aura machines', () => {
  it('prints Mermaid by default and JSON on request', () => {
    const mermaid = aura('machines');
    expect(mermaid.status).toBe(0);
    expect(mermaid.stdout.match(/^stateDiagram-v2$/gm)).toHaveLength(7);
    expect(mermaid.stdout).toContain('%% planner.mmd\nstateDiagram-v2');
    const json = aura('machines', '--format', 'json');
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout).machines).toEqual(allMachineGraphs());
  });

  it('writes one file per machine in --out', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'aura-machines-')), 'diagrams');
    const r = aura('machines', '--format', 'svg', '--out', out);
    expect(r.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual(
      allMachineGraphs()
        .map((g) => `${g.id}.svg`)
        .sort(),
    );
    expect(readFileSync(join(out, 'planner.svg'), 'utf8')).toBe(
      readFileSync('docs/machines/planner.svg', 'utf8'),
    );
  });

  it('refuses a bad format, svg on stdout and an unwritable --out, with exit 2', () => {
    const bad = aura('machines', '--format', 'png');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('Allowed choices are mermaid, json, svg');
    const svg = aura('machines', '--format', 'svg');
    expect(svg.status).toBe(2);
    expect(svg.stderr).toBe('aura: --format svg writes one file per machine: give --out <dir>\n');
    const file = join(mkdtempSync(join(tmpdir(), 'aura-machines-')), 'f');
    spawnSync('touch', [file]);
    const unwritable = aura('machines', '--out', join(file, 'sub'));
    expect(unwritable.status).toBe(2);
    expect(unwritable.stderr).toMatch(/^aura: cannot write to .*sub \(ENOTDIR\)\n$/);
  });
});
