import fc from 'fast-check';
import { canonicalJson, sha256Hex } from '@1tt/canonical-json';
import { IllegalStateError } from '@1tt/domain-errors';
import { LoggedEvent } from '../events/ledger-event';
import { parseNonNegativeAmount } from '../money';
import { PoolState } from '../pool/pool-state';
import { postingsFor } from '../postings/postings';
import { RevenueReported } from '../revenue/revenue.events';
import { allocationLine, allocationRootHash } from './allocation-root-hash';
import { ALLOCATIONS_PER_CHUNK, computePayoutRun } from './compute-payout-run';
import { PayoutRunAllocationsRecorded, PayoutRunEvent, RecordedAllocation } from './payout-run.events';

const T0 = Date.UTC(2025, 0, 1);
const H = 3_600_000;

function accepted(position: number, datasetId: string, contributorId: string, tokens: string, time: number): LoggedEvent {
  return {
    type: 'DatasetAccepted',
    data: { kind: 'contribution', contributorId, datasetId, tokens, acceptedAt: new Date(time).toISOString() },
    position,
    metadata: { recordedAt: new Date(time).toISOString() },
  };
}
function withdrawn(position: number, datasetId: string, contributorId: string, tokens: string, time: number): LoggedEvent {
  return {
    type: 'DatasetWithdrawn',
    data: { kind: 'contribution', contributorId, datasetId, tokens, withdrawnAt: new Date(time).toISOString() },
    position,
    metadata: { recordedAt: new Date(time).toISOString() },
  };
}
function report(over: Partial<RevenueReported['data']> = {}): RevenueReported['data'] {
  return {
    revenueId: 'r1',
    consumerId: 'k1',
    amount: '100.00',
    currency: 'USD',
    periodStart: new Date(T0).toISOString(),
    periodEnd: new Date(T0 + 10 * H).toISOString(),
    alpha: '0.3',
    policy: 'snapshot',
    agreementEffectiveFrom: new Date(T0).toISOString(),
    idempotencyKey: 'k',
    inputHash: 'x',
    reportedAt: new Date(T0 + 20 * H).toISOString(),
    ...over,
  };
}
const marker = (position: number): LoggedEvent => ({
  type: 'RevenueReported',
  data: {},
  position,
  metadata: { recordedAt: new Date(T0 + 20 * H).toISOString() },
});
const allocationsOf = (events: PayoutRunEvent[]) =>
  events.flatMap((e) => (e.type === 'PayoutRunAllocationsRecorded' ? e.data.allocations : []));

describe('computePayoutRun', () => {
  it('holds the whole pool amount as unallocated when the pool is empty', () => {
    const pool = PoolState.fromEvents([marker(1)]);
    const { events, completed } = computePayoutRun({ report: report(), reportPosition: 1, pool });
    expect(events.map((e) => e.type)).toEqual(['PayoutRunStarted', 'PayoutRunCompleted']);
    expect(completed).toMatchObject({
      poolAmount: '30.00',
      remainder: '70.00',
      unallocated: '30.00',
      allocated: '0.00',
      allocationCount: 0,
      chunkCount: 0,
      totalTokens: '0',
      rootHash: sha256Hex(''),
    });
    expect(postingsFor(events[1])).toEqual([
      { account: 'pool:r1', currency: 'USD', amount: -10000n },
      { account: 'consumer:k1:retained', currency: 'USD', amount: 10000n },
    ]);
  });

  it('time-weighted: no fallback when no dataset overlaps the period — the pool amount stays with the consumer', () => {
    // accepted after the period ended
    const pool = PoolState.fromEvents([accepted(1, 'd1', 'c1', '500', T0 + 11 * H), marker(2)]);
    const { completed } = computePayoutRun({ report: report({ policy: 'time-weighted' }), reportPosition: 2, pool });
    expect(completed).toMatchObject({ totalTokens: '500', totalWeight: '0', unallocated: '30.00', allocationCount: 0 });
    // the same pool under snapshot pays c1 everything
    expect(computePayoutRun({ report: report(), reportPosition: 2, pool }).completed).toMatchObject({
      unallocated: '0.00',
      allocated: '30.00',
    });
  });

  it('time-weighted: a last-minute joiner gets a proportionally small share; a dataset withdrawn in the period is paid for its time', () => {
    const pool = PoolState.fromEvents([
      accepted(1, 'd1', 'early', '1000', T0 - H), // whole period: 10 h
      accepted(2, 'd2', 'late', '1000', T0 + 9 * H), // last hour
      accepted(3, 'd3', 'gone', '1000', T0 + 2 * H),
      withdrawn(4, 'd3', 'gone', '1000', T0 + 4 * H), // 2 h
      marker(5),
    ]);
    const events = computePayoutRun({
      report: report({ policy: 'time-weighted', amount: '130.00', alpha: '1' }),
      reportPosition: 5,
      pool,
    }).events;
    expect(allocationsOf(events)).toEqual([
      { contributorId: 'early', tokens: '1000', weight: String(1000 * 10 * H), amount: '100.00' },
      { contributorId: 'gone', tokens: '0', weight: String(1000 * 2 * H), amount: '20.00' },
      { contributorId: 'late', tokens: '1000', weight: String(1000 * H), amount: '10.00' },
    ]);
  });

  it('ignores consumers\u2019 reference corpora and events after the report position', () => {
    const ref: LoggedEvent = {
      type: 'DatasetAccepted',
      data: { kind: 'reference', consumerId: 'k1', datasetId: 'ref', tokens: '999999', acceptedAt: '' },
      position: 2,
      metadata: { recordedAt: new Date(T0).toISOString() },
    };
    const pool = PoolState.fromEvents([
      accepted(1, 'd1', 'c1', '10', T0),
      ref,
      marker(3),
      accepted(4, 'd2', 'c2', '10', T0 + H),
      withdrawn(5, 'd1', 'c1', '10', T0 + H),
    ]);
    expect(allocationsOf(computePayoutRun({ report: report(), reportPosition: 3, pool }).events)).toEqual([
      { contributorId: 'c1', tokens: '10', weight: '10', amount: '30.00' },
    ]);
  });

  it('refuses to run on a pool fold that has not reached the report', () => {
    const pool = PoolState.fromEvents([accepted(1, 'd1', 'c1', '10', T0)]);
    expect(() => computePayoutRun({ report: report(), reportPosition: 2, pool })).toThrow(IllegalStateError);
  });

  it('chunks large runs in contributorId order and hashes the NDJSON of all allocations', () => {
    const n = 2 * ALLOCATIONS_PER_CHUNK + 500;
    const events: LoggedEvent[] = [];
    for (let i = 0; i < n; i++) events.push(accepted(i + 1, `d${i}`, `c${String(n - i).padStart(5, '0')}`, String(1 + (i % 7)), T0));
    events.push(marker(n + 1));
    const run = computePayoutRun({ report: report({ amount: '12345.67' }), reportPosition: n + 1, pool: PoolState.fromEvents(events) });
    const chunks = run.events.filter((e): e is PayoutRunAllocationsRecorded => e.type === 'PayoutRunAllocationsRecorded');
    expect(chunks.map((c) => [c.data.chunkIndex, c.data.allocations.length])).toEqual([
      [0, 2000],
      [1, 2000],
      [2, 500],
    ]);
    const all = allocationsOf(run.events);
    const ids = all.map((a) => a.contributorId);
    expect(ids).toEqual([...ids].sort());
    expect(run.completed).toMatchObject({ chunkCount: 3, allocationCount: n });
    expect(run.completed.rootHash).toBe(sha256Hex(all.map((a) => canonicalJson(a) + '\n').join('')));
    expect(allocationRootHash(all.slice(1))).not.toBe(run.completed.rootHash);
  });

  it('keeps a worst-case chunk (longest ids and numbers) well under 1 MiB', () => {
    const worst: RecordedAllocation = {
      contributorId: 'x'.repeat(64),
      tokens: '9'.repeat(24),
      weight: '9'.repeat(40),
      amount: '9'.repeat(28) + '.99',
    };
    const chunk: PayoutRunAllocationsRecorded = {
      type: 'PayoutRunAllocationsRecorded',
      data: {
        revenueId: 'r'.repeat(64),
        consumerId: 'k'.repeat(64),
        currency: 'USD',
        chunkIndex: 99999,
        allocations: Array(ALLOCATIONS_PER_CHUNK).fill(worst),
      },
    };
    expect(Buffer.byteLength(canonicalJson(chunk))).toBeLessThan(512 * 1024);
  });
});

describe('payout run properties', () => {
  const poolArb = fc.array(
    fc.record({
      contributor: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
      tokens: fc.bigInt({ min: 0n, max: 10n ** 12n }),
      enterH: fc.integer({ min: -5, max: 15 }),
      stayH: fc.option(fc.integer({ min: 0, max: 20 })),
    }),
    { maxLength: 25 },
  );
  const runArb = fc.record({
    datasets: poolArb,
    amountMinor: fc.bigInt({ min: 1n, max: 10n ** 15n }),
    alphaMicros: fc.integer({ min: 1, max: 1_000_000 }),
    currency: fc.constantFrom('USD', 'JPY', 'KWD'),
    policy: fc.constantFrom('snapshot' as const, 'time-weighted' as const),
  });

  type RunInput = typeof runArb extends fc.Arbitrary<infer T> ? T : never;
  function build(r: RunInput) {
    // entries and exits sorted by time so that recordedAt is non-decreasing with position, as in a real log
    const marks: { time: number; event: (p: number) => LoggedEvent }[] = [];
    r.datasets.forEach((d, i) => {
      const enter = T0 + d.enterH * H;
      marks.push({ time: enter, event: (p) => accepted(p, `d${i}`, d.contributor, d.tokens.toString(), enter) });
      if (d.stayH !== null)
        marks.push({
          time: enter + d.stayH * H + 1,
          event: (p) => withdrawn(p, `d${i}`, d.contributor, d.tokens.toString(), enter + (d.stayH ?? 0) * H + 1),
        });
    });
    marks.sort((x, y) => x.time - y.time);
    const events = marks.map((m, i) => m.event(i + 1));
    events.push(marker(events.length + 1));
    const exp = { USD: 2, JPY: 0, KWD: 3 }[r.currency];
    const s = r.amountMinor.toString().padStart(exp + 1, '0');
    const amount = exp === 0 ? s : `${s.slice(0, -exp)}.${s.slice(-exp)}`;
    const alpha = (r.alphaMicros / 1e6).toFixed(6);
    return { events, rep: report({ amount, currency: r.currency, alpha, policy: r.policy }) };
  }

  it('allocations + unallocated = floor(amount × α); remainder + poolAmount = amount; postings sum to zero per event; recomputation is identical', () => {
    fc.assert(
      fc.property(runArb, (r) => {
        const { events, rep } = build(r);
        const position = events.length;
        const run = computePayoutRun({ report: rep, reportPosition: position, pool: PoolState.fromEvents(events) });
        const c = run.completed;
        const minor = (s: string) => parseNonNegativeAmount(s, r.currency);
        const poolAmount = (r.amountMinor * BigInt(r.alphaMicros)) / 1_000_000n;
        expect(minor(c.poolAmount)).toBe(poolAmount);
        expect(minor(c.poolAmount) + minor(c.remainder)).toBe(r.amountMinor);
        const allocated = allocationsOf(run.events).reduce((s, a) => s + minor(a.amount), 0n);
        expect(allocated).toBe(minor(c.allocated));
        expect(allocated + minor(c.unallocated)).toBe(poolAmount);
        expect(minor(c.unallocated) === 0n || c.allocationCount === 0).toBe(true);

        const revenue = { type: 'RevenueReported', data: rep };
        let poolBalance = 0n;
        for (const e of [revenue, ...run.events]) {
          const postings = postingsFor(e);
          expect(postings.reduce((s, p) => s + p.amount, 0n)).toBe(0n);
          for (const p of postings) if (p.account === 'pool:r1') poolBalance += p.amount;
        }
        expect(poolBalance).toBe(0n);

        const again = computePayoutRun({
          report: rep,
          reportPosition: position,
          pool: PoolState.fromEvents(events.map((e) => ({ ...e }))),
        });
        expect(canonicalJson(again.events)).toBe(canonicalJson(run.events));
      }),
      { numRuns: 200 },
    );
  });
});

describe('allocationLine', () => {
  it('is byte-identical to canonicalJson + newline, including ids that need escaping', () => {
    fc.assert(
      fc.property(fc.record({ contributorId: fc.string(), tokens: fc.string(), weight: fc.string(), amount: fc.string() }), (a) => {
        expect(allocationLine(a)).toBe(canonicalJson(a) + '\n');
      }),
    );
  });
});
