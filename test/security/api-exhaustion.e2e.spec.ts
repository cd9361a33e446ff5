/**
 * Issue #20 (low findings, API side): /v1/audit/verify runs off the event
 * loop with bounded concurrency, so /health answers while verifications
 * run; failed authentication is rate-limited per client address and per
 * key id while valid keys keep working. Timings are in
 * `npm run bench -- api-exhaustion`, not here.
 */
import { EventStore } from '@1tt/event-store';
import { AuditVerifier } from '../../src/ledger-queries/audit-verify/audit-verifier.service';
import { startTestApp, type TestApp } from '../e2e/support/test-app';

const PROBLEM = /^application\/problem\+json/;

describe('audit verify off the event loop', () => {
  let t: TestApp;
  afterEach(async () => t?.close());

  it('answers /health while several verifications run, and every verification answers in full', async () => {
    t = await startTestApp({ env: { AUDIT_VERIFY_CONCURRENCY: '2', AUDIT_VERIFY_QUEUE: '8' } });
    const events = t.app.get(EventStore);
    for (let s = 0; s < 10; s++)
      await events.appendToStream(
        `bulk-${s}`,
        Array.from({ length: 1000 }, (_, i) => ({ type: 'BulkNoted', data: { i, text: 'x'.repeat(100) } })),
        { expectedRevision: 'no-stream' },
      );
    const head = await events.headPosition();
    const verifier = t.app.get(AuditVerifier);
    let finished = 0;
    const verifies = Array.from({ length: 6 }, () =>
      t.http
        .get('/v1/audit/verify')
        .set(t.auth(t.adminKey))
        .then((r) => {
          finished++;
          return r;
        }),
    );
    while (verifier.load.running === 0) await new Promise((r) => setTimeout(r, 5));
    const healthWhileRunning: number[] = [];
    while (finished === 0) {
      const h = await t.http.get('/health');
      expect(h.status).toBe(200);
      // Only answers that came back before any verification did count: the event loop was free while they ran.
      if (finished === 0) healthWhileRunning.push(h.status);
    }
    expect(healthWhileRunning.length).toBeGreaterThan(0);
    for (const r of await Promise.all(verifies)) {
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ ok: true, position: head, checkedEvents: head });
    }
  }, 180_000);

  it('refuses a verification past AUDIT_VERIFY_CONCURRENCY + AUDIT_VERIFY_QUEUE with 503 problem+json and Retry-After', async () => {
    t = await startTestApp({ env: { AUDIT_VERIFY_CONCURRENCY: '1', AUDIT_VERIFY_QUEUE: '0' } });
    const events = t.app.get(EventStore);
    for (let s = 0; s < 10; s++)
      await events.appendToStream(
        `bulk-${s}`,
        Array.from({ length: 1000 }, (_, i) => ({ type: 'BulkNoted', data: { i } })),
        { expectedRevision: 'no-stream' },
      );
    const verifier = t.app.get(AuditVerifier);
    const first = t.http
      .get('/v1/audit/verify')
      .set(t.auth(t.adminKey))
      .then((r) => r);
    while (verifier.load.running === 0) await new Promise((r) => setTimeout(r, 5));
    const refused = await t.http.get('/v1/audit/verify').set(t.auth(t.adminKey));
    // The first may have finished in between (a fast machine): then this one ran, which is also right.
    if (refused.status !== 200) {
      expect(refused.status).toBe(503);
      expect(refused.headers['content-type']).toMatch(PROBLEM);
      expect(refused.headers['retry-after']).toMatch(/^\d+$/);
      expect(refused.body).toMatchObject({ code: 'audit-verify-busy' });
    }
    expect((await first).status).toBe(200);
  }, 120_000);
});

describe('failed authentication is rate-limited', () => {
  let t: TestApp;
  afterEach(async () => t?.close());

  const bad = (keyId: string) => `1tt_${keyId}_${'A'.repeat(43)}`;

  it('per client address: past AUTH_FAILURES_PER_MINUTE a failure is 429 problem+json with Retry-After; valid keys unaffected', async () => {
    t = await startTestApp({ env: { AUTH_FAILURES_PER_MINUTE: '3', TRUST_PROXY: '1' } });
    const alice = await t.issueKey('contributor', 'alice');
    const from = (ip: string) => ({ 'X-Forwarded-For': ip });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await t.http
        .get('/v1/pool')
        .set(from('198.51.100.7'))
        .set(t.auth(bad(`00000000000000a${i}`)));
      statuses.push(r.status);
    }
    expect(statuses).toEqual([401, 401, 401]);
    for (const headers of [t.auth(bad('00000000000000b1')), { Authorization: 'Bearer nonsense' }, {}]) {
      const over = await t.http.get('/v1/pool').set(from('198.51.100.7')).set(headers);
      expect(over.status).toBe(429);
      expect(over.headers['content-type']).toMatch(PROBLEM);
      expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
      expect(over.body).toMatchObject({ status: 429, code: 'authentication-rate-limited' });
    }
    // The same address with a valid key, and another address with a bad one, are not affected.
    await t.http.get('/v1/pool').set(from('198.51.100.7')).set(t.auth(alice.apiKey)).expect(200);
    await t.http.get('/v1/pool').set(from('198.51.100.7')).set(t.auth(t.adminKey)).expect(200);
    await t.http
      .get('/v1/pool')
      .set(from('198.51.100.8'))
      .set(t.auth(bad('00000000000000c1')))
      .expect(401);
  });

  it('without TRUST_PROXY a client cannot pick its address: X-Forwarded-For is ignored, so rotating it does not escape the limit', async () => {
    t = await startTestApp({ env: { AUTH_FAILURES_PER_MINUTE: '3' } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await t.http
        .get('/v1/pool')
        .set({ 'X-Forwarded-For': `198.51.100.${i + 20}` })
        .set(t.auth(bad(`00000000000000f${i}`)));
      statuses.push(r.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });

  it('per key id: failures for one key id from many addresses are limited; the real key still works', async () => {
    t = await startTestApp({ env: { AUTH_FAILURES_PER_MINUTE: '3', TRUST_PROXY: '1' } });
    const alice = await t.issueKey('contributor', 'alice');
    const forged = `1tt_${alice.keyId}_${'B'.repeat(43)}`;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await t.http
        .get('/v1/pool')
        .set({ 'X-Forwarded-For': `203.0.113.${i + 1}` })
        .set(t.auth(forged));
      statuses.push(r.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    await t.http.get('/v1/pool').set({ 'X-Forwarded-For': '203.0.113.9' }).set(t.auth(alice.apiKey)).expect(200);
  });

  it('bad keys on /health count against the address (no key oracle there) while /health itself answers', async () => {
    t = await startTestApp({ env: { AUTH_FAILURES_PER_MINUTE: '2', TRUST_PROXY: '1' } });
    const from = { 'X-Forwarded-For': '192.0.2.44' };
    for (let i = 0; i < 3; i++)
      await t.http
        .get('/health')
        .set(from)
        .set(t.auth(bad(`00000000000000d${i}`)))
        .expect(200);
    const r = await t.http
      .get('/v1/pool')
      .set(from)
      .set(t.auth(bad('00000000000000e1')));
    expect(r.status).toBe(429);
  });
});
