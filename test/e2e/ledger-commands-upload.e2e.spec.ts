import { EventStore } from '@1tt/event-store';
import { PayoutProcessor } from '../../src/ledger/payout/payout-processor';
import { payoutRun } from '../ledger/ledger-log.fixture';
import { startTestApp, type TestApp } from './support/test-app';
import { uploadAndDecide } from './support/datasets';
import { licenseText } from '../support/license-texts';

/** The whole write path on the real pipeline: register, upload, accept, report revenue, pay, settle. */
describe('ledger commands with datasets uploaded through the real pipeline', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { WORKER_THREADS: '1' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function accepted(key: string, fileName: string, text: string): Promise<number> {
    const view = await uploadAndDecide(t, key, fileName, text);
    if (view.status !== 'accepted') throw new Error(`dataset ${view.status}: ${JSON.stringify(view)}`);
    return view.tokens as number;
  }

  it('pays a revenue report over the uploaded pool in proportion to the tokens, and settles it', async () => {
    const alice = (await t.http.post('/v1/contributors').set(t.auth()).send({ displayName: 'Alice' }).expect(201)).body;
    const bob = (await t.http.post('/v1/contributors').set(t.auth()).send({ displayName: 'Bob' }).expect(201)).body;
    const acme = (await t.http.post('/v1/consumers').set(t.auth()).send({ displayName: 'Acme' }).expect(201)).body;
    await t.http
      .put(`/v1/consumers/${acme.consumerId}/agreement`)
      .set(t.auth())
      .send({ alpha: '1', currency: 'JPY', policy: 'snapshot' })
      .expect(200);
    const aliceTokens = BigInt(await accepted(alice.apiKey, 'gpl.txt', licenseText('GPL-3')));
    const bobTokens = BigInt(await accepted(bob.apiKey, 'apache.txt', licenseText('Apache-2.0')));

    const r = await t.http
      .post('/v1/revenue')
      .set(t.auth(acme.apiKey))
      .set('Idempotency-Key', 'jan-2025')
      .send({ amount: '1000000', currency: 'JPY', periodStart: '2025-01-01T00:00:00Z', periodEnd: '2025-02-01T00:00:00Z' })
      .expect(201);
    await t.get(PayoutProcessor).catchUp();
    const run = await payoutRun(t.get(EventStore), r.body.revenueId);
    expect(run).toMatchObject({
      totalTokens: (aliceTokens + bobTokens).toString(),
      poolAmount: '1000000',
      remainder: '0',
      unallocated: '0',
    });
    const amountOf = (id: string) => BigInt(run.allocations.find((a) => a.contributorId === id)!.amount);
    const total = aliceTokens + bobTokens;
    // Largest remainder: each share within one yen of T_i / ΣT × R × α, and they add up to the pool.
    expect(amountOf(alice.contributorId) * total - 1000000n * aliceTokens).toBeLessThan(total);
    expect(amountOf(alice.contributorId) * total - 1000000n * aliceTokens).toBeGreaterThan(-total);
    expect(amountOf(alice.contributorId) + amountOf(bob.contributorId)).toBe(1000000n);

    const bobShare = amountOf(bob.contributorId).toString();
    await t.http
      .post(`/v1/contributors/${bob.contributorId}/settlements`)
      .set(t.auth())
      .send({ amount: bobShare, currency: 'JPY', reference: 'furikomi-1' })
      .expect(201);
    await t.http
      .post(`/v1/contributors/${bob.contributorId}/settlements`)
      .set(t.auth())
      .send({ amount: '1', currency: 'JPY', reference: 'furikomi-2' })
      .expect(409);
  });
});
