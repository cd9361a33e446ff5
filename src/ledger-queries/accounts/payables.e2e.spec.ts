import { EventStore } from '@1tt/event-store';
import { PayoutProcessor } from '../../ledger/payout/payout-processor';
import { acceptDataset } from '../../../test/ledger/ledger-log.fixture';
import { startTestApp, type TestApp } from '../../../test/e2e/support/test-app';

/** GET /v1/payables: who is owed what, per contributor and currency, filterable, as CSV (issue 19 item 2). */
describe('payables (who is owed what)', () => {
  let t: TestApp;
  const id: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp();
    const events = t.get(EventStore);
    for (const name of ['Ann', 'Ben', '=Cy'])
      id[name] = (await t.http.post('/v1/contributors').set(t.auth()).send({ displayName: name }).expect(201)).body.contributorId;
    const consumers: Record<string, { id: string; key: string }> = {};
    for (const [name, currency] of [
      ['Dollar Co', 'USD'],
      ['Euro AG', 'EUR'],
    ]) {
      const c = await t.http.post('/v1/consumers').set(t.auth()).send({ displayName: name }).expect(201);
      consumers[currency] = { id: c.body.consumerId, key: c.body.apiKey };
      await t.http
        .put(`/v1/consumers/${c.body.consumerId}/agreement`)
        .set(t.auth())
        .send({ alpha: '0.5', currency, policy: 'snapshot' })
        .expect(200);
    }
    await acceptDataset(events, 'ds-ann', id.Ann, 300);
    await acceptDataset(events, 'ds-ben', id.Ben, 100);
    for (const currency of ['USD', 'EUR'])
      await t.http
        .post('/v1/revenue')
        .set(t.auth(consumers[currency].key))
        .set('Idempotency-Key', `p-${currency}`)
        .send({ amount: '100.00', currency, periodStart: '2025-01-01T00:00:00Z', periodEnd: '2025-02-01T00:00:00Z' })
        .expect(201);
    await t.get(PayoutProcessor).catchUp();
    // Ben is paid his USD share in full: USD 12.50 of 50.00 × 100/400.
    await t.http
      .post(`/v1/contributors/${id.Ben}/settlements`)
      .set(t.auth())
      .send({ amount: '12.50', currency: 'USD', reference: 'wire-1' })
      .expect(201);
  });
  afterAll(() => t.close());

  it('lists each contributor with a balance, per currency, with names; a settled balance drops out unless asked for', async () => {
    const r = await t.http.get('/v1/payables').set(t.auth()).expect(200);
    const byName = Object.fromEntries(r.body.items.map((i: { contributorDisplayName: string }) => [i.contributorDisplayName, i]));
    expect(Object.keys(byName).sort()).toEqual(['Ann', 'Ben']);
    expect(byName.Ann.currencies).toEqual([
      { currency: 'EUR', allocated: '37.50', paidOut: '0.00', balance: '37.50', payable: '37.50', recoverable: '0.00', reserved: '0.00' },
      { currency: 'USD', allocated: '37.50', paidOut: '0.00', balance: '37.50', payable: '37.50', recoverable: '0.00', reserved: '0.00' },
    ]);
    const usd = await t.http.get('/v1/payables?currency=usd').set(t.auth()).expect(200);
    expect(usd.body.items.map((i: { contributorDisplayName: string }) => i.contributorDisplayName)).toEqual(['Ann']);
    const withSettled = await t.http.get('/v1/payables?currency=USD&includeSettled=true').set(t.auth()).expect(200);
    const ben = withSettled.body.items.find((i: { contributorId: string }) => i.contributorId === id.Ben);
    expect(ben.currencies).toEqual([
      { currency: 'USD', allocated: '12.50', paidOut: '12.50', balance: '0.00', payable: '0.00', recoverable: '0.00', reserved: '0.00' },
    ]);
  });

  it('pages with a cursor and answers as of an earlier position', async () => {
    const first = await t.http.get('/v1/payables?limit=1&includeSettled=true').set(t.auth()).expect(200);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const before = await t.http.get(`/v1/payables?atPosition=${first.body.position - 1}&currency=USD&includeSettled=true`).set(t.auth());
    expect(before.status).toBe(200);
    const benBefore = before.body.items.find((i: { contributorId: string }) => i.contributorId === id.Ben);
    expect(benBefore.currencies[0]).toMatchObject({ balance: '12.50', paidOut: '0.00' });
  });

  it('exports every row as CSV with names, and refuses an unknown format or currency', async () => {
    const csv = await t.http.get('/v1/payables?format=csv&includeSettled=true').set(t.auth()).expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('contributorId,displayName,currency,allocated,paidOut,balance,payable,recoverable,reserved');
    expect(lines).toContain(`${id.Ann},Ann,USD,37.50,0.00,37.50,37.50,0.00,0.00`);
    expect(lines).toContain(`${id.Ben},Ben,USD,12.50,12.50,0.00,0.00,0.00,0.00`);
    // Cy was never allocated anything: no account, no row.
    expect(lines.some((l) => l.startsWith(id['=Cy']))).toBe(false);
    expect((await t.http.get('/v1/payables?format=xml').set(t.auth()).expect(400)).body.code).toBe('payables-format-unknown');
    expect((await t.http.get('/v1/payables?currency=XXX').set(t.auth()).expect(400)).body.code).toBe('currency-unknown');
  });
});
