import { PayoutProcessor } from '../../src/ledger/payout/payout-processor';
import { EventStore } from '@1tt/event-store';
import { acceptDataset } from '../ledger/ledger-log.fixture';
import { licenseText } from '../support/license-texts';
import { postDataset } from './support/datasets';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * Every route that creates something answers `Location`, and the location
 * is a route the creator can GET (200); OpenAPI documents the header on
 * each of them.
 */
describe('Location on creates (real app, embedded stores)', () => {
  let t: TestApp;
  let contributor: { contributorId: string; apiKey: string };
  let consumer: { consumerId: string; apiKey: string };
  let revenueId: string;

  const follows = async (res: { status: number; headers: Record<string, string>; body: unknown }, expected: string) => {
    expect({ status: res.status, location: res.headers.location }).toEqual({ status: res.status, location: expected });
    const read = await t.http.get(expected).set(t.auth());
    expect({ location: expected, status: read.status }).toEqual({ location: expected, status: 200 });
  };

  beforeAll(async () => {
    t = await startTestApp();
    const c = await t.http.post('/v1/contributors').set(t.auth()).send({ displayName: 'Ann' }).expect(201);
    contributor = c.body;
    await follows(c, `/v1/contributors/${contributor.contributorId}`);
    const k = await t.http.post('/v1/consumers').set(t.auth()).send({ displayName: 'LLM Co' }).expect(201);
    consumer = k.body;
    await follows(k, `/v1/consumers/${consumer.consumerId}`);
    await t.http
      .put(`/v1/consumers/${consumer.consumerId}/agreement`)
      .set(t.auth())
      .send({ alpha: '0.5', currency: 'EUR', policy: 'snapshot' })
      .expect(200);
    await acceptDataset(t.get(EventStore), 'ds-location', contributor.contributorId, 1000);
    const r = await t.http
      .post('/v1/revenue')
      .set(t.auth(consumer.apiKey))
      .set('Idempotency-Key', 'loc-1')
      .send({ amount: '100.00', currency: 'EUR', periodStart: '2025-01-01T00:00:00Z', periodEnd: '2025-02-01T00:00:00Z' })
      .expect(201);
    revenueId = r.body.revenueId;
    await t.get(PayoutProcessor).catchUp();
  }, 120_000);
  afterAll(() => t?.close());

  it('parties, api keys, datasets and webhooks: Location names the created resource', async () => {
    const auditor = await t.http.post('/v1/auditors').set(t.auth()).send({ displayName: 'Audra' }).expect(201);
    await follows(auditor, `/v1/auditors/${auditor.body.auditorId}`);
    const key = await t.http
      .post('/v1/api-keys')
      .set(t.auth())
      .send({ role: 'contributor', subjectId: contributor.contributorId })
      .expect(201);
    await follows(key, `/v1/api-keys/${key.body.keyId}`);
    const upload = await postDataset(t, contributor.apiKey, 'licenses.txt', licenseText('Apache-2.0'));
    expect(upload.status).toBe(202);
    await follows(upload, `/v1/datasets/${upload.body.datasetId}`);
    const hook = await t.http
      .post('/v1/webhooks')
      .set(t.auth())
      .send({ url: 'https://hooks.example.invalid/1tt', eventTypes: ['PayoutSettled'] })
      .expect(201);
    await follows(hook, `/v1/webhooks/${hook.body.webhookId}`);
    // A party id the directory does not know is a 404 of its role.
    const unknown = await t.http.get('/v1/auditors/no-such-auditor').set(t.auth()).expect(404);
    expect(unknown.body.code).toBe('auditor-not-found');
    expect((await t.http.get(`/v1/consumers/${contributor.contributorId}`).set(t.auth()).expect(404)).body.code).toBe('consumer-not-found');
  });

  it('money: a correction, a settlement and a payout batch point where they are read', async () => {
    const correction = await t.http
      .post(`/v1/revenue/${revenueId}/corrections`)
      .set(t.auth(consumer.apiKey))
      .set('Idempotency-Key', 'loc-corr')
      .send({ amount: '80.00', reason: 'typo' })
      .expect(201);
    await follows(correction, `/v1/payout-runs/${revenueId}`);
    await t.get(PayoutProcessor).catchUp();
    const settlement = await t.http
      .post(`/v1/contributors/${contributor.contributorId}/settlements`)
      .set(t.auth())
      .send({ amount: '10.00', currency: 'EUR', reference: 'wire-loc' })
      .expect(201);
    await follows(settlement, `/v1/contributors/${contributor.contributorId}/payouts`);
    await t.http
      .put(`/v1/contributors/${contributor.contributorId}/payout-details`)
      .set(t.auth(contributor.apiKey))
      .send({ holderName: 'Ann Example', iban: 'DE89370400440532013000', country: 'DE' })
      .expect(200);
    const batch = await t.http.post('/v1/payout-batches').set(t.auth()).send({ currency: 'EUR', minAmount: '1.00' }).expect(201);
    await follows(batch, `/v1/payout-batches/${batch.body.batchId}`);
  });

  it('OpenAPI documents Location on every created or accepted answer of a create', async () => {
    const doc = (await t.http.get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { responses: Record<string, { headers?: Record<string, unknown> }> }>>;
    };
    // Not creates: a retry of a webhook delivery (202, the delivery already exists) and a reconciliation (200).
    const notCreates = new Set(['/v1/webhooks/{webhookId}/deliveries/{deliveryId}/retry']);
    const undocumented = Object.entries(doc.paths)
      .filter(([path, ops]) => ops.post && !notCreates.has(path))
      .filter(([, ops]) => ['201', '202'].some((s) => ops.post.responses[s]))
      .filter(([, ops]) => !['201', '202'].some((s) => ops.post.responses[s]?.headers?.Location))
      .map(([path]) => `POST ${path}`);
    expect(undocumented).toEqual([]);
    expect(doc.paths['/v1/payout-batches'].post.responses['201'].headers?.Location).toEqual({
      description: 'Where the created resource is read: /v1/payout-batches/{batchId}.',
      schema: { type: 'string' },
    });
  });
});
