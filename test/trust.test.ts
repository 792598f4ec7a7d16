import { describe, expect, it } from 'vitest';
import { combineDecision, type TrustEvidence, updateTrust } from '../src/agents/trust.js';

const params = { initial: 0.5, min: 0.05, max: 0.95, rate: 0.1, counterfactualRate: 0.02 };
const evidence = (over: Partial<TrustEvidence>): TrustEvidence => ({
  followed: true,
  suggested: 3,
  own: 0,
  realisedReturn: 1,
  qOwn: 0.5,
  qSuggested: 0.5,
  ...over,
});

describe('combineDecision', () => {
  it('acts alone without a suggestion, whatever the trust', () => {
    expect(combineDecision(-1, 2, 0.99, 0)).toEqual({ action: 2, source: 'agent' });
  });

  it('follows the suggestion with probability equal to trust', () => {
    expect(combineDecision(3, 0, 0.6, 0.59)).toEqual({ action: 3, source: 'llm' });
    expect(combineDecision(3, 0, 0.6, 0.6)).toEqual({ action: 0, source: 'agent' });
    expect(combineDecision(0, 0, 0.6, 0.1)).toEqual({ action: 0, source: 'llm' });
  });
});

describe('updateTrust', () => {
  it('rises when following paid off and falls when it did not', () => {
    expect(updateTrust(0.5, evidence({ realisedReturn: 1, qOwn: 0.5 }), params)).toBeCloseTo(0.55);
    expect(updateTrust(0.5, evidence({ realisedReturn: 0.2, qOwn: 0.5 }), params)).toBeCloseTo(
      0.45,
    );
  });

  it('judges a suggestion it did not follow against its own estimate, more gently', () => {
    // Own action did worse than the agent expected of the suggestion: trust rises.
    const worse = evidence({ followed: false, realisedReturn: 0.1, qSuggested: 0.4 });
    expect(updateTrust(0.5, worse, params)).toBeCloseTo(0.51);
    // Own action did at least as well: trust falls.
    const better = evidence({ followed: false, realisedReturn: 0.9, qSuggested: 0.4 });
    expect(updateTrust(0.5, better, params)).toBeCloseTo(0.49);
  });

  it('learns nothing when the suggestion equals its own choice', () => {
    expect(updateTrust(0.5, evidence({ suggested: 2, own: 2, realisedReturn: -5 }), params)).toBe(
      0.5,
    );
  });

  it('stays within its bounds', () => {
    let t = 0.5;
    for (let i = 0; i < 200; i++) t = updateTrust(t, evidence({}), params);
    expect(t).toBe(0.95);
    for (let i = 0; i < 200; i++) t = updateTrust(t, evidence({ realisedReturn: -1 }), params);
    expect(t).toBe(0.05);
  });
});
