/**
 * Statistics for comparing configurations, as in the AURA paper: Kruskal–Wallis across
 * configurations per agent and traffic level, then Dunn's test against marl-only with Holm
 * correction, plus descriptive statistics, effect sizes and significance stars.
 */
export { type Description, describe, significanceStars } from './describe.js';
export {
  type DunnComparison,
  type DunnOptions,
  type DunnResult,
  dunnEffectSize,
  dunnTest,
} from './dunn.js';
export { epsilonSquared, type KruskalResult, kruskalWallis } from './kruskal.js';
