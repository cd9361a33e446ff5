import Decimal from 'decimal.js';

/**
 * A contributor's reputation (issue #15): one number in [0, 1] and the
 * components it is made of, computed from events only, so that anyone with
 * the log recomputes it (`1tt audit reputation`). The formula is
 * versioned: a change is a new version, never an edit of this one.
 *
 * reputation-v2 (docs/REPUTATION.md has the same text with examples; v2 =
 * v1 with requestFulfilment read from data-request credits):
 *
 *   Evidence is kept per contributor and UTC day (the day its event was
 *   recorded). Each day's evidence weighs f(a) = 2^(−a / 90), a = whole days
 *   between that day and the evaluation day (half-life 90 days), so bad
 *   behaviour fades and recent good behaviour counts most.
 *
 *   K  = Σ f·kept tokens of accepted contributions
 *   I  = Σ f·input tokens (kept tokens scaled up by documentsIn / documentsKept,
 *        rounded up: removed documents are never tokenized)
 *   Dp = Σ f·tokens duplicating earlier contributions (kept tokens ×
 *        duplicatesOfEarlier / documentsKept, rounded up)
 *   R  = Σ f·rejected uploads        W = Σ f·withdrawn tokens
 *   C  = Σ f·tokens credited to data requests (DatasetAccepted requestCredit)
 *
 *   keptTokenRatio  = K / I           duplicateRatio = Dp / I   (0 without input)
 *   withdrawals     = min(1, W / K)   rejectedUploads = R (a decayed count)
 *   requestFulfilment = min(1, C / K) (0 without kept tokens)
 *   quality         = (K + ½·N0) / (I + N0), N0 = 10 000 tokens: without
 *                     evidence a contributor sits at ½, and it takes tokens,
 *                     not uploads, to move away from it
 *   score = quality × (1 − duplicateRatio / 2) × 1 / (1 + R / 4)
 *         × (1 − withdrawals / 4) × 1 / (1 + exclusions / 4)
 *         × (0.8 + 0.2 × min(1, tenureDays / 180))
 *   then score += (1 − score) × requestFulfilment / 5
 *
 *   exclusions is 0: no event records exclusions by others (an owner's own
 *   document exclusions, issue #14, are consent, not a quality signal).
 *
 * Why it cannot be farmed with many tiny uploads: every ratio is a ratio of
 * token sums, and splitting a dataset into n pieces leaves the sums equal
 * (the rounded-up estimates can only grow, which lowers the score); the
 * only counted quantity, rejected uploads, lowers the score and is never
 * divided by the number of uploads. So n tiny uploads never score above one
 * upload of the same documents (property-tested).
 *
 * Arithmetic: decimal.js at 40 significant digits, half-even; the score and
 * the ratios are shown rounded down to 6 decimals, computed from the
 * unrounded values.
 */
export const REPUTATION_FORMULA_VERSION = 'reputation-v2';

export const REPUTATION_V2 = {
  halfLifeDays: 90,
  priorTokens: 10_000,
  priorQuality: '0.5',
  rejectionsPerHalving: 4,
  exclusionsPerHalving: 4,
  withdrawalWeight: '0.25',
  duplicateWeight: '0.5',
  tenureFullDays: 180,
  tenureFloor: '0.8',
  fulfilmentWeight: '0.2',
  decimals: 6,
} as const;

const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN });
type Dec = InstanceType<typeof D>;

export const MS_PER_DAY = 86_400_000;

/** The UTC day (days since 1970-01-01) of an ISO time or epoch milliseconds. */
export function epochDayOf(time: string | number): number {
  const ms = typeof time === 'number' ? time : Date.parse(time);
  return Math.floor(ms / MS_PER_DAY);
}

/** "2026-12-08" for an epoch day. */
export function isoDayOf(epochDay: number): string {
  return new Date(epochDay * MS_PER_DAY).toISOString().slice(0, 10);
}

/** One contributor's evidence recorded on one UTC day. Token figures are whole numbers. */
export interface ReputationDay {
  day: number;
  keptTokens: bigint;
  inputTokens: bigint;
  duplicateTokens: bigint;
  rejectedUploads: number;
  withdrawnTokens: bigint;
  withdrawals: number;
  /** Tokens credited to data requests (DatasetAccepted requestCredit). */
  creditedTokens: bigint;
}

export interface ReputationEvidence {
  /** Epoch day the contributor registered (or, without a registration in the log, of their first evidence). */
  firstDay: number;
  days: readonly ReputationDay[];
}

export interface ReputationComponents {
  keptTokenRatio: string;
  duplicateRatio: string;
  rejectedUploads: string;
  withdrawals: string;
  exclusions: string;
  requestFulfilment: string;
  tenureDays: number;
}

export interface Reputation {
  score: string;
  components: ReputationComponents;
  formulaVersion: string;
}

export function emptyReputationDay(day: number): ReputationDay {
  return {
    day,
    keptTokens: 0n,
    inputTokens: 0n,
    duplicateTokens: 0n,
    rejectedUploads: 0,
    withdrawnTokens: 0n,
    withdrawals: 0,
    creditedTokens: 0n,
  };
}

/** ⌈a × b / c⌉ for non-negative whole numbers, c > 0. */
function ceilMulDiv(a: bigint, b: bigint, c: bigint): bigint {
  return (a * b + c - 1n) / c;
}

/**
 * What one accepted contribution adds to its day: its kept tokens, the
 * estimated input and duplicate tokens. Without preprocessing figures
 * (logs written before them) input = kept and no duplicates.
 */
export function acceptedDatasetEvidence(
  keptTokens: bigint,
  counts?: { documentsIn: number; documentsKept: number; duplicatesOfEarlier: number },
): Pick<ReputationDay, 'keptTokens' | 'inputTokens' | 'duplicateTokens'> {
  if (!counts || counts.documentsKept <= 0 || counts.documentsIn < counts.documentsKept)
    return { keptTokens, inputTokens: keptTokens, duplicateTokens: 0n };
  const kept = BigInt(counts.documentsKept);
  return {
    keptTokens,
    inputTokens: ceilMulDiv(keptTokens, BigInt(counts.documentsIn), kept),
    duplicateTokens: ceilMulDiv(keptTokens, BigInt(Math.max(0, counts.duplicatesOfEarlier)), kept),
  };
}

function decay(ageDays: number): Dec {
  if (ageDays <= 0) return new D(1);
  return new D(2).pow(new D(-ageDays).div(REPUTATION_V2.halfLifeDays));
}

const shown = (d: Dec): string => d.toDecimalPlaces(REPUTATION_V2.decimals, Decimal.ROUND_DOWN).toFixed();
const min1 = (d: Dec): Dec => (d.gt(1) ? new D(1) : d);

/** reputation-v2 of the evidence, evaluated on `evaluationDay` (an epoch day). Pure and deterministic. */
export function reputationOf(evidence: ReputationEvidence, evaluationDay: number): Reputation {
  let K = new D(0);
  let I = new D(0);
  let Dp = new D(0);
  let R = new D(0);
  let W = new D(0);
  let C = new D(0);
  // Summed in day order so the rounding of the sums never depends on storage order.
  for (const day of [...evidence.days].sort((a, b) => a.day - b.day)) {
    const f = decay(evaluationDay - day.day);
    K = K.plus(f.times(day.keptTokens.toString()));
    I = I.plus(f.times(day.inputTokens.toString()));
    Dp = Dp.plus(f.times(day.duplicateTokens.toString()));
    R = R.plus(f.times(day.rejectedUploads));
    W = W.plus(f.times(day.withdrawnTokens.toString()));
    C = C.plus(f.times(day.creditedTokens.toString()));
  }
  const v = REPUTATION_V2;
  const keptTokenRatio = I.isZero() ? new D(0) : min1(K.div(I));
  const duplicateRatio = I.isZero() ? new D(0) : min1(Dp.div(I));
  const withdrawals = K.isZero() ? new D(0) : min1(W.div(K));
  const exclusions = new D(0);
  const requestFulfilment = K.isZero() ? new D(0) : min1(C.div(K));
  const tenureDays = Math.max(0, evaluationDay - evidence.firstDay);
  const N0 = new D(v.priorTokens);
  const quality = min1(K.plus(N0.times(v.priorQuality)).div(I.plus(N0)));
  let score = quality
    .times(new D(1).minus(duplicateRatio.times(v.duplicateWeight)))
    .div(new D(1).plus(R.div(v.rejectionsPerHalving)))
    .times(new D(1).minus(withdrawals.times(v.withdrawalWeight)))
    .div(new D(1).plus(exclusions.div(v.exclusionsPerHalving)))
    .times(new D(v.tenureFloor).plus(new D(1).minus(v.tenureFloor).times(min1(new D(tenureDays).div(v.tenureFullDays)))));
  score = score.plus(new D(1).minus(score).times(requestFulfilment).times(v.fulfilmentWeight));
  if (score.lt(0)) score = new D(0);
  return {
    score: shown(min1(score)),
    components: {
      keptTokenRatio: shown(keptTokenRatio),
      duplicateRatio: shown(duplicateRatio),
      rejectedUploads: shown(R),
      withdrawals: shown(withdrawals),
      exclusions: shown(exclusions),
      requestFulfilment: shown(requestFulfilment),
      tenureDays,
    },
    formulaVersion: REPUTATION_FORMULA_VERSION,
  };
}
