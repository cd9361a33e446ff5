import fc from 'fast-check';
import {
  acceptedDatasetEvidence,
  emptyReputationDay,
  REPUTATION_FORMULA_VERSION,
  reputationOf,
  type ReputationDay,
  type ReputationEvidence,
} from './reputation.formula';

const DAY0 = 20_000;
const num = (s: string): number => Number(s);

/** Evidence of accepted datasets, each { tokens, documentsIn, documentsKept, duplicates }, all on one day. */
function accepted(day: number, datasets: Array<{ tokens: number; in: number; kept: number; dup?: number }>): ReputationDay {
  const b = emptyReputationDay(day);
  for (const d of datasets) {
    const e = acceptedDatasetEvidence(BigInt(d.tokens), { documentsIn: d.in, documentsKept: d.kept, duplicatesOfEarlier: d.dup ?? 0 });
    b.keptTokens += e.keptTokens;
    b.inputTokens += e.inputTokens;
    b.duplicateTokens += e.duplicateTokens;
  }
  return b;
}

describe('reputation-v2 formula', () => {
  it('starts a contributor without evidence at the prior (½ × the new-contributor tenure factor 0.8)', () => {
    const r = reputationOf({ firstDay: DAY0, days: [] }, DAY0);
    expect(r).toEqual({
      score: '0.4',
      components: {
        keptTokenRatio: '0',
        duplicateRatio: '0',
        rejectedUploads: '0',
        withdrawals: '0',
        exclusions: '0',
        requestFulfilment: '0',
        tenureDays: 0,
      },
      formulaVersion: REPUTATION_FORMULA_VERSION,
    });
  });

  it('computes the documented example exactly', () => {
    // 90 000 kept of an estimated 100 000 input tokens, 10 000 of them duplicates, one rejection, today, 180 days of tenure:
    // quality = (90000 + 5000) / (100000 + 10000); × (1 − 0.1/2) × 1/(1 + 1/4) × 1 × 1 × 1.
    const day = accepted(DAY0 + 180, [{ tokens: 90_000, in: 10, kept: 9, dup: 1 }]);
    day.rejectedUploads = 1;
    const r = reputationOf({ firstDay: DAY0, days: [day] }, DAY0 + 180);
    expect(r.components).toMatchObject({ keptTokenRatio: '0.9', duplicateRatio: '0.1', rejectedUploads: '1', tenureDays: 180 });
    const expected = (95_000 / 110_000) * 0.95 * 0.8;
    expect(Math.abs(num(r.score) - expected)).toBeLessThan(1e-6);
  });

  it('stays within [0, 1] with components in range, whatever the evidence', () => {
    const day = fc.record({
      day: fc.integer({ min: DAY0, max: DAY0 + 1000 }),
      keptTokens: fc.bigInt({ min: 0n, max: 10n ** 15n }),
      extra: fc.bigInt({ min: 0n, max: 10n ** 15n }),
      dup: fc.bigInt({ min: 0n, max: 10n ** 15n }),
      rejectedUploads: fc.nat(1000),
      withdrawnTokens: fc.bigInt({ min: 0n, max: 10n ** 15n }),
      withdrawals: fc.nat(1000),
      credited: fc.bigInt({ min: 0n, max: 10n ** 15n }),
    });
    fc.assert(
      fc.property(fc.array(day, { maxLength: 20 }), fc.integer({ min: 0, max: 3000 }), (raw, later) => {
        const days: ReputationDay[] = raw.map((d) => ({
          day: d.day,
          keptTokens: d.keptTokens,
          inputTokens: d.keptTokens + d.extra,
          duplicateTokens: d.dup > d.extra ? d.extra : d.dup,
          rejectedUploads: d.rejectedUploads,
          withdrawnTokens: d.withdrawnTokens,
          withdrawals: d.withdrawals,
          creditedTokens: d.credited > d.keptTokens ? d.keptTokens : d.credited,
        }));
        const r = reputationOf({ firstDay: DAY0, days }, DAY0 + 1000 + later);
        for (const v of [
          r.score,
          r.components.keptTokenRatio,
          r.components.duplicateRatio,
          r.components.withdrawals,
          r.components.requestFulfilment,
        ]) {
          expect(num(v)).toBeGreaterThanOrEqual(0);
          expect(num(v)).toBeLessThanOrEqual(1);
          expect(v).toMatch(/^\d\.?\d{0,6}$/);
        }
      }),
    );
  });

  it('recovers after good behaviour: old rejections and junk fade (half-life 90 days) while new clean data counts fully', () => {
    const bad = accepted(DAY0, [{ tokens: 20_000, in: 10, kept: 2 }]);
    bad.rejectedUploads = 6;
    const afterBad = reputationOf({ firstDay: DAY0, days: [bad] }, DAY0);
    const good = accepted(DAY0 + 365, [{ tokens: 200_000, in: 100, kept: 99 }]);
    const stillBadOnlyOneYearLater = reputationOf({ firstDay: DAY0, days: [bad] }, DAY0 + 365);
    const recovered = reputationOf({ firstDay: DAY0, days: [bad, good] }, DAY0 + 365);
    expect(num(afterBad.score)).toBeLessThan(0.2);
    // Decay alone lifts the penalty towards the prior; good data lifts it much further.
    expect(num(stillBadOnlyOneYearLater.score)).toBeGreaterThan(num(afterBad.score));
    expect(num(recovered.score)).toBeGreaterThan(0.85);
    expect(num(recovered.components.rejectedUploads)).toBeLessThan(0.4);
    // Without decay the same history would weigh the six rejections fully.
    const noTimePassed = reputationOf({ firstDay: DAY0 - 365, days: [{ ...bad, day: DAY0 + 365 }, good] }, DAY0 + 365);
    expect(num(noTimePassed.score)).toBeLessThan(num(recovered.score));
  });

  it('cannot be farmed with many tiny uploads: n pieces of the same documents never score above one upload of them', () => {
    // Documents of one size m (tokens); a dataset is kept/removed/duplicate documents. Split it into pieces (each piece's
    // documents keep their size), one upload each: the token sums are the same, the rounded-up estimates can only grow.
    const piece = fc.record({ kept: fc.integer({ min: 1, max: 50 }), removed: fc.nat(50), dup: fc.nat(10) });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.array(piece, { minLength: 2, maxLength: 40 }),
        fc.nat(400),
        fc.nat(5),
        (m, pieces, age, rejected) => {
          const whole = { tokens: 0, in: 0, kept: 0, dup: 0 };
          for (const p of pieces) {
            whole.tokens += m * p.kept;
            whole.in += p.kept + p.removed + p.dup;
            whole.kept += p.kept;
            whole.dup += p.dup;
          }
          const split = accepted(
            DAY0,
            pieces.map((p) => ({ tokens: m * p.kept, in: p.kept + p.removed + p.dup, kept: p.kept, dup: p.dup })),
          );
          const one = accepted(DAY0, [whole]);
          split.rejectedUploads = rejected;
          one.rejectedUploads = rejected;
          const a = reputationOf({ firstDay: DAY0, days: [split] }, DAY0 + age);
          const b = reputationOf({ firstDay: DAY0, days: [one] }, DAY0 + age);
          expect(num(a.score)).toBeLessThanOrEqual(num(b.score));
        },
      ),
    );
  });

  it('weighs by tokens, not uploads: 1000 tiny perfect uploads do not wash out one large bad one', () => {
    const history = accepted(DAY0, [{ tokens: 200_000, in: 100, kept: 20 }]); // 20 % kept
    const before = reputationOf({ firstDay: DAY0 - 200, days: [history] }, DAY0);
    const farmed = accepted(
      DAY0,
      Array.from({ length: 1000 }, () => ({ tokens: 3, in: 1, kept: 1 })),
    );
    history.keptTokens += farmed.keptTokens;
    history.inputTokens += farmed.inputTokens;
    const after = reputationOf({ firstDay: DAY0 - 200, days: [history] }, DAY0);
    // An average over uploads would put this contributor at ~1.0 (1000 perfect uploads against one bad one).
    expect(num(after.score) - num(before.score)).toBeLessThan(0.01);
    // And it is exactly what one upload of the same 3 000 clean tokens gives.
    const oneUpload = accepted(DAY0, [
      { tokens: 200_000, in: 100, kept: 20 },
      { tokens: 3000, in: 1000, kept: 1000 },
    ]);
    expect(after).toEqual(reputationOf({ firstDay: DAY0 - 200, days: [oneUpload] }, DAY0));
  });

  it('estimates input and duplicate tokens from the document counts, rounded up', () => {
    expect(acceptedDatasetEvidence(10n, { documentsIn: 3, documentsKept: 2, duplicatesOfEarlier: 1 })).toEqual({
      keptTokens: 10n,
      inputTokens: 15n,
      duplicateTokens: 5n,
    });
    expect(acceptedDatasetEvidence(7n, { documentsIn: 3, documentsKept: 2, duplicatesOfEarlier: 1 })).toEqual({
      keptTokens: 7n,
      inputTokens: 11n,
      duplicateTokens: 4n,
    });
    expect(acceptedDatasetEvidence(7n)).toEqual({ keptTokens: 7n, inputTokens: 7n, duplicateTokens: 0n });
  });

  it('fulfilling data requests lifts the score by at most a fifth of the headroom (requestFulfilment = credited / kept tokens)', () => {
    const plain = accepted(DAY0, [{ tokens: 50_000, in: 10, kept: 8 }]);
    const fulfilled = { ...plain, creditedTokens: 25_000n };
    const a = reputationOf({ firstDay: DAY0 - 200, days: [plain] }, DAY0);
    const b = reputationOf({ firstDay: DAY0 - 200, days: [fulfilled] }, DAY0);
    expect(b.components.requestFulfilment).toBe('0.5');
    const sa = num(a.score);
    expect(Math.abs(num(b.score) - (sa + (1 - sa) * 0.5 * 0.2))).toBeLessThan(1e-6);
  });

  it('is a pure function of the evidence set (day order does not matter)', () => {
    const days = [accepted(DAY0, [{ tokens: 100, in: 3, kept: 1 }]), accepted(DAY0 + 7, [{ tokens: 900, in: 10, kept: 9 }])];
    const e: ReputationEvidence = { firstDay: DAY0, days };
    expect(reputationOf(e, DAY0 + 30)).toEqual(reputationOf({ ...e, days: [...days].reverse() }, DAY0 + 30));
  });
});
