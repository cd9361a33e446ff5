import { EventStore } from '@1tt/event-store';
import { streamNames } from '@1tt/ledger';
import { startTestApp, type TestApp } from './support/test-app';

/** Issue #15: data requests over HTTP (open, list by role, read, close early), validation with catalogued codes, nothing written on refusal. */
describe('/v1/data-requests (real app)', () => {
  let t: TestApp;
  let acme: { consumerId: string; apiKey: string };
  let other: { consumerId: string; apiKey: string };
  let ann: { contributorId: string; apiKey: string };
  const future = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
  const body = (over: Record<string, unknown> = {}) => ({
    title: 'German legal prose',
    description: 'Court decisions in German.',
    languages: ['de'],
    contentClasses: ['prose'],
    keywords: ['Urteil'],
    tokenTarget: '50000',
    weight: '2.5',
    closesAt: future(30),
    weightUntil: future(90),
    ...over,
  });

  beforeAll(async () => {
    t = await startTestApp();
    acme = (await t.http.post('/v1/consumers').set(t.auth()).send({ displayName: 'Acme' }).expect(201)).body;
    other = (await t.http.post('/v1/consumers').set(t.auth()).send({ displayName: 'Other' }).expect(201)).body;
    ann = (await t.http.post('/v1/contributors').set(t.auth()).send({ displayName: 'Ann' }).expect(201)).body;
  }, 60_000);
  afterAll(() => t?.close());

  it('a consumer opens a request; it reads back with its terms, status open and nothing credited', async () => {
    const created = await t.http.post('/v1/data-requests').set(t.auth(acme.apiKey)).send(body()).expect(201);
    const id = created.body.requestId as string;
    expect(created.headers.location).toBe(`/v1/data-requests/${id}`);
    const r = await t.http.get(created.headers.location).set(t.auth(acme.apiKey)).expect(200);
    expect(r.body).toMatchObject({
      requestId: id,
      consumerId: acme.consumerId,
      keywords: ['urteil'],
      weight: '2.5',
      tokenTarget: '50000',
      creditedTokens: '0',
      remainingTokens: '50000',
      status: 'open',
      closedAt: null,
    });
    // A contributor sees it while open, another consumer does not (404, as a missing id), the auditor does.
    await t.http.get(`/v1/data-requests/${id}`).set(t.auth(ann.apiKey)).expect(200);
    await t.http.get(`/v1/data-requests/${id}`).set(t.auth(other.apiKey)).expect(404);
    const contributorList = await t.http.get('/v1/data-requests').set(t.auth(ann.apiKey)).expect(200);
    expect(contributorList.body.items.map((i: { requestId: string }) => i.requestId)).toContain(id);
    const otherList = await t.http.get('/v1/data-requests').set(t.auth(other.apiKey)).expect(200);
    expect(otherList.body.items).toEqual([]);
  });

  it('an admin opens one for a consumer (consumerId required); a consumer cannot open one for another', async () => {
    const r = await t.http
      .post('/v1/data-requests')
      .set(t.auth())
      .send(body({ consumerId: other.consumerId }))
      .expect(201);
    const got = await t.http.get(`/v1/data-requests/${r.body.requestId}`).set(t.auth(other.apiKey)).expect(200);
    expect(got.body.consumerId).toBe(other.consumerId);
    expect((await t.http.post('/v1/data-requests').set(t.auth()).send(body()).expect(400)).body.code).toBe('invalid-request');
    await t.http
      .post('/v1/data-requests')
      .set(t.auth(acme.apiKey))
      .send(body({ consumerId: other.consumerId }))
      .expect(403);
    await t.http.post('/v1/data-requests').set(t.auth(ann.apiKey)).send(body()).expect(403);
  });

  it('refuses bad terms with a catalogued code and writes nothing', async () => {
    const events = t.get(EventStore);
    const head = await events.headPosition();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ weight: '1' }, 'data-request-weight-invalid'],
      [{ weight: '10.5' }, 'data-request-weight-invalid'],
      [{ weight: 2 }, 'data-request-weight-invalid'],
      [{ tokenTarget: '0' }, 'data-request-token-target-invalid'],
      [{ closesAt: future(-1) }, 'data-request-window-invalid'],
      [{ opensAt: future(40) }, 'data-request-window-invalid'],
      [{ weightUntil: future(10) }, 'data-request-window-invalid'],
      [{ contentClasses: ['poetry'] }, 'data-request-list-invalid'],
      [{ languages: ['deutsch'] }, 'data-request-list-invalid'],
      [{ closesAt: 'next month' }, 'time-malformed'],
      [{ unknownField: 1 }, 'invalid-request'],
    ];
    for (const [over, code] of cases) {
      const r = await t.http.post('/v1/data-requests').set(t.auth(acme.apiKey)).send(body(over));
      expect({ over, status: r.status, code: r.body.code }).toEqual({ over, status: 400, code });
      expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    expect(await events.headPosition()).toBe(head);
  });

  it('DELETE closes early (its consumer or an admin, once); contributors then no longer see it', async () => {
    const id = (await t.http.post('/v1/data-requests').set(t.auth(acme.apiKey)).send(body()).expect(201)).body.requestId as string;
    await t.http.delete(`/v1/data-requests/${id}`).set(t.auth(other.apiKey)).expect(404);
    await t.http.delete(`/v1/data-requests/${id}`).set(t.auth(ann.apiKey)).expect(403);
    const closed = await t.http.delete(`/v1/data-requests/${id}`).set(t.auth(acme.apiKey)).expect(200);
    expect(closed.body).toMatchObject({ requestId: id, status: 'closed' });
    expect(closed.body.closedAt).toEqual(expect.any(String));
    expect((await t.http.delete(`/v1/data-requests/${id}`).set(t.auth()).expect(409)).body.code).toBe('data-request-closed');
    await t.http.get(`/v1/data-requests/${id}`).set(t.auth(ann.apiKey)).expect(404);
    await t.http.get(`/v1/data-requests/${id}`).set(t.auth(acme.apiKey)).expect(200);
    const stream = await t.get(EventStore).readStream(streamNames.dataRequest(id));
    expect(stream.map((e) => e.type)).toEqual(['DataRequestOpened', 'DataRequestClosed']);
  });

  it('as of a time before the request, it did not exist', async () => {
    const before = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    const id = (await t.http.post('/v1/data-requests').set(t.auth(acme.apiKey)).send(body()).expect(201)).body.requestId as string;
    await t.http.get(`/v1/data-requests/${id}?asOf=${before}`).set(t.auth(acme.apiKey)).expect(404);
  });
});
