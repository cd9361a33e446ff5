import { EventStore } from '@1tt/event-store';
import { PayoutProcessor } from '../../ledger/payout/payout-processor';
import { acceptDataset } from '../../../test/ledger/ledger-log.fixture';
import { startTestApp, type TestApp } from '../../../test/e2e/support/test-app';
import { unallocatedExplanation } from './payout-run.query';

/**
 * Every run says where its money went (issue #19 item 4), in the API and
 * not only on the dashboard: `unallocatedReason` and `explanation` on
 * GET /v1/payout-runs/{id} and on each report's payoutRun.
 */
describe('run explanation (real app, embedded stores)', () => {
  let t: TestApp;
  let consumer: { consumerId: string; apiKey: string };
  let seq = 0;

  const report = async (periodStart: string, periodEnd: string) => {
    const r = await t.http
      .post('/v1/revenue')
      .set(t.auth(consumer.apiKey))
      .set('Idempotency-Key', `explain-${++seq}`)
      .send({ amount: '2000.00', currency: 'EUR', periodStart, periodEnd })
      .expect(201);
    await t.get(PayoutProcessor).catchUp();
    return (await t.http.get(`/v1/payout-runs/${r.body.revenueId}`).set(t.auth()).expect(200)).body;
  };
  const agreement = (policy: string) =>
    t.http.put(`/v1/consumers/${consumer.consumerId}/agreement`).set(t.auth()).send({ alpha: '0.5', currency: 'EUR', policy }).expect(200);

  beforeAll(async () => {
    t = await startTestApp();
    consumer = (await t.http.post('/v1/consumers').set(t.auth()).send({ displayName: 'LLM Co' }).expect(201)).body;
  }, 60_000);
  afterAll(() => t?.close());

  it('an empty pool: nothing allocated, and the run says so', async () => {
    await agreement('snapshot');
    const run = await report('2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z');
    expect(run).toMatchObject({ unallocated: '1000.00', unallocatedReason: 'empty-pool' });
    expect(run.explanation).toBe(
      'Nothing was allocated: the pool held no tokens when the report was recorded. 1000.00 EUR stays unallocated (recorded, not paid to anyone).',
    );
  });

  it('time-weighted over a period before any data: no tokens in the period; a snapshot run allocates everything', async () => {
    const ann = (await t.http.post('/v1/contributors').set(t.auth()).send({ displayName: 'Ann' }).expect(201)).body;
    await acceptDataset(t.get(EventStore), 'ds-explain', ann.contributorId, 500);
    await agreement('time-weighted');
    const tw = await report('2025-03-01T00:00:00Z', '2025-04-01T00:00:00Z');
    expect(tw).toMatchObject({ policy: 'time-weighted', unallocated: '1000.00', unallocatedReason: 'no-tokens-in-period' });
    expect(tw.explanation).toMatch(/^Nothing was allocated: under the time-weighted policy .* 1000\.00 EUR stays unallocated/);
    await agreement('snapshot');
    const snap = await report('2025-04-01T00:00:00Z', '2025-05-01T00:00:00Z');
    expect(snap).toMatchObject({ unallocated: '0.00', unallocatedReason: 'none' });
    expect(snap.explanation).toBe('The whole pool amount (1000.00 EUR) was allocated to 1 contributor(s).');
    // The report shows the same summary.
    const rev = (await t.http.get(`/v1/revenue/${snap.revenueId}`).set(t.auth()).expect(200)).body;
    expect(rev.payoutRun).toMatchObject({ unallocatedReason: 'none', explanation: snap.explanation });
  });

  it('unclaimed: money left over while tokens were there', () => {
    expect(
      unallocatedExplanation({
        policy: 'snapshot',
        totalWeight: '10',
        totalTokens: '10',
        currency: 'EUR',
        poolAmount: '10.00',
        unallocated: '0.01',
        allocationCount: 2,
      }),
    ).toEqual({
      unallocatedReason: 'unclaimed',
      explanation:
        "0.01 EUR of the 10.00 EUR pool amount stayed unallocated (no contributor's weight claimed it); it is recorded, not paid to anyone.",
    });
  });
});
