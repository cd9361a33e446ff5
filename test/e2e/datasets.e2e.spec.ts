import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { EventStore } from '@1tt/event-store';
import { DEFAULT_PIPELINE, resolvePipeline } from '@1tt/preprocessing';
import { startTestApp, type TestApp } from './support/test-app';
import { postDataset, waitDecided } from './support/datasets';
import { licenseText, shuffledLicense, nearCopy } from '../support/license-texts';

// Worker threads and whole datasets: on a loaded 2-core machine a test can take longer than the default 30 s.
jest.setTimeout(120_000);

// The app's pool is shared by every test of a describe: each test uploads its own shuffledLicense seeds, so it matches nothing another test uploaded.
const txt = (...names: string[]) => names.map(licenseText).join('\n\n');

// These tests count blank-line separated documents: .txt uploads ask for split=paragraph unless a test says otherwise
// (the default, the whole file as one document, has its own test below); a field given as '' is left out.
function upload(t: TestApp, key: string, fileName: string, content: string | Buffer, fields: Record<string, string> = {}) {
  const all = /\.txt(\.gz|\.zst)?$/.test(fileName) && !('split' in fields) ? { ...fields, split: 'paragraph' } : fields;
  return postDataset(t, key, fileName, content, Object.fromEntries(Object.entries(all).filter(([, v]) => v !== '')));
}
const decided = waitDecided;

/** A registered contributor (POST /v1/contributors) and its key. */
async function contributor(t: TestApp, name: string): Promise<{ id: string; key: string }> {
  const r = await t.http.post('/v1/contributors').set(t.auth()).send({ displayName: name });
  if (r.status !== 201) throw new Error(`register ${name}: ${r.status} ${JSON.stringify(r.body)}`);
  return { id: r.body.contributorId, key: r.body.apiKey };
}

async function uploadAndDecide(t: TestApp, key: string, fileName: string, content: string | Buffer, fields: Record<string, string> = {}) {
  const r = await upload(t, key, fileName, content, fields);
  if (r.status !== 202) throw new Error(`upload ${fileName}: ${r.status} ${JSON.stringify(r.body)}`);
  expect(r.body).toEqual({ datasetId: expect.any(String), status: 'processing' });
  return decided(t, key, r.body.datasetId);
}

describe('datasets over HTTP (real app, embedded stores)', () => {
  let t: TestApp;
  let alice: string;
  let aliceId: string;
  let bob: string;
  beforeAll(async () => {
    t = await startTestApp({ env: { WORKER_THREADS: '2' } });
    ({ id: aliceId, key: alice } = await contributor(t, 'Alice'));
    bob = (await contributor(t, 'Bob')).key;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('accepts every format (txt, jsonl with a custom text field, csv, parquet, gzip, zstd) with the right counts', async () => {
    const a = await uploadAndDecide(t, alice, 'licenses.txt', txt('GPL-1', 'BSD'));
    expect(a).toMatchObject({
      status: 'accepted',
      contributorId: aliceId,
      fileName: 'licenses.txt',
      documentsIn: 2,
      documentsKept: 2,
      removed: {},
      tokenizer: 'o200k_base',
      progress: null,
    });
    expect(a.tokens).toBeGreaterThan(1500);
    // Pipeline v2 (issue #13) decides new uploads; tokens are labelled per language and content class.
    expect(a.pipeline).toMatchObject({ name: 'default-multilingual', version: '2', configHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(a.languages).toEqual({ en: a.tokens });
    expect(a.contentClasses).toEqual({ prose: a.tokens });

    const jsonl = [
      JSON.stringify({ content: licenseText('Apache-2.0') }),
      '{not json',
      JSON.stringify({ content: 'too short' }),
      JSON.stringify({ content: licenseText('CC0-1.0') }),
      JSON.stringify({ content: licenseText('Artistic') }),
      JSON.stringify({ content: licenseText('LGPL-3') }),
      JSON.stringify({ content: licenseText('GFDL-1.2') }),
      JSON.stringify({ content: licenseText('GPL-2') }),
      JSON.stringify({ content: licenseText('LGPL-2') }),
      JSON.stringify({ content: licenseText('GPL-3') }),
      JSON.stringify({ content: licenseText('MPL-2.0') }),
    ].join('\n');
    const j = await uploadAndDecide(t, alice, 'set.jsonl', jsonl, { textField: 'content' });
    // v2 keeps every licence (v1 dropped one on its English web-prose non-alpha rule); the two-word record is near-empty junk.
    expect(j).toMatchObject({ status: 'accepted', documentsIn: 11, documentsKept: 9 });
    expect(j.removed).toEqual({ invalid_json: 1, 'junk:near_empty': 1 });
    // The skipped line keeps its place in the per-document report, with where it is in the file.
    const skippedAt = Buffer.byteLength(jsonl.split('\n')[0]) + 1;
    const jReport = (await t.http.get(`/v1/datasets/${j.datasetId}/report?reason=invalid_json`).set(t.auth(alice)).expect(200)).body.items;
    expect(jReport).toEqual([
      {
        index: 1,
        kept: false,
        reason: 'invalid_json',
        detail: `at line 2, byte offset ${skippedAt}`,
        explanation: `The line is not valid JSON: at line 2, byte offset ${skippedAt}.`,
        tokens: 0,
      },
    ]);

    const csv =
      'id,text\n1,"' +
      shuffledLicense('LGPL-2.1', 11).replace(/"/g, '""') +
      '"\n2,"' +
      shuffledLicense('GFDL-1.3', 12).replace(/"/g, '""') +
      '"\n';
    expect(await uploadAndDecide(t, bob, 'set.csv', csv)).toMatchObject({ status: 'accepted', documentsIn: 2 });

    const { parquetWriteBuffer } = await import('hyparquet-writer');
    const pq = Buffer.from(
      parquetWriteBuffer({
        columnData: [{ name: 'text', data: [licenseText('GPL-1').split(' ').reverse().join(' ') + ' Reversed.', 'x'], type: 'STRING' }],
      }),
    );
    expect(await uploadAndDecide(t, bob, 'set.parquet', pq)).toMatchObject({ status: 'accepted', documentsIn: 2, documentsKept: 1 });

    const gz = gzipSync(Buffer.from(licenseText('Artistic').split(' ').reverse().join(' ')));
    expect(await uploadAndDecide(t, bob, 'set.txt.gz', gz)).toMatchObject({ status: 'accepted', documentsIn: 1, documentsKept: 1 });

    const zst = execFileSync('zstd', ['-c', '-q'], {
      input: Buffer.from(JSON.stringify({ text: licenseText('Apache-2.0').split(' ').reverse().join(' ') }) + '\n'),
    });
    expect(await uploadAndDecide(t, bob, 'set.jsonl.zst', zst)).toMatchObject({ status: 'accepted', documentsIn: 1, documentsKept: 1 });
  });

  it('cuts a .txt upload by its split field: the whole file by default, paragraphs or lines on request, recorded and shown', async () => {
    const { key } = await contributor(t, 'Splitter');
    // A licence no other test of this app uploads (the pool is shared): kept whole, it is one document.
    const mpl = licenseText('MPL-1.1');
    const paragraphs = mpl.split(/\n\s*\n/).filter((p) => p.trim() !== '').length;
    const lines = mpl.split('\n').filter((l) => l.trim() !== '').length;
    // split '' = no split field at all: the default.
    const whole = await uploadAndDecide(t, key, 'MPL-1.1.txt', mpl, { split: '' });
    expect(whole).toMatchObject({ status: 'accepted', split: 'document', documentsIn: 1, documentsKept: 1 });
    expect(whole.tokens).toBeGreaterThan(5000);
    const events = await t.get(EventStore).readStream(`dataset-${whole.datasetId}`);
    expect(events[0]).toMatchObject({ type: 'DatasetUploaded', data: { split: 'document', format: 'txt' } });
    // Issue #13: the pipeline to judge it with is recorded at upload (this build's default) and decided with.
    const v2 = resolvePipeline(DEFAULT_PIPELINE);
    const ref = { name: v2.name, version: v2.version, configHash: v2.configHash };
    expect(events[0].data).toMatchObject({ pipeline: ref });
    expect(whole.pipeline).toEqual(ref);

    const byParagraph = await uploadAndDecide(t, key, 'MPL-1.1-p.txt', mpl.replace('MOZILLA', 'MOZILLA (p)'), { split: 'paragraph' });
    expect(byParagraph).toMatchObject({ split: 'paragraph', documentsIn: paragraphs });
    const byLine = await uploadAndDecide(t, key, 'MPL-1.1-l.txt', mpl.replace('MOZILLA', 'MOZILLA (l)'), { split: 'line' });
    expect(byLine).toMatchObject({ split: 'line', documentsIn: lines });

    const bad = await upload(t, key, 'x.txt', mpl, { split: 'sentence' }).expect(400);
    expect(bad.body).toMatchObject({ code: 'dataset-invalid-split', errors: [expect.objectContaining({ field: 'split' })] });
    const notTxt = await upload(t, key, 'x.jsonl', JSON.stringify({ text: mpl }), { split: 'line' }).expect(400);
    expect(notTxt.body).toMatchObject({ code: 'dataset-invalid-split' });
    const md = await uploadAndDecide(t, key, 'README.md', '# Title\n\nSome text.\n\n## More\n\n- a list\n');
    expect(md.split).toBeNull();
  });

  it('decides duplicates in log order across contributors: the earlier keeps it; the report never says whose', async () => {
    const { id: carolId, key: carol } = await contributor(t, 'Carol');
    const { id: daveId, key: dave } = await contributor(t, 'Dave');
    const [gpl, lgpl] = [shuffledLicense('GPL-2', 21), shuffledLicense('LGPL-2.1', 22)];
    const first = await uploadAndDecide(t, carol, 'first.txt', [gpl, lgpl].join('\n\n'));
    expect(first).toMatchObject({ status: 'accepted', documentsKept: 2 });
    const second = await uploadAndDecide(t, dave, 'second.txt', [shuffledLicense('BSD', 23), gpl, nearCopy(lgpl)].join('\n\n'));
    expect(second).toMatchObject({
      status: 'accepted',
      documentsIn: 3,
      documentsKept: 1,
      removed: { exact_duplicate: 1, near_duplicate: 1 },
      duplicatesOfEarlier: 2,
    });
    const report = await t.http.get(`/v1/datasets/${second.datasetId}/report`).set(t.auth(dave)).expect(200);
    const labels = { language: 'en', languageScore: expect.any(Number), contentClass: 'prose' };
    expect(report.body.items).toEqual([
      { index: 0, kept: true, tokens: expect.any(Number), ...labels },
      {
        index: 1,
        kept: false,
        reason: 'exact_duplicate',
        detail: 'duplicates an earlier contribution',
        explanation: 'The same text (ignoring case and spacing) is already in the pool from an earlier upload.',
        tokens: 0,
        ...labels,
      },
      {
        index: 2,
        kept: false,
        reason: 'near_duplicate',
        detail: 'duplicates an earlier contribution',
        explanation: 'A nearly identical text (estimated Jaccard ≥ 0.75) is already in the pool from an earlier upload.',
        tokens: 0,
        ...labels,
      },
    ]);
    expect(report.body.nextCursor).toBeNull();
    expect(JSON.stringify(report.body)).not.toContain(first.datasetId);
    expect(JSON.stringify(report.body)).not.toContain(carolId);
    const page = await t.http.get(`/v1/datasets/${second.datasetId}/report?limit=1&reason=near_duplicate`).set(t.auth(dave)).expect(200);
    expect(page.body).toEqual({ position: expect.any(Number), items: [expect.objectContaining({ index: 2 })], nextCursor: null });
    const admin = await t.http.get(`/v1/datasets/${second.datasetId}/report?limit=2`).set(t.auth()).expect(200);
    expect(admin.body.items[1].duplicateOf).toMatchObject({ datasetId: first.datasetId, documentIndex: 0 });
    expect(admin.body.nextCursor).toBe('1');

    // Contributors see only their own datasets.
    await t.http.get(`/v1/datasets/${first.datasetId}`).set(t.auth(dave)).expect(404);
    const list = await t.http.get(`/v1/contributors/${daveId}/datasets`).set(t.auth(dave)).expect(200);
    expect(list.body.items.map((d: { datasetId: string }) => d.datasetId)).toEqual([second.datasetId]);
    await t.http.get(`/v1/contributors/${carolId}/datasets`).set(t.auth(dave)).expect(404);
  });

  it('refuses an identical file at once (409 saying only that it is in the pool: not when, not whose; issue #20 M3)', async () => {
    const content = [shuffledLicense('LGPL-2', 31), shuffledLicense('Artistic', 32)].join('\n\n');
    const first = await uploadAndDecide(t, alice, 'one.txt', content);
    const r = await upload(t, bob, 'two.txt', content).expect(409);
    expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(r.body.detail).toBe('An identical file (same SHA-256) is already in the pool');
    expect(JSON.stringify(r.body)).not.toContain(first.uploadedAt);
    expect(JSON.stringify(r.body)).not.toContain(aliceId);
    expect(JSON.stringify(r.body)).not.toContain(first.datasetId);
  });

  it('after a withdrawal by the owner, a new upload of similar content is kept; others cannot withdraw; a second withdrawal is a 409', async () => {
    const eve = (await contributor(t, 'Eve')).key;
    const content = shuffledLicense('GFDL', 41);
    const first = await uploadAndDecide(t, eve, 'gfdl.txt', content);
    expect(first.documentsKept).toBe(1);
    await t.http.delete(`/v1/datasets/${first.datasetId}`).set(t.auth(bob)).expect(404);
    await t.http.delete(`/v1/datasets/${first.datasetId}`).set(t.auth()).expect(403);
    expect((await t.http.delete(`/v1/datasets/${first.datasetId}`).set(t.auth(eve)).expect(200)).body).toEqual({
      datasetId: first.datasetId,
      status: 'withdrawn',
    });
    await t.http.delete(`/v1/datasets/${first.datasetId}`).set(t.auth(eve)).expect(409);
    expect((await decided(t, eve, first.datasetId)).status).toBe('withdrawn');
    // As of any past position: processing at its upload, accepted just before the withdrawal.
    const stream = await t.get(EventStore).readStream(`dataset-${first.datasetId}`);
    const asOf = async (position: number) =>
      (await t.http.get(`/v1/datasets/${first.datasetId}?atPosition=${position}`).set(t.auth(eve)).expect(200)).body;
    expect(await asOf(stream[0].position)).toMatchObject({ status: 'processing', tokens: null });
    expect(await asOf(stream[stream.length - 1].position - 1)).toMatchObject({ status: 'accepted', tokens: first.tokens });
    const again = await uploadAndDecide(t, bob, 'gfdl-again.txt', nearCopy(content));
    expect(again).toMatchObject({ status: 'accepted', documentsKept: 1 });
  });

  it('answers as of a position or a time and says which position it answers at, as the ledger reads do', async () => {
    const frank = await contributor(t, 'Frank');
    const done = await uploadAndDecide(t, frank.key, 'mpl.txt', [shuffledLicense('LGPL-3', 61), shuffledLicense('GPL-2', 62)].join('\n\n'));
    const id = done.datasetId as string;
    const stream = await t.get(EventStore).readStream(`dataset-${id}`);
    const uploaded = stream[0];
    const decision = stream[stream.length - 1];
    const get = async (path: string) => (await t.http.get(path).set(t.auth(frank.key)).expect(200)).body;

    // Now: the position the read model has reached, at or past the decision; re-asking at it gives the same answer.
    expect(done.position).toBeGreaterThanOrEqual(decision.position);
    expect(await get(`/v1/datasets/${id}?atPosition=${done.position}`)).toEqual(done);

    // atPosition: the answer is the one at that position, and says so.
    expect(await get(`/v1/datasets/${id}?atPosition=${uploaded.position}`)).toMatchObject({
      status: 'processing',
      position: uploaded.position,
      tokens: null,
    });
    const before = await get(`/v1/contributors/${frank.id}/datasets?atPosition=${uploaded.position - 1}`);
    expect(before).toEqual({ position: uploaded.position - 1, items: [], nextCursor: null });
    const then = await get(`/v1/contributors/${frank.id}/datasets?atPosition=${uploaded.position}`);
    expect(then).toMatchObject({ position: uploaded.position, items: [{ datasetId: id, status: 'processing' }] });
    const list = await get(`/v1/contributors/${frank.id}/datasets`);
    expect(list).toMatchObject({ items: [{ datasetId: id, status: 'accepted' }] });
    expect(list.position).toBeGreaterThanOrEqual(decision.position);
    expect(await get(`/v1/datasets/${id}/report?atPosition=${uploaded.position}`)).toEqual({
      position: uploaded.position,
      items: [],
      nextCursor: null,
    });
    const report = await get(`/v1/datasets/${id}/report`);
    expect(report.position).toBeGreaterThanOrEqual(decision.position);
    expect(report.items).toEqual([expect.objectContaining({ index: 0, kept: true }), expect.objectContaining({ index: 1, kept: true })]);

    // asOf: the time of the upload maps to the last position recorded at or before it (not yet decided).
    const byTime = await get(`/v1/datasets/${id}?asOf=${encodeURIComponent(uploaded.metadata.recordedAt)}`);
    expect(byTime.status).toBe('processing');
    expect(byTime.position).toBeGreaterThanOrEqual(uploaded.position);
    expect(byTime.position).toBeLessThan(decision.position);

    // A position past what the read model has applied answers at what it has applied.
    const ahead = await get(`/v1/datasets/${id}?atPosition=${decision.position + 1_000_000}`);
    expect(ahead.position).toBeLessThan(decision.position + 1_000_000);
    expect(ahead.status).toBe('accepted');

    // The same problem+json refusals as the ledger reads.
    for (const [query, code] of [
      ['asOf=yesterday', 'invalid-as-of'],
      ['asOf=2025-02-30T00:00:00Z', 'invalid-as-of'],
      ['asOf=2999-01-01T00:00:00Z', 'as-of-in-future'],
      ['asOf=2025-01-01T00:00:00Z&atPosition=1', 'point-in-time-ambiguous'],
      ['atPosition=-1', 'invalid-position'],
      ['limit=0', 'invalid-limit'],
      ['limit=5000', 'invalid-limit'],
      ['cursor=a&cursor=b', 'invalid-cursor'],
    ]) {
      for (const path of [`/v1/contributors/${frank.id}/datasets`, `/v1/datasets/${id}/report`]) {
        const r = await t.http.get(`${path}?${query}`).set(t.auth(frank.key)).expect(400);
        expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
        expect({ path, query, code: r.body.code }).toEqual({ path, query, code });
      }
    }
    const bad = await t.http.get(`/v1/datasets/${id}/report?cursor=x`).set(t.auth(frank.key)).expect(400);
    expect(bad.body.code).toBe('invalid-cursor');
  });

  it("registers a consumer's reference corpus (admin only); contributions matching it are already_held_by_consumer", async () => {
    const acme = (await t.http.post('/v1/consumers').set(t.auth()).send({ displayName: 'Acme' }).expect(201)).body.consumerId as string;
    const held = shuffledLicense('GPL-3', 51);
    const corpus = [shuffledLicense('CC0-1.0', 52), held].join('\n\n');
    await upload(t, alice, 'ref.txt', corpus, { kind: 'reference', consumerId: acme }).expect(403);
    // The owner's id follows the one id rule (ID_PATTERN): one no party can have is refused before anything is stored.
    const head = await t.get(EventStore).headPosition();
    for (const consumerId of [`${acme}:x`, 'c'.repeat(65)]) {
      const refused = await upload(t, t.adminKey, 'ref.txt', corpus, { kind: 'reference', consumerId }).expect(400);
      expect(refused.body.code).toBe('dataset-missing-consumer-id');
    }
    expect(await t.get(EventStore).headPosition()).toBe(head);
    const ref = await upload(t, t.adminKey, 'ref.txt', corpus, { kind: 'reference', consumerId: acme }).expect(202);
    const refView = await decided(t, t.adminKey, ref.body.datasetId);
    expect(refView).toMatchObject({ status: 'accepted', kind: 'reference', consumerId: acme, contributorId: null });
    await t.http.get(`/v1/datasets/${ref.body.datasetId}`).set(t.auth(alice)).expect(404);
    const c = await uploadAndDecide(t, alice, 'mine.txt', [nearCopy(held), shuffledLicense('GPL-1', 53)].join('\n\n'));
    expect(c).toMatchObject({ documentsKept: 1, removed: { already_held_by_consumer: 1 }, duplicatesOfEarlier: 0 });
    const items = (await t.http.get(`/v1/datasets/${c.datasetId}/report`).set(t.auth(alice)).expect(200)).body.items;
    expect(items[0]).toEqual({
      index: 0,
      kept: false,
      reason: 'already_held_by_consumer',
      detail: 'the consumer already holds this text',
      explanation: 'The consumer already holds this text.',
      tokens: 0,
      language: 'en',
      languageScore: expect.any(Number),
      contentClass: 'prose',
    });
    // The very same file as the corpus: no 409 (that would reveal the corpus), judged instead.
    const same = await uploadAndDecide(t, bob, 'same.txt', corpus);
    expect(same).toMatchObject({ status: 'rejected', rejectionReason: 'no_documents_kept', removed: { already_held_by_consumer: 2 } });
  });

  it('rejects malformed files with the reason and where: invalid UTF-8, truncated gzip, binary data, CSV without the text column', async () => {
    const good = Buffer.from(licenseText('BSD') + '\n\nsecond line\n');
    const bad = Buffer.concat([good, Buffer.from([0xc3, 0x28]), Buffer.from(' more\n')]);
    const u = await uploadAndDecide(t, alice, 'bad.txt', bad);
    expect(u).toMatchObject({ status: 'rejected', rejectionReason: 'invalid_utf8', documentsKept: null });
    // The byte offset of the first bad byte, as @1tt/dataset-formats documents for invalid_utf8.
    expect(u.rejection.detail).toContain(`byte offset ${good.length}`);
    const gz = gzipSync(Buffer.from(licenseText('GPL-3')));
    expect(await uploadAndDecide(t, alice, 'cut.txt.gz', gz.subarray(0, gz.length - 200))).toMatchObject({
      status: 'rejected',
      rejectionReason: 'truncated_compression',
    });
    const binary = Buffer.alloc(4096, 0);
    expect(await uploadAndDecide(t, alice, 'zeros.txt', binary)).toMatchObject({ status: 'rejected', rejectionReason: 'binary_content' });
    expect(await uploadAndDecide(t, alice, 'cols.csv', 'id,body\n1,hello\n')).toMatchObject({
      status: 'rejected',
      rejectionReason: 'missing_text_column',
    });
  });

  it('refuses unsupported types naming the allowed ones, and keeps only the base name of a path-like file name', async () => {
    const r = await upload(t, alice, 'data.exe', 'hello').expect(400);
    expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(JSON.stringify(r.body)).toContain('.jsonl');
    const ok = await upload(t, alice, '../../etc/passwd.txt', shuffledLicense('GPL-1', 71)).expect(202);
    expect((await decided(t, alice, ok.body.datasetId)).fileName).toBe('passwd.txt');
  });
});

describe('upload limits and restarts', () => {
  it('answers 413 problem+json past UPLOAD_MAX_BYTES', async () => {
    const t = await startTestApp({ env: { UPLOAD_MAX_BYTES: '65536', WORKER_THREADS: '1' } });
    try {
      const { key } = await contributor(t, 'Big');
      const r = await upload(t, key, 'big.txt', Buffer.alloc(300 * 1024, 'a sentence of text. ')).expect(413);
      expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
      await upload(t, key, 'small.txt', licenseText('BSD')).expect(202);
    } finally {
      await t.close();
    }
  });

  it('finishes a dataset cut off mid-processing after a restart on the same data, counted once', async () => {
    let t = await startTestApp({ env: { WORKER_THREADS: '1' } });
    try {
      const { key } = await contributor(t, 'Crash');
      const names = ['GPL-2', 'LGPL-2.1', 'Apache-2.0', 'GFDL-1.3', 'GPL-3', 'Artistic'];
      const big = Array.from(
        { length: 300 },
        (_, i) =>
          `Variant ${i}. ${licenseText(names[i % names.length])
            .split(' ')
            .sort(() => 0)
            .reverse()
            .slice(i % 50)
            .join(' ')}`,
      ).join('\n\n');
      const r = await upload(t, key, 'big.txt', big).expect(202);
      const id = r.body.datasetId as string;
      const during = await t.http.get(`/v1/datasets/${id}`).set(t.auth(key)).expect(200);
      expect(during.body).toMatchObject({ status: 'processing', progress: { totalBytes: Buffer.byteLength(big) } });
      t = await t.restart();
      const done = await decided(t, key, id);
      expect(done.status).toBe('accepted');
      const types = (await t.get(EventStore).readStream(`dataset-${id}`)).map((e) => e.type);
      expect(types).toEqual(['DatasetUploaded', 'DatasetPreprocessed', 'DatasetTokensCounted', 'DatasetAccepted']);
    } finally {
      await t.close();
    }
  });
});
