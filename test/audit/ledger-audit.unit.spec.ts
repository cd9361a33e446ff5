import { replayLog } from '@1tt/audit';
import { ledgerSpecs, record, rerecord, revenue, verify } from './support/ledger-log';

type Chunk = { allocations: Array<{ contributorId: string; tokens: string; weight: string; amount: string }> };

describe('ledger recomputation with @1tt/ledger (no signing key)', () => {
  it('passes the hand-computed ledger and recomputes its three chunked runs', async () => {
    const log = record(ledgerSpecs());
    const r = await verify(log);
    expect(r.problems).toEqual([]);
    expect(r.domain).toEqual({
      revenueReports: 3,
      payoutRunsRecomputed: 3,
      allocationsRecomputed: 7,
      settlements: 1,
      batchesChecked: 0,
      reconciliationsChecked: 0,
      revenueAwaitingPayout: 0,
      payoutRunsInProgress: 0,
      corrections: 0,
      correctionsRecomputed: 0,
      adjustmentLinesRecomputed: 0,
      correctionsAwaitingAdjustment: 0,
      requestCreditsRecomputed: 0,
      consentChangesAndExclusions: 0,
      adjustmentsInProgress: 0,
    });
    expect((log[16].data as Chunk).allocations.map((a) => a.amount)).toEqual(['5.00', '10.00', '15.00']);
    expect((log[28].data as Chunk).allocations.map((a) => a.amount)).toEqual(['0.01', '0.01']);
  });

  it('names the chunk whose allocation amount was changed and re-hashed', async () => {
    const log = record(ledgerSpecs());
    (log[16].data as Chunk).allocations[2].amount = '16.00';
    const r = await verify(rerecord(log));
    expect(r.problems[0]).toMatchObject({
      code: 'payout-allocation-amount-differs',
      position: 17,
      streamName: 'payout-run-r1',
      expected: '15.00 USD',
      actual: '16.00 USD',
    });
  });

  it('names an allocation line swapped, added or dropped (the one walk of recorded lines against their recomputation)', async () => {
    const tamper = async (edit: (allocations: Chunk['allocations']) => void) => {
      const log = record(ledgerSpecs());
      edit((log[16].data as Chunk).allocations);
      return (await verify(rerecord(log))).problems[0];
    };
    expect(await tamper((a) => a.reverse())).toMatchObject({
      code: 'payout-allocation-order-differs',
      position: 17,
      message: expect.stringContaining('recomputed order has c1 here'),
    });
    expect(await tamper((a) => a.push({ contributorId: 'zz', tokens: '1', weight: '1', amount: '0.01' }))).toMatchObject({
      code: 'payout-allocation-unexpected',
      position: 17,
      actual: { contributorId: 'zz', tokens: '1', weight: '1', amount: '0.01' },
    });
    expect(await tamper((a) => a.pop())).toMatchObject({
      code: 'payout-allocation-missing',
      expected: { contributorId: 'c3', amount: '15.00' },
    });
    expect(await tamper((a) => (a[1].tokens = '201'))).toMatchObject({ code: 'payout-allocation-tokens-differs', position: 17 });
  });

  it('names a run whose lines match but whose totals or chunks do not', async () => {
    const withExtraField = record(ledgerSpecs());
    (withExtraField[16].data as Chunk & { note?: string }).note = 'added later';
    expect((await verify(rerecord(withExtraField))).problems[0]).toMatchObject({
      code: 'payout-chunk-differs',
      position: 17,
      message: expect.stringContaining('allocation chunk 0 differs'),
    });
    const retotalled = record(ledgerSpecs());
    const completed = retotalled.find((e) => e.type === 'PayoutRunCompleted' && e.streamName === 'payout-run-r1')!;
    (completed.data as { totalTokens: string }).totalTokens = '601';
    expect((await verify(rerecord(retotalled))).problems[0]).toMatchObject({
      code: 'payout-total-tokens-differs',
      position: completed.position,
      actual: '601',
    });
  });

  it('names a re-hashed token count change at the dataset and at the first run it affects', async () => {
    const log = record(ledgerSpecs());
    (log[13].data as { tokens: string }).tokens = '400'; // DatasetAccepted d3 (c3) at position 14
    const r = await verify(rerecord(log));
    expect(r.problems[0]).toMatchObject({
      code: 'dataset-tokens-differ',
      position: 14,
      streamName: 'dataset-d3',
      expected: '300',
      actual: '400',
    });
    // c1 comes first: same tokens, but ΣT grew to 700: 30.00 × 100/700 = 4.2857, plus the leftover cent (largest remainder).
    expect(r.problems[1]).toMatchObject({
      code: 'payout-allocation-amount-differs',
      position: 17,
      streamName: 'payout-run-r1',
      expected: '4.29 USD',
      actual: '5.00 USD',
    });
  });

  it('names a forged revenue report inserted with every later position renumbered', async () => {
    const specs = ledgerSpecs();
    specs.splice(20, 0, revenue('forged', '5000.00', 23)); // before r2
    const r = await verify(record(specs));
    expect(r.problems[0]).toMatchObject({ code: 'revenue-never-paid', position: 23, streamName: 'revenue-forged' });
    expect(r.problems).toHaveLength(1);
  });

  it('names a revenue report whose α was changed from the agreement', async () => {
    const specs = ledgerSpecs();
    specs[20] = revenue('r2', '10.01', 23, 'snapshot', '0.1');
    const r = await verify(record(specs));
    expect(r.problems[0]).toMatchObject({ code: 'revenue-agreement-mismatch', position: 23, streamName: 'revenue-r2' });
  });

  it('names a settlement larger than the payable balance', async () => {
    const specs = ledgerSpecs();
    (specs[specs.length - 1] as { data: { amount: string } }).data.amount = '17.02'; // c3 was allocated 15.00 + 2.00 + 0.01
    const r = await verify(record(specs));
    expect(r.problems[0]).toMatchObject({ code: 'settlement-exceeds-payable', position: 31, streamName: 'contributor-c3' });
  });

  it('recomputes a time-weighted run and names a changed weight', async () => {
    const specs = ledgerSpecs().slice(0, 14);
    specs.push(revenue('tw', '60.00', 15, 'time-weighted'));
    specs.push({ run: 'tw' });
    const good = record(specs);
    // The agreement says snapshot: the report's policy differs from it, which the audit names; the run itself must still match.
    const r = await verify(good);
    expect(r.problems.map((p) => p.code)).toEqual(['revenue-agreement-mismatch']);
    const chunk = good[16].data as Chunk;
    expect(chunk.allocations.map((a) => a.weight)).not.toEqual(chunk.allocations.map((a) => a.tokens));
    chunk.allocations[0].weight = '1';
    const bad = await verify(rerecord(good));
    expect(bad.problems[1]).toMatchObject({ code: 'payout-allocation-weight-differs', position: 17, streamName: 'payout-run-tw' });
  });
});

describe('replayLog', () => {
  it('gives the pool, metrics and balances at three points', async () => {
    const log = record(ledgerSpecs());
    const afterR1 = await replayLog(log, { atPosition: 18 });
    expect(afterR1.pool).toEqual({
      position: 18,
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
      payable: { USD: '15.00' },
      recoverable: { USD: '0.00' },
    });

    const beforeR2 = await replayLog(log, { asOf: log[21].metadata.recordedAt });
    expect(beforeR2.position).toBe(22);
    expect(beforeR2.pool.totalTokens).toBe('450');
    expect(beforeR2.contributors.find((c) => c.contributorId === 'c2')).toMatchObject({
      tokens: '0',
      contributionRatio: '0',
      currentRevenue: { USD: '10.00' },
      balance: { USD: '10.00' },
    });

    const end = await replayLog(log, { atPosition: 31 });
    const c1 = end.contributors.find((c) => c.contributorId === 'c1');
    const c3 = end.contributors.find((c) => c.contributorId === 'c3');
    expect(c1).toMatchObject({ currentRevenue: { USD: '6.01' }, paidOut: {}, balance: { USD: '6.01' }, expectedPayout: { USD: '0.00' } });
    expect(c3).toMatchObject({
      currentRevenue: { USD: '17.01' },
      paidOut: { USD: '15.00' },
      balance: { USD: '2.01' },
      expectedPayout: { USD: '0.01' },
    });
    expect(end.payoutRuns.map((r) => [r.revenueId, r.poolAmount, r.remainder])).toEqual([
      ['r1', '30.00', '70.00'],
      ['r2', '3.00', '7.01'],
      ['r3', '0.02', '0.05'],
    ]);
    expect(end.postingTotals).toEqual({ USD: '0.00' });
    expect(end.balances).toContainEqual({ account: 'contributor:c3:paid', currency: 'USD', balance: '15.00' });
    expect(end.balances).toContainEqual({ account: 'contributor:c3:payable', currency: 'USD', balance: '2.01' });
  });
});
