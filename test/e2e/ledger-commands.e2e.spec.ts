import { EventStore } from '@1tt/event-store';
import { parseNonNegativeAmount } from '@1tt/ledger';
import { PayoutProcessor } from '../../src/ledger/payout/payout-processor';
import { acceptDataset, payoutRun, payoutRunEvents, type PayoutRunView } from '../ledger/ledger-log.fixture';
import { startTestApp, type TestApp } from './support/test-app';

const period = { periodStart: '2025-01-01T00:00:00Z', periodEnd: '2025-02-01T00:00:00Z' };

describe('ledger commands over HTTP (real app, embedded stores)', () => {
  let t: TestApp;
  let events: EventStore;
  let contributorKey: string;
  let consumerId: string;
  let consumerKey: string;
  let alice: string;
  let bob: string;

  const head = () => events.headPosition();
  const revenue = (key: string | undefined, body: Record<string, unknown>, apiKey = consumerKey) => {
    const req = t.http.post('/v1/revenue').set(t.auth(apiKey));
    return (key === undefined ? req : req.set('Idempotency-Key', key)).send(body);
  };

  beforeAll(async () => {
    t = await startTestApp();
    events = t.get(EventStore);
    const a = await t.http.post('/v1/contributors').set(t.auth()).send({ displayName: 'Alice' }).expect(201);
    alice = a.body.contributorId;
    contributorKey = a.body.apiKey;
    bob = (await t.http.post('/v1/contributors').set(t.auth()).send({ displayName: 'Bob' }).expect(201)).body.contributorId;
    const c = await t.http.post('/v1/consumers').set(t.auth()).send({ displayName: 'LLM Corp' }).expect(201);
    consumerId = c.body.consumerId;
    consumerKey = c.body.apiKey;
    await t.http
      .put(`/v1/consumers/${consumerId}/agreement`)
      .set(t.auth())
      .send({ alpha: '0.5', currency: 'USD', policy: 'snapshot' })
      .expect(200);
    await acceptDataset(events, 'ds-alice-1', alice, 300);
    await acceptDataset(events, 'ds-bob-1', bob, 100);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('registration', () => {
    it.each([
      ['contributors', 'contributorId', 'contributor'],
      ['consumers', 'consumerId', 'consumer'],
      ['auditors', 'auditorId', 'auditor'],
    ])('POST /v1/%s registers and issues a working key shown once', async (route, idField, role) => {
      const r = await t.http
        .post(`/v1/${route}`)
        .set(t.auth())
        .send({ displayName: `New ${role}` })
        .expect(201);
      expect(Object.keys(r.body).sort()).toEqual(['apiKey', idField, idField.replace(/Id$/, 'DisplayName')].sort());
      expect(r.body[idField.replace(/Id$/, 'DisplayName')]).toBe(`New ${role}`);
      const me = await t.http.get('/v1/me').set(t.auth(r.body.apiKey)).expect(200);
      expect(me.body).toMatchObject({ role, subjectId: r.body[idField] });
      const stream = await events.readStream(`${role}-${r.body[idField]}`);
      // A contributor's name is personal data: recorded sealed under their own key (erasure destroys it), never in clear.
      expect(stream[0]).toMatchObject({
        type: `${role[0].toUpperCase()}${role.slice(1)}Registered`,
        data:
          role === 'contributor'
            ? { [idField]: r.body[idField], sealedDisplayName: { keyId: expect.any(String), ciphertext: expect.any(String) } }
            : { [idField]: r.body[idField], displayName: `New ${role}` },
      });
      if (role === 'contributor') expect(JSON.stringify(stream)).not.toContain(`New ${role}`);
      expect(JSON.stringify(stream)).not.toContain(r.body.apiKey);
    });

    it('refuses without a key (401), with a non-admin key (403) and a bad body (400), writing nothing', async () => {
      const before = await head();
      await t.http.post('/v1/contributors').send({ displayName: 'X' }).expect(401);
      await t.http.post('/v1/consumers').set(t.auth(contributorKey)).send({ displayName: 'X' }).expect(403);
      await t.http.post('/v1/auditors').set(t.auth(consumerKey)).send({ displayName: 'X' }).expect(403);
      const missing = await t.http.post('/v1/contributors').set(t.auth()).send({}).expect(400);
      expect(missing.headers['content-type']).toMatch(/application\/problem\+json/);
      await t.http.post('/v1/contributors').set(t.auth()).send({ displayName: 'X', role: 'admin' }).expect(400);
      await t.http.post('/v1/contributors').set(t.auth()).send({ displayName: '   ' }).expect(400);
      expect(await head()).toBe(before);
    });
  });

  describe('agreements', () => {
    let otherConsumer: string;
    beforeAll(async () => {
      otherConsumer = (await t.http.post('/v1/consumers').set(t.auth()).send({ displayName: 'Other' }).expect(201)).body.consumerId;
    });

    it('answers with the agreement and an ETag, and honours If-Match', async () => {
      const first = await t.http
        .put(`/v1/consumers/${otherConsumer}/agreement`)
        .set(t.auth())
        .send({ alpha: '0.250', currency: 'EUR', policy: 'time-weighted', effectiveFrom: '2030-01-01T01:00:00+01:00' })
        .expect(200);
      expect(first.body).toEqual({
        consumerId: otherConsumer,
        consumerDisplayName: expect.any(String),
        alpha: '0.25',
        currency: 'EUR',
        policy: 'time-weighted',
        effectiveFrom: '2030-01-01T00:00:00.000Z',
        revenueVisibility: 'pool',
        revision: 1,
      });
      expect(first.headers.etag).toBe('"1"');

      const before = await head();
      const stale = await t.http
        .put(`/v1/consumers/${otherConsumer}/agreement`)
        .set(t.auth())
        .set('If-Match', '"0"')
        .send({ alpha: '0.3', currency: 'EUR', policy: 'snapshot' })
        .expect(412);
      expect(stale.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(await head()).toBe(before);

      const next = await t.http
        .put(`/v1/consumers/${otherConsumer}/agreement`)
        .set(t.auth())
        .set('If-Match', first.headers.etag)
        .send({ alpha: '0.3', currency: 'EUR', policy: 'snapshot', effectiveFrom: '2030-06-01T00:00:00Z' })
        .expect(200);
      expect(next.headers.etag).toBe('"2"');
      expect(next.body).toMatchObject({ alpha: '0.3', policy: 'snapshot' });
      await t.http
        .put(`/v1/consumers/${otherConsumer}/agreement`)
        .set(t.auth())
        .set('If-Match', 'nonsense')
        .send({ alpha: '0.3', currency: 'EUR', policy: 'snapshot' })
        .expect(400);
    });

    it.each([
      [{ alpha: '0', currency: 'USD', policy: 'snapshot' }, 'alpha'],
      [{ alpha: '1.5', currency: 'USD', policy: 'snapshot' }, 'alpha'],
      [{ alpha: '0.0000001', currency: 'USD', policy: 'snapshot' }, 'alpha'],
      [{ alpha: 0.3, currency: 'USD', policy: 'snapshot' }, 'alpha'],
      [{ alpha: '0.3', currency: 'XYZ', policy: 'snapshot' }, 'currency'],
      [{ alpha: '0.3', currency: 'USD', policy: 'generous' }, 'policy'],
      [{ alpha: '0.3', currency: 'USD', policy: 'snapshot', effectiveFrom: 'yesterday' }, 'effectiveFrom'],
      [{ alpha: '0.3', currency: 'USD', policy: 'snapshot', effectiveFrom: '2020-01-01T00:00:00Z' }, 'effectiveFrom'],
    ])('refuses %j (400 naming %s) and writes nothing', async (body, field) => {
      const before = await head();
      const r = await t.http.put(`/v1/consumers/${otherConsumer}/agreement`).set(t.auth()).send(body).expect(400);
      expect(JSON.stringify(r.body.errors)).toContain(field);
      expect(await head()).toBe(before);
    });

    it('404 for an unknown consumer, 401/403 for the wrong caller', async () => {
      const body = { alpha: '0.3', currency: 'USD', policy: 'snapshot' };
      await t.http.put('/v1/consumers/no-such-consumer/agreement').set(t.auth()).send(body).expect(404);
      await t.http.put(`/v1/consumers/${otherConsumer}/agreement`).send(body).expect(401);
      await t.http.put(`/v1/consumers/${otherConsumer}/agreement`).set(t.auth(consumerKey)).send(body).expect(403);
    });
  });

  describe('revenue', () => {
    const body = { amount: '100.00', currency: 'USD', ...period };

    it('201 the first time, 200 with the same body on a retry, 409 for the same key with another body', async () => {
      const before = await head();
      const first = await revenue('r-retry-1', body).expect(201);
      expect(first.body).toEqual({ revenueId: expect.any(String), status: 'recorded' });
      const again = await revenue('r-retry-1', body).expect(200);
      expect(again.body).toEqual(first.body);
      const other = await revenue('r-retry-1', { ...body, amount: '100.01' }).expect(409);
      expect(other.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(other.body.code ?? other.body.type).toEqual(expect.stringContaining('idempotency'));
      await t.get(PayoutProcessor).catchUp();
      expect((await payoutRunEvents(events, first.body.revenueId)).map((e) => e.type)).toEqual([
        'PayoutRunStarted',
        'PayoutRunAllocationsRecorded',
        'PayoutRunCompleted',
      ]);
      // The retry and the refusal wrote nothing: the report and its run (started, allocations, completed) only.
      expect(await head()).toBe(before + 4);
    });

    it('pays the run from the pool as of the report (α 0.5 of 100.00 USD over 300 + 100 tokens)', async () => {
      const r = await revenue('r-pool-1', body).expect(201);
      const reported = await events.readStream(`revenue-${r.body.revenueId}`);
      await t.get(PayoutProcessor).catchUp();
      const run = await payoutRun(events, r.body.revenueId);
      expect(run).toMatchObject({
        revenueId: r.body.revenueId,
        consumerId,
        poolPosition: reported[0].position,
        currency: 'USD',
        poolAmount: '50.00',
        remainder: '50.00',
        totalTokens: '400',
        policy: 'snapshot',
        roundingRuleVersion: 'largest-remainder/v1',
        rootHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      const byId = Object.fromEntries(run.allocations.map((a) => [a.contributorId, a]));
      expect(byId[alice]).toMatchObject({ tokens: '300', amount: '37.50' });
      expect(byId[bob]).toMatchObject({ tokens: '100', amount: '12.50' });
    });

    it('20 concurrent identical requests make one report and one payout run', async () => {
      const before = await head();
      const responses = await Promise.all(Array.from({ length: 20 }, () => revenue('r-concurrent', { ...body, amount: '7.00' })));
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual([200, ...Array(18).fill(200), 201].sort());
      expect(new Set(responses.map((r) => JSON.stringify(r.body))).size).toBe(1);
      await t.get(PayoutProcessor).catchUp();
      const revenueId = responses[0].body.revenueId;
      expect((await events.readStream(`revenue-${revenueId}`)).length).toBe(1);
      expect((await payoutRunEvents(events, revenueId)).length).toBe(3);
      expect(await head()).toBe(before + 4);
    });

    it.each([
      ['no Idempotency-Key', undefined, body],
      ['a malformed Idempotency-Key', 'has spaces in it', body],
      ['amount 0', 'bad-1', { ...body, amount: '0' }],
      ['a negative amount', 'bad-2', { ...body, amount: '-5.00' }],
      ['too many decimals', 'bad-3', { ...body, amount: '10.001' }],
      ['NaN', 'bad-4', { ...body, amount: 'NaN' }],
      ['exponent notation', 'bad-5', { ...body, amount: '1e3' }],
      ['a number instead of a string', 'bad-6', { ...body, amount: 100 }],
      ['an unknown currency', 'bad-7', { ...body, currency: 'XYZ' }],
      ["a currency other than the agreement's", 'bad-8', { ...body, currency: 'EUR' }],
      ['periodStart = periodEnd', 'bad-9', { ...body, periodEnd: body.periodStart }],
      ['periodStart > periodEnd', 'bad-10', { ...body, periodStart: body.periodEnd, periodEnd: body.periodStart }],
      ['a malformed period', 'bad-11', { ...body, periodStart: '2025-01-01' }],
      ['an unknown field', 'bad-12', { ...body, alpha: '1' }],
    ])('400 for %s, nothing written', async (_what, key, b) => {
      const before = await head();
      const r = await revenue(key, b as Record<string, unknown>).expect(400);
      expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(await head()).toBe(before);
    });

    it('400 for a consumer without an agreement; 401 without a key; 403 for other roles', async () => {
      const c = await t.http.post('/v1/consumers').set(t.auth()).send({ displayName: 'No terms' }).expect(201);
      const before = await head();
      const r = await revenue('no-terms', body, c.body.apiKey).expect(400);
      expect(JSON.stringify(r.body)).toContain('agreement');
      await t.http.post('/v1/revenue').set('Idempotency-Key', 'k').send(body).expect(401);
      await revenue('k', body, contributorKey).expect(403);
      await revenue('k', body, t.adminKey).expect(403);
      expect(await head()).toBe(before);
    });
  });

  describe('settlements', () => {
    it('settles up to the payable balance and refuses more', async () => {
      const r = await revenue('r-settle', { amount: '10.00', currency: 'USD', ...period }).expect(201);
      await t.get(PayoutProcessor).catchUp();
      const run = await payoutRun(events, r.body.revenueId);
      const bobsShare = run.allocations.find((a) => a.contributorId === bob)?.amount;
      expect(bobsShare).toBe('1.25');
      // Bob's payable: his amounts in every run in the log (read from the log, not from the processor).
      let earned = 0n;
      for await (const e of events.readAll())
        if (e.type === 'PayoutRunAllocationsRecorded')
          for (const a of (e.data as PayoutRunView).allocations)
            if (a.contributorId === bob) earned += parseNonNegativeAmount(a.amount, 'USD');
      expect(earned).toBeGreaterThan(2600n);
      const dollars = (n: bigint) => `${n / 100n}.${(n % 100n).toString().padStart(2, '0')}`;
      const over = await t.http
        .post(`/v1/contributors/${bob}/settlements`)
        .set(t.auth())
        .send({ amount: dollars(earned + 1n), currency: 'USD', reference: 'wire-1' })
        .expect(409);
      expect(over.body).toMatchObject({ code: 'settlement-exceeds-payable', errors: [expect.objectContaining({ field: 'amount' })] });
      const ok = await t.http
        .post(`/v1/contributors/${bob}/settlements`)
        .set(t.auth())
        .send({ amount: dollars(earned), currency: 'USD', reference: 'wire-1' })
        .expect(201);
      expect(ok.body).toMatchObject({ contributorId: bob, amount: dollars(earned), currency: 'USD', reference: 'wire-1', balance: '0.00' });
      const before = await head();
      await t.http
        .post(`/v1/contributors/${bob}/settlements`)
        .set(t.auth())
        .send({ amount: '0.01', currency: 'USD', reference: 'wire-2' })
        .expect(409);
      await t.http
        .post(`/v1/contributors/${bob}/settlements`)
        .set(t.auth())
        .send({ amount: '1.00', currency: 'EUR', reference: 'wire-3' })
        .expect(409);
      await t.http
        .post(`/v1/contributors/${bob}/settlements`)
        .set(t.auth())
        .send({ amount: '0.00', currency: 'USD', reference: 'wire-1' })
        .expect(400);
      await t.http
        .post(`/v1/contributors/${bob}/settlements`)
        .set(t.auth())
        .send({ amount: '0.001', currency: 'USD', reference: 'wire-4' })
        .expect(400);
      await t.http
        .post(`/v1/contributors/no-one/settlements`)
        .set(t.auth())
        .send({ amount: '1.00', currency: 'USD', reference: 'wire-5' })
        .expect(404);
      await t.http.post(`/v1/contributors/${bob}/settlements`).send({ amount: '1.00', currency: 'USD', reference: 'x' }).expect(401);
      await t.http
        .post(`/v1/contributors/${bob}/settlements`)
        .set(t.auth(contributorKey))
        .send({ amount: '1.00', currency: 'USD', reference: 'x' })
        .expect(403);
      expect(await head()).toBe(before);
      const settled = (await events.readStream(`contributor-${bob}`)).filter((e) => e.type === 'PayoutSettled');
      expect(settled.map((e) => e.data)).toEqual([
        expect.objectContaining({ contributorId: bob, amount: dollars(earned), currency: 'USD', reference: 'wire-1' }),
      ]);
    });

    it('concurrent settlements re-decide on the new balance: never more than payable in total', async () => {
      const carol = (await t.http.post('/v1/contributors').set(t.auth()).send({ displayName: 'Carol' }).expect(201)).body.contributorId;
      await acceptDataset(events, 'ds-carol-1', carol, 400); // pool: alice 300, bob 100, carol 400
      const r = await revenue('r-carol', { amount: '20.00', currency: 'USD', ...period }).expect(201);
      await t.get(PayoutProcessor).catchUp();
      const share = (await payoutRun(events, r.body.revenueId)).allocations.find((a) => a.contributorId === carol)?.amount;
      expect(share).toBe('5.00');
      const attempts = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          t.http
            .post(`/v1/contributors/${carol}/settlements`)
            .set(t.auth())
            .send({ amount: '2.00', currency: 'USD', reference: `carol-${i}` }),
        ),
      );
      expect(attempts.map((a) => a.status).sort()).toEqual([201, 201, 409, 409, 409, 409]);
      const settled = (await events.readStream(`contributor-${carol}`)).filter((e) => e.type === 'PayoutSettled');
      expect(settled).toHaveLength(2);
      await t.http
        .post(`/v1/contributors/${carol}/settlements`)
        .set(t.auth())
        .send({ amount: '1.00', currency: 'USD', reference: 'carol-0' })
        .expect(409);
      const last = await t.http
        .post(`/v1/contributors/${carol}/settlements`)
        .set(t.auth())
        .send({ amount: '1.00', currency: 'USD', reference: 'carol-last' })
        .expect(201);
      expect(last.body.balance).toBe('0.00');
    });
  });
});
