import * as fs from 'node:fs';
import * as path from 'node:path';
import { PayoutProcessor } from '../../src/ledger/payout/payout-processor';
import { acceptDataset } from '../ledger/ledger-log.fixture';
import { createSecurityWorld, PERIOD, prose, waitDecided, type SecurityWorld } from './support/security-fixture';

/**
 * Every route × every caller, with the exact status. "owner" is the
 * contributor whose data the route is about; "other" is another contributor.
 * Routes that change state get fresh resources per call (make()).
 */
type Caller = 'anonymous' | 'admin' | 'owner' | 'other' | 'consumer' | 'otherConsumer' | 'auditor';
const CALLERS: Caller[] = ['anonymous', 'admin', 'owner', 'other', 'consumer', 'otherConsumer', 'auditor'];

interface RouteCase {
  name: string;
  expect: Record<Caller, number>;
  send(
    w: SecurityWorld,
    caller: Caller,
    key: string | undefined,
  ): Promise<{ status: number; body: unknown; text: string; headers: Record<string, string> }>;
}

const all = (status: number, overrides: Partial<Record<Caller, number>> = {}): Record<Caller, number> => ({
  ...(Object.fromEntries(CALLERS.map((c) => [c, status])) as Record<Caller, number>),
  anonymous: 401,
  ...overrides,
});

let seq = 0;
/** A public https URL on a name that never resolves (.invalid): registrations pass, deliveries stay pending. */
const WEBHOOK_URL = 'https://hooks.example.invalid/1tt';
const next = () => `${Date.now().toString(36)}-${++seq}`;
const dataRequestBody = () => ({
  title: 'Wanted',
  description: 'Prose in German.',
  tokenTarget: '1000',
  weight: '2',
  closesAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
  weightUntil: new Date(Date.now() + 60 * 86_400_000).toISOString(),
});

describe('access control matrix (real app, embedded stores)', () => {
  let w: SecurityWorld;
  let ownerDataset: { datasetId: string; fileName: string; sha256: string };
  let ownerKeyId: string;
  let revenueId: string;
  let ownerWebhookId: string;
  let ownerDeliveryId: string;
  let batchId: string;
  let dataRequestId: string;
  const keyOf = (c: Caller): string | undefined =>
    ({
      anonymous: undefined,
      admin: w.t.adminKey,
      owner: w.contributor.apiKey,
      other: w.otherContributor.apiKey,
      consumer: w.consumer.apiKey,
      otherConsumer: w.otherConsumer.apiKey,
      auditor: w.auditor.apiKey,
    })[c];
  const req = (method: 'get' | 'post' | 'put' | 'patch' | 'delete', url: string, key: string | undefined) => {
    const r = w.t.http[method](url);
    return key ? r.set('Authorization', `Bearer ${key}`) : r;
  };

  const ROUTES: RouteCase[] = [
    { name: 'GET /health', expect: all(200, { anonymous: 200 }), send: (_w, _c, k) => req('get', '/health', k) },
    { name: 'GET /v1/me', expect: all(200), send: (_w, _c, k) => req('get', '/v1/me', k) },
    {
      name: 'POST /v1/api-keys',
      expect: all(403, { admin: 201 }),
      send: (w, _c, k) => req('post', '/v1/api-keys', k).send({ role: 'contributor', subjectId: w.contributor.id }),
    },
    {
      name: 'GET /v1/api-keys/{owner key}',
      expect: all(403, { admin: 200, auditor: 200 }),
      send: (_w, _c, k) => req('get', `/v1/api-keys/${ownerKeyId}`, k),
    },
    {
      name: 'DELETE /v1/api-keys/{fresh key}',
      expect: all(403, { admin: 204 }),
      send: async (w, _c, k) => {
        const fresh = await w.t.issueKey('contributor', w.contributor.id, 'throwaway');
        return req('delete', `/v1/api-keys/${fresh.keyId}`, k);
      },
    },
    ...(['contributors', 'consumers', 'auditors'] as const).map((route): RouteCase => ({
      name: `POST /v1/${route}`,
      expect: all(403, { admin: 201 }),
      send: (_w, _c, k) => req('post', `/v1/${route}`, k).send({ displayName: `New ${next()}` }),
    })),
    ...(['contributors', 'consumers', 'auditors'] as const).map((route): RouteCase => ({
      name: `GET /v1/${route}`,
      expect: all(403, { admin: 200, auditor: 200 }),
      send: (_w, _c, k) => req('get', `/v1/${route}?q=a`, k),
    })),
    ...(
      [
        ['contributors', (w: SecurityWorld) => w.contributor.id],
        ['consumers', (w: SecurityWorld) => w.consumer.id],
        ['auditors', (w: SecurityWorld) => w.auditor.id],
      ] as const
    ).map(([route, idOf]): RouteCase => ({
      name: `GET /v1/${route}/{id}`,
      expect: all(403, { admin: 200, auditor: 200 }),
      send: (w, _c, k) => req('get', `/v1/${route}/${idOf(w)}`, k),
    })),
    {
      name: 'POST /v1/contributors/{fresh}/erasure',
      expect: all(403, { admin: 200 }),
      send: async (w, _c, k) => {
        const fresh = await w.t.http
          .post('/v1/contributors')
          .set(w.t.auth())
          .send({ displayName: `Erasable ${next()}` });
        return req('post', `/v1/contributors/${fresh.body.contributorId}/erasure`, k);
      },
    },
    {
      name: 'GET /v1/payables',
      expect: all(403, { admin: 200, auditor: 200 }),
      send: (_w, _c, k) => req('get', '/v1/payables?currency=USD', k),
    },
    {
      name: 'GET /v1/audit/export',
      expect: all(403, { admin: 200, auditor: 200 }),
      send: (_w, _c, k) => req('get', '/v1/audit/export?atPosition=5', k),
    },
    {
      name: 'GET /v1/consumers/{consumer}/agreement',
      // A consumer reads its own; to another consumer it does not exist.
      expect: all(403, { admin: 200, auditor: 200, consumer: 200, otherConsumer: 404 }),
      send: (w, _c, k) => req('get', `/v1/consumers/${w.consumer.id}/agreement`, k),
    },
    {
      name: 'PUT /v1/consumers/{consumer}/agreement',
      expect: all(403, { admin: 200 }),
      send: (w, _c, k) =>
        req('put', `/v1/consumers/${w.consumer.id}/agreement`, k).send({ alpha: '0.5', currency: 'USD', policy: 'snapshot' }),
    },
    {
      name: 'POST /v1/contributors/{owner}/settlements',
      expect: all(403, { admin: 201 }),
      send: (w, _c, k) =>
        req('post', `/v1/contributors/${w.contributor.id}/settlements`, k).send({
          amount: '0.01',
          currency: 'USD',
          reference: `ref-${next()}`,
        }),
    },
    {
      name: 'POST /v1/revenue (own account)',
      expect: all(403, { consumer: 201, otherConsumer: 201 }),
      send: (_w, _c, k) =>
        req('post', '/v1/revenue', k)
          .set('Idempotency-Key', `m-${next()}`)
          .send({ amount: '1.00', currency: 'USD', ...PERIOD }),
    },
    {
      // One report, corrected to a new amount on every call, so each accepted call is a real correction.
      name: 'POST /v1/revenue/{consumer report}/corrections',
      expect: all(403, { admin: 201, consumer: 201, otherConsumer: 404 }),
      send: (_w, _c, k) =>
        req('post', `/v1/revenue/${revenueId}/corrections`, k)
          .set('Idempotency-Key', `fix-${next()}`)
          .send({ amount: `${1000 + ++seq}.00`, reason: 'access matrix' }),
    },
    {
      name: 'POST /v1/datasets',
      expect: all(403, { admin: 202, owner: 202, other: 202 }),
      send: async (w, c, k) => {
        let r = req('post', '/v1/datasets', k);
        if (c === 'admin') r = r.field('contributorId', w.contributor.id);
        const res = await r.attach('file', Buffer.from(`${prose(5000 + ++seq, 'Apache-2.0')}\n`), `upload-${seq}.txt`);
        // Let its processing finish, so later cells see a still log.
        if (res.status === 202) await waitDecided(w.t, w.t.adminKey, res.body.datasetId);
        return res;
      },
    },
    {
      name: 'GET /v1/datasets/{owner dataset}',
      expect: all(404, { admin: 200, owner: 200, auditor: 200 }),
      send: (_w, _c, k) => req('get', `/v1/datasets/${ownerDataset.datasetId}`, k),
    },
    {
      name: 'GET /v1/datasets/{owner dataset}/report',
      expect: all(404, { admin: 200, owner: 200, auditor: 200 }),
      send: (_w, _c, k) => req('get', `/v1/datasets/${ownerDataset.datasetId}/report`, k),
    },
    {
      name: 'GET /v1/contributors/{owner}/datasets',
      expect: all(404, { admin: 200, owner: 200, auditor: 200 }),
      send: (w, _c, k) => req('get', `/v1/contributors/${w.contributor.id}/datasets`, k),
    },
    {
      name: 'DELETE /v1/datasets/{fresh owner dataset}',
      // Withdrawal is the owner's alone (the ledger rule); to anyone else but an auditor the dataset does not exist.
      expect: all(404, { admin: 403, owner: 200, auditor: 403 }),
      send: async (w, _c, k) => {
        const id = `ds-w-${next()}`;
        await acceptDataset(w.events, id, w.contributor.id, 10);
        return req('delete', `/v1/datasets/${id}`, k);
      },
    },
    {
      name: 'PUT /v1/datasets/{fresh owner dataset}/consent',
      // Consent is the owner's alone (issue #14); to another contributor or a consumer the dataset does not exist.
      expect: all(403, { owner: 200, other: 404 }),
      send: async (w, _c, k) => {
        const id = `ds-c-${next()}`;
        await acceptDataset(w.events, id, w.contributor.id, 10);
        return req('put', `/v1/datasets/${id}/consent`, k).send({ uses: ['retrieval'] });
      },
    },
    {
      name: 'POST /v1/datasets/{owner dataset}/exclusions',
      expect: all(403, { owner: 200, other: 404 }),
      send: async (w, _c, k) => {
        const kept = await w.t.http
          .get(`/v1/datasets/${ownerDataset.datasetId}/report?reason=kept`)
          .set(w.t.auth(w.contributor.apiKey))
          .expect(200);
        return req('post', `/v1/datasets/${ownerDataset.datasetId}/exclusions`, k).send({ indexes: [kept.body.items[0].index] });
      },
    },
    {
      name: 'PUT /v1/contributors/{owner}/consent',
      expect: all(403, { owner: 200 }),
      send: (w, _c, k) => req('put', `/v1/contributors/${w.contributor.id}/consent`, k).send({ uses: ['training', 'evaluation'] }),
    },
    { name: 'GET /v1/pool', expect: all(200), send: (_w, _c, k) => req('get', '/v1/pool', k) },
    {
      name: 'GET /v1/pool?consumerId={consumer}',
      // A consumer's eligible pool (issue #14) shows its scope: another consumer gets not found.
      expect: all(200, { otherConsumer: 404 }),
      send: (w, _c, k) => req('get', `/v1/pool?consumerId=${w.consumer.id}`, k),
    },
    // Data requests (issue #15): consumers open their own (admin for a consumer); contributors see open ones; another consumer's is a 404.
    {
      name: 'POST /v1/data-requests',
      expect: all(403, { admin: 201, consumer: 201, otherConsumer: 201 }),
      send: (w, c, k) =>
        req('post', '/v1/data-requests', k).send({ ...dataRequestBody(), ...(c === 'admin' ? { consumerId: w.consumer.id } : {}) }),
    },
    { name: 'GET /v1/data-requests', expect: all(200), send: (_w, _c, k) => req('get', '/v1/data-requests', k) },
    {
      name: 'GET /v1/data-requests/{consumer request}',
      expect: all(200, { otherConsumer: 404 }),
      send: (_w, _c, k) => req('get', `/v1/data-requests/${dataRequestId}`, k),
    },
    {
      name: 'DELETE /v1/data-requests/{fresh consumer request}',
      expect: all(403, { admin: 200, consumer: 200, otherConsumer: 404 }),
      send: async (w, _c, k) => {
        const r = await req('post', '/v1/data-requests', w.consumer.apiKey).send(dataRequestBody());
        return req('delete', `/v1/data-requests/${r.body.requestId}`, k);
      },
    },
    ...(['metrics', 'payouts', 'audit-trail', 'reputation', 'statements', 'statements?format=csv', 'statements?format=pdf'] as const).map(
      (what): RouteCase => ({
        name: `GET /v1/contributors/{owner}/${what}`,
        expect: all(403, { admin: 200, owner: 200, auditor: 200 }),
        send: (w, _c, k) => req('get', `/v1/contributors/${w.contributor.id}/${what}`, k),
      }),
    ),
    // Scoped lists: a consumer gets its own reports (the other consumer an empty list); naming another consumer is refused.
    {
      name: 'GET /v1/revenue',
      expect: all(403, { admin: 200, consumer: 200, otherConsumer: 200, auditor: 200 }),
      send: (_w, _c, k) => req('get', '/v1/revenue', k),
    },
    {
      name: 'GET /v1/revenue?consumerId={consumer}',
      expect: all(403, { admin: 200, consumer: 200, auditor: 200 }),
      send: (w, _c, k) => req('get', `/v1/revenue?consumerId=${encodeURIComponent(w.consumer.id)}`, k),
    },
    {
      name: 'GET /v1/revenue/{consumer report}',
      expect: all(403, { admin: 200, consumer: 200, otherConsumer: 404, auditor: 200 }),
      send: (_w, _c, k) => req('get', `/v1/revenue/${revenueId}`, k),
    },
    // Contributors see the run's summary and their own share only (asserted below); other consumers get nothing.
    {
      name: 'GET /v1/payout-runs/{consumer report}',
      expect: all(200, { otherConsumer: 404 }),
      send: (_w, _c, k) => req('get', `/v1/payout-runs/${revenueId}`, k),
    },
    // Webhooks: admin, contributors and consumers register their own (auditor reads only); another party's webhook does not exist for them.
    {
      name: 'POST /v1/webhooks',
      expect: all(201, { auditor: 403 }),
      send: (_w, _c, k) => req('post', '/v1/webhooks', k).send({ url: WEBHOOK_URL, eventTypes: ['DatasetAccepted'] }),
    },
    { name: 'GET /v1/webhooks', expect: all(200), send: (_w, _c, k) => req('get', '/v1/webhooks', k) },
    {
      name: 'GET /v1/webhooks/{owner webhook}',
      expect: all(404, { admin: 200, owner: 200, auditor: 200 }),
      send: (_w, _c, k) => req('get', `/v1/webhooks/${ownerWebhookId}`, k),
    },
    {
      name: 'PATCH /v1/webhooks/{owner webhook}',
      expect: all(404, { admin: 200, owner: 200, auditor: 403 }),
      send: (_w, _c, k) => req('patch', `/v1/webhooks/${ownerWebhookId}`, k).send({ description: `d-${next()}` }),
    },
    {
      name: 'DELETE /v1/webhooks/{fresh owner webhook}',
      expect: all(404, { admin: 204, owner: 204, auditor: 403 }),
      send: async (w, _c, k) => {
        const made = await w.t.http
          .post('/v1/webhooks')
          .set(w.t.auth(w.contributor.apiKey))
          .send({ url: WEBHOOK_URL, eventTypes: ['PayoutSettled'] });
        return req('delete', `/v1/webhooks/${made.body.webhookId}`, k);
      },
    },
    {
      name: 'GET /v1/webhooks/{owner webhook}/deliveries',
      expect: all(404, { admin: 200, owner: 200, auditor: 200 }),
      send: (_w, _c, k) => req('get', `/v1/webhooks/${ownerWebhookId}/deliveries`, k),
    },
    {
      name: 'POST /v1/webhooks/{owner webhook}/deliveries/{delivery}/retry',
      expect: all(404, { admin: 202, owner: 202, auditor: 403 }),
      send: (_w, _c, k) => req('post', `/v1/webhooks/${ownerWebhookId}/deliveries/${ownerDeliveryId}/retry`, k),
    },
    {
      name: 'GET /v1/audit/events',
      expect: all(403, { admin: 200, auditor: 200 }),
      send: (_w, _c, k) => req('get', '/v1/audit/events', k),
    },
    {
      name: 'GET /v1/audit/verify',
      expect: all(403, { admin: 200, auditor: 200 }),
      send: (_w, _c, k) => req('get', '/v1/audit/verify', k),
    },
    {
      name: 'PUT /v1/contributors/{owner}/payout-details',
      expect: all(403, { owner: 200 }),
      send: (w, _c, k) =>
        req('put', `/v1/contributors/${w.contributor.id}/payout-details`, k).send({
          holderName: 'Alice Private',
          iban: 'DE89370400440532013000',
          country: 'DE',
        }),
    },
    {
      name: 'GET /v1/contributors/{owner}/payout-details',
      expect: all(403, { owner: 200, admin: 200 }),
      send: (w, _c, k) => req('get', `/v1/contributors/${w.contributor.id}/payout-details`, k),
    },
    {
      name: 'POST /v1/payout-batches',
      expect: all(403, { admin: 201 }),
      send: async (_w, caller, k) => {
        const r = await req('post', '/v1/payout-batches', k).send({ currency: 'USD', minAmount: '0.01' });
        if (caller === 'admin' && r.status === 201) batchId = r.body.batchId;
        return r;
      },
    },
    {
      name: 'GET /v1/payout-batches',
      expect: all(403, { admin: 200, auditor: 200 }),
      send: (_w, _c, k) => req('get', '/v1/payout-batches', k),
    },
    {
      name: 'GET /v1/payout-batches/{batch}',
      expect: all(403, { admin: 200, auditor: 200 }),
      send: (_w, _c, k) => req('get', `/v1/payout-batches/${batchId}`, k),
    },
    {
      name: 'GET /v1/payout-batches/{batch}/export',
      expect: all(403, { admin: 200 }),
      send: (_w, _c, k) => req('get', `/v1/payout-batches/${batchId}/export?format=csv`, k),
    },
    {
      name: 'POST /v1/payout-batches/{batch}/reconciliation',
      expect: all(403, { admin: 200 }),
      send: async (w, _c, k) => {
        const batch = (await w.t.http.get(`/v1/payout-batches/${batchId}`).set(w.t.auth())).body as {
          lines: Array<{ endToEndId: string; amount: string }>;
        };
        const line = batch.lines[0];
        return req('post', `/v1/payout-batches/${batchId}/reconciliation`, k)
          .set('Content-Type', 'text/csv')
          .send(`endToEndId,amount,currency,status\n${line.endToEndId},${line.amount},USD,failed\n`);
      },
    },
  ];

  beforeAll(async () => {
    w = await createSecurityWorld();
    ownerKeyId = (await w.t.http.get('/v1/me').set(w.t.auth(w.contributor.apiKey)).expect(200)).body.keyId;
    // The owner's webhook exists before its dataset is accepted, so it has a delivery (to a host that never resolves: it stays pending).
    ownerWebhookId = (
      await w.t.http
        .post('/v1/webhooks')
        .set(w.t.auth(w.contributor.apiKey))
        .send({ url: WEBHOOK_URL, eventTypes: ['DatasetAccepted'] })
        .expect(201)
    ).body.webhookId;
    const fileName = 'alice-secret-diary.txt';
    const up = await w.t.http
      .post('/v1/datasets')
      .set(w.t.auth(w.contributor.apiKey))
      .attach('file', Buffer.from(prose(77)), fileName)
      .expect(202);
    const decided = await waitDecided(w.t, w.contributor.apiKey, up.body.datasetId);
    ownerDataset = { datasetId: up.body.datasetId, fileName, sha256: String(decided.sha256 ?? '') };
    // A payable balance for the owner, so an admin settlement of 0.01 is allowed.
    await acceptDataset(w.events, 'ds-pool', w.contributor.id, 100);
    revenueId = (
      await w.t.http
        .post('/v1/revenue')
        .set(w.t.auth(w.consumer.apiKey))
        .set('Idempotency-Key', 'fund-owner')
        .send({ amount: '1000.00', currency: 'USD', ...PERIOD })
        .expect(201)
    ).body.revenueId;
    for (let i = 0; i < 200 && !ownerDeliveryId; i++) {
      const d = await w.t.http.get(`/v1/webhooks/${ownerWebhookId}/deliveries`).set(w.t.auth());
      ownerDeliveryId = d.body.deliveries?.[0]?.deliveryId;
      if (!ownerDeliveryId) await new Promise((r) => setTimeout(r, 50));
    }
    dataRequestId = (await w.t.http.post('/v1/data-requests').set(w.t.auth(w.consumer.apiKey)).send(dataRequestBody()).expect(201)).body
      .requestId;
    await w.t.get(PayoutProcessor).catchUp();
    // The read side follows the log; wait until it shows the run.
    for (let i = 0; i < 200 && (await w.t.http.get(`/v1/payout-runs/${revenueId}`).set(w.t.auth())).status !== 200; i++)
      await new Promise((r) => setTimeout(r, 50));
  });
  afterAll(async () => {
    await w?.t.close();
  });

  describe.each(ROUTES.map((r) => r.name))('%s', (routeName) => {
    it.each(CALLERS)('as %s: exact status; a refusal is problem+json, changes nothing and leaks nothing', async (caller) => {
      const route = ROUTES.find((r) => r.name === routeName);
      if (!route) throw new Error(`no route case ${routeName}`);
      const expected = route.expect[caller];
      const before = expected >= 400 ? await w.head() : undefined;
      // Resources a case creates for itself are made before "before" is compared, so measure the refusal only.
      const res = await route.send(w, caller, keyOf(caller));
      expect({ caller, status: res.status }).toEqual({ caller, status: expected });
      if (expected >= 400) {
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        const text = res.text;
        for (const secret of [
          ownerDataset.fileName,
          'Alice Private',
          w.t.adminKey,
          w.contributor.apiKey,
          w.otherContributor.apiKey,
          w.consumer.apiKey,
          w.auditor.apiKey,
          ...(ownerDataset.sha256 ? [ownerDataset.sha256] : []),
        ]) {
          expect(text).not.toContain(secret);
        }
        if (!routeName.includes('fresh')) expect(await w.head()).toBe(before);
      } else if (caller !== 'admin' && caller !== 'auditor' && caller !== 'owner') {
        // A 2xx to someone else: nothing of the owner's private data in it.
        for (const secret of [
          ownerDataset.fileName,
          ownerDataset.datasetId,
          'Alice Private',
          ...(ownerDataset.sha256 ? [ownerDataset.sha256] : []),
        ])
          expect(res.text).not.toContain(secret);
        if (routeName.startsWith('GET /v1/payout-runs') && caller === 'other') expect(res.text).not.toContain(w.contributor.id);
      }
    });
  });

  it('every route the service serves is in the matrix (a new route must be added here)', async () => {
    const doc = (await w.t.http.get('/docs-json').expect(200)).body as { paths: Record<string, Record<string, unknown>> };
    const served = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    const covered = new Set([
      'GET /health',
      'GET /v1/me',
      'POST /v1/api-keys',
      'GET /v1/api-keys/{keyId}',
      'DELETE /v1/api-keys/{keyId}',
      'POST /v1/contributors',
      'POST /v1/consumers',
      'POST /v1/auditors',
      'PUT /v1/consumers/{id}/agreement',
      'GET /v1/consumers/{id}/agreement',
      'GET /v1/contributors',
      'GET /v1/payables',
      'GET /v1/consumers',
      'GET /v1/auditors',
      'GET /v1/contributors/{id}',
      'POST /v1/contributors/{id}/erasure',
      'GET /v1/consumers/{id}',
      'GET /v1/auditors/{id}',
      'GET /v1/audit/export',
      'POST /v1/contributors/{id}/settlements',
      'PUT /v1/contributors/{id}/payout-details',
      'GET /v1/contributors/{id}/payout-details',
      'POST /v1/payout-batches',
      'GET /v1/payout-batches',
      'GET /v1/payout-batches/{batchId}',
      'GET /v1/payout-batches/{batchId}/export',
      'POST /v1/payout-batches/{batchId}/reconciliation',
      'POST /v1/revenue',
      'POST /v1/revenue/{revenueId}/corrections',
      'POST /v1/datasets',
      'GET /v1/datasets/{id}',
      'GET /v1/datasets/{id}/report',
      'GET /v1/contributors/{id}/datasets',
      'DELETE /v1/datasets/{id}',
      'PUT /v1/datasets/{id}/consent',
      'POST /v1/datasets/{id}/exclusions',
      'PUT /v1/contributors/{id}/consent',
      'GET /v1/pool',
      'GET /v1/contributors/{id}/metrics',
      'GET /v1/contributors/{id}/statements',
      'GET /v1/contributors/{id}/payouts',
      'GET /v1/contributors/{id}/audit-trail',
      'GET /v1/contributors/{id}/reputation',
      'POST /v1/data-requests',
      'GET /v1/data-requests',
      'GET /v1/data-requests/{id}',
      'DELETE /v1/data-requests/{id}',
      'GET /v1/revenue',
      'GET /v1/revenue/{revenueId}',
      'GET /v1/payout-runs/{revenueId}',
      'GET /v1/audit/events',
      'GET /v1/audit/verify',
      'POST /v1/webhooks',
      'GET /v1/webhooks',
      'GET /v1/webhooks/{webhookId}',
      'PATCH /v1/webhooks/{webhookId}',
      'DELETE /v1/webhooks/{webhookId}',
      'GET /v1/webhooks/{webhookId}/deliveries',
      'POST /v1/webhooks/{webhookId}/deliveries/{deliveryId}/retry',
      // SSE: an open stream per caller; its access rules are tested in app-shell.e2e.spec.ts and below (anonymous).
      'GET /v1/events',
    ]);
    expect(served.filter((r) => !covered.has(r))).toEqual([]);
  });

  it('an unknown, malformed or revoked key is a 401 everywhere, the same body as no key', async () => {
    const fresh = await w.t.issueKey('contributor', w.contributor.id, 'to-revoke');
    await w.t.http.delete(`/v1/api-keys/${fresh.keyId}`).set(w.t.auth()).expect(204);
    const forged = w.contributor.apiKey.slice(0, -4) + (w.contributor.apiKey.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    for (const key of [fresh.apiKey, forged, 'not-a-key', `${w.contributor.apiKey}x`]) {
      const r = await w.t.http.get('/v1/me').set('Authorization', `Bearer ${key}`);
      expect(r.status).toBe(401);
      expect(r.text).not.toContain(key);
    }
    const sse = await w.t.http.get('/v1/events');
    expect(sse.status).toBe(401);
  });

  it('keys are stored hashed: no raw key appears in any file under the data dir', async () => {
    await w.t.get(PayoutProcessor).catchUp();
    const keys = [
      w.t.adminKey,
      w.contributor.apiKey,
      w.otherContributor.apiKey,
      w.consumer.apiKey,
      w.otherConsumer.apiKey,
      w.auditor.apiKey,
    ];
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true }))
        (e.isDirectory() ? walk : (f: string) => files.push(f))(path.join(d, e.name));
    };
    walk(w.t.dataDir);
    expect(files.some((f) => f.endsWith('.db') || f.endsWith('.sqlite'))).toBe(true);
    for (const f of files) {
      const bytes = fs.readFileSync(f);
      for (const k of keys) {
        expect({ file: f, found: bytes.includes(k) }).toEqual({ file: f, found: false });
        // The secret part alone must not be there either.
        expect({ file: f, found: bytes.includes(k.slice(-43)) }).toEqual({ file: f, found: false });
      }
    }
  });
});
