import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent } from '@1tt/event-store';
import { shuffledLicense } from '../support/license-texts';
import { exportServiceLog, verifyEvents } from '../audit/support/service-log';
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

  it('1tt audit verify recomputes every credit, and names a forged credit or matching count', async () => {
    const { header, log } = await exportServiceLog(t, dir);
    const verify = (events: RecordedEvent[]) => verifyEvents(dir, { header }, events);
    const clean = await verify(log);
    expect(clean.report.problems).toEqual([]);
    expect((clean.report as unknown as { domain: Record<string, number> }).domain.requestCreditsRecomputed).toBe(3);

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
  });
});
