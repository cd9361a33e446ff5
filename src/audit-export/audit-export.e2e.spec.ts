import { mkdtempSync, readFileSync, rmSync, truncateSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { EventStore } from '@1tt/event-store';
import { exportLog } from '@1tt/audit';
import { cli } from '../../test/support/cli';
import { PayoutProcessor } from '../ledger/payout/payout-processor';
import { acceptDataset } from '../../test/ledger/ledger-log.fixture';
import { startTestApp, type TestApp } from '../../test/e2e/support/test-app';

/** An auditor with only an API key exports the log over HTTP, resumes a cut download, and verifies it. */
describe('audit export over the API (GET /v1/audit/export, 1tt audit export --url)', () => {
  let t: TestApp;
  let dir: string;
  let auditorKey: string;
  let storeExport: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), '1tt-api-export-'));
    t = await startTestApp();
    const events = t.get(EventStore);
    const contributors: string[] = [];
    for (const name of ['Ann', 'Ben'])
      contributors.push((await t.http.post('/v1/contributors').set(t.auth()).send({ displayName: name }).expect(201)).body.contributorId);
    const c = await t.http.post('/v1/consumers').set(t.auth()).send({ displayName: 'LLM Corp' }).expect(201);
    await t.http
      .put(`/v1/consumers/${c.body.consumerId}/agreement`)
      .set(t.auth())
      .send({ alpha: '0.3', currency: 'USD', policy: 'snapshot' })
      .expect(200);
    for (let i = 0; i < 40; i++) await acceptDataset(events, `ds-${i}`, contributors[i % 2], 100 + i);
    await t.http
      .post('/v1/revenue')
      .set(t.auth(c.body.apiKey))
      .set('Idempotency-Key', 'k1')
      .send({ amount: '100.00', currency: 'USD', periodStart: '2025-01-01T00:00:00Z', periodEnd: '2025-02-01T00:00:00Z' })
      .expect(201);
    await t.get(PayoutProcessor).catchUp();
    auditorKey = (await t.http.post('/v1/auditors').set(t.auth()).send({ displayName: 'Audit & Co' }).expect(201)).body.apiKey;
    const head = await events.headPosition();
    const chunks: Buffer[] = [];
    const sink = new PassThrough();
    sink.on('data', (b: Buffer) => chunks.push(b));
    await exportLog(events, sink, { toPosition: head });
    storeExport = Buffer.concat(chunks).toString('utf8');
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const withoutExportTime = (text: string) => text.replace(/"exportedAt":"[^"]+"/, '"exportedAt":"-"');

  it('serves the same file the store export writes, with the log hash as a trailer, to an auditor', async () => {
    const head = await t.get(EventStore).headPosition();
    const res = await fetch(`${t.baseUrl}/v1/audit/export?atPosition=${head}`, { headers: { Authorization: `Bearer ${auditorKey}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    expect(withoutExportTime(await res.text())).toBe(withoutExportTime(storeExport));
  });

  it('1tt audit export --url writes a file that verify accepts, checking the log hash', async () => {
    const file = join(dir, 'log.ndjson');
    const r = await cli({ ONETT_API_KEY: auditorKey }, 'audit', 'export', '--url', t.baseUrl, '--out', file, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.logHash).toMatch(/^[0-9a-f]{64}$/);
    expect(withoutExportTime(readFileSync(file, 'utf8'))).toBe(withoutExportTime(storeExport));
    const v = await cli({}, 'audit', 'verify', file, '--json');
    expect(v.code).toBe(0);
  });

  it('--resume continues a cut download from its last complete line and ends with the whole file', async () => {
    const file = join(dir, 'cut.ndjson');
    expect((await cli({}, 'audit', 'export', '--url', t.baseUrl, '--key', auditorKey, '--out', file)).code).toBe(0);
    const whole = readFileSync(file, 'utf8');
    // Cut in the middle of a line two thirds in; later events are appended meanwhile (the cut stays where the file began).
    truncateSync(file, Math.floor(statSync(file).size * 0.66));
    await acceptDataset(t.get(EventStore), 'ds-late', 'late-contributor', 5);
    const r = await cli({}, 'audit', 'export', '--url', t.baseUrl, '--key', auditorKey, '--out', file, '--resume', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).resumedAfter).toBeGreaterThan(0);
    expect(readFileSync(file, 'utf8')).toBe(whole);
  });

  it('a tampered file is caught on resume by the log hash', async () => {
    const file = join(dir, 'tampered.ndjson');
    expect((await cli({}, 'audit', 'export', '--url', t.baseUrl, '--key', auditorKey, '--out', file)).code).toBe(0);
    const lines = readFileSync(file, 'utf8').split('\n');
    const keep = lines.slice(0, 6);
    keep[3] = keep[3].replace(/"hash":"([0-9a-f])/, (_m, c: string) => `"hash":"${c === '0' ? '1' : '0'}`);
    writeFileSync(file, keep.join('\n') + '\n');
    const r = await cli({}, 'audit', 'export', '--url', t.baseUrl, '--key', auditorKey, '--out', file, '--resume');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/log hash .* differs from the server's/);
  });

  it('refuses a contributor key, a missing key and a bad afterPosition with clear answers', async () => {
    const contributor = (await t.http.post('/v1/contributors').set(t.auth()).send({ displayName: 'Cy' }).expect(201)).body.apiKey;
    const denied = await cli({}, 'audit', 'export', '--url', t.baseUrl, '--key', contributor, '--out', join(dir, 'x.ndjson'));
    expect(denied.code).toBe(2);
    expect(denied.stderr).toMatch(/answered 403/);
    const noKey = await cli({}, 'audit', 'export', '--url', t.baseUrl, '--out', join(dir, 'y.ndjson'));
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/ONETT_API_KEY/);
    const bad = await t.http.get('/v1/audit/export?afterPosition=-1').set(t.auth(auditorKey)).expect(400);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);
  });
});
