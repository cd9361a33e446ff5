import fc from 'fast-check';
import { LoggedEvent } from '../events/ledger-event';
import { formatMinor, parseNonNegativeAmount, parseSignedAmount } from '../money';
import { computePayoutRun } from '../payout-runs/compute-payout-run';
import { PoolState } from '../pool/pool-state';
import { accounts } from '../postings/postings';
import { Balances } from '../postings/balances';
import { RevenueReported } from '../revenue/revenue.events';
import { computeRunAdjustment } from './compute-run-adjustment';
import { correctionIdFor } from './correction-identity';
import { RevenueCorrected } from './revenue-correction.events';

const T0 = Date.UTC(2025, 0, 1);
const at = (position: number) => ({ recordedAt: new Date(T0 + position * 1000).toISOString() });

function poolOf(tokens: readonly number[]): { pool: PoolState; log: LoggedEvent[] } {
  const log: LoggedEvent[] = tokens.map((t, i) => ({
    type: 'DatasetAccepted',
    data: { kind: 'contribution', contributorId: `c${String(i).padStart(4, '0')}`, datasetId: `d${i}`, tokens: String(t) },
    position: i + 1,
    metadata: at(i + 1),
  }));
  return { pool: PoolState.fromEvents(log), log };
}

function reportAt(position: number, amount: string, policy: 'snapshot' | 'time-weighted' = 'snapshot'): RevenueReported['data'] {
  return {
    revenueId: 'r1',
    consumerId: 'k1',
    amount,
    currency: 'USD',
    periodStart: new Date(T0).toISOString(),
    periodEnd: new Date(T0 + 3_600_000).toISOString(),
    alpha: '0.37',
    policy,
    agreementEffectiveFrom: new Date(T0).toISOString(),
    idempotencyKey: 'k',
    inputHash: 'h',
    reportedAt: new Date(T0 + position * 1000).toISOString(),
  };
}

function correction(previousAmount: string, amount: string, key = 'fix'): RevenueCorrected['data'] {
  return {
    revenueId: 'r1',
    consumerId: 'k1',
    correctionId: correctionIdFor('r1', key),
    currency: 'USD',
    previousAmount,
    amount,
    reversal: amount === '0.00',
    reason: 'test',
    idempotencyKey: key,
    inputHash: 'h',
    correctedAt: new Date(T0).toISOString(),
  };
}

/** The whole story as a log: datasets, report, run, then each correction and its adjustment; positions in order. */
function story(tokens: number[], amount: string, corrections: string[], policy: 'snapshot' | 'time-weighted' = 'snapshot') {
  const { pool, log } = poolOf(tokens);
  let position = log.length;
  const reportPosition = ++position;
  const report = reportAt(reportPosition, amount, policy);
  pool.apply({ type: 'RevenueReported', data: report, position: reportPosition, metadata: at(reportPosition) });
  const events: LoggedEvent[] = [...log, { type: 'RevenueReported', data: report, position: reportPosition, metadata: at(reportPosition) }];
  for (const e of computePayoutRun({ report, reportPosition, pool }).events)
    events.push({ ...e, position: ++position, metadata: at(position) });
  let previous = amount;
  const adjustments = [];
  for (const [i, next] of corrections.entries()) {
    const c = correction(previous, next, `fix-${i}`);
    events.push({ type: 'RevenueCorrected', data: c, position: ++position, metadata: at(position) });
    const result = computeRunAdjustment({ report, reportPosition, pool, correction: c });
    adjustments.push(result);
    for (const e of result.events) events.push({ ...e, position: ++position, metadata: at(position) });
    previous = next;
  }
  return { pool, report, reportPosition, events, adjustments, balances: Balances.fromEvents(events) };
}

const payable = (b: Balances, id: string) => b.balance(accounts.contributorPayable(id), 'USD');
const amountArb = fc.bigInt({ min: 1n, max: 10n ** 12n }).map((m) => formatMinor(m, 'USD'));

describe('computeRunAdjustment', () => {
  it('a run over 1,000 contributors corrected from 100000.00 to 1000.00 moves exactly the difference', () => {
    const tokens = Array.from({ length: 1000 }, (_, i) => 1 + ((i * 7919) % 9973));
    const s = story(tokens, '100000.00', ['1000.00']);
    const fresh = computePayoutRun({ report: { ...s.report, amount: '1000.00' }, reportPosition: s.reportPosition, pool: s.pool });
    const want = new Map<string, bigint>();
    for (const e of fresh.events)
      if (e.type === 'PayoutRunAllocationsRecorded')
        for (const a of e.data.allocations) want.set(a.contributorId, parseNonNegativeAmount(a.amount, 'USD'));
    expect(want.size).toBe(1000);
    for (const [id, amount] of want) expect(payable(s.balances, id)).toBe(amount);
    const adjusted = s.adjustments[0].adjusted;
    expect(adjusted.adjustmentCount).toBe(1000);
    // 30% of 99,000.00 moved back: allocated 30,000.00 → 300.00 (α 0.37: 37,000.00 → 370.00)
    expect(adjusted.adjusted).toBe('-36630.00');
    expect(adjusted.retainedAdjustment).toBe('-62370.00');
    expect(adjusted.allocated).toBe(fresh.completed.allocated);
    expect(adjusted.rootHash).toBe(fresh.completed.rootHash);
    expect(s.balances.balance(accounts.pool('r1'), 'USD')).toBe(0n);
    expect(s.balances.balance(accounts.consumerReceivable('k1'), 'USD')).toBe(-100000n);
    expect([...s.balances.totals().values()]).toEqual([0n]);
  });

  it('a reversal returns every payable to zero net and the consumer owes nothing', () => {
    const s = story([5, 3, 2, 1, 1], '10.01', ['0.00']);
    for (const id of ['c0000', 'c0001', 'c0002', 'c0003', 'c0004']) expect(payable(s.balances, id)).toBe(0n);
    for (const b of s.balances.all()) expect(b.amount).toBe(0n);
    expect(s.adjustments[0].adjusted).toMatchObject({ poolAmount: '0.00', allocated: '0.00', remainder: '0.00', unallocated: '0.00' });
  });

  it('an empty pool: only what the consumer retains changes', () => {
    const s = story([], '100.00', ['50.00']);
    expect(s.adjustments[0].events.map((e) => e.type)).toEqual(['PayoutRunAdjusted']);
    expect(s.adjustments[0].adjusted).toMatchObject({ adjusted: '0.00', retainedAdjustment: '-50.00', unallocated: '18.50' });
    expect(s.balances.balance(accounts.consumerRetained('k1'), 'USD')).toBe(5000n);
  });

  it('property: after any chain of corrections each net allocation is the run at the last amount; pool zero; every currency sums to zero', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { maxLength: 30 }),
        amountArb,
        fc.array(fc.oneof(amountArb, fc.constant('0.00')), { minLength: 1, maxLength: 4 }),
        fc.constantFrom('snapshot' as const, 'time-weighted' as const),
        (tokens, amount, chain, policy) => {
          const corrections = chain.filter((a, i) => a !== (i === 0 ? amount : chain[i - 1]));
          fc.pre(corrections.length > 0 && corrections.every((a, i) => a !== (i === 0 ? amount : corrections[i - 1])));
          const s = story(tokens, amount, corrections, policy);
          const last = corrections[corrections.length - 1];
          const net = new Map<string, bigint>();
          if (last !== '0.00') {
            const fresh = computePayoutRun({ report: { ...s.report, amount: last }, reportPosition: s.reportPosition, pool: s.pool });
            for (const e of fresh.events)
              if (e.type === 'PayoutRunAllocationsRecorded')
                for (const a of e.data.allocations) net.set(a.contributorId, parseNonNegativeAmount(a.amount, 'USD'));
          }
          for (const [i] of tokens.entries()) {
            const id = `c${String(i).padStart(4, '0')}`;
            expect(payable(s.balances, id)).toBe(net.get(id) ?? 0n);
          }
          expect(s.balances.balance(accounts.pool('r1'), 'USD')).toBe(0n);
          expect(s.balances.balance(accounts.consumerReceivable('k1'), 'USD')).toBe(-parseNonNegativeAmount(last, 'USD'));
          for (const total of s.balances.totals().values()) expect(total).toBe(0n);
          // Each adjustment: Σ lines + retained change = the correction's difference.
          for (const a of s.adjustments) {
            const d = a.adjusted;
            const lines = a.events.flatMap((e) => (e.type === 'PayoutRunAdjustmentsRecorded' ? e.data.adjustments : []));
            const sum = lines.reduce((t, l) => t + parseSignedAmount(l.amount, 'USD'), 0n);
            expect(lines.every((l) => l.amount !== '0.00')).toBe(true);
            expect(sum).toBe(parseSignedAmount(d.adjusted, 'USD'));
            expect(sum + parseSignedAmount(d.retainedAdjustment, 'USD')).toBe(
              parseNonNegativeAmount(d.amount, 'USD') - parseNonNegativeAmount(d.previousAmount, 'USD'),
            );
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('property: the adjustment does not depend on the order datasets entered the pool', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 20 }), amountArb, amountArb, (tokens, a, b) => {
        fc.pre(a !== b);
        const forward = story(tokens, a, [b]).adjustments[0].events;
        const { pool, log } = poolOf(tokens);
        const reversed = PoolState.fromEvents(log.map((e, i) => ({ ...log[log.length - 1 - i], position: i + 1, metadata: e.metadata })));
        void pool;
        reversed.apply({ type: 'RevenueReported', data: {}, position: log.length + 1, metadata: at(log.length + 1) });
        const report = reportAt(log.length + 1, a);
        const backward = computeRunAdjustment({
          report,
          reportPosition: log.length + 1,
          pool: reversed,
          correction: correction(a, b, 'fix-0'),
        }).events;
        expect(backward).toEqual(forward);
      }),
      { numRuns: 100 },
    );
  });
});
