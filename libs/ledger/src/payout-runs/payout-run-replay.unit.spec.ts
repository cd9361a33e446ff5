import { consumerDecider } from '../consumers/consumer.decider';
import { contributorDecider } from '../contributors/contributor.decider';
import { datasetDecider } from '../datasets/dataset.decider';
import { LoggedEvent } from '../events/ledger-event';
import { PoolState } from '../pool/pool-state';
import { Balances } from '../postings/balances';
import { accounts } from '../postings/postings';
import { revenueDecider } from '../revenue/revenue.decider';
import { RevenueReported } from '../revenue/revenue.events';
import { streamNames } from '../streams/stream-names';
import { InMemoryLedgerLog } from '../testing/in-memory-ledger-log';
import { computePayoutRun } from './compute-payout-run';
import { payoutRunDecider, payoutRunDifferences } from './payout-run.decider';
import { PayoutRunAllocationsRecorded, PayoutRunCompleted } from './payout-run.events';

const day = (d: number) => new Date(Date.UTC(2025, 0, d));

/**
 * Builds a log the way the service would: commands through the deciders,
 * three revenue reports interleaved with acceptances and withdrawals.
 */
function buildLog() {
  const log = new InMemoryLedgerLog();
  const ctx = (d: number) => ({ now: day(d) });
  for (const id of ['c1', 'c2', 'c3'])
    log.execute(
      contributorDecider,
      streamNames.contributor(id),
      { type: 'RegisterContributor', data: { contributorId: id, displayName: id.toUpperCase() } },
      ctx(1),
    );
  log.execute(
    consumerDecider,
    streamNames.consumer('k1'),
    { type: 'RegisterConsumer', data: { consumerId: 'k1', displayName: 'LLM Co' } },
    ctx(1),
  );
  log.execute(
    consumerDecider,
    streamNames.consumer('k1'),
    { type: 'AgreeRevenueShare', data: { consumerId: 'k1', alpha: '0.5', currency: 'USD', policy: 'snapshot' } },
    ctx(1),
  );

  const contribute = (datasetId: string, contributorId: string, tokens: string, d: number) => {
    const s = streamNames.dataset(datasetId);
    const sha = datasetId.padEnd(64, '0').replace(/[^0-9a-f]/g, 'a');
    log.execute(
      datasetDecider,
      s,
      {
        type: 'RecordDatasetUpload',
        data: {
          kind: 'contribution',
          contributorId,
          datasetId,
          fileName: `${datasetId}.txt`,
          format: 'txt',
          compression: 'none',
          sizeBytes: 10,
          sha256: sha,
          blobRef: `sha256:${sha}`,
          textField: null,
        },
      },
      { now: day(d), ownerRegistered: true },
    );
    log.execute(
      datasetDecider,
      s,
      {
        type: 'RecordDatasetPreprocessing',
        data: {
          datasetId,
          pipeline: { name: 'default', version: '1', configHash: 'h' },
          documentsIn: 1,
          documentsKept: 1,
          removed: {},
          duplicatesOfEarlier: 0,
          manifestRoot: sha,
          reportBlobRef: 'r',
        },
      },
      ctx(d),
    );
    log.execute(datasetDecider, s, { type: 'RecordDatasetTokenCount', data: { datasetId, tokenizer: 'o200k_base', tokens } }, ctx(d));
    log.execute(datasetDecider, s, { type: 'AcceptDataset', data: { datasetId } }, ctx(d));
  };
  const withdraw = (datasetId: string, contributorId: string, d: number) =>
    log.execute(
      datasetDecider,
      streamNames.dataset(datasetId),
      { type: 'WithdrawDataset', data: { datasetId, requestedBy: { role: 'contributor', id: contributorId } } },
      ctx(d),
    );
  const reportRevenue = (key: string, amount: string, periodStart: Date, periodEnd: Date, d: number) => {
    const consumer = log.state(consumerDecider, streamNames.consumer('k1'));
    const command = {
      type: 'ReportRevenue' as const,
      data: {
        consumerId: 'k1',
        amount,
        currency: 'USD',
        periodStart: periodStart.toISOString(),
        periodEnd: periodEnd.toISOString(),
        idempotencyKey: key,
      },
    };
    const probe = revenueDecider.decide(command, revenueDecider.initialState, { now: day(d), consumer });
    return log.execute(revenueDecider, streamNames.revenue(probe[0].data.revenueId), command, { now: day(d), consumer })[0];
  };

  contribute('d1', 'c1', '1000', 2);
  contribute('d2', 'c2', '3000', 3);
  const r1 = reportRevenue('r1', '100.00', new Date(Date.UTC(2024, 11, 1)), day(1), 4);
  contribute('d3', 'c3', '1000', 5);
  withdraw('d1', 'c1', 6);
  const r2 = reportRevenue('r2', '99.99', day(1), day(7), 7);
  log.execute(
    consumerDecider,
    streamNames.consumer('k1'),
    {
      type: 'AgreeRevenueShare',
      data: { consumerId: 'k1', alpha: '0.2', currency: 'USD', policy: 'time-weighted', effectiveFrom: day(9).toISOString() },
    },
    ctx(8),
  );
  contribute('d4', 'c1', '2000', 10);
  const r3 = reportRevenue('r3', '1000', day(1), day(11), 11);
  withdraw('d2', 'c2', 12); // after every report: must change none of them
  contribute('d5', 'c3', '9000', 12);
  return { log, reports: [r1, r2, r3] };
}

function allocationsOf(events: { type: string; data: unknown }[]): Record<string, [string, string]> {
  const out: Record<string, [string, string]> = {};
  for (const e of events)
    if (e.type === 'PayoutRunAllocationsRecorded')
      for (const a of (e.data as PayoutRunAllocationsRecorded['data']).allocations) out[a.contributorId] = [a.tokens, a.amount];
  return out;
}
const completedOf = (events: { type: string; data: unknown }[]) => events[events.length - 1].data as PayoutRunCompleted['data'];

describe('payout runs replayed from a log', () => {
  it('runs each report against the pool as of its own position, whatever came later', () => {
    const { log, reports } = buildLog();
    // The processor, run once over the finished log: one pool fold for everything.
    const pool = PoolState.fromEvents(log.events);
    const runs = reports.map(
      (r) => computePayoutRun({ report: r.data as RevenueReported['data'], reportPosition: r.position, pool }).events,
    );

    // R1 (snapshot, α 0.5, 100.00): pool {c1: 1000, c2: 3000} → 50.00 split 25 % / 75 %.
    expect(allocationsOf(runs[0])).toEqual({ c1: ['1000', '12.50'], c2: ['3000', '37.50'] });
    expect(completedOf(runs[0])).toMatchObject({
      totalTokens: '4000',
      poolAmount: '50.00',
      remainder: '50.00',
      unallocated: '0.00',
      policy: 'snapshot',
      alpha: '0.5',
    });
    // R2: d1 withdrawn, d3 joined → {c2: 3000, c3: 1000}; pool floor(9999 × 0.5) = 4999: 3749.25 / 1249.75 → the unit to c3.
    expect(allocationsOf(runs[1])).toEqual({ c2: ['3000', '37.49'], c3: ['1000', '12.50'] });
    expect(completedOf(runs[1])).toMatchObject({ totalTokens: '4000', poolAmount: '49.99', remainder: '50.00' });
    // R3: agreement changed to time-weighted α 0.2 → 200.00 over token-days in [Jan 1, Jan 11):
    // c1 = 1000 × 4 d (d1) + 2000 × 1 d (d4) = 6000, c2 = 3000 × 8 d = 24000, c3 = 1000 × 6 d = 6000:
    // 33.333…, 133.333…, 33.333… → equal remainders, the unit goes to the smallest id (c1).
    expect(allocationsOf(runs[2])).toEqual({ c1: ['2000', '33.34'], c2: ['3000', '133.33'], c3: ['1000', '33.33'] });
    const D = 86_400_000n;
    expect(completedOf(runs[2])).toMatchObject({
      policy: 'time-weighted',
      alpha: '0.2',
      totalTokens: '6000',
      totalWeight: (36000n * D).toString(),
      poolAmount: '200.00',
      remainder: '800.00',
    });
  });

  it('gives identical runs whether computed live (pool folded up to the report) or from the whole log later', () => {
    const { log, reports } = buildLog();
    const full = PoolState.fromEvents(log.events);
    for (const r of reports) {
      const live = PoolState.fromEvents(log.events.filter((e) => e.position <= r.position));
      const a = computePayoutRun({ report: r.data as RevenueReported['data'], reportPosition: r.position, pool: live }).events;
      const b = computePayoutRun({ report: r.data as RevenueReported['data'], reportPosition: r.position, pool: full }).events;
      expect(payoutRunDifferences(a, b)).toEqual([]);
    }
  });

  it('posts balanced entries, empties every pool account and caps settlements at the payable balance', () => {
    const { log, reports } = buildLog();
    const pool = PoolState.fromEvents(log.events);
    for (const r of reports) {
      const d = r.data as RevenueReported['data'];
      const stream = streamNames.payoutRun(d.revenueId);
      log.execute(
        payoutRunDecider,
        stream,
        { type: 'RecordPayoutRun', data: { report: d, reportPosition: r.position } },
        { now: day(13), pool },
      );
      // a second delivery of the same report is a no-op
      expect(
        log.execute(
          payoutRunDecider,
          stream,
          { type: 'RecordPayoutRun', data: { report: d, reportPosition: r.position } },
          { now: day(13), pool },
        ),
      ).toEqual([]);
    }
    const balances = Balances.fromEvents(log.events);
    expect(balances.totals()).toEqual(new Map([['USD', 0n]]));
    for (const r of reports) expect(balances.balance(accounts.pool((r.data as RevenueReported['data']).revenueId), 'USD')).toBe(0n);
    expect(balances.balance(accounts.contributorPayable('c2'), 'USD')).toBe(3750n + 3749n + 13333n);
    expect(balances.balance(accounts.consumerReceivable('k1'), 'USD')).toBe(-(10000n + 9999n + 100000n));
    expect(balances.balance(accounts.consumerRetained('k1'), 'USD')).toBe(5000n + 5000n + 80000n);

    const allocatedToDate =
      balances.balance(accounts.contributorPayable('c2'), 'USD') + balances.balance(accounts.contributorPaid('c2'), 'USD');
    const settle = (amount: string, reference: string) =>
      log.execute(
        contributorDecider,
        streamNames.contributor('c2'),
        { type: 'SettlePayout', data: { contributorId: 'c2', amount, currency: 'USD', reference } },
        { now: day(14), allocatedToDate },
      );
    expect(() => settle('208.33', 'tx-1')).toThrow(/payable/);
    settle('200.00', 'tx-1');
    expect(() => settle('8.33', 'tx-2')).toThrow(/payable/);
    settle('8.32', 'tx-2');
    const after = Balances.fromEvents(log.events);
    expect(after.balance(accounts.contributorPayable('c2'), 'USD')).toBe(0n);
    expect(after.balance(accounts.contributorPaid('c2'), 'USD')).toBe(20832n);

    // as of the position just after the first run: only R1's money has moved
    const firstRunEnd = log.events.find((e) => e.type === 'PayoutRunCompleted') as LoggedEvent;
    const asOf = Balances.at(log.events, firstRunEnd.position);
    expect(asOf.balance(accounts.contributorPayable('c1'), 'USD')).toBe(1250n);
    expect(asOf.balance(accounts.contributorPayable('c3'), 'USD')).toBe(0n);
  });
});
