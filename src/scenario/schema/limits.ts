/**
 * Bounds that keep a run finite and exact. They are far beyond any cellular scenario, but a typo
 * (a power step of 1e-9, an arrival rate of 1e12) would otherwise exhaust memory or time before
 * the first step instead of giving a clear error.
 */
export const LIMITS = {
  /** Transmit power range, dBm. */
  powerDbm: 100,
  /** Power levels per cell (Q-table rows grow with them). */
  powerLevels: 100,
  /** Users per cell. */
  capacity: 100_000,
  /** Mean arrivals per step of one source, and traffic-level scale. */
  arrivalRate: 10_000,
  levelScale: 1_000,
  /** Expected arrivals one arrival process generates per window (one message). */
  arrivalsPerWindow: 1_000_000,
  /** Signal and SNR values, |dB|. */
  db: 1_000,
  /** Simulated seconds per step: one day. */
  stepSeconds: 86_400,
  /** Steps per episode, episodes per phase, and steps in the whole run. */
  stepsPerEpisode: 1_000_000,
  episodes: 1_000_000,
  totalSteps: 1_000_000_000,
  cells: 100_000,
} as const;
