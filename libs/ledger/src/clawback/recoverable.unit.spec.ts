import fc from 'fast-check';
import { computeRunAdjustment } from '../corrections/compute-run-adjustment';
import { correctionIdFor } from '../corrections/correction-identity';
import { LoggedEvent } from '../events/ledger-event';
import { computePayoutRun } from '../payout-runs/compute-payout-run';
import { PoolState } from '../pool/pool-state';
import { Balances } from '../postings/balances';
import { accounts } from '../postings/postings';
import { RevenueReported } from '../revenue/revenue.events';
import { contributorDecider } from '../contributors/contributor.decider';
import { given } from '../testing/given-when-then';
import { ConflictError } from '@1tt/domain-errors';
import { payablePosition } from './recoverable';

const T0 = Date.UTC(2025, 0, 1);
const meta = (p: number) => ({ recordedAt: new Date(T0 + p * 1000).toISOString() });

/** A small log builder: positions in order, postings through the ledger's own Balances. */
class Log {
  readonly events: LoggedEvent[] = [];
  readonly pool = new PoolState();
  add(type: string, data: unknown): LoggedEvent {
    const e = { type, data, position: this.events.length + 1, metadata: meta(this.events.length + 1) };
    this.events.push(e);
    this.pool.apply(e);
    return e;
  }
  report(revenueId: string, amount: string): { report: RevenueReported['data']; position: number } {
    const report: RevenueReported['data'] = {
      revenueId,
      consumerId: 'k',
      amount,
      currency: 'EUR',
      periodStart: new Date(T0).toISOString(),
      periodEnd: new Date(T0 + 1000).toISOString(),
      alpha: '0.5',
      policy: 'snapshot',
      agreementEffectiveFrom: new Date(T0).toISOString(),
      idempotencyKey: revenueId,
      inputHash: 'h',
      reportedAt: new Date(T0).toISOString(),
    };
    const e = this.add('RevenueReported', report);
    for (const r of computePayoutRun({ report, reportPosition: e.position, pool: this.pool }).events) this.add(r.type, r.data);
    return { report, position: e.position };
  }
  correct(r: { report: RevenueReported['data']; position: number }, previousAmount: string, amount: string): void {
    const correction = {
      revenueId: r.report.revenueId,
      consumerId: 'k',
      correctionId: correctionIdFor(r.report.revenueId, amount),
      currency: 'EUR',
      previousAmount,
      amount,
      reversal: amount === '0.00',
      reason: 'test',
      idempotencyKey: amount,
      inputHash: 'h',
      correctedAt: new Date(T0).toISOString(),
    };
    this.add('RevenueCorrected', correction);
    for (const a of computeRunAdjustment({ report: r.report, reportPosition: r.position, pool: this.pool, correction }).events)
      this.add(a.type, a.data);
  }
  settle(contributorId: string, amount: string): void {
    this.add('PayoutSettled', { contributorId, amount, currency: 'EUR', reference: `ref-${this.events.length}`, settledAt: '' });
  }
  balance(contributorId: string): bigint {
    return Balances.fromEvents(this.events).balance(accounts.contributorPayable(contributorId), 'EUR');
  }
}

describe('clawback: recoverable balances, never a negative payout', () => {
  it('a correction after payment leaves a recoverable balance that the next allocation nets first', () => {
    const log = new Log();
    log.add('DatasetAccepted', { kind: 'contribution', contributorId: 'ann', datasetId: 'd1', tokens: '100' });
    const first = log.report('r1', '1000.00'); // ann gets 500.00
    log.settle('ann', '500.00');
    log.correct(first, '1000.00', '100.00'); // ann's share becomes 50.00: 450.00 too much paid
    expect(payablePosition(log.balance('ann'))).toEqual({ payable: 0n, recoverable: 45000n });
    log.report('r2', '200.00'); // +100.00: recovers 100.00 of 450.00
    expect(payablePosition(log.balance('ann'))).toEqual({ payable: 0n, recoverable: 35000n });
    log.report('r3', '1000.00'); // +500.00: 350.00 recovered, 150.00 payable again
    expect(payablePosition(log.balance('ann'))).toEqual({ payable: 15000n, recoverable: 0n });
  });

  it('nothing settles while the balance is recoverable, and never more than the payable part', () => {
    const settled = {
      type: 'PayoutSettled' as const,
      data: { contributorId: 'ann', amount: '500.00', currency: 'EUR', reference: 'w1', settledAt: '' },
    };
    const registered = { type: 'ContributorRegistered' as const, data: { contributorId: 'ann', displayName: 'Ann', registeredAt: '' } };
    const settle = (amount: string) => ({
      type: 'SettlePayout' as const,
      data: { contributorId: 'ann', amount, currency: 'EUR', reference: `w-${amount}` },
    });
    // allocated to date 50.00 (after the correction), settled 500.00: payable part 0
    given(contributorDecider, [registered, settled])
      .when(settle('0.01'), { now: new Date(T0), allocatedToDate: 5000n })
      .thenThrows(ConflictError, 'settlement-exceeds-payable');
  });

  it('property: the split is exact: payable − recoverable is the signed balance, both ≥ 0, at most one non-zero', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), (b) => {
        const p = payablePosition(b);
        expect(p.payable >= 0n && p.recoverable >= 0n).toBe(true);
        expect(p.payable - p.recoverable).toBe(b);
        expect(p.payable === 0n || p.recoverable === 0n).toBe(true);
      }),
    );
  });
});
