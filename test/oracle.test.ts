import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lookahead, oracleChoice, oraclePlanner } from '../src/llm/oracle.js';
import { SimulatedProvider } from '../src/llm/simulated.js';
import { ACTION_CODES } from '../src/llm/types.js';
import { type CellState, countPoor } from '../src/model/cell.js';
import { beginEpisode, createWorld, stepWorld, type World } from '../src/model/world.js';
import { Rng } from '../src/rng.js';
import { executeRun } from '../src/run/execute.js';
import { json } from '../src/run/runDir.js';
import { parseScenario, ScenarioError } from '../src/scenario/load.js';
import { resolveModel } from '../src/scenario/resolve.js';
import { guidedPaper } from './helpers/guided.js';

/** The paper's two cells (rural 43–46 dBm, 50 places; urban 30–37 dBm, 30 places), emptied. */
function paperWorld(): World {
  const config = resolveModel(guidedPaper({ llm: { policy: 'oracle' } }), 'normal', 'guided');
  const world = createWorld(config, Rng.create(1));
  world.step = 0;
  return world;
}

const RURAL = 0;
const URBAN = 1;

/** Adds `n` users to `cell` with serving gain `gain` and neighbour gain `nb` (no fading drift). */
function addUsers(world: World, cell: number, n: number, gain: number, nb = -200): void {
  const c = world.cells[cell]!;
  for (let k = 0; k < n; k++) {
    c.users.add({ gain, baseGain: gain, departStep: 10_000, neighbourGain: [nb] });
  }
  c.poorUsers = countPoor(c, world.config.radio, world.cells);
}

const choice = (world: World, cell: number) => oracleChoice(world, cell).best.action;

describe('oracle planner (one-step lookahead on the true state)', () => {
  it('raises power when +1 dB would serve the weak users', () => {
    const w = paperWorld();
    w.cells[URBAN]!.power = 33;
    addUsers(w, URBAN, 8, -110); // −77 dBm: well served
    addUsers(w, URBAN, 2, -133.5); // −100.5 dBm: poorly served; −99.5 at 34 dBm
    expect(choice(w, URBAN)).toBe('increase');
    const up = lookahead(w, URBAN, 'increase');
    expect(up.poorUsers).toBe(0);
    expect(lookahead(w, URBAN, 'maintain').poorUsers).toBe(2);
  });

  it('hands off a poorly served user whose neighbour is better by the A3 offset and has room', () => {
    const w = paperWorld();
    w.cells[URBAN]!.power = 37; // at max: more power is not an option
    w.cells[RURAL]!.power = 43;
    addUsers(w, URBAN, 9, -110);
    addUsers(w, URBAN, 1, -140, -135); // −103 dBm here, −92 dBm at the rural cell
    addUsers(w, RURAL, 10, -130);
    expect(lookahead(w, URBAN, 'handoff').handoff).toBe('handedOff');
    expect(choice(w, URBAN)).toBe('handoff');
  });

  it('never suggests a handoff that would fail (target full) or find no candidate', () => {
    const w = paperWorld();
    w.cells[URBAN]!.power = 37;
    w.cells[RURAL]!.power = 43;
    addUsers(w, URBAN, 9, -110);
    addUsers(w, URBAN, 1, -140, -135);
    addUsers(w, RURAL, 50, -130); // full
    const h = lookahead(w, URBAN, 'handoff');
    expect(h.handoff).toBe('targetFull');
    expect(h.drops).toBeGreaterThanOrEqual(1);
    expect(choice(w, URBAN)).not.toBe('handoff');
    // No candidate (neighbour not better by the offset): a tie with maintain, so no handoff.
    const v = paperWorld();
    v.cells[URBAN]!.power = 37;
    addUsers(v, URBAN, 9, -110);
    addUsers(v, URBAN, 1, -140, -160);
    expect(lookahead(v, URBAN, 'handoff').handoff).toBe('noCandidate');
    expect(choice(v, URBAN)).not.toBe('handoff');
  });

  it('lowers power when coverage stays good, but not when it would drop calls', () => {
    const w = paperWorld();
    w.cells[URBAN]!.power = 35;
    addUsers(w, URBAN, 10, -110);
    expect(choice(w, URBAN)).toBe('decrease');
    // A user 0.5 dB above the floor (−112 dBm): a decrease would leave it below, most likely a
    // dropped call (the drop term is the expected number, fading included).
    const v = paperWorld();
    v.cells[URBAN]!.power = 31;
    addUsers(v, URBAN, 10, -110);
    addUsers(v, URBAN, 1, -142.5);
    const down = lookahead(v, URBAN, 'decrease');
    expect(down.drops).toBeGreaterThan(0.7);
    expect(down.users).toBe(10);
    expect(lookahead(v, URBAN, 'maintain').drops).toBeLessThan(0.3);
    expect(choice(v, URBAN)).not.toBe('decrease');
  });

  it('keeps the settings when nothing is strictly better (ties go to maintain)', () => {
    const w = paperWorld();
    w.cells[URBAN]!.power = 30; // at min: decrease = maintain; everyone well served
    addUsers(w, URBAN, 5, -100);
    expect(choice(w, URBAN)).toBe('maintain');
  });

  it('never mutates the world, and answers the same twice', () => {
    const w = paperWorld();
    beginEpisode(w, 'training', 0);
    for (let s = 0; s < 7; s++) stepWorld(w);
    const state = (x: World) => ({
      step: x.step,
      lastDrops: Array.from(x.lastDrops),
      counters: structuredClone(x.episodeCounters),
      cells: x.cells.map((c: CellState) => ({
        power: c.power,
        poorUsers: c.poorUsers,
        length: c.users.length,
        rows: Array.from(c.users.rows),
      })),
      rngs: [...x.rng.init, ...x.rng.channel, ...x.rng.agent].map((r) => r.save()),
    });
    const before = state(w);
    const plan = oraclePlanner(w);
    const first = plan(['rural', 'urban', 'nowhere']);
    for (const i of [RURAL, URBAN])
      for (const a of ['increase', 'decrease', 'maintain', 'handoff'] as const) lookahead(w, i, a);
    expect(state(w)).toEqual(before);
    expect(plan(['rural', 'urban', 'nowhere'])).toEqual(first);
    expect(first[2]!.code).toBe(ACTION_CODES.maintain);
  });

  it('is refused without a world, and for real providers with a clear scenario error', () => {
    const settings = { model: 'm', errorRate: 0, failureRate: 0, verbosity: 'terse' as const };
    expect(() => new SimulatedProvider({ ...settings, policy: 'oracle' }, Rng.create(1))).toThrow(
      /needs the world/,
    );
    const mini = readFileSync('test/fixtures/scenarios/mini.yaml', 'utf8');
    for (const provider of ['anthropic', 'openai-compatible']) {
      const extra = provider === 'openai-compatible' ? ', model: m, baseUrl: "http://x"' : '';
      try {
        parseScenario(
          `${mini}guidance: { llm: { provider: ${provider}, policy: oracle${extra} } }\n`,
          'x.yaml',
        );
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(ScenarioError);
        const problem = (err as ScenarioError).problems[0]!;
        expect(problem.path).toBe('guidance.llm.policy');
        expect(problem.message).toMatch(/only for provider 'simulated'/);
      }
    }
  });

  it('guides a run deterministically, through the prompt, translator and budgets', async () => {
    const run = async (policy?: 'oracle' | 'naive') =>
      json(
        (
          await executeRun({
            scenario: guidedPaper({ llm: policy ? { policy } : {} }),
            traffic: 'normal',
            config: 'guided',
            seed: 3,
          })
        ).summary,
      );
    const a = await run('oracle');
    expect(await run('oracle')).toBe(a);
    expect(a).not.toBe(await run());
    const s = JSON.parse(a);
    expect(s.llm.calls).toBeGreaterThan(0);
    expect(s.guidance.test.suggestions).toBeGreaterThan(0);
  });
});
