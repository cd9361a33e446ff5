import type { RecordedEvent } from '@1tt/event-store';
import { createLedgerAudit, replayLog, verifyLog, type LogHeader, type LogLine } from '@1tt/audit';
import { ledgerSpecs, record, rerecord } from './support/ledger-log';

const header = (toPosition: number): LogHeader => ({ format: '1tt-log', version: 1, exportedAt: '2025-03-01T00:00:00.000Z', fromPosition: 1, toPosition, contiguousPositions: true });

async function* lines(events: RecordedEvent[]): AsyncGenerator<LogLine> {
  let line = 1;
  for (const event of events) yield { line: ++line, event };
}

const verify = (events: RecordedEvent[]) => verifyLog(header(events.length), lines(events), { audits: [createLedgerAudit()] });

describe('ledger recomputation (no signing key)', () => {
  it('passes the hand-computed ledger and recomputes its three runs', async () => {
    const r = await verify(record(ledgerSpecs()));
    expect(r.problems).toEqual([]);
    expect(r.domain).toEqual({ revenueReports: 3, payoutRunsRecomputed: 3, settlements: 1, revenueAwaitingPayout: 0 });
  });

  it('names the run whose allocation amount was changed and re-hashed', async () => {
    const log = record(ledgerSpecs());
    (log[15].data as { allocations: Array<{ amount: string }> }).allocations[2].amount = '1600';
    const r = await verify(rerecord(log));
    expect(r.problems[0]).toMatchObject({ code: 'payout-allocation-amount-differs', position: 16, streamName: 'payout-run-r1', expected: '15.00 USD', actual: '16.00 USD' });
  });

  it('names the first run a re-hashed token count change affects', async () => {
    const log = record(ledgerSpecs());
    (log[12].data as { tokens: number }).tokens = 400; // d3 (c3) at position 13
    const r = await verify(rerecord(log));
    expect(r.problems[0]).toMatchObject({ code: 'payout-total-tokens-differs', position: 16, streamName: 'payout-run-r1' });
  });

  it('names a forged revenue report inserted with every later position renumbered', async () => {
    const specs = ledgerSpecs();
    specs.splice(20, 0, { stream: 'revenue-forged', type: 'RevenueReported', data: { revenueId: 'forged', consumerId: 'acme', amount: '5000.00', currency: 'USD', alpha: '0.3' } });
    const r = await verify(record(specs));
    expect(r.problems[0]).toMatchObject({ code: 'revenue-never-paid', position: 21 });
    expect(r.problems.map((p) => p.code)).toContain('payout-pool-position-differs');
  });

  it('names a settlement larger than the payable balance', async () => {
    const specs = ledgerSpecs();
    (specs[24].data as { amount: string }).amount = '1702'; // c3 was allocated 15.00 + 2.00 + 0.01
    const r = await verify(record(specs));
    expect(r.problems[0]).toMatchObject({ code: 'settlement-exceeds-payable', position: 25 });
  });
});

describe('replayLog', () => {
  it('gives the pool, metrics and balances at three points', async () => {
    const log = record(ledgerSpecs());
    const afterR1 = await replayLog(log, { atPosition: 16 });
    expect(afterR1.pool).toEqual({
      position: 16,
      totalTokens: '600',
      contributors: [
        { contributorId: 'c1', tokens: '100', ratio: '0.166666666666' },
        { contributorId: 'c2', tokens: '200', ratio: '0.333333333333' },
        { contributorId: 'c3', tokens: '300', ratio: '0.5' },
      ],
    });
    expect(afterR1.contributors.find((c) => c.contributorId === 'c3')).toEqual({
      contributorId: 'c3',
      contributionRatio: '0.5',
      tokens: '300',
      currentRevenue: { USD: '15.00' },
      expectedPayout: { USD: '15.00' },
      paidOut: {},
      balance: { USD: '15.00' },
    });

    const beforeR2 = await replayLog(log, { asOf: log[19].metadata.recordedAt });
    expect(beforeR2.position).toBe(20);
    expect(beforeR2.pool.totalTokens).toBe('450');
    expect(beforeR2.contributors.find((c) => c.contributorId === 'c2')).toMatchObject({ tokens: '0', contributionRatio: '0', currentRevenue: { USD: '10.00' }, balance: { USD: '10.00' } });

    const end = await replayLog(log, { atPosition: 25 });
    const c1 = end.contributors.find((c) => c.contributorId === 'c1');
    const c3 = end.contributors.find((c) => c.contributorId === 'c3');
    expect(c1).toMatchObject({ currentRevenue: { USD: '6.01' }, paidOut: {}, balance: { USD: '6.01' }, expectedPayout: { USD: '0.00' } });
    expect(c3).toMatchObject({ currentRevenue: { USD: '17.01' }, paidOut: { USD: '15.00' }, balance: { USD: '2.01' }, expectedPayout: { USD: '0.01' } });
    expect(end.payoutRuns.map((r) => [r.revenueId, r.poolAmount, r.remainder])).toEqual([
      ['r1', '30.00', '70.00'],
      ['r2', '3.00', '7.01'],
      ['r3', '0.02', '0.05'],
    ]);
    expect(end.postingTotals).toEqual({ USD: '0.00' });
    expect(end.balances).toContainEqual({ account: 'paid-out', currency: 'USD', balance: '-15.00' });
  });
});
