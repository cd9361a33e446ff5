import { readStreamSnapshot } from '@1tt/command-path';
import { EventStore } from '@1tt/event-store';
import { PayoutProcessor } from '../../src/ledger/payout/payout-processor';
import { startTestApp, type TestApp } from '../e2e/support/test-app';
import { postDataset, waitDecided } from '../e2e/support/datasets';
import { licenseText } from '../support/license-texts';

// Real uploads judged by pipeline v2 (language identification) on worker threads: slow on a loaded 2-core machine.
jest.setTimeout(180_000);

const PERIOD = { periodStart: '2025-01-01T00:00:00Z', periodEnd: '2025-02-01T00:00:00Z' };
const PROBLEM = /application\/problem\+json/;
const KOREAN = [
  '서울의 오래된 도서관은 매일 아침 아홉 시에 문을 연다. 사람들은 조용히 책을 고르고 창가에 앉아 천천히 읽는다.',
  '도서관 직원들은 새로 들어온 책을 분류하고, 아이들을 위한 이야기 시간을 준비한다. 주말에는 가족 단위의 방문객이 특히 많다.',
  '이 도서관에는 지역의 역사를 기록한 자료가 많이 보관되어 있어서, 연구자들과 학생들이 자주 찾아온다. 오래된 신문과 지도도 볼 수 있다.',
  '최근에는 전자책과 온라인 강좌도 제공하고 있으며, 누구나 회원 카드를 만들면 집에서도 자료를 이용할 수 있다. 많은 시민들이 이 서비스를 좋아한다.',
  '저녁이 되면 도서관 앞 작은 공원에서 사람들이 산책을 하며 하루를 마무리한다. 도서관은 동네 사람들에게 중요한 쉼터가 되었다.',
].join(' ');

/**
 * Issue #14 over HTTP on the real app: licence and uses at upload, default
 * and per-dataset consent, scoped agreements, the runs they pay, per-document
 * exclusions, and the service's own audit recomputing all of it.
 */
describe('licences, consent and consumer scopes (real app, embedded stores)', () => {
  let t: TestApp;
  let events: EventStore;
  const party = async (kind: 'contributors' | 'consumers', displayName: string) => {
    const r = await t.http.post(`/v1/${kind}`).set(t.auth()).send({ displayName }).expect(201);
    return { id: (r.body.contributorId ?? r.body.consumerId) as string, key: r.body.apiKey as string };
  };
  const agree = (consumerId: string, scope?: unknown) =>
    t.http
      .put(`/v1/consumers/${consumerId}/agreement`)
      .set(t.auth())
      .send({ alpha: '0.5', currency: 'USD', policy: 'snapshot', ...(scope !== undefined ? { scope } : {}) });
  const report = async (consumer: { key: string }, key: string) => {
    const r = await t.http
      .post('/v1/revenue')
      .set(t.auth(consumer.key))
      .set('Idempotency-Key', key)
      .send({ amount: '100.00', currency: 'USD', ...PERIOD })
      .expect(201);
    await t.get(PayoutProcessor).catchUp();
    const id = r.body.revenueId as string;
    for (let i = 0; i < 400; i++) {
      const run = await t.http.get(`/v1/payout-runs/${id}`).set(t.auth());
      if (run.status === 200)
        return run.body as {
          scope: unknown;
          eligibleTokens: string | null;
          totalTokens: string;
          allocations: Array<{ contributorId: string; tokens: string; amount: string; ratio: string }>;
        };
      await new Promise((res) => setTimeout(res, 25));
    }
    throw new Error(`no run for ${id}`);
  };
  const paid = (run: { allocations: Array<{ contributorId: string; amount: string }> }) =>
    Object.fromEntries(run.allocations.map((a) => [a.contributorId, a.amount]));
  const upload = async (who: { key: string }, fileName: string, text: string, fields: Record<string, string> = {}) => {
    const r = await postDataset(t, who.key, fileName, text, fields);
    if (r.status !== 202) throw new Error(`upload ${fileName}: ${r.status} ${JSON.stringify(r.body)}`);
    return waitDecided(t, who.key, r.body.datasetId as string);
  };

  let ann: { id: string; key: string };
  let ben: { id: string; key: string };
  let min: { id: string; key: string };
  let annDataset: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  let benDataset: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  let minDataset: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  let trainer: { id: string; key: string };
  let searcher: { id: string; key: string };
  let whole: { id: string; key: string };

  beforeAll(async () => {
    t = await startTestApp();
    events = t.get(EventStore);
    ann = await party('contributors', 'Ann');
    ben = await party('contributors', 'Ben');
    min = await party('contributors', 'Min');
    trainer = await party('consumers', 'English trainer');
    searcher = await party('consumers', 'Search Co');
    whole = await party('consumers', 'Whole pool Co');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses a bad licence, bad uses and a bad scope with catalogued codes, changing nothing', async () => {
    const head = await events.headPosition();
    for (const [fields, code] of [
      [{ licence: 'MIT OR Apache-2.0' }, 'licence-unknown'],
      [{ licence: 'Totally-Free' }, 'licence-unknown'],
      [{ uses: 'training,resale' }, 'uses-invalid'],
    ] as const) {
      const r = await postDataset(t, ann.key, 'bad.txt', licenseText('BSD'), fields);
      expect({ status: r.status, code: r.body.code }).toEqual({ status: 400, code });
      expect(r.headers['content-type']).toMatch(PROBLEM);
    }
    for (const scope of [{ uses: [] }, { uses: ['training'], languages: [] }, { uses: ['training'], licences: ['Nope'] }, 'training']) {
      const r = await agree(trainer.id, scope);
      expect(r.status).toBe(400);
      expect(['scope-invalid', 'uses-invalid', 'licence-unknown']).toContain(r.body.code);
    }
    for (const body of [{ uses: [] }, { uses: ['selling'] }, {}]) {
      const r = await t.http.put(`/v1/contributors/${ann.id}/consent`).set(t.auth(ann.key)).send(body);
      expect({ status: r.status, code: r.body.code }).toEqual({ status: 400, code: 'uses-invalid' });
    }
    expect(await events.headPosition()).toBe(head);
  });

  it('records licence and uses at upload (default: the platform grant and the contributor’s default consent) and shows them', async () => {
    annDataset = await upload(ann, 'ann.txt', licenseText('GPL-3'), { licence: 'cc-by-4.0' });
    expect(annDataset).toMatchObject({
      status: 'accepted',
      licence: 'CC-BY-4.0',
      uses: ['training'],
      excludedDocuments: 0,
      excludedTokens: 0,
    });
    const consent = await t.http
      .put(`/v1/contributors/${ben.id}/consent`)
      .set(t.auth(ben.key))
      .send({ uses: ['retrieval'] })
      .expect(200);
    expect(consent.body).toEqual({ contributorId: ben.id, uses: ['retrieval'] });
    benDataset = await upload(ben, 'ben.txt', licenseText('Apache-2.0'));
    expect(benDataset).toMatchObject({ status: 'accepted', licence: 'LicenseRef-1tt-contributor-grant-1', uses: ['retrieval'] });
    minDataset = await upload(min, 'min.txt', KOREAN, { licence: 'MIT', uses: 'training,retrieval' });
    expect(minDataset).toMatchObject({ status: 'accepted', licence: 'MIT', uses: ['training', 'retrieval'] });
    expect(Object.keys(minDataset.languages)).toEqual(['ko']);
    expect(Object.keys(annDataset.languages)).toEqual(['en']);
    // The filtering result also counts tokens per language × class together, so a scope restricting both counts exactly.
    const recorded = (await readStreamSnapshot(events, `dataset-${annDataset.datasetId}`)).events.find(
      (e) => e.type === 'DatasetPreprocessed',
    );
    expect((recorded?.data as { languageClasses?: unknown }).languageClasses).toEqual({ en: { prose: annDataset.tokens } });
  });

  it('pays each consumer for what its scope covers; with no scope, the whole pool', async () => {
    await agree(trainer.id, { uses: ['training'], languages: ['en'], contentClasses: null, licences: null }).expect(200);
    const agreement = await t.http.get(`/v1/consumers/${trainer.id}/agreement`).set(t.auth(trainer.key)).expect(200);
    expect(agreement.body.scope).toEqual({ uses: ['training'], languages: ['en'], contentClasses: null, licences: null });
    await agree(searcher.id, { uses: ['retrieval'] }).expect(200);
    await agree(whole.id).expect(200);

    const t1 = await report(trainer, 't1');
    // Min's Korean dataset grants training but is not English; Ben's grants retrieval only.
    expect(paid(t1)).toEqual({ [ann.id]: '50.00' });
    expect(t1).toMatchObject({ eligibleTokens: String(annDataset.tokens), scope: { uses: ['training'], languages: ['en'] } });
    expect(t1.allocations[0].ratio).toBe('1');
    const s1 = await report(searcher, 's1');
    expect(Object.keys(paid(s1)).sort()).toEqual([ben.id, min.id].sort());
    expect(s1.eligibleTokens).toBe(String(benDataset.tokens + minDataset.tokens));
    const w1 = await report(whole, 'w1');
    expect(Object.keys(paid(w1)).sort()).toEqual([ann.id, ben.id, min.id].sort());
    expect(w1).toMatchObject({
      scope: null,
      eligibleTokens: null,
      totalTokens: String(annDataset.tokens + benDataset.tokens + minDataset.tokens),
    });
  });

  it('a consent change applies from its position: the earlier run stands, the later one pays nobody for Ann', async () => {
    const before = await t.http.get('/v1/revenue').set(t.auth(trainer.key)).expect(200);
    const r = await t.http
      .put(`/v1/datasets/${annDataset.datasetId}/consent`)
      .set(t.auth(ann.key))
      .send({ uses: ['retrieval'] })
      .expect(200);
    expect(r.body).toMatchObject({ datasetId: annDataset.datasetId, uses: ['retrieval'], position: expect.any(Number) });
    expect(
      (
        await t.http
          .put(`/v1/datasets/${annDataset.datasetId}/consent`)
          .set(t.auth(ben.key))
          .send({ uses: ['training'] })
      ).status,
    ).toBe(404);
    const t2 = await report(trainer, 't2');
    expect(t2.allocations).toEqual([]);
    const first = (before.body.items as Array<{ revenueId: string }>)[0].revenueId;
    expect(paid((await t.http.get(`/v1/payout-runs/${first}`).set(t.auth()).expect(200)).body)).toEqual({ [ann.id]: '50.00' });
    const view = await t.http.get(`/v1/datasets/${annDataset.datasetId}`).set(t.auth(ann.key)).expect(200);
    expect(view.body.uses).toEqual(['retrieval']);
  });

  it('excluded documents stop earning; excluding again or a document not kept is refused', async () => {
    const kept = await t.http.get(`/v1/datasets/${minDataset.datasetId}/report?reason=kept`).set(t.auth(min.key)).expect(200);
    const index = kept.body.items[0].index as number;
    const r = await t.http
      .post(`/v1/datasets/${minDataset.datasetId}/exclusions`)
      .set(t.auth(min.key))
      .send({ indexes: [index] })
      .expect(200);
    expect(r.body).toMatchObject({ datasetId: minDataset.datasetId, indexes: [index], tokens: String(kept.body.items[0].tokens) });
    const head = await events.headPosition();
    const again = await t.http
      .post(`/v1/datasets/${minDataset.datasetId}/exclusions`)
      .set(t.auth(min.key))
      .send({ indexes: [index] });
    expect({ status: again.status, code: again.body.code }).toEqual({ status: 409, code: 'exclusion-duplicate' });
    const missing = await t.http
      .post(`/v1/datasets/${minDataset.datasetId}/exclusions`)
      .set(t.auth(min.key))
      .send({ indexes: [999] });
    expect({ status: missing.status, code: missing.body.code }).toEqual({ status: 400, code: 'exclusion-not-kept' });
    const malformed = await t.http.post(`/v1/datasets/${minDataset.datasetId}/exclusions`).set(t.auth(min.key)).send({ indexes: 'all' });
    expect({ status: malformed.status, code: malformed.body.code }).toEqual({ status: 400, code: 'exclusion-invalid' });
    expect(await events.headPosition()).toBe(head);
    // Ann now grants retrieval too; Min's only document is excluded.
    const s2 = await report(searcher, 's2');
    expect(Object.keys(paid(s2)).sort()).toEqual([ann.id, ben.id].sort());
    expect(s2.eligibleTokens).toBe(String(annDataset.tokens + benDataset.tokens));
    const view = await t.http.get(`/v1/datasets/${minDataset.datasetId}`).set(t.auth(min.key)).expect(200);
    expect(view.body).toMatchObject({ excludedDocuments: 1, excludedTokens: kept.body.items[0].tokens });
  });

  it('GET /v1/pool?consumerId= answers the eligible pool as of any position; metrics show each consumer’s share', async () => {
    const runs = (await t.http.get('/v1/revenue').set(t.auth(trainer.key)).expect(200)).body.items as Array<{
      payoutRun: { poolPosition: number };
    }>;
    const firstReport = runs[0].payoutRun.poolPosition;
    // Read models follow the log: wait until the pool has applied everything.
    const head = await events.headPosition();
    for (let i = 0; i < 200 && (await t.http.get('/v1/pool').set(t.auth())).body.position < head; i++)
      await new Promise((r) => setTimeout(r, 25));
    const then = await t.http.get(`/v1/pool?consumerId=${trainer.id}&atPosition=${firstReport}`).set(t.auth(trainer.key)).expect(200);
    expect(then.body).toMatchObject({
      consumerId: trainer.id,
      scope: { uses: ['training'], languages: ['en'] },
      totalTokens: String(annDataset.tokens),
      contributorCount: 1,
      contributors: [{ contributorId: ann.id, tokens: String(annDataset.tokens), ratio: '1' }],
    });
    // Since Ann's consent change nobody is eligible for the English trainer.
    const now = await t.http.get(`/v1/pool?consumerId=${trainer.id}`).set(t.auth(ann.key)).expect(200);
    expect(now.body).toMatchObject({ totalTokens: '0', contributorCount: 0, contributors: [] });
    const search = await t.http.get(`/v1/pool?consumerId=${searcher.id}&limit=1`).set(t.auth()).expect(200);
    expect(search.body).toMatchObject({ totalTokens: String(annDataset.tokens + benDataset.tokens), contributorCount: 2 });
    expect(search.body.contributors).toHaveLength(1);
    const rest = await t.http.get(`/v1/pool?consumerId=${searcher.id}&limit=1&cursor=${search.body.nextCursor}`).set(t.auth()).expect(200);
    expect([search.body.contributors[0].contributorId, rest.body.contributors[0].contributorId].sort()).toEqual([ann.id, ben.id].sort());
    expect(rest.body.nextCursor).toBeNull();
    const unscoped = await t.http.get(`/v1/pool?consumerId=${whole.id}`).set(t.auth()).expect(200);
    // Min's only document is excluded: the whole pool holds Ann and Ben.
    expect(unscoped.body).toMatchObject({ scope: null, contributorCount: 2 });
    // Another consumer's agreement is its own; an unknown one does not exist.
    expect((await t.http.get(`/v1/pool?consumerId=${trainer.id}`).set(t.auth(searcher.key))).status).toBe(404);
    expect((await t.http.get('/v1/pool?consumerId=nobody').set(t.auth())).status).toBe(404);

    const metrics = await t.http.get(`/v1/contributors/${ben.id}/metrics`).set(t.auth(ben.key)).expect(200);
    const byConsumer = Object.fromEntries((metrics.body.byConsumer as Array<{ consumerId: string }>).map((c) => [c.consumerId, c]));
    expect(byConsumer[searcher.id]).toMatchObject({
      scope: { uses: ['retrieval'] },
      eligibleTokens: String(benDataset.tokens),
      totalEligibleTokens: String(annDataset.tokens + benDataset.tokens),
      currency: 'USD',
    });
    expect(byConsumer[trainer.id]).toMatchObject({ eligibleTokens: '0', contributionRatio: '0', expectedPayout: '0.00' });
    expect(byConsumer[whole.id]).toMatchObject({ scope: null, eligibleTokens: String(benDataset.tokens) });
  });

  it('the service’s own audit recomputes every run under the scope and consent in force at its position', async () => {
    const r = await t.http.get('/v1/audit/verify').set(t.auth()).expect(200);
    expect(r.body.problems).toEqual([]);
    expect(r.body.summary).toMatchObject({ payoutRunsRecomputed: 5, consentChangesAndExclusions: 2 });
  });
});
