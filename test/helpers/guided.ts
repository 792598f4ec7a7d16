import type { Scenario } from '../../src/scenario/schema.js';
import { shortPaper } from './paper.js';

type Guidance = Scenario['guidance'];

/** The short paper scenario with guidance settings overridden section by section. */
export function guidedPaper(over: {
  llm?: Partial<Guidance['llm']>;
  planner?: Partial<Guidance['planner']>;
  trust?: Partial<Guidance['trust']>;
  alignment?: Partial<Guidance['alignment']>;
  scenario?: Partial<Scenario>;
}): Scenario {
  const base = shortPaper(over.scenario);
  const g = base.guidance;
  return {
    ...base,
    guidance: {
      llm: { ...g.llm, ...over.llm },
      planner: { ...g.planner, ...over.planner },
      trust: { ...g.trust, ...over.trust },
      alignment: { ...g.alignment, ...over.alignment },
    },
  };
}
