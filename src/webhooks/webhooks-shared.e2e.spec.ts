/**
 * Two API processes' worth of app on one DATA_DIR (one events.db, one
 * webhooks.db): both run the dispatcher, yet the fan-out lease lets one
 * follow the log and the per-webhook lease lets one deliver at a time, so a
 * receiver that always answers 200 gets every event exactly once, in log
 * order, whichever app took the write. When the app holding the leases
 * stops, the other takes over.
 */
import { EventStore } from '@1tt/event-store';
import { startTestApp, type TestApp } from '../../test/e2e/support/test-app';
import { WebhookReceiver } from '../../test/support/webhook-receiver';

const ENV = { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_INITIAL_MS: '20', WEBHOOK_RETRY_MAX_MS: '50', WEBHOOK_LEASE_SECONDS: '1' };

describe('webhooks with two apps on one DATA_DIR', () => {
  let a: TestApp;
  let b: TestApp;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    receiver.responder = () => ({ status: 200, delayMs: 5 });
    a = await startTestApp({ env: ENV });
    b = await startTestApp({ env: { ...ENV, ADMIN_API_KEY: a.adminKey }, dataDir: a.dataDir });
  });
  afterAll(async () => {
    await b?.close({ keepData: true });
    await a?.close();
    await receiver?.stop();
  });

  it('every event once, in log order; the survivor delivers after the other stops', async () => {
    const reg = await a.http
      .post('/v1/webhooks')
      .set(a.auth())
      .send({ url: receiver.url('/shared'), eventTypes: ['ConsumerRegistered'] });
    expect(reg.status).toBe(201);
    // The registration is visible through the other app at once (one webhooks.db).
    await b.http.get(`/v1/webhooks/${reg.body.webhookId}`).set(b.auth()).expect(200);
    const post = (t: TestApp, i: number) =>
      t.http
        .post('/v1/consumers')
        .set(t.auth())
        .send({ displayName: `S${i}` })
        .expect(201);
    await Promise.all(Array.from({ length: 20 }, (_, i) => post(i % 2 ? a : b, i)));

    const logged = async () => {
      const ids: string[] = [];
      for await (const e of a.get(EventStore).readAll())
        if (e.type === 'ConsumerRegistered' && e.position > reg.body.registeredPosition) ids.push(e.id);
      return ids;
    };
    let expected = await logged();
    expect(expected).toHaveLength(20);
    await receiver.waitFor((r) => r.length >= 20);
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.requests.map((r) => r.json.id)).toEqual(expected);

    await a.close({ keepData: true });
    await Promise.all(Array.from({ length: 5 }, (_, i) => post(b, 100 + i)));
    expected = [];
    for await (const e of b.get(EventStore).readAll())
      if (e.type === 'ConsumerRegistered' && e.position > reg.body.registeredPosition) expected.push(e.id);
    await receiver.waitFor((r) => r.length >= 25);
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.requests.map((r) => r.json.id)).toEqual(expected);
  });
});
