import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent } from '@1tt/event-store';
import { shuffledLicense } from '../support/license-texts';
import { exportServiceLog, verifyEvents } from '../audit/support/service-log';
import { cli } from '../support/cli';
import { rechain } from '../audit/support/ledger-log';
import { postDataset, uploadAndDecide } from './support/datasets';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * Issue #15, responding to a data request through the real service and
 * pipeline: uploads naming requestId are credited their matching documents
 * (language, class, keyword) in log order until tokenTarget; the rest is not
 * credited; `1tt audit verify` recomputes every credit and names a forged one.
 */
describe('data request credits (real app, real pipeline)', () => {
  let t: TestApp;
  let dir: string;
  let acme: { consumerId: string; apiKey: string };
  let ann: { contributorId: string; apiKey: string };
  let requestId: string;
  let bob: { contributorId: string; apiKey: string };
  let revenueId: string;
  const TARGET = 9_000;
  const views: Record<string, Record<string, any>> = {}; // eslint-disable-line @typescript-eslint/no-explicit-any

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), '1tt-request-credits-'));
    t = await startTestApp({ env: { WORKER_THREADS: '1' } });
    acme = (await t.http.post('/v1/consumers').set(t.auth()).send({ displayName: 'Acme' }).expect(201)).body;
    ann = (await t.http.post('/v1/contributors').set(t.auth()).send({ displayName: 'Ann' }).expect(201)).body;
    requestId = (
      await t.http
        .post('/v1/data-requests')
        .set(t.auth(acme.apiKey))
        .send({
          title: 'Copyleft licences',
          description: 'English licence texts about copyleft.',
          languages: ['en'],
          contentClasses: ['prose'],
          keywords: ['copyleft'],
          tokenTarget: String(TARGET),
          weight: '3',
          closesAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
          weightUntil: new Date(Date.now() + 90 * 86_400_000).toISOString(),
        })
        .expect(201)
    ).body.requestId;
    // In log order: a matching GPL text, a licence without the keyword, a second GPL text, one not answering the request.
    views.gpl1 = await uploadAndDecide(t, ann.apiKey, 'gpl1.txt', shuffledLicense('GPL-3', 1), { requestId });
    views.apache = await uploadAndDecide(t, ann.apiKey, 'apache.txt', shuffledLicense('Apache-2.0', 1), { requestId });
    views.gpl2 = await uploadAndDecide(t, ann.apiKey, 'gpl2.txt', shuffledLicense('GPL-3', 2), { requestId });
    views.plain = await uploadAndDecide(t, ann.apiKey, 'gpl3.txt', shuffledLicense('GPL-3', 3));
    // Item 3: a second contributor without credits, then a run of the requesting consumer.
    bob = (await t.http.post('/v1/contributors').set(t.auth()).send({ displayName: 'Bob' }).expect(201)).body;
    views.bob = await uploadAndDecide(t, bob.apiKey, 'bob.txt', shuffledLicense('GPL-3', 4));
    await t.http
      .put(`/v1/consumers/${acme.consumerId}/agreement`)
      .set(t.auth())
      .send({ alpha: '0.5', currency: 'USD', policy: 'snapshot' })
      .expect(200);
    revenueId = (
      await t.http
        .post('/v1/revenue')
        .set(t.auth(acme.apiKey))
        .set('Idempotency-Key', 'weighted')
        .send({
          amount: '1000.00',
          currency: 'USD',
          periodStart: new Date(Date.now() - 86_400_000).toISOString(),
          periodEnd: new Date().toISOString(),
        })
        .expect(201)
    ).body.revenueId;
    for (let i = 0; i < 400 && (await t.http.get(`/v1/payout-runs/${revenueId}`).set(t.auth())).status !== 200; i++)
      await new Promise((r) => setTimeout(r, 50));
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('credits matching tokens in log order and stops at the target', () => {
    for (const v of Object.values(views)) expect(v.status).toBe('accepted');
    const t1 = views.gpl1.tokens as number;
    const t2 = views.gpl2.tokens as number;
    // The fixture's premise: one GPL text fits the target, two do not.
    expect(t1).toBeLessThan(TARGET);
    expect(t1 + t2).toBeGreaterThan(TARGET);
    expect(views.gpl1.requestCredit).toEqual({ requestId, creditedTokens: String(t1) });
    expect(views.apache.requestCredit).toEqual({ requestId, creditedTokens: '0' });
    expect(views.gpl2.requestCredit).toEqual({ requestId, creditedTokens: String(TARGET - t1) });
    expect(views.plain).toMatchObject({ requestId: null, requestCredit: null });
  });

  it('the request shows what was credited; filled, it is no longer listed for contributors', async () => {
    const r = await t.http.get(`/v1/data-requests/${requestId}`).set(t.auth(acme.apiKey)).expect(200);
    expect(r.body).toMatchObject({ creditedTokens: String(TARGET), remainingTokens: '0', status: 'filled', creditedDatasets: 2 });
    const list = await t.http.get('/v1/data-requests').set(t.auth(ann.apiKey)).expect(200);
    expect(list.body.items.map((i: { requestId: string }) => i.requestId)).not.toContain(requestId);
  });

  it('an upload naming a closed or unknown request is refused and stores nothing', async () => {
    await t.http.delete(`/v1/data-requests/${requestId}`).set(t.auth(acme.apiKey)).expect(200);
    const closed = await postDataset(t, ann.apiKey, 'late.txt', shuffledLicense('GPL-3', 9), { requestId });
    expect(closed.status).toBe(409);
    expect(closed.body.code).toBe('data-request-not-open');
    const unknown = await postDataset(t, ann.apiKey, 'late.txt', shuffledLicense('GPL-3', 9), { requestId: 'no-such-request' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('data-request-not-found');
  });

  it("weighs credited tokens 3 times in the requesting consumer's run: R_i = Σ w·T_i / Σ w·T × R × α", async () => {
    const view = await t.http.get(`/v1/payout-runs/${revenueId}`).set(t.auth(acme.apiKey)).expect(200);
    expect(view.body.requestWeights).toEqual([{ requestId, weight: '3', creditedTokens: String(TARGET) }]);
    const { log } = await exportServiceLog(t, dir);
    const started = log.find((e) => e.type === 'PayoutRunStarted' && (e.data as { revenueId: string }).revenueId === revenueId)!;
    expect((started.data as { requestWeights?: unknown }).requestWeights).toEqual([
      { requestId, weight: '3', creditedTokens: String(TARGET) },
    ]);
    const lines = log
      .filter((e) => e.type === 'PayoutRunAllocationsRecorded' && (e.data as { revenueId: string }).revenueId === revenueId)
      .flatMap(
        (e) => (e.data as { allocations: Array<{ contributorId: string; tokens: string; weight: string; amount: string }> }).allocations,
      );
    const annTokens = ['gpl1', 'apache', 'gpl2', 'plain'].reduce((n, k) => n + (views[k].tokens as number), 0);
    const bobTokens = views.bob.tokens as number;
    const byId = new Map(lines.map((l) => [l.contributorId, l]));
    expect(byId.get(ann.contributorId)).toMatchObject({ tokens: String(annTokens), weight: String((annTokens + 2 * TARGET) * 1_000_000) });
    expect(byId.get(bob.contributorId)).toMatchObject({ tokens: String(bobTokens), weight: String(bobTokens * 1_000_000) });
    const annShare = (annTokens + 2 * TARGET) / (annTokens + 2 * TARGET + bobTokens);
    expect(Math.abs(Number(byId.get(ann.contributorId)!.amount) - 500 * annShare)).toBeLessThanOrEqual(0.01);
    expect(Number(byId.get(ann.contributorId)!.amount) + Number(byId.get(bob.contributorId)!.amount)).toBeCloseTo(500, 10);
  });

  it('1tt dataset reprocess --verify recomputes the matching tokens of an upload answering the request', async () => {
    for (const k of ['gpl1', 'apache']) {
      const r = await cli({ DATA_DIR: t.dataDir, WORKER_THREADS: '1' }, 'dataset', 'reprocess', views[k].datasetId, '--verify', '--json');
      const report = JSON.parse(r.stdout) as {
        matches: boolean;
        recorded: { requestMatchingTokens?: number };
        recomputed: { requestMatchingTokens?: number };
      };
      expect({ k, code: r.code, matches: report.matches }).toEqual({ k, code: 0, matches: true });
      expect(report.recomputed.requestMatchingTokens).toBe(k === 'gpl1' ? views.gpl1.tokens : 0);
      expect(report.recorded.requestMatchingTokens).toBe(report.recomputed.requestMatchingTokens);
    }
  });

  it('1tt audit verify recomputes every credit, and names a forged credit or matching count', async () => {
    const { header, log } = await exportServiceLog(t, dir);
    const verify = (events: RecordedEvent[]) => verifyEvents(dir, { header }, events);
    const clean = await verify(log);
    expect(clean.report.problems).toEqual([]);
    expect((clean.report as unknown as { domain: Record<string, number> }).domain.requestCreditsRecomputed).toBe(3);
    expect((clean.report as unknown as { domain: Record<string, number> }).domain.payoutRunsRecomputed).toBe(1);

    const forged = structuredClone(log);
    const accepted = forged.find(
      (e) =>
        e.type === 'DatasetAccepted' && (e.data as { requestCredit?: { creditedTokens: string } }).requestCredit?.creditedTokens === '0',
    )!;
    (accepted.data as { requestCredit: { creditedTokens: string } }).requestCredit.creditedTokens = '500';
    const r1 = await verify(rechain(forged));
    expect(r1.code).not.toBe(0);
    expect(r1.report.problems[0]).toMatchObject({ code: 'request-credit-differs', position: accepted.position });

    // A larger matching count for the first upload: the rule then credits more, and the recorded credit no longer follows.
    const inflated = structuredClone(log);
    const pre = inflated.find((e) => e.type === 'DatasetPreprocessed' && (e.data as { requestMatch?: unknown }).requestMatch)!;
    (pre.data as { requestMatch: { matchingTokens: number } }).requestMatch.matchingTokens = 1;
    const r2 = await verify(rechain(inflated));
    expect(r2.report.problems.map((p) => p.code)).toContain('request-credit-differs');

    // A forged weight: the run's recorded request weight, or an allocation's weight.
    const heavier = structuredClone(log);
    const completed = heavier.find((e) => e.type === 'PayoutRunCompleted' && (e.data as { revenueId: string }).revenueId === revenueId)!;
    (completed.data as { requestWeights: Array<{ weight: string }> }).requestWeights[0].weight = '9';
    const r3 = await verify(rechain(heavier));
    expect(r3.code).not.toBe(0);
    expect(r3.report.problems[0]).toMatchObject({ position: completed.position });
    const reweighed = structuredClone(log);
    const chunk = reweighed.find(
      (e) => e.type === 'PayoutRunAllocationsRecorded' && (e.data as { revenueId: string }).revenueId === revenueId,
    )!;
    const line = (chunk.data as { allocations: Array<{ contributorId: string; weight: string }> }).allocations.find(
      (l) => l.contributorId === ann.contributorId,
    )!;
    line.weight = String(BigInt(line.weight) + 1n);
    const r4 = await verify(rechain(reweighed));
    expect(r4.code).not.toBe(0);
    expect(r4.report.problems[0]).toMatchObject({ position: chunk.position });
  });
});
