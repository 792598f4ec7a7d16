import { describe, expect, it } from 'vitest';
import {
  type AgentTuning,
  FEEDBACK_RULES,
  TUNING_BOUNDS,
  translateFeedback,
} from '../src/llm/feedback.js';
import { FEEDBACK_PHRASES } from '../src/llm/simulated.js';

const BASE: AgentTuning = { epsilonScale: 1, reward: { coverage: 1, drop: 1, energy: 0.5 } };

const deepFreeze = (t: AgentTuning): AgentTuning =>
  Object.freeze({ ...t, reward: Object.freeze({ ...t.reward }) });

describe('translateFeedback', () => {
  it.each([
    ['explore less', 'epsilonScale', 0.8],
    ['Reduce exploration a little.', 'epsilonScale', 0.8],
    ['less exploration please', 'epsilonScale', 0.8],
    ['Explore more.', 'epsilonScale', 1.25],
    ['increase exploration', 'epsilonScale', 1.25],
    ['prioritise dropped requests', 'reward.drop', 1.1],
    ['Prioritize dropped requests', 'reward.drop', 1.1],
    ['reduce drops', 'reward.drop', 1.1],
    ['fewer drops, please', 'reward.drop', 1.1],
    ['prioritise coverage', 'reward.coverage', 1.1],
    ['Improve coverage at the edge', 'reward.coverage', 1.1],
    ['save energy', 'reward.energy', 0.55],
    ['reduce power where you can', 'reward.energy', 0.55],
    ['conserve ENERGY', 'reward.energy', 0.55],
  ])('%s → %s = %d', (text, parameter, to) => {
    const { changes } = translateFeedback(text, BASE);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ parameter, to });
  });

  it('applies several rules in one text, each at most once', () => {
    const { tuning, changes } = translateFeedback(
      'Prioritise dropped requests, prioritise dropped requests! Also save energy and explore less.',
      BASE,
    );
    expect(tuning).toEqual({ epsilonScale: 0.8, reward: { coverage: 1, drop: 1.1, energy: 0.55 } });
    expect(changes.map((c) => c.rule)).toEqual([
      'explore less',
      'prioritise dropped requests',
      'save energy',
    ]);
    expect(changes[0]).toEqual({
      parameter: 'epsilonScale',
      from: 1,
      to: 0.8,
      rule: 'explore less',
    });
  });

  it('cancels contradictory exploration advice but keeps the rest', () => {
    const { tuning, changes } = translateFeedback(
      'Explore less on quiet cells, explore more on busy ones; improve coverage.',
      BASE,
    );
    expect(tuning.epsilonScale).toBe(1);
    expect(changes.map((c) => c.parameter)).toEqual(['reward.coverage']);
  });

  it('changes nothing for "keep the current policy" or unknown text', () => {
    for (const text of [
      'keep the current policy',
      'Keep the current policy.',
      'Looks fine to me.',
      '',
      '🙂',
    ]) {
      const { tuning, changes } = translateFeedback(text, BASE);
      expect(changes).toEqual([]);
      expect(tuning).toEqual(BASE);
    }
  });

  it('clamps at the bounds, reports the clamped value, and omits changes that do not move', () => {
    const near: AgentTuning = {
      epsilonScale: 3.5,
      reward: { coverage: 1.95, drop: 2, energy: 0.98 },
    };
    const up = translateFeedback(
      'explore more, prioritise coverage, reduce drops, save energy',
      near,
    );
    expect(up.tuning).toEqual({ epsilonScale: 4, reward: { coverage: 2, drop: 2, energy: 1 } });
    expect(up.changes).toEqual([
      { parameter: 'epsilonScale', from: 3.5, to: 4, rule: 'explore more' },
      { parameter: 'reward.coverage', from: 1.95, to: 2, rule: 'prioritise coverage' },
      { parameter: 'reward.energy', from: 0.98, to: 1, rule: 'save energy' },
    ]);
    const low = translateFeedback('explore less', { ...BASE, epsilonScale: 0.3 });
    expect(low.tuning.epsilonScale).toBe(TUNING_BOUNDS.epsilonScale.min);
    expect(translateFeedback('explore less', { ...BASE, epsilonScale: 0.25 }).changes).toEqual([]);
  });

  it('repeated application converges to the bounds', () => {
    let t = BASE;
    for (let i = 0; i < 50; i++) t = translateFeedback('explore more; reduce drops', t).tuning;
    expect(t.epsilonScale).toBe(4);
    expect(t.reward.drop).toBe(2);
    for (let i = 0; i < 50; i++) t = translateFeedback('explore less', t).tuning;
    expect(t.epsilonScale).toBe(0.25);
  });

  it('never moves a parameter against the advice, even from outside its bounds', () => {
    const out: AgentTuning = { epsilonScale: 6, reward: { coverage: 3, drop: 1, energy: 0.5 } };
    const { tuning, changes } = translateFeedback('explore more, prioritise coverage', out);
    expect(changes).toEqual([]);
    expect(tuning).toEqual(out);
  });

  it('does not mutate its input and returns a new tuning', () => {
    const frozen = deepFreeze(BASE);
    const { tuning } = translateFeedback('explore less, improve coverage', frozen);
    expect(frozen).toEqual({ epsilonScale: 1, reward: { coverage: 1, drop: 1, energy: 0.5 } });
    expect(tuning).not.toBe(frozen);
    expect(tuning.reward).not.toBe(frozen.reward);
    const same = translateFeedback('nothing to say', frozen).tuning;
    expect(same).not.toBe(frozen);
    expect(same).toEqual(frozen);
  });

  it('never throws on odd input', () => {
    expect(() => translateFeedback(undefined as unknown as string, BASE)).not.toThrow();
    expect(translateFeedback(42 as unknown as string, BASE).changes).toEqual([]);
    const nan = translateFeedback('explore less', { ...BASE, epsilonScale: Number.NaN });
    expect(nan.changes).toEqual([]);
    expect(() => translateFeedback('explore less '.repeat(10_000), BASE)).not.toThrow();
  });

  it('understands every phrase of the simulated evaluator’s vocabulary', () => {
    for (const phrase of Object.values(FEEDBACK_PHRASES)) {
      const { changes } = translateFeedback(phrase, BASE);
      if (phrase === FEEDBACK_PHRASES.keep) expect(changes).toEqual([]);
      else {
        expect(changes).toHaveLength(1);
        expect(changes[0]!.rule).toBe(phrase);
      }
    }
  });

  it('has one rule per canonical phrase, each with bounds', () => {
    const names = FEEDBACK_RULES.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    for (const r of FEEDBACK_RULES) expect(TUNING_BOUNDS[r.parameter]).toBeDefined();
  });
});
