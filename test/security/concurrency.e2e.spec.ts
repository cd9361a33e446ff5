import { PayoutProcessor } from '../../src/ledger/payout/payout-processor';
import { acceptDataset, payoutRunEvents } from '../ledger/ledger-log.fixture';
import { createSecurityWorld, PERIOD, prose, waitDecided, type SecurityWorld } from './support/security-fixture';

describe('concurrency (real app, embedded stores)', () => {
  let w: SecurityWorld;
  beforeAll(async () => {
    w = await createSecurityWorld();
    await acceptDataset(w.events, 'ds-seed-1', w.contributor.id, 300);
    await acceptDataset(w.events, 'ds-seed-2', w.otherContributor.id, 100);
  });
  afterAll(async () => {
    await w?.t.close();
  });

  /** Events one report and its run write (whatever the write side's event shapes): measured, not assumed. */
  let perReport = 0;
  const settle = () => w.t.get(PayoutProcessor).catchUp();

  it('50 simultaneous revenue reports with one Idempotency-Key: one report, one payout run, 49 identical replays', async () => {
    let before = await w.head();
    await w.t.http
      .post('/v1/revenue')
      .set(w.t.auth(w.consumer.apiKey))
      .set('Idempotency-Key', 'reference-report')
      .send({ amount: '1.00', currency: 'USD', ...PERIOD })
      .expect(201);
    await settle();
    perReport = (await w.head()) - before;
    expect(perReport).toBeGreaterThanOrEqual(2);
    before = await w.head();
    const body = { amount: '123.45', currency: 'USD', ...PERIOD };
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        w.t.http.post('/v1/revenue').set(w.t.auth(w.consumer.apiKey)).set('Idempotency-Key', 'same-key-50').send(body),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(49);
    expect(new Set(responses.map((r) => JSON.stringify(r.body))).size).toBe(1);
    const revenueId = responses[0].body.revenueId as string;

    await w.t.get(PayoutProcessor).catchUp();
    const reports: string[] = [];
    for await (const e of w.events.readAll({ fromPosition: before + 1 })) if (e.type === 'RevenueReported') reports.push(e.streamName);
    expect(reports).toEqual([`revenue-${revenueId}`]);
    expect((await payoutRunEvents(w.events, revenueId)).filter((e) => e.type === 'PayoutRunCompleted')).toHaveLength(1);
    // What one report writes, nothing for the 49 replays.
    expect(await w.head()).toBe(before + perReport);
  });

  it('distinct keys at once make distinct reports, each paid once', async () => {
    const before = await w.head();
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        w.t.http
          .post('/v1/revenue')
          .set(w.t.auth(w.consumer.apiKey))
          .set('Idempotency-Key', `many-${i}`)
          .send({ amount: '1.00', currency: 'USD', ...PERIOD }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
    const ids = new Set(responses.map((r) => r.body.revenueId as string));
    expect(ids.size).toBe(20);
    await w.t.get(PayoutProcessor).catchUp();
    for (const id of ids) expect((await payoutRunEvents(w.events, id)).filter((e) => e.type === 'PayoutRunCompleted')).toHaveLength(1);
    expect(await w.head()).toBe(before + 20 * perReport);
  });

  it.each([1, 2, 3])(
    'the same file uploaded by two contributors at once (round %i): exactly one is accepted, the other refused as a duplicate, decided by log order',
    async (round) => {
      const content = Buffer.from(prose(1000 + round));
      const before = await w.head();
      const send = (apiKey: string, name: string) => w.t.http.post('/v1/datasets').set(w.t.auth(apiKey)).attach('file', content, name);
      const [a, b] = await Promise.all([send(w.contributor.apiKey, `a-${round}.txt`), send(w.otherContributor.apiKey, `b-${round}.txt`)]);
      for (const r of [a, b]) expect([202, 409]).toContain(r.status);
      const uploaded: Array<{ datasetId: string; contributorId: string; position: number }> = [];
      for await (const e of w.events.readAll({ fromPosition: before + 1 })) {
        if (e.type === 'DatasetUploaded')
          uploaded.push({ ...(e.data as { datasetId: string; contributorId: string }), position: e.position });
      }
      const accepted = [a, b].filter((r) => r.status === 202);
      const refused = [a, b].filter((r) => r.status === 409);
      if (accepted.length === 1) {
        // Refused at the door: only the winner's upload is in the log.
        expect(refused).toHaveLength(1);
        expect(refused[0].headers['content-type']).toMatch(/application\/problem\+json/);
        expect(uploaded.map((u) => u.datasetId)).toEqual([accepted[0].body.datasetId]);
        expect(
          (await waitDecided(w.t, accepted[0] === a ? w.contributor.apiKey : w.otherContributor.apiKey, accepted[0].body.datasetId)).status,
        ).toBe('accepted');
      } else {
        // Both got past the door at the same instant: the log decides, the earlier one keeps it.
        expect(accepted).toHaveLength(2);
        expect(uploaded).toHaveLength(2);
        const [first, second] = uploaded;
        const keyOf = (contributorId: string) => (contributorId === w.contributor.id ? w.contributor.apiKey : w.otherContributor.apiKey);
        expect((await waitDecided(w.t, keyOf(first.contributorId), first.datasetId)).status).toBe('accepted');
        const later = await waitDecided(w.t, keyOf(second.contributorId), second.datasetId);
        expect(later.documentsKept ?? 0).toBe(0);
      }
    },
  );
});
