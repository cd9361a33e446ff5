import fc from 'fast-check';
import { canonicalJson } from '@1tt/canonical-json';
import { createHash } from 'node:crypto';
import { allocate, ROUNDING_RULE_VERSION } from '../allocation';
import { LoggedEvent } from '../events/ledger-event';
import { currencyExponent } from '../money';
import { inPoolAt, PoolState } from '../pool/pool-state';
import { RevenueReported } from '../revenue/revenue.events';
import { allocationLine } from './allocation-root-hash';
import { codeUnitOrder } from './code-unit-order';
import { ALLOCATIONS_PER_CHUNK, computePayoutRun } from './compute-payout-run';
import { PayoutRunEvent, RecordedAllocation } from './payout-run.events';

/**
 * The optimised payout run (default string sort, number arithmetic when it is
 * provably exact, hand-written NDJSON lines) against a deliberately naive
 * reference written straight from the rule: bigint everywhere, objects per
 * contributor, a comparator sort, generic canonicalJson. Every byte of every
 * event must agree.
 */
const T0 = Date.UTC(2025, 0, 1);
const H = 3_600_000;

function refFormat(minor: bigint, exponent: number): string {
  const digits = minor.toString();
  if (exponent === 0) return digits;
  const padded = digits.padStart(exponent + 1, '0');
  return `${padded.slice(0, padded.length - exponent)}.${padded.slice(padded.length - exponent)}`;
}

/** floor(pool·w/Σw) each, leftover to the largest remainders, ties by id (code units); all bigint, full sort. */
function refAllocate(pool: bigint, shares: { id: string; w: bigint }[]): bigint[] {
  const total = shares.reduce((s, x) => s + x.w, 0n);
  if (total === 0n) return shares.map(() => 0n);
  const rows = shares.map((s, i) => ({ i, id: s.id, q: (pool * s.w) / total, r: (pool * s.w) % total }));
  let leftover = pool - rows.reduce((s, x) => s + x.q, 0n);
  const ranked = [...rows].sort((a, b) => (a.r !== b.r ? (a.r > b.r ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const row of ranked) {
    if (leftover === 0n) break;
    row.q += 1n;
    leftover -= 1n;
  }
  return rows.map((x) => x.q);
}

function referenceRun(report: RevenueReported['data'], position: number, pool: PoolState): PayoutRunEvent[] {
  const exp = currencyExponent(report.currency);
  const [whole, frac = ''] = report.amount.split('.');
  const amount = BigInt(whole + frac.padEnd(exp, '0'));
  const [aw, af = ''] = report.alpha.split('.');
  const poolAmount = (amount * BigInt(aw + af.padEnd(6, '0'))) / 1_000_000n;
  const tokens = new Map<string, bigint>();
  let totalTokens = 0n;
  const weights = new Map<string, bigint>();
  const start = Date.parse(report.periodStart);
  const end = Date.parse(report.periodEnd);
  for (const m of pool.memberships()) {
    if (inPoolAt(m, position)) {
      tokens.set(m.contributorId, (tokens.get(m.contributorId) ?? 0n) + m.tokens);
      totalTokens += m.tokens;
    }
    if (report.policy === 'time-weighted' && m.entered.position <= position) {
      const exit = m.exited && m.exited.position <= position ? m.exited.time : Infinity;
      const from = Math.max(m.entered.time, start);
      const to = Math.min(exit, end);
      if (to > from) weights.set(m.contributorId, (weights.get(m.contributorId) ?? 0n) + m.tokens * BigInt(to - from));
    }
  }
  const source = report.policy === 'snapshot' ? tokens : weights;
  const shares = [...source].filter(([, w]) => w > 0n).map(([id, w]) => ({ id, w }));
  shares.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const amounts = refAllocate(poolAmount, shares);
  const totalWeight = shares.reduce((s, x) => s + x.w, 0n);
  const records: RecordedAllocation[] = shares.map((s, i) => ({
    contributorId: s.id,
    tokens: (tokens.get(s.id) ?? 0n).toString(),
    weight: s.w.toString(),
    amount: refFormat(amounts[i], exp),
  }));
  const allocated = amounts.reduce((s, x) => s + x, 0n);
  const base = { revenueId: report.revenueId, consumerId: report.consumerId };
  const events: PayoutRunEvent[] = [
    {
      type: 'PayoutRunStarted',
      data: {
        ...base,
        poolPosition: position,
        policy: report.policy,
        currency: report.currency,
        amount: report.amount,
        alpha: report.alpha,
        periodStart: report.periodStart,
        periodEnd: report.periodEnd,
        roundingRuleVersion: ROUNDING_RULE_VERSION,
      },
    },
  ];
  for (let i = 0; i < records.length; i += ALLOCATIONS_PER_CHUNK) {
    events.push({
      type: 'PayoutRunAllocationsRecorded',
      data: {
        ...base,
        currency: report.currency,
        chunkIndex: i / ALLOCATIONS_PER_CHUNK,
        allocations: records.slice(i, i + ALLOCATIONS_PER_CHUNK),
      },
    });
  }
  events.push({
    type: 'PayoutRunCompleted',
    data: {
      ...base,
      poolPosition: position,
      policy: report.policy,
      currency: report.currency,
      amount: report.amount,
      alpha: report.alpha,
      totalTokens: totalTokens.toString(),
      totalWeight: totalWeight.toString(),
      poolAmount: refFormat(poolAmount, exp),
      remainder: refFormat(amount - poolAmount, exp),
      unallocated: refFormat(poolAmount - allocated, exp),
      allocated: refFormat(allocated, exp),
      chunkCount: events.length - 1,
      allocationCount: records.length,
      rootHash: createHash('sha256')
        .update(records.map((r) => canonicalJson(r) + '\n').join(''))
        .digest('hex'),
      roundingRuleVersion: ROUNDING_RULE_VERSION,
    },
  });
  return events;
}

// Ids that exercise code-unit order (upper before lower, non-ASCII, astral) and JSON escaping.
const idArb = fc.oneof(
  fc.constantFrom('a', 'b', 'B', 'ab', 'a b', 'é', 'ä', '\u{1F600}', 'z\uFFFF', 'q"x', 'back\\slash', 'tab\t', '\u2028'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }),
  fc.uuid(),
);
const datasetArb = fc.record({
  contributor: idArb,
  // small token counts make equal remainders (ties) frequent; large ones force the bigint path
  tokens: fc.oneof(fc.bigInt({ min: 0n, max: 5n }), fc.bigInt({ min: 0n, max: 10n ** 6n }), fc.bigInt({ min: 0n, max: 10n ** 22n })),
  enterH: fc.integer({ min: -5, max: 15 }),
  stayH: fc.option(fc.integer({ min: 0, max: 20 })),
});
const runArb = fc.record({
  datasets: fc.array(datasetArb, { maxLength: 40 }),
  amountMinor: fc.oneof(
    fc.bigInt({ min: 1n, max: 1000n }),
    fc.bigInt({ min: 1n, max: 10n ** 12n }),
    fc.bigInt({ min: 1n, max: 10n ** 27n }),
  ),
  alphaMicros: fc.integer({ min: 1, max: 1_000_000 }),
  currency: fc.constantFrom('USD', 'JPY', 'KWD'),
  policy: fc.constantFrom('snapshot' as const, 'time-weighted' as const),
});

function logOf(datasets: { contributor: string; tokens: bigint; enterH: number; stayH: number | null }[]): LoggedEvent[] {
  const marks: { time: number; make: (p: number) => LoggedEvent }[] = [];
  datasets.forEach((d, i) => {
    const enter = T0 + d.enterH * H;
    const ev =
      (type: string, time: number) =>
      (p: number): LoggedEvent =>
        ({
          type,
          data: { kind: 'contribution', contributorId: d.contributor, datasetId: `d${i}`, tokens: d.tokens.toString() },
          position: p,
          metadata: { recordedAt: new Date(time).toISOString() },
        }) as LoggedEvent;
    marks.push({ time: enter, make: ev('DatasetAccepted', enter) });
    if (d.stayH !== null) marks.push({ time: enter + d.stayH * H + 1, make: ev('DatasetWithdrawn', enter + d.stayH * H + 1) });
  });
  marks.sort((x, y) => x.time - y.time);
  const events = marks.map((m, i) => m.make(i + 1));
  events.push({
    type: 'RevenueReported',
    data: {},
    position: events.length + 1,
    metadata: { recordedAt: new Date(T0 + 20 * H).toISOString() },
  } as LoggedEvent);
  return events;
}

function reportOf(r: {
  amountMinor: bigint;
  alphaMicros: number;
  currency: string;
  policy: 'snapshot' | 'time-weighted';
}): RevenueReported['data'] {
  const exp = currencyExponent(r.currency);
  return {
    revenueId: 'r1',
    consumerId: 'k1',
    amount: refFormat(r.amountMinor, exp),
    currency: r.currency,
    periodStart: new Date(T0).toISOString(),
    periodEnd: new Date(T0 + 10 * H).toISOString(),
    alpha: (r.alphaMicros / 1e6).toFixed(6),
    policy: r.policy,
    agreementEffectiveFrom: new Date(T0).toISOString(),
    idempotencyKey: 'k',
    inputHash: 'x',
    reportedAt: new Date(T0 + 20 * H).toISOString(),
  };
}

describe('computePayoutRun against a naive reference', () => {
  it('gives byte-identical events on random pools (ties, both arithmetic paths, escaping ids)', () => {
    fc.assert(
      fc.property(runArb, (r) => {
        const events = logOf(r.datasets);
        const position = events.length;
        const report = reportOf(r);
        const run = computePayoutRun({ report, reportPosition: position, pool: PoolState.fromEvents(events) });
        expect(canonicalJson(run.events)).toBe(canonicalJson(referenceRun(report, position, PoolState.fromEvents(events))));
      }),
      { numRuns: 500 },
    );
  });

  it('gives byte-identical events over several chunks, with many equal weights', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2001, max: 5000 }),
        fc.integer({ min: 1, max: 7 }),
        fc.bigInt({ min: 1n, max: 10n ** 9n }),
        fc.constantFrom('snapshot' as const, 'time-weighted' as const),
        (n, spread, amountMinor, policy) => {
          const datasets = Array.from({ length: n }, (_, i) => ({
            contributor: `c${(i * 7919) % n}`,
            tokens: BigInt(1 + (i % spread)),
            enterH: i % 3,
            stayH: null,
          }));
          const events = logOf(datasets);
          const report = reportOf({ amountMinor, alphaMicros: 300_000, currency: 'USD', policy });
          const run = computePayoutRun({ report, reportPosition: events.length, pool: PoolState.fromEvents(events) });
          expect(canonicalJson(run.events)).toBe(canonicalJson(referenceRun(report, events.length, PoolState.fromEvents(events))));
        },
      ),
      { numRuns: 10 },
    );
  });
});

describe('allocate against a naive reference', () => {
  it('gives the same amounts for shares in any order, on both arithmetic paths', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.bigInt({ min: 0n, max: 1000n }), fc.bigInt({ min: 0n, max: 10n ** 30n })),
        fc.uniqueArray(fc.record({ id: idArb, w: fc.oneof(fc.bigInt({ min: 0n, max: 4n }), fc.bigInt({ min: 0n, max: 10n ** 20n })) }), {
          selector: (s) => s.id,
          maxLength: 30,
        }),
        (pool, shares) => {
          const got = allocate(
            pool,
            shares.map((s) => ({ contributorId: s.id, weight: s.w })),
          ).allocations.map((a) => a.amount);
          expect(got).toEqual(refAllocate(pool, shares));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('allocationLine', () => {
  it('is byte-identical to canonicalJson + newline for any code units, lone surrogates and escapes included', () => {
    const str = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string({ unit: fc.constantFrom('"', '\\', '\u0000', '\u001f', '\u007f', '\u2028', '\ud800', '\udc00', 'a', '\u{1F600}') }),
    );
    fc.assert(
      fc.property(fc.record({ contributorId: str, tokens: str, weight: str, amount: str }), (a) => {
        expect(allocationLine(a)).toBe(canonicalJson(a) + '\n');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('codeUnitOrder', () => {
  it('is the order of the built-in string sort, for any distinct keys (surrogates, prefixes, shared prefixes)', () => {
    const key = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 8 }),
      fc.string({ unit: fc.constantFrom('a', 'b', 'A', '\ud800', '\udfff', '\uffff', '\u0000'), maxLength: 12 }),
      fc.uuid(),
    );
    fc.assert(
      fc.property(fc.uniqueArray(key, { maxLength: 300 }), (keys) => {
        expect(Array.from(codeUnitOrder(keys), (i) => keys[i])).toEqual(keys.slice().sort());
      }),
      { numRuns: 1000 },
    );
  });

  it('agrees on large groups sharing long prefixes, where the radix partitioning (not the small-range insertion sort) decides', () => {
    const key = fc.string({ unit: fc.constantFrom('a', 'b', '\u0000', '\ud800', '\uffff'), maxLength: 7 });
    fc.assert(
      fc.property(fc.uniqueArray(key, { minLength: 200, maxLength: 3000 }), (keys) => {
        expect(Array.from(codeUnitOrder(keys), (i) => keys[i])).toEqual(keys.slice().sort());
      }),
      { numRuns: 50 },
    );
  });
});
