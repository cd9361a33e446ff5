/**
 * Issue #20: what a contributor sees of a consumer's revenue is the
 * consumer's agreement setting `revenueVisibility`. Default `pool`: the pool
 * amount floor(R × α) they share in (enough to check their payout), never R
 * or α, in metrics, their payout run and their statement; `gross`: R and α
 * too. The consumer, auditors and admins always see everything, and the
 * audit verification still recomputes every run.
 */
import { PayoutProcessor } from '../../src/ledger/payout/payout-processor';
import { createSecurityWorld, PERIOD, prose, waitDecided, type SecurityWorld } from './support/security-fixture';

describe('revenue visibility for contributors', () => {
  let w: SecurityWorld;
  let revenueId: string;

  beforeAll(async () => {
    w = await createSecurityWorld();
    const up = await w.t.http
      .post('/v1/datasets')
      .set(w.t.auth(w.contributor.apiKey))
      .attach('file', Buffer.from(prose(7)), 'alice.txt')
      .expect(202);
    expect(await waitDecided(w.t, w.contributor.apiKey, up.body.datasetId)).toMatchObject({ status: 'accepted' });
    revenueId = (
      await w.t.http
        .post('/v1/revenue')
        .set(w.t.auth(w.consumer.apiKey))
        .set('Idempotency-Key', 'visibility-report')
        .send({ amount: '1234.57', currency: 'USD', ...PERIOD })
        .expect(201)
    ).body.revenueId;
    await w.t.get(PayoutProcessor).catchUp();
    for (let i = 0; i < 200 && (await w.t.http.get(`/v1/payout-runs/${revenueId}`).set(w.t.auth())).status !== 200; i++)
      await new Promise((r) => setTimeout(r, 50));
  }, 120_000);
  afterAll(async () => w?.t.close());

  const get = (url: string, key?: string) => w.t.http.get(url).set(w.t.auth(key));
  const metrics = async (key?: string) => {
    const r = await get(`/v1/contributors/${w.contributor.id}/metrics`, key).expect(200);
    return r.body.expectedPayoutByConsumer.find((e: { revenueId: string }) => e.revenueId === revenueId);
  };

  it('defaults to pool: the agreement says so, and no contributor read shows R or α, only the pool amount', async () => {
    const agreement = await get(`/v1/consumers/${w.consumer.id}/agreement`).expect(200);
    expect(agreement.body.revenueVisibility).toBe('pool');

    // floor(1234.57 × 0.5) = 617.28 (α = 0.5 in the fixture's agreement).
    expect(await metrics(w.contributor.apiKey)).toMatchObject({ revenueAmount: null, alpha: null, poolAmount: '617.28' });
    const run = await get(`/v1/payout-runs/${revenueId}`, w.contributor.apiKey).expect(200);
    expect(run.body).toMatchObject({ poolAmount: '617.28', remainder: null });
    const statement = await get(`/v1/contributors/${w.contributor.id}/statements`, w.contributor.apiKey).expect(200);
    const line = statement.body.lines.find((l: { revenueId: string }) => l.revenueId === revenueId);
    expect(line).toMatchObject({ kind: 'allocation', revenueAmount: null, poolAmount: '617.28' });
    const csv = await get(`/v1/contributors/${w.contributor.id}/statements?format=csv`, w.contributor.apiKey).expect(200);
    for (const body of [
      JSON.stringify((await metrics(w.contributor.apiKey)) ?? {}),
      JSON.stringify(run.body),
      JSON.stringify(statement.body),
      csv.text,
    ])
      expect(body).not.toContain('1234.57');

    // The admin (and the consumer, for its own run) see everything.
    expect(await metrics()).toMatchObject({ revenueAmount: '1234.57', alpha: '0.5', poolAmount: '617.28' });
    expect((await get(`/v1/payout-runs/${revenueId}`, w.consumer.apiKey).expect(200)).body).toMatchObject({ remainder: '617.29' });
    const adminStatement = await get(`/v1/contributors/${w.contributor.id}/statements`).expect(200);
    expect(adminStatement.body.lines.find((l: { revenueId: string }) => l.revenueId === revenueId)).toMatchObject({
      revenueAmount: '1234.57',
    });
  });

  it('gross: after the consumer agrees to show it, contributors see R and α; the log still verifies', async () => {
    const put = await w.t.http
      .put(`/v1/consumers/${w.consumer.id}/agreement`)
      .set(w.t.auth())
      .send({ alpha: '0.5', currency: 'USD', policy: 'snapshot', revenueVisibility: 'gross' })
      .expect(200);
    expect(put.body.revenueVisibility).toBe('gross');
    expect(await metrics(w.contributor.apiKey)).toMatchObject({ revenueAmount: '1234.57', alpha: '0.5', poolAmount: '617.28' });
    expect((await get(`/v1/payout-runs/${revenueId}`, w.contributor.apiKey).expect(200)).body).toMatchObject({ remainder: '617.29' });

    const verify = await get('/v1/audit/verify', w.auditor.apiKey).expect(200);
    expect(verify.body).toMatchObject({ ok: true, problems: [] });

    // Back to pool (also what an agreement without the field means).
    await w.t.http
      .put(`/v1/consumers/${w.consumer.id}/agreement`)
      .set(w.t.auth())
      .send({ alpha: '0.5', currency: 'USD', policy: 'snapshot' })
      .expect(200);
    expect(await metrics(w.contributor.apiKey)).toMatchObject({ revenueAmount: null, alpha: null });
  });

  it('refuses an unknown visibility with 400 problem+json', async () => {
    const r = await w.t.http
      .put(`/v1/consumers/${w.consumer.id}/agreement`)
      .set(w.t.auth())
      .send({ alpha: '0.5', currency: 'USD', policy: 'snapshot', revenueVisibility: 'everyone' });
    expect(r.status).toBe(400);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.stringify(r.body)).toContain('revenueVisibility');
  });
});
