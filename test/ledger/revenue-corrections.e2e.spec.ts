import { EventStore } from '@1tt/event-store';
import { PayoutProcessor } from '../../src/ledger/payout/payout-processor';
import { acceptDataset } from './ledger-log.fixture';
import { startTestApp, type TestApp } from '../e2e/support/test-app';

const PERIOD = { periodStart: '2025-01-01T00:00:00Z', periodEnd: '2025-02-01T00:00:00Z' };
const PROBLEM = /application\/problem\+json/;

/**
 * Restatement and reversal over HTTP on the real app: the correction route,
 * the processor's adjustment postings, the run and metrics read back, and the
 * service's own audit recomputing them.
 */
describe('revenue corrections (real app, embedded stores)', () => {
  let t: TestApp;
  let events: EventStore;
  let consumer: { consumerId: string; apiKey: string };
  let other: { consumerId: string; apiKey: string };
  const contributors: Array<{ contributorId: string; apiKey: string }> = [];

  const report = async (key: string, amount: string): Promise<string> => {
    const r = await t.http
      .post('/v1/revenue')
      .set(t.auth(consumer.apiKey))
      .set('Idempotency-Key', key)
      .send({ amount, currency: 'USD', ...PERIOD })
      .expect(201);
    await t.get(PayoutProcessor).catchUp();
    return r.body.revenueId as string;
  };
  const correct = (revenueId: string, key: string | undefined, body: Record<string, unknown>, apiKey = consumer.apiKey) => {
    const r = t.http.post(`/v1/revenue/${revenueId}/corrections`).set(t.auth(apiKey));
    return (key === undefined ? r : r.set('Idempotency-Key', key)).send(body);
  };
  /** Reads once the read models have applied everything in the log. */
  const settled = async () => {
    await t.get(PayoutProcessor).catchUp();
    const head = await events.headPosition();
    for (let i = 0; i < 200; i++) {
      const r = await t.http.get(`/v1/pool`).set(t.auth());
      const m = await t.http.get(`/v1/contributors/${contributors[0].contributorId}/metrics`).set(t.auth());
      if (r.body.position >= head && m.body.position >= head) return;
      await new Promise((res) => setTimeout(res, 25));
    }
    throw new Error('read models did not catch up');
  };
  const run = async (revenueId: string) => (await t.http.get(`/v1/payout-runs/${revenueId}`).set(t.auth()).expect(200)).body;
  const balanceOf = async (id: string) =>
    (await t.http.get(`/v1/contributors/${id}/metrics`).set(t.auth()).expect(200)).body.balance.USD as string | undefined;

  beforeAll(async () => {
    t = await startTestApp();
    events = t.get(EventStore);
    for (const name of ['Ann', 'Ben', 'Cy'])
      contributors.push((await t.http.post('/v1/contributors').set(t.auth()).send({ displayName: name }).expect(201)).body);
    consumer = (await t.http.post('/v1/consumers').set(t.auth()).send({ displayName: 'LLM Co' }).expect(201)).body;
    other = (await t.http.post('/v1/consumers').set(t.auth()).send({ displayName: 'Other Co' }).expect(201)).body;
    for (const c of [consumer, other])
      await t.http
        .put(`/v1/consumers/${c.consumerId}/agreement`)
        .set(t.auth())
        .send({ alpha: '0.3', currency: 'USD', policy: 'snapshot' })
        .expect(200);
    await acceptDataset(events, 'ds-ann', contributors[0].contributorId, 100);
    await acceptDataset(events, 'ds-ben', contributors[1].contributorId, 200);
    await acceptDataset(events, 'ds-cy', contributors[2].contributorId, 700);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('restates a report 100× too large: 201, the same key replays (200, same body), another body is 409; the run shows the adjustments and net', async () => {
    const revenueId = await report('typo', '100000.00');
    const before = await events.headPosition();
    const body = { amount: '1000.00', reason: 'reported 100× too much' };
    const first = await correct(revenueId, 'fix-1', body).expect(201);
    expect(first.body).toEqual({
      correctionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      revenueId,
      currency: 'USD',
      previousAmount: '100000.00',
      amount: '1000.00',
      reversal: false,
      reason: 'reported 100× too much',
    });
    expect((await correct(revenueId, 'fix-1', body).expect(200)).body).toEqual(first.body);
    const refused = await correct(revenueId, 'fix-1', { ...body, amount: '999.00' }).expect(409);
    expect(refused.headers['content-type']).toMatch(PROBLEM);
    expect(refused.body.code).toBe('idempotency-key-reused');
    await settled();
    // one RevenueCorrected, one adjustment chunk, one PayoutRunAdjusted
    expect(await events.headPosition()).toBe(before + 3);
    const adjustment = await events.readStream(`adjustment-${first.body.correctionId}`);
    expect(adjustment.map((e) => e.type)).toEqual(['PayoutRunAdjustmentsRecorded', 'PayoutRunAdjusted']);

    const r = await run(revenueId);
    const [ann, ben, cy] = contributors.map((c) => c.contributorId);
    const byId = Object.fromEntries(r.allocations.map((a: { contributorId: string }) => [a.contributorId, a]));
    expect(byId[ann]).toMatchObject({ amount: '3000.00', netAmount: '30.00' });
    expect(byId[ben]).toMatchObject({ amount: '6000.00', netAmount: '60.00' });
    expect(byId[cy]).toMatchObject({ amount: '21000.00', netAmount: '210.00' });
    expect(r.adjustments).toEqual(
      expect.arrayContaining([
        {
          correctionId: first.body.correctionId,
          contributorId: ann,
          contributorDisplayName: expect.any(String),
          amount: '-2970.00',
          position: expect.any(Number),
        },
        {
          correctionId: first.body.correctionId,
          contributorId: ben,
          contributorDisplayName: expect.any(String),
          amount: '-5940.00',
          position: expect.any(Number),
        },
        {
          correctionId: first.body.correctionId,
          contributorId: cy,
          contributorDisplayName: expect.any(String),
          amount: '-20790.00',
          position: expect.any(Number),
        },
      ]),
    );
    expect(r.net).toEqual({
      amount: '1000.00',
      poolAmount: '300.00',
      remainder: '700.00',
      unallocated: '0.00',
      allocated: '300.00',
      rootHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      corrections: 1,
    });
    expect(await balanceOf(ann)).toBe('30.00');
    const rev = (await t.http.get(`/v1/revenue/${revenueId}`).set(t.auth(consumer.apiKey)).expect(200)).body;
    expect(rev).toMatchObject({ amount: '100000.00', currentAmount: '1000.00' });
    expect(rev.corrections).toEqual([expect.objectContaining({ correctionId: first.body.correctionId, adjustedAt: expect.any(Number) })]);
    // a contributor sees only their own line
    const own = (await t.http.get(`/v1/payout-runs/${revenueId}`).set(t.auth(contributors[0].apiKey)).expect(200)).body;
    expect(own.adjustments.map((a: { contributorId: string }) => a.contributorId)).toEqual([ann]);
    const verify = (await t.http.get('/v1/audit/verify').set(t.auth()).expect(200)).body;
    expect(verify.problems).toEqual([]);
    expect(verify.summary).toMatchObject({ correctionsRecomputed: 1 });
  });

  it('20 concurrent corrections with one key make one correction; the rest replay it', async () => {
    const revenueId = await report('concurrent', '50.00');
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => correct(revenueId, 'same', { amount: '40.00', reason: 'late refund' })),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([...Array(19).fill(200), 201]);
    expect(new Set(responses.map((r) => JSON.stringify(r.body))).size).toBe(1);
    await t.get(PayoutProcessor).catchUp();
    expect((await events.readStream(`revenue-${revenueId}`)).map((e) => e.type)).toEqual(['RevenueReported', 'RevenueCorrected']);
  });

  it('a reversal returns every payable of the run to zero net; an admin may correct', async () => {
    const fresh = await Promise.all(contributors.map((c) => balanceOf(c.contributorId)));
    const revenueId = await report('to-reverse', '10.01');
    await settled();
    const paid = await Promise.all(contributors.map((c) => balanceOf(c.contributorId)));
    expect(paid).not.toEqual(fresh);
    await correct(revenueId, 'rev', { reverse: true, reason: 'sent twice' }, t.adminKey).expect(201);
    await settled();
    expect(await Promise.all(contributors.map((c) => balanceOf(c.contributorId)))).toEqual(fresh);
    const r = await run(revenueId);
    expect(r.allocations.every((a: { netAmount: string }) => a.netAmount === '0.00')).toBe(true);
    expect(r.net).toMatchObject({ amount: '0.00', poolAmount: '0.00', allocated: '0.00' });
    // reversing twice changes nothing and is refused
    const again = await correct(revenueId, 'rev-2', { reverse: true, reason: 'again' }, t.adminKey).expect(409);
    expect(again.body.code).toBe('correction-unchanged');
  });

  it('refusals are problem+json and write nothing', async () => {
    const revenueId = await report('refusals', '20.00');
    const before = await events.headPosition();
    const cases: Array<[number, ReturnType<typeof correct>]> = [
      [400, correct(revenueId, undefined, { amount: '10.00', reason: 'x' })],
      [400, correct(revenueId, 'has space', { amount: '10.00', reason: 'x' })],
      [400, correct(revenueId, 'k1', { amount: '10.00' })],
      [400, correct(revenueId, 'k2', { reason: 'neither' })],
      [400, correct(revenueId, 'k3', { amount: '10.00', reverse: true, reason: 'both' })],
      [400, correct(revenueId, 'k4', { amount: '-1.00', reason: 'negative' })],
      [400, correct(revenueId, 'k5', { amount: '1.001', reason: 'decimals' })],
      [404, correct(revenueId, 'k6', { amount: '10.00', reason: 'not mine' }, other.apiKey)],
      [404, correct('no-such-revenue', 'k7', { amount: '10.00', reason: 'x' })],
      [403, correct(revenueId, 'k8', { amount: '10.00', reason: 'x' }, contributors[0].apiKey)],
    ];
    for (const [status, pending] of cases) {
      const r = await pending;
      expect({ status: r.status, body: r.body }).toMatchObject({ status });
      expect(r.headers['content-type']).toMatch(PROBLEM);
    }
    expect(await events.headPosition()).toBe(before);
  });

  it('clawback: a correction after payment leaves a recoverable balance, nothing settles it, the next allocations net it first', async () => {
    const ben = contributors[1].contributorId;
    const metrics = async () => (await t.http.get(`/v1/contributors/${ben}/metrics`).set(t.auth()).expect(200)).body;
    const claw = await report('claw', '1000.00'); // ΣT 1000, α 0.3: Ben 200/1000 of 300.00 = 60.00
    await settled();
    const owed = (await metrics()).payable.USD as string;
    await t.http
      .post(`/v1/contributors/${ben}/settlements`)
      .set(t.auth())
      .send({ amount: owed, currency: 'USD', reference: 'wire-all' })
      .expect(201);
    await correct(claw, 'claw-fix', { amount: '100.00', reason: 'refund' }).expect(201); // Ben's share 60.00 → 6.00
    await settled();
    expect(await metrics()).toMatchObject({ balance: { USD: '-54.00' }, payable: { USD: '0.00' }, recoverable: { USD: '54.00' } });
    const refused = await t.http
      .post(`/v1/contributors/${ben}/settlements`)
      .set(t.auth())
      .send({ amount: '0.01', currency: 'USD', reference: 'wire-negative' })
      .expect(409);
    expect(refused.body.code).toBe('settlement-exceeds-payable');
    await report('next-1', '100.00'); // +6.00
    await settled();
    expect(await metrics()).toMatchObject({ payable: { USD: '0.00' }, recoverable: { USD: '48.00' } });
    await report('next-2', '1000.00'); // +60.00: 48.00 recovered, 12.00 payable
    await settled();
    expect(await metrics()).toMatchObject({ balance: { USD: '12.00' }, payable: { USD: '12.00' }, recoverable: { USD: '0.00' } });
    const verify = (await t.http.get('/v1/audit/verify').set(t.auth()).expect(200)).body;
    expect(verify.problems).toEqual([]);
  });
});
