/**
 * Outbound webhooks against a real receiver (node http on 127.0.0.1) and the
 * real app on embedded stores. Backoff is configured in milliseconds so the
 * retry paths run in well under a second.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EventStore } from '@1tt/event-store';
import { startTestApp, type TestApp } from '../../test/e2e/support/test-app';
import { WebhookReceiver } from '../../test/support/webhook-receiver';
import { verifyWebhookSignature } from './webhook-signature';

const FAST = {
  WEBHOOK_ALLOW_PRIVATE: 'true',
  WEBHOOK_RETRY_INITIAL_MS: '20',
  WEBHOOK_RETRY_MAX_MS: '80',
  WEBHOOK_RETRY_WINDOW_SECONDS: '1',
  WEBHOOK_TIMEOUT_MS: '3000',
};

describe('outbound webhooks (real receiver on 127.0.0.1)', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let seq = 0;
  const register = async (path: string, eventTypes: string[], key?: string) => {
    const r = await t.http
      .post('/v1/webhooks')
      .set(t.auth(key))
      .send({ url: receiver.url(path), eventTypes });
    expect(r.status).toBe(201);
    return r.body as { webhookId: string; secret: string };
  };
  const newConsumer = async (): Promise<{ consumerId: string; apiKey: string }> => {
    const r = await t.http
      .post('/v1/consumers')
      .set(t.auth())
      .send({ displayName: `Consumer ${++seq}` });
    expect(r.status).toBe(201);
    return r.body;
  };
  const on = (path: string) => receiver.requests.filter((r) => r.path === path);
  const deliveries = async (webhookId: string) =>
    (await t.http.get(`/v1/webhooks/${webhookId}/deliveries`).set(t.auth()).expect(200)).body.deliveries as Array<{
      deliveryId: string;
      eventId: string;
      status: string;
      attemptCount: number;
      attempts: Array<{ statusCode?: number; outcome: string; error?: string; responseBody?: string }>;
    }>;
  const waitUntil = async (what: string, check: () => Promise<boolean>) => {
    for (let i = 0; i < 600; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`timed out waiting until ${what}`);
  };

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    t = await startTestApp({ env: FAST });
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.stop();
  });

  it('POSTs {id, type, position, occurredAt, data} signed with the secret shown once; the signature verifies and fails for another secret', async () => {
    const { webhookId, secret } = await register('/signed', ['ConsumerRegistered']);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const consumer = await newConsumer();
    const [req] = await receiver.waitFor(() => on('/signed').length === 1).then(() => on('/signed'));
    const body = req.json;
    expect(body).toMatchObject({ type: 'ConsumerRegistered', data: { consumerId: consumer.consumerId } });
    expect(Object.keys(body).sort()).toEqual(['data', 'id', 'occurredAt', 'position', 'type']);
    const logged = await t.get(EventStore).readStream(`consumer-${consumer.consumerId}`);
    expect(body.id).toBe(logged[0].id);
    expect(body.position).toBe(logged[0].position);
    expect(req.headers['1tt-event-id']).toBe(body.id);
    expect(req.headers['1tt-webhook-id']).toBe(webhookId);
    const header = String(req.headers['1tt-signature']);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(secret, req.body, header)).toBe(true);
    expect(verifyWebhookSignature(secret, `${req.body} `, header)).toBe(false);
    expect(verifyWebhookSignature(`${secret}x`, req.body, header)).toBe(false);
    // The README's snippet, run as printed, agrees.
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const snippet = /```js\n([\s\S]*?function verify1ttSignature[\s\S]*?)```/.exec(readme)?.[1];
    expect(snippet).toBeDefined();
    const readmeVerify = new Function('require', `${snippet}\nreturn verify1ttSignature;`)(require) as (
      s: string,
      b: string,
      h: string,
    ) => boolean;
    expect(readmeVerify(secret, req.body, header)).toBe(true);
    expect(readmeVerify(secret, `${req.body} `, header)).toBe(false);
    expect(readmeVerify(`${secret}x`, req.body, header)).toBe(false);
    // The secret is never shown again.
    const view = await t.http.get(`/v1/webhooks/${webhookId}`).set(t.auth()).expect(200);
    expect(JSON.stringify(view.body)).not.toContain(secret);
    expect(JSON.stringify((await t.http.get('/v1/webhooks').set(t.auth())).body)).not.toContain(secret);
    await t.http.delete(`/v1/webhooks/${webhookId}`).set(t.auth()).expect(204);
  });

  it('a receiver that fails twice then succeeds gets the event three times (same id), then never again; later events follow in log order', async () => {
    const byId = new Map<string, number>();
    receiver.responder = (req) => {
      if (req.path !== '/flaky') return { status: 200 };
      const n = (byId.get(req.json.id) ?? 0) + 1;
      byId.set(req.json.id, n);
      return n === 1 ? { status: 500, body: 'x'.repeat(5000) } : n === 2 ? { status: 503 } : { status: 200, body: 'ok' };
    };
    const { webhookId } = await register('/flaky', ['ConsumerRegistered']);
    const first = await newConsumer();
    await receiver.waitFor(() => on('/flaky').length === 3);
    expect(on('/flaky').map((r) => r.json.data.consumerId)).toEqual([first.consumerId, first.consumerId, first.consumerId]);
    expect(new Set(on('/flaky').map((r) => r.json.id)).size).toBe(1);
    // Two later events: each fails twice and is then delivered, in log order, and the first is never sent again.
    const second = await newConsumer();
    const third = await newConsumer();
    await receiver.waitFor(() => on('/flaky').length === 9);
    await new Promise((r) => setTimeout(r, 300)); // several retry periods: nothing more may arrive
    expect(on('/flaky').map((r) => r.json.data.consumerId)).toEqual([
      ...Array(3).fill(first.consumerId),
      ...Array(3).fill(second.consumerId),
      ...Array(3).fill(third.consumerId),
    ]);
    const list = await deliveries(webhookId);
    expect(list.map((d) => d.status)).toEqual(['delivered', 'delivered', 'delivered']);
    const oldest = list[2];
    expect(oldest.attempts.map((a) => [a.statusCode, a.outcome])).toEqual([
      [500, 'pending'],
      [503, 'pending'],
      [200, 'delivered'],
    ]);
    // Only 1 KiB of an answer is kept.
    expect(oldest.attempts[0].responseBody).toHaveLength(1024);
    const view = (await t.http.get(`/v1/webhooks/${webhookId}`).set(t.auth()).expect(200)).body;
    expect(view).toMatchObject({ status: 'active', pendingDeliveries: 0 });
    await t.http.delete(`/v1/webhooks/${webhookId}`).set(t.auth()).expect(204);
  });

  it('a 4xx (other than 408/429) stops that event without retries; a manual retry sends it again; a redirect is not followed', async () => {
    let answer400 = true;
    receiver.responder = (req) => {
      if (req.path === '/reject') return answer400 ? { status: 400, body: 'bad' } : { status: 204 };
      if (req.path === '/redirect') return { status: 302, headers: { location: receiver.url('/redirect-target') } };
      return { status: 200 };
    };
    const rejecting = await register('/reject', ['ConsumerRegistered']);
    const redirecting = await register('/redirect', ['ConsumerRegistered']);
    const c = await newConsumer();
    await receiver.waitFor(() => on('/reject').length === 1 && on('/redirect').length === 1);
    await waitUntil(
      'both deliveries failed',
      async () =>
        (await deliveries(rejecting.webhookId))[0]?.status === 'failed' &&
        (await deliveries(redirecting.webhookId))[0]?.status === 'failed',
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(on('/reject')).toHaveLength(1);
    expect(on('/redirect-target')).toHaveLength(0);
    const redirected = (await deliveries(redirecting.webhookId))[0];
    expect(redirected.attempts[0].error).toMatch(/redirects are not followed/);
    const [failed] = await deliveries(rejecting.webhookId);
    expect(failed).toMatchObject({ status: 'failed', attemptCount: 1 });
    answer400 = false;
    const retried = await t.http.post(`/v1/webhooks/${rejecting.webhookId}/deliveries/${failed.deliveryId}/retry`).set(t.auth());
    expect(retried.status).toBe(202);
    await receiver.waitFor(() => on('/reject').length === 2);
    expect(on('/reject')[1].json.id).toBe(on('/reject')[0].json.id);
    expect(on('/reject')[1].json.data.consumerId).toBe(c.consumerId);
    await waitUntil('the retried delivery is delivered', async () => (await deliveries(rejecting.webhookId))[0].status === 'delivered');
    for (const w of [rejecting, redirecting]) await t.http.delete(`/v1/webhooks/${w.webhookId}`).set(t.auth()).expect(204);
  });

  it('after the retry window the webhook is marked failing and says why; a later success clears it', async () => {
    let up = false;
    receiver.responder = (req) => (req.path === '/down' ? (up ? { status: 200 } : { status: 502, body: 'bad gateway' }) : { status: 200 });
    const { webhookId } = await register('/down', ['ConsumerRegistered']);
    await newConsumer();
    await waitUntil(
      'the webhook is failing',
      async () => (await t.http.get(`/v1/webhooks/${webhookId}`).set(t.auth())).body.status === 'failing',
    );
    const view = (await t.http.get(`/v1/webhooks/${webhookId}`).set(t.auth())).body;
    expect(view.failing.reason).toMatch(/gave up after \d+ attempts.*HTTP 502/);
    expect(on('/down').length).toBeGreaterThan(2);
    up = true;
    await newConsumer();
    await waitUntil(
      'a later event is delivered',
      async () => (await t.http.get(`/v1/webhooks/${webhookId}`).set(t.auth())).body.status === 'active',
    );
    await t.http.delete(`/v1/webhooks/${webhookId}`).set(t.auth()).expect(204);
  });

  it('a receiver that does not answer holds no API request: routes answer while its request is still open', async () => {
    receiver.responder = (req) => (req.path === '/slow' ? { status: 200, hold: true } : { status: 200 });
    const { webhookId } = await register('/slow', ['ConsumerRegistered']);
    await newConsumer();
    await receiver.waitFor(() => on('/slow').length === 1);
    expect(receiver.holding).toBe(1);
    // While the receiver holds the delivery open: writes, reads and the webhook routes all answer.
    const c = await newConsumer();
    await t.http.get('/v1/webhooks').set(t.auth()).expect(200);
    await t.http.get(`/v1/webhooks/${webhookId}/deliveries`).set(t.auth()).expect(200);
    await t.http.get('/health').expect(200);
    expect(receiver.holding).toBe(1); // still unanswered: the API did not wait for it
    expect(on('/slow')).toHaveLength(1); // and the next event waits for it (order)
    receiver.release();
    await receiver.waitFor(() => on('/slow').some((r) => r.json.data.consumerId === c.consumerId));
    await t.http.delete(`/v1/webhooks/${webhookId}`).set(t.auth()).expect(204);
  });

  it('a consumer webhook gets its own revenue events only; a contributor may not subscribe to events it never sees', async () => {
    receiver.responder = () => ({ status: 200 });
    const mine = await newConsumer();
    const other = await newConsumer();
    for (const c of [mine, other])
      await t.http
        .put(`/v1/consumers/${c.consumerId}/agreement`)
        .set(t.auth())
        .send({ alpha: '0.5', currency: 'USD', policy: 'snapshot' })
        .expect(200);
    const { webhookId } = await register('/consumer', ['RevenueReported', 'PayoutRunCompleted'], mine.apiKey);
    const period = { periodStart: '2025-01-01T00:00:00Z', periodEnd: '2025-02-01T00:00:00Z' };
    for (const c of [other, mine])
      await t.http
        .post('/v1/revenue')
        .set(t.auth(c.apiKey))
        .set('Idempotency-Key', `k-${c.consumerId}`)
        .send({ amount: '10.00', currency: 'USD', ...period })
        .expect(201);
    await receiver.waitFor(() => on('/consumer').length === 2);
    await new Promise((r) => setTimeout(r, 200));
    expect(on('/consumer').map((r) => [r.json.type, r.json.data.consumerId])).toEqual([
      ['RevenueReported', mine.consumerId],
      ['PayoutRunCompleted', mine.consumerId],
    ]);
    // The other consumer cannot see it; the owner lists only its own.
    await t.http.get(`/v1/webhooks/${webhookId}`).set(t.auth(other.apiKey)).expect(404);
    expect((await t.http.get('/v1/webhooks').set(t.auth(other.apiKey)).expect(200)).body.webhooks).toEqual([]);
    expect(
      (await t.http.get('/v1/webhooks').set(t.auth(mine.apiKey)).expect(200)).body.webhooks.map((w: { webhookId: string }) => w.webhookId),
    ).toEqual([webhookId]);

    const contributor = (await t.http.post('/v1/contributors').set(t.auth()).send({ displayName: 'Ada' }).expect(201)).body;
    const refused = await t.http
      .post('/v1/webhooks')
      .set(t.auth(contributor.apiKey))
      .send({ url: receiver.url('/c'), eventTypes: ['ApiKeyIssued'] });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'webhook-event-type-not-visible' });
    const unknown = await t.http
      .post('/v1/webhooks')
      .set(t.auth())
      .send({ url: receiver.url('/c'), eventTypes: ['NoSuchEvent'] });
    expect(unknown.body).toMatchObject({ status: 400, code: 'webhook-event-type-unknown' });
  });

  it('disabling pauses a webhook (its pending delivery waits, no new ones are made); enabling resumes it', async () => {
    let up = false;
    receiver.responder = (req) => (req.path === '/pause' && !up ? { status: 500 } : { status: 200 });
    const { webhookId } = await register('/pause', ['ConsumerRegistered']);
    const first = await newConsumer();
    await receiver.waitFor(() => on('/pause').length >= 1);
    await t.http.patch(`/v1/webhooks/${webhookId}`).set(t.auth()).send({ enabled: false }).expect(200);
    await new Promise((r) => setTimeout(r, 150)); // an attempt in flight when it was disabled may still land
    const paused = on('/pause').length;
    await newConsumer(); // while disabled: not for this webhook
    await new Promise((r) => setTimeout(r, 300));
    expect(on('/pause')).toHaveLength(paused);
    expect((await deliveries(webhookId)).map((d) => d.status)).toEqual(['pending']);
    up = true;
    await t.http.patch(`/v1/webhooks/${webhookId}`).set(t.auth()).send({ enabled: true }).expect(200);
    await waitUntil('the paused delivery is delivered', async () => (await deliveries(webhookId))[0].status === 'delivered');
    expect(on('/pause').at(-1)?.json.data.consumerId).toBe(first.consumerId);
    expect(await deliveries(webhookId)).toHaveLength(1);
    await t.http.delete(`/v1/webhooks/${webhookId}`).set(t.auth()).expect(204);
  });

  it('registrations, changes and deletions are events in the log (auditable), with the secret only as ciphertext', async () => {
    const { webhookId, secret } = await register('/audit', ['ConsumerRegistered']);
    await t.http.patch(`/v1/webhooks/${webhookId}`).set(t.auth()).send({ enabled: false }).expect(200);
    const disabled = (await t.http.get(`/v1/webhooks/${webhookId}`).set(t.auth()).expect(200)).body;
    expect(disabled).toMatchObject({ enabled: false, status: 'disabled' });
    await newConsumer();
    await new Promise((r) => setTimeout(r, 200));
    expect(on('/audit')).toHaveLength(0);
    await t.http.delete(`/v1/webhooks/${webhookId}`).set(t.auth()).expect(204);
    await t.http.get(`/v1/webhooks/${webhookId}`).set(t.auth()).expect(404);
    const stream = await t.get(EventStore).readStream(`webhook-${webhookId}`);
    expect(stream.map((e) => e.type)).toEqual(['WebhookRegistered', 'WebhookUpdated', 'WebhookDeleted']);
    expect(stream[0].metadata.actor).toMatch(/^admin:/);
    expect(JSON.stringify(stream)).not.toContain(secret);
    expect(JSON.stringify(stream)).not.toContain(secret.slice('whsec_'.length));
    // Nor in any file of the data dir (events.db, webhooks.db, the key file): only AES-GCM ciphertext is stored.
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true }))
        (e.isDirectory() ? walk : (f: string) => files.push(f))(path.join(d, e.name));
    };
    walk(t.dataDir);
    expect(files.some((f) => f.endsWith('webhooks.db'))).toBe(true);
    for (const f of files) expect({ f, found: fs.readFileSync(f).includes(secret.slice('whsec_'.length)) }).toEqual({ f, found: false });
  });
});

describe('outbound webhooks with the default safety rules', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each([
    ['http://10.0.0.1/hook', 'webhook-address-refused'],
    ['https://192.168.1.10/hook', 'webhook-address-refused'],
    ['https://169.254.169.254/latest/meta-data/', 'webhook-address-refused'],
    ['https://127.0.0.1:8443/hook', 'webhook-address-refused'],
    ['https://2130706433/hook', 'webhook-address-refused'],
    ['https://localhost/hook', 'webhook-address-refused'],
    ['https://[::1]/hook', 'webhook-address-refused'],
    ['https://[fd00:ec2::254]/hook', 'webhook-address-refused'],
    ['https://[fe80::1]/hook', 'webhook-address-refused'],
    ['https://[::ffff:169.254.169.254]/hook', 'webhook-address-refused'],
    ['http://hooks.example.com/hook', 'webhook-url-insecure'],
    ['ftp://hooks.example.com/hook', 'webhook-url-invalid'],
    ['https://user:pass@hooks.example.com/hook', 'webhook-url-invalid'],
  ])('refuses %s (%s) and writes nothing', async (url, code) => {
    const events = t.get(EventStore);
    const before = await events.headPosition();
    const r = await t.http
      .post('/v1/webhooks')
      .set(t.auth())
      .send({ url, eventTypes: ['ConsumerRegistered'] });
    expect(r.status).toBe(400);
    expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(r.body).toMatchObject({ code });
    expect(await events.headPosition()).toBe(before);
  });

  it('refuses a null description (absent is fine, null is not a description) and writes nothing', async () => {
    const events = t.get(EventStore);
    const before = await events.headPosition();
    const r = await t.http
      .post('/v1/webhooks')
      .set(t.auth())
      .send({ url: 'https://hooks.example.com/1tt', eventTypes: ['PayoutSettled'], description: null });
    expect(r.status).toBe(400);
    expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(await events.headPosition()).toBe(before);
  });

  it('accepts a public https URL', async () => {
    const r = await t.http
      .post('/v1/webhooks')
      .set(t.auth())
      .send({ url: 'https://hooks.example.com/1tt', eventTypes: ['PayoutSettled'] });
    expect(r.status).toBe(201);
    await t.http.delete(`/v1/webhooks/${r.body.webhookId}`).set(t.auth()).expect(204);
  });
});
