import { startTestApp, type TestApp } from '../../test/e2e/support/test-app';

/** The admin's directories (GET /v1/contributors|consumers|auditors) and GET /v1/consumers/{id}/agreement, on the real app. */
describe('party directories and the agreement read', () => {
  let t: TestApp;
  const ids: Record<string, string> = {};
  const register = async (route: string, displayName: string): Promise<{ id: string; apiKey: string }> => {
    const r = await t.http.post(`/v1/${route}`).set(t.auth()).send({ displayName }).expect(201);
    const id = r.body.contributorId ?? r.body.consumerId ?? r.body.auditorId;
    ids[displayName] = id;
    return { id, apiKey: r.body.apiKey };
  };

  beforeAll(async () => {
    t = await startTestApp();
    for (const name of ['zoë Zimmer', 'Ada Lovelace', 'Grace Hopper', 'adam Smith', 'Ådne Berg']) await register('contributors', name);
    await register('consumers', 'LLM Co');
    await register('auditors', 'Audit & Sons');
  });
  afterAll(() => t.close());

  it('lists contributors (names sealed for erasure) in registration order, with ids, and only contributors', async () => {
    const r = await t.http.get('/v1/contributors').set(t.auth()).expect(200);
    expect(r.body.items.map((i: { displayName: string }) => i.displayName)).toEqual([
      'zoë Zimmer',
      'Ada Lovelace',
      'Grace Hopper',
      'adam Smith',
      'Ådne Berg',
    ]);
    expect(r.body.items[0]).toEqual({ id: ids['zoë Zimmer'], displayName: 'zoë Zimmer', registeredAt: expect.any(String) });
    expect(r.body.nextCursor).toBeNull();
    expect(typeof r.body.position).toBe('number');
    const consumers = await t.http.get('/v1/consumers').set(t.auth()).expect(200);
    expect(consumers.body.items.map((i: { displayName: string }) => i.displayName)).toEqual(['LLM Co']);
  });

  it('pages with a cursor, and a name search pages through its matches only', async () => {
    const first = await t.http.get('/v1/contributors?limit=2').set(t.auth()).expect(200);
    const second = await t.http.get(`/v1/contributors?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`).set(t.auth());
    expect(second.status).toBe(200);
    expect([...first.body.items, ...second.body.items].map((i: { displayName: string }) => i.displayName)).toEqual([
      'zoë Zimmer',
      'Ada Lovelace',
      'Grace Hopper',
      'adam Smith',
    ]);
    const found: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/contributors?q=AD&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await t.http.get(url).set(t.auth()).expect(200);
      found.push(...page.body.items.map((i: { displayName: string }) => i.displayName));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(found).toEqual(['Ada Lovelace', 'adam Smith']);
  });

  it('answers as of an earlier position: a later registration is not there', async () => {
    const before = await t.http.get('/v1/contributors').set(t.auth()).expect(200);
    await register('contributors', 'Late Comer');
    const now = await t.http.get('/v1/contributors').set(t.auth()).expect(200);
    expect(now.body.items).toHaveLength(before.body.items.length + 1);
    const then = await t.http.get(`/v1/contributors?atPosition=${before.body.position}`).set(t.auth()).expect(200);
    expect(then.body.items).toEqual(before.body.items);
  });

  it('refuses a malformed cursor and an overlong search with problem+json', async () => {
    const bad = await t.http.get('/v1/contributors?q=ada&cursor=nope').set(t.auth()).expect(400);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);
    expect(bad.body.errors[0].field).toBe('cursor');
    const long = await t.http
      .get(`/v1/contributors?q=${'a'.repeat(201)}`)
      .set(t.auth())
      .expect(400);
    expect(long.body.errors[0].field).toBe('q');
  });

  it('GET agreement: 404 before one is set, then the agreement with the ETag that PUT accepts as If-Match', async () => {
    const consumer = ids['LLM Co'];
    const none = await t.http.get(`/v1/consumers/${consumer}/agreement`).set(t.auth()).expect(404);
    expect(none.body.code).toBe('agreement-not-found');
    await t.http
      .put(`/v1/consumers/${consumer}/agreement`)
      .set(t.auth())
      .send({ alpha: '0.3', currency: 'USD', policy: 'snapshot' })
      .expect(200);
    const got = await t.http.get(`/v1/consumers/${consumer}/agreement`).set(t.auth()).expect(200);
    expect(got.body).toMatchObject({ consumerId: consumer, alpha: '0.3', currency: 'USD', policy: 'snapshot' });
    expect(got.headers.etag).toBe(`"${got.body.revision}"`);
    await t.http
      .put(`/v1/consumers/${consumer}/agreement`)
      .set(t.auth())
      .set('If-Match', got.headers.etag)
      .send({ alpha: '0.4', currency: 'USD', policy: 'snapshot' })
      .expect(200);
    // The old ETag is stale now.
    await t.http
      .put(`/v1/consumers/${consumer}/agreement`)
      .set(t.auth())
      .set('If-Match', got.headers.etag)
      .send({ alpha: '0.5', currency: 'USD', policy: 'snapshot' })
      .expect(412);
    const unknown = await t.http.get('/v1/consumers/00000000-0000-4000-8000-000000000000/agreement').set(t.auth()).expect(404);
    expect(unknown.body.code).toBe('consumer-not-found');
  });
});
