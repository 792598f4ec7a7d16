/** The radio model: channel model, SINR geometry, service thresholds, coverage and shadowing. */
import { z } from 'zod';
import { db } from './fields.js';
import { LIMITS } from './limits.js';

export const SinrSchema = z.strictObject({
  pathLossDb: z
    .number()
    .min(0)
    .max(300)
    .default(128.1)
    .describe('Path loss at 1 km, dB (3GPP TR 36.814 macro cell at 2 GHz: 128.1).'),
  pathLossSlopeDb: z
    .number()
    .positive()
    .max(100)
    .default(37.6)
    .describe('Path loss per decade of distance, dB (10 × the exponent; 37.6 in TR 36.814).'),
  shadowingSdDb: z
    .number()
    .nonnegative()
    .max(LIMITS.db)
    .default(8)
    .describe('Log-normal shadowing of each user-cell link, standard deviation, dB.'),
  noiseDbm: db()
    .default(-97)
    .describe(
      'Noise power: −174 dBm/Hz thermal noise over 10 MHz (+70 dB) plus a 7 dB noise figure.',
    ),
  userRadiusKm: z
    .number()
    .positive()
    .max(1000)
    .optional()
    .describe(
      'Users appear uniformly in a disc of this radius around their cell. Default: half the distance to its nearest neighbour (to the nearest cell if it has no neighbours; 1 km for a lone cell).',
    ),
  minDistanceKm: z
    .number()
    .positive()
    .max(10)
    .default(0.035)
    .describe('No user is closer than this to a cell (3GPP: 35 m).'),
});

export const RadioSchema = z.strictObject({
  model: z
    .enum(['paper', 'sinr'])
    .default('paper')
    .describe(
      "Channel model. 'paper': each user's signal and SNR drawn from its cell type's ranges (the AURA paper's model). 'sinr': users placed around positioned cells, path loss and shadowing to every neighbour, and SINR from the neighbours' actual transmit power (so one cell's power decisions affect its neighbours' users).",
    ),
  sinr: SinrSchema.default(SinrSchema.parse({})).describe(
    "Geometry and interference of the 'sinr' model (ignored by 'paper').",
  ),
  signalFloorDbm: db()
    .default(-112)
    .describe(
      'Below this signal a cell cannot serve a user: it does not cover an arriving user, and a connected user who falls below it is a dropped call.',
    ),
  poorSignalDbm: db().default(-100).describe('A user below this signal is poorly served.'),
  poorSnrDb: db()
    .default(5)
    .describe(
      "A user below this SNR (SINR with 'sinr') is poorly served. 'paper': SNR = signal − (signalDbm.min − snrDb.min), at most snrDb.max.",
    ),
  service: z
    .strictObject({
      minRateMbps: z
        .number()
        .nonnegative()
        .max(1e5)
        .default(2)
        .describe(
          'A user is well served only if an equal share of the bandwidth gives it this rate (Shannon: B/users · log2(1 + SNR)), Mbit/s; 0: no rate requirement.',
        ),
      bandwidthMHz: z
        .number()
        .positive()
        .max(1e4)
        .default(10)
        .describe("Each cell's bandwidth, MHz (3GPP TR 36.814 macro: 10)."),
    })
    .default({ minRateMbps: 2, bandwidthMHz: 10 })
    .describe(
      'The rate a user needs to be well served, from its share of the cell: a busier cell serves its weaker users worse.',
    ),
  coverage: z
    .strictObject({
      goodMaxPoorShare: z
        .number()
        .min(0)
        .max(1)
        .default(0.1)
        .describe('Coverage is good up to this share of poorly served users.'),
      fairMaxPoorShare: z
        .number()
        .min(0)
        .max(1)
        .default(0.3)
        .describe('Fair up to this share; poor above it.'),
    })
    .refine((c) => c.goodMaxPoorShare <= c.fairMaxPoorShare, {
      message: 'goodMaxPoorShare must not exceed fairMaxPoorShare',
    })
    .default({ goodMaxPoorShare: 0.1, fairMaxPoorShare: 0.3 })
    .describe('Cell coverage is good/fair/poor by the share of poorly served users.'),
  referencePowerDbm: db()
    .default(40)
    .describe(
      "'paper' model: a cell type's signalDbm range is the signal its users get from it when it transmits at this power; links are absolute (signal = transmit power + gain), so a cell at 46 dBm reaches users a cell at 30 dBm cannot.",
    ),
  shadowing: z
    .strictObject({
      sdDb: z
        .number()
        .nonnegative()
        .max(LIMITS.db)
        .default(4)
        .describe(
          "Standard deviation of the serving link's slow fading around its value at attachment, dB (bounded: it reverts to that value).",
        ),
      decorrelationSeconds: z
        .number()
        .nonnegative()
        .max(1e6)
        .default(50)
        .describe(
          'Time over which the fading decorrelates (Gudmundson: decorrelation distance over speed; 50 m at 1 m/s). 0: independent each step.',
        ),
    })
    .default({ sdDb: 4, decorrelationSeconds: 50 })
    .describe(
      "Slow fading of each user's serving link: a first-order autoregressive (Gudmundson) process, correlation e^(−step/decorrelationSeconds) per step.",
    ),
  handoffMarginDb: z
    .number()
    .nonnegative()
    .max(LIMITS.db)
    .default(3)
    .describe(
      'Handoff offset (3GPP event A3): a poorly served user is a handoff candidate when a neighbour offers it more than this much more signal than its serving cell.',
    ),
});
