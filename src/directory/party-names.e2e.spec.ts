import { EventStore } from '@1tt/event-store';
import { PayoutProcessor } from '../ledger/payout/payout-processor';
import { acceptDataset } from '../../test/ledger/ledger-log.fixture';
import { startTestApp, type TestApp } from '../../test/e2e/support/test-app';

/**
 * Display names beside party ids (issue 19 item 1): every answer that names a
 * contributor or consumer carries its display name right after the id, as
 * far as the caller may see it (a contributor's name: admin, auditor and that
 * contributor only).
 */
describe('display names beside contributorId and consumerId', () => {
  let t: TestApp;
  let ann: { id: string; key: string };
  let ben: { id: string; key: string };
  let corp: { id: string; key: string };
  let auditorKey: string;
  let revenueId: string;

  beforeAll(async () => {
    t = await startTestApp();
    const events = t.get(EventStore);
    const reg = async (route: string, displayName: string) => {
      const r = await t.http.post(`/v1/${route}`).set(t.auth()).send({ displayName }).expect(201);
      return { id: r.body.contributorId ?? r.body.consumerId ?? r.body.auditorId, key: r.body.apiKey as string };
    };
    ann = await reg('contributors', 'Ann Example');
    ben = await reg('contributors', 'Ben Beispiel');
    corp = await reg('consumers', 'LLM Corp');
    auditorKey = (await reg('auditors', 'Audit & Co')).key;
    await t.http
      .put(`/v1/consumers/${corp.id}/agreement`)
      .set(t.auth())
      .send({ alpha: '0.5', currency: 'USD', policy: 'snapshot' })
      .expect(200);
    await acceptDataset(events, 'ds-ann', ann.id, 300);
    await acceptDataset(events, 'ds-ben', ben.id, 100);
    const r = await t.http
      .post('/v1/revenue')
      .set(t.auth(corp.key))
      .set('Idempotency-Key', 'names-1')
      .send({ amount: '100.00', currency: 'USD', periodStart: '2025-01-01T00:00:00Z', periodEnd: '2025-02-01T00:00:00Z' })
      .expect(201);
    revenueId = r.body.revenueId;
    // The 201 says where the report is (issue 19: Location on creates).
    expect(r.headers.location).toBe(`/v1/revenue/${revenueId}`);
    await t.get(PayoutProcessor).catchUp();
  });
  afterAll(() => t.close());

  it('pool rows: the admin and auditor see every name, a contributor only their own', async () => {
    for (const key of [undefined, auditorKey]) {
      const pool = await t.http.get('/v1/pool').set(t.auth(key)).expect(200);
      const byId = Object.fromEntries(
        pool.body.contributors.map((c: Record<string, string>) => [c.contributorId, c.contributorDisplayName]),
      );
      expect(byId).toEqual({ [ann.id]: 'Ann Example', [ben.id]: 'Ben Beispiel' });
      // The name sits right after the id.
      expect(Object.keys(pool.body.contributors[0]).slice(0, 2)).toEqual(['contributorId', 'contributorDisplayName']);
    }
    const asAnn = await t.http.get('/v1/pool').set(t.auth(ann.key)).expect(200);
    const seen = Object.fromEntries(
      asAnn.body.contributors.map((c: Record<string, string>) => [c.contributorId, c.contributorDisplayName]),
    );
    expect(seen).toEqual({ [ann.id]: 'Ann Example', [ben.id]: null });
  });

  it("revenue and payout runs: the consumer sees its own name, not the contributors'; the admin sees all", async () => {
    const list = await t.http.get('/v1/revenue').set(t.auth(corp.key)).expect(200);
    expect(list.body.items[0]).toMatchObject({ consumerId: corp.id, consumerDisplayName: 'LLM Corp' });
    expect(list.body.items[0].payoutRun).toMatchObject({ consumerId: corp.id, consumerDisplayName: 'LLM Corp' });
    const one = await t.http.get(`/v1/revenue/${revenueId}`).set(t.auth()).expect(200);
    expect(one.body.consumerDisplayName).toBe('LLM Corp');

    const run = await t.http.get(`/v1/payout-runs/${revenueId}`).set(t.auth(corp.key)).expect(200);
    expect(run.body.consumerDisplayName).toBe('LLM Corp');
    expect(run.body.allocations.map((a: Record<string, unknown>) => a.contributorDisplayName)).toEqual([null, null]);
    const asAdmin = await t.http.get(`/v1/payout-runs/${revenueId}`).set(t.auth()).expect(200);
    expect(new Set(asAdmin.body.allocations.map((a: Record<string, unknown>) => a.contributorDisplayName))).toEqual(
      new Set(['Ann Example', 'Ben Beispiel']),
    );
    const asAnn = await t.http.get(`/v1/payout-runs/${revenueId}`).set(t.auth(ann.key)).expect(200);
    expect(asAnn.body.allocations).toEqual([expect.objectContaining({ contributorId: ann.id, contributorDisplayName: 'Ann Example' })]);
  });

  it('metrics, payouts and statements name the contributor and the consumers who paid', async () => {
    const m = await t.http.get(`/v1/contributors/${ann.id}/metrics`).set(t.auth(ann.key)).expect(200);
    expect(m.body.contributorDisplayName).toBe('Ann Example');
    expect(m.body.expectedPayoutByConsumer[0]).toMatchObject({ consumerId: corp.id, consumerDisplayName: 'LLM Corp' });
    const p = await t.http.get(`/v1/contributors/${ann.id}/payouts`).set(t.auth(ann.key)).expect(200);
    expect(p.body.contributorDisplayName).toBe('Ann Example');
    expect(p.body.items[0]).toMatchObject({ kind: 'allocation', consumerId: corp.id, consumerDisplayName: 'LLM Corp' });
    const s = await t.http.get(`/v1/contributors/${ann.id}/statements`).set(t.auth(ann.key)).expect(200);
    expect(s.body.contributorDisplayName).toBe('Ann Example');
    expect(s.body.lines[0]).toMatchObject({ consumerId: corp.id, consumerDisplayName: 'LLM Corp' });
  });

  it('/v1/me names the caller; the audit trail keeps event data exactly as recorded', async () => {
    expect((await t.http.get('/v1/me').set(t.auth(ben.key)).expect(200)).body).toMatchObject({
      role: 'contributor',
      subjectId: ben.id,
      displayName: 'Ben Beispiel',
    });
    expect((await t.http.get('/v1/me').set(t.auth()).expect(200)).body).toMatchObject({ role: 'admin', displayName: null });
    const trail = await t.http.get(`/v1/contributors/${ann.id}/audit-trail`).set(t.auth()).expect(200);
    expect(trail.body.contributorDisplayName).toBe('Ann Example');
    const registered = trail.body.items.find((e: { type: string }) => e.type === 'ContributorRegistered');
    expect(Object.keys(registered.data)).not.toContain('contributorDisplayName');
  });

  it('a party registered a moment ago is named at once', async () => {
    const r = await t.http.post('/v1/contributors').set(t.auth()).send({ displayName: 'Cy Fresh' }).expect(201);
    expect(r.body.contributorDisplayName).toBe('Cy Fresh');
  });
});
