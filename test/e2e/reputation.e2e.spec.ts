import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStore } from '@1tt/event-store';
import { prose } from '../security/support/security-fixture';
import { cli } from '../support/cli';
import { postDataset, uploadAndDecide, waitDecided } from './support/datasets';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * Issue #15, reputation through the real service: uploads decided by the
 * real pipeline, GET /v1/contributors/{id}/reputation at several positions,
 * and `1tt audit reputation` on the service's export giving the same body
 * at each of them.
 */
describe('GET /v1/contributors/{id}/reputation (real app, real pipeline)', () => {
  let t: TestApp;
  let dir: string;
  let ann: { contributorId: string; apiKey: string };
  let mixedView: Record<string, number>;
  const marks: number[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), '1tt-reputation-e2e-'));
    t = await startTestApp({ env: { WORKER_THREADS: '1' } });
    const events = t.get(EventStore);
    marks.push(await events.headPosition());
    ann = (await t.http.post('/v1/contributors').set(t.auth()).send({ displayName: 'Ann' }).expect(201)).body;
    marks.push(await events.headPosition());
    // Paragraphs of real prose plus short junk paragraphs the quality filters remove.
    const junk = Array.from({ length: 6 }, (_, i) => `buy now ${i} !!!`).join('\n\n');
    const mixed = `${prose(1)}\n\n${junk}\n\n${prose(2)}`;
    const kept = await uploadAndDecide(t, ann.apiKey, 'mixed.txt', mixed, { split: 'paragraph' });
    expect(kept.status).toBe('accepted');
    mixedView = kept as Record<string, number>;
    marks.push(await events.headPosition());
    const r = await postDataset(t, ann.apiKey, 'junk.txt', 'x');
    expect((await waitDecided(t, ann.apiKey, r.body.datasetId)).status).toBe('rejected');
    marks.push(await events.headPosition());
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (query = '', key = ann.apiKey) => t.http.get(`/v1/contributors/${ann.contributorId}/reputation${query}`).set(t.auth(key));

  it("answers the score and its components from the contributor's uploads", async () => {
    const r = await get().expect(200);
    expect(r.body).toMatchObject({
      contributorId: ann.contributorId,
      formulaVersion: 'reputation-v2',
      position: marks[3],
      components: { rejectedUploads: '1', exclusions: '0', requestFulfilment: '0', tenureDays: 0, withdrawals: '0' },
    });
    // v1 estimates the removed documents' tokens from the kept ones of the same upload: kept/in by documents.
    const { documentsIn, documentsKept, tokens } = mixedView;
    expect(documentsKept).toBeLessThan(documentsIn);
    const exact = tokens / Math.ceil((tokens * documentsIn) / documentsKept);
    expect(Math.abs(Number(r.body.components.keptTokenRatio) - exact)).toBeLessThan(1e-6);
    expect(Number(r.body.score)).toBeGreaterThan(0);
    expect(Number(r.body.score)).toBeLessThan(1);
    expect(r.body.evaluatedOn).toBe(new Date().toISOString().slice(0, 10));
  });

  it('as of earlier positions: the prior after registration, 404 before it, and the rejection lowers the score', async () => {
    await get(`?atPosition=${marks[0]}`).expect(404);
    const registered = await get(`?atPosition=${marks[1]}`).expect(200);
    expect(registered.body.score).toBe('0.4');
    const afterGood = await get(`?atPosition=${marks[2]}`).expect(200);
    const afterBad = await get(`?atPosition=${marks[3]}`).expect(200);
    expect(Number(afterBad.body.score)).toBeLessThan(Number(afterGood.body.score));
    expect(afterGood.body.components.rejectedUploads).toBe('0');
  });

  it('1tt audit reputation on the export gives the same body at each position', async () => {
    const file = join(dir, 'export.ndjson');
    const exported = await cli({ DATA_DIR: t.dataDir }, 'audit', 'export', '--out', file);
    expect(exported.code).toBe(0);
    for (const p of marks.slice(1)) {
      const api = (await get(`?atPosition=${p}`, t.adminKey).expect(200)).body;
      const run = await cli({}, 'audit', 'reputation', file, '--contributor', ann.contributorId, '--at-position', String(p));
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual(api);
    }
    const before = await cli({}, 'audit', 'reputation', file, '--contributor', ann.contributorId, '--at-position', String(marks[0]));
    expect(before.code).not.toBe(0);
  });

  it('another contributor may not read it; a malformed atPosition is a 400', async () => {
    const bob = (await t.http.post('/v1/contributors').set(t.auth()).send({ displayName: 'Bob' }).expect(201)).body;
    await get('', bob.apiKey).expect(403);
    const bad = await get('?atPosition=x').expect(400);
    expect(bad.body.code).toBe('invalid-position');
  });
});
