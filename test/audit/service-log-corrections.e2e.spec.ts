import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeEventLine } from '@1tt/audit';
import { EventStore, type RecordedEvent } from '@1tt/event-store';
import { correctionIdFor } from '@1tt/ledger';
import { PayoutProcessor } from '../../src/ledger/payout/payout-processor';
import { cli } from '../support/cli';
import { rechain } from './support/ledger-log';
import { exportServiceLog, serviceLedger, verifyEvents } from './support/service-log';
import { startTestApp, type TestApp } from '../e2e/support/test-app';

describe('audit of corrections in a log written by the real service', () => {
  let t: TestApp;
  let dir: string;
  let header: string;
  let log: RecordedEvent[];
  let ben: string;
  let benMetrics: {
    position: number;
    balance: Record<string, string>;
    recoverable: Record<string, string>;
    currentRevenue: Record<string, string>;
  };

  const verify = (events: RecordedEvent[]) => verifyEvents(dir, { header }, events);
  const nth = (events: RecordedEvent[], type: string, n = 0) => events.filter((e) => e.type === type)[n];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), '1tt-audit-corrections-'));
    t = await startTestApp();
    const events = t.get(EventStore);
    const processor = t.get(PayoutProcessor);
    const { contributors, consumer: c, report } = await serviceLedger(t, [100, 200, 333]);
    const typo = await report('k1', '100000.00');
    await processor.catchUp();
    await t.http
      .post(`/v1/contributors/${contributors[1]}/settlements`)
      .set(t.auth())
      .send({ amount: '9000.00', currency: 'USD', reference: 'wire-1' })
      .expect(201);
    await t.http
      .post(`/v1/revenue/${typo}/corrections`)
      .set(t.auth(c.apiKey))
      .set('Idempotency-Key', 'fix-1')
      .send({ amount: '1000.00', reason: 'typo' })
      .expect(201);
    const twice = await report('k2', '10.01');
    await processor.catchUp();
    await t.http
      .post(`/v1/revenue/${twice}/corrections`)
      .set(t.auth())
      .set('Idempotency-Key', 'rev-1')
      .send({ reverse: true, reason: 'sent twice' })
      .expect(201);
    await report('k3', '0.07');
    await processor.catchUp();

    ben = contributors[1];
    const head = await events.headPosition();
    for (let i = 0; i < 200; i++) {
      benMetrics = (await t.http.get(`/v1/contributors/${ben}/metrics`).set(t.auth()).expect(200)).body;
      if (benMetrics.position >= head) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    ({ header, log } = await exportServiceLog(t, dir));
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('export → verify passes and recomputes both corrections and their adjustments', async () => {
    expect(log.filter((e) => e.type === 'PayoutRunAdjusted')).toHaveLength(2);
    const { code, report } = await verify(log);
    expect(report.problems).toEqual([]);
    expect(code).toBe(0);
    // re-chaining alone changes nothing the audit checks
    expect((await verify(rechain(log))).report.problems).toEqual([]);
  });

  it('a forged adjustment amount, every hash recomputed, is named at its chunk', async () => {
    const edited = structuredClone(log);
    const chunk = nth(edited, 'PayoutRunAdjustmentsRecorded');
    const lines = (chunk.data as { adjustments: Array<{ contributorId: string; amount: string }> }).adjustments;
    lines[0].amount = '-1.00';
    const plain = await verify(edited);
    expect(plain.code).not.toBe(0);
    expect(plain.report.problems[0]).toMatchObject({ code: 'hash-mismatch', position: chunk.position });
    const { code, report } = await verify(rechain(edited));
    expect(code).not.toBe(0);
    expect(report.problems[0]).toMatchObject({
      code: 'adjustment-line-amount-differs',
      position: chunk.position,
      streamName: chunk.streamName,
    });
  });

  it('a forged net figure of an adjustment (re-hashed) is named', async () => {
    const edited = structuredClone(log);
    const adjusted = nth(edited, 'PayoutRunAdjusted');
    (adjusted.data as { retainedAdjustment: string }).retainedAdjustment = '-69299.99';
    const { report } = await verify(rechain(edited));
    expect(report.problems[0]).toMatchObject({ code: 'adjustment-retained-adjustment-differs', position: adjusted.position });
  });

  it('a forged correction inserted by someone who is neither the consumer nor an admin is named', async () => {
    const real = nth(log, 'RevenueCorrected');
    const at = log.indexOf(nth(log, 'PayoutRunAdjusted')) + 1;
    const forged = structuredClone(real);
    forged.metadata = { ...log[at - 1].metadata, actor: 'contributor:mallory' };
    const d = forged.data as Record<string, unknown>;
    Object.assign(d, {
      previousAmount: '1000.00',
      amount: '999999.00',
      idempotencyKey: 'forged',
      correctionId: correctionIdFor(String(d.revenueId), 'forged'),
    });
    const { code, report } = await verify(rechain([...log.slice(0, at), forged, ...log.slice(at)]));
    expect(code).not.toBe(0);
    expect(report.problems[0]).toMatchObject({ code: 'correction-actor-not-allowed', position: at + 1 });
  });

  it('a correction whose previous amount was edited (re-hashed) is named', async () => {
    const edited = structuredClone(log);
    const c = nth(edited, 'RevenueCorrected');
    (c.data as { previousAmount: string }).previousAmount = '200000.00';
    const { report } = await verify(rechain(edited));
    expect(report.problems[0]).toMatchObject({ code: 'correction-previous-amount-differs', position: c.position });
  });

  it('dropping the adjustment postings of the first correction is named once the second is adjusted', async () => {
    const first = nth(log, 'RevenueCorrected');
    const stream = `adjustment-${(first.data as { correctionId: string }).correctionId}`;
    const { code, report } = await verify(rechain(log.filter((e) => e.streamName !== stream)));
    expect(code).not.toBe(0);
    expect(report.problems.map((p) => p.code)).toContain('correction-never-adjusted');
    expect(report.problems.find((p) => p.code === 'correction-never-adjusted')).toMatchObject({ position: first.position });
  });

  it('adjustment postings without a correction (a forged stream, re-hashed) are named', async () => {
    const real = log.filter((e) => e.type === 'PayoutRunAdjustmentsRecorded' || e.type === 'PayoutRunAdjusted').slice(0, 2);
    const forged = real.map((e) => {
      const copy = structuredClone(e);
      copy.streamName = 'adjustment-forged';
      copy.metadata = { ...copy.metadata, recordedAt: log[log.length - 1].metadata.recordedAt };
      (copy.data as { correctionId: string }).correctionId = 'forged';
      return copy;
    });
    const { code, report } = await verify(rechain([...log, ...forged]));
    expect(code).not.toBe(0);
    expect(report.problems[0]).toMatchObject({ code: 'adjustment-without-correction', position: log.length + 1 });
  });

  it('1tt audit statement lists the adjustments and the recoverable balance, with the numbers the API shows', async () => {
    const file = join(dir, 'statement.ndjson');
    writeFileSync(file, [header, ...log.map(encodeEventLine)].join('\n') + '\n');
    const r = await cli({}, 'audit', 'statement', file, '--contributor', ben, '--format', 'json');
    expect(r.code).toBe(0);
    const statement = JSON.parse(r.stdout) as {
      adjustments: Array<{ amount: string }>;
      totals: { balance: Record<string, string>; recoverable: Record<string, string>; allocated: Record<string, string> };
    };
    expect(statement.adjustments).toHaveLength(2); // the restatement and the reversal both touched Ben's allocations
    expect(statement.adjustments.every((a) => a.amount.startsWith('-'))).toBe(true);
    expect(benMetrics.position).toBe(log[log.length - 1].position);
    expect(statement.totals.balance).toEqual(benMetrics.balance);
    expect(statement.totals.allocated).toEqual(benMetrics.currentRevenue);
    expect(statement.totals.recoverable).toEqual(benMetrics.recoverable);
    expect(Number(statement.totals.recoverable.USD)).toBeGreaterThan(8000);
    const text = await cli({}, 'audit', 'statement', file, '--contributor', ben);
    expect(text.stdout).toContain('Adjustments (revenue corrections):');
    expect(text.stdout).toContain(`Recoverable: ${statement.totals.recoverable.USD} USD`);
  });

  it('GET /v1/contributors/{id}/statements gives the numbers 1tt audit statement computes offline (json), a spreadsheet-ready CSV and a PDF with embedded fonts', async () => {
    const from = nth(log, 'RevenueCorrected').metadata.recordedAt;
    const file = join(dir, 'period.ndjson');
    writeFileSync(file, [header, ...log.map(encodeEventLine)].join('\n') + '\n');
    const api = (
      await t.http
        .get(`/v1/contributors/${ben}/statements?from=${encodeURIComponent(from)}`)
        .set(t.auth())
        .expect(200)
    ).body;
    const offline = await cli({}, 'audit', 'statement', file, '--contributor', ben, '--from', from, '--format', 'json');
    expect(offline.code).toBe(0);
    // The offline statement has no personal-data key: a contributor's sealed name is not in it (the API opens it).
    expect(JSON.parse(offline.stdout)).toEqual({ ...api, contributorDisplayName: null });
    const [usd] = api.currencies;
    expect(usd.currency).toBe('USD');
    // before the correction: allocated r1 share, settled 9000.00; in the period: two negative adjustments and the k3 allocation
    expect(api.lines.map((l: { kind: string }) => l.kind)).toEqual(['adjustment', 'allocation', 'adjustment', 'allocation']);
    expect(Number(usd.opening)).toBeGreaterThan(0);
    expect(usd.closing).toBe(benMetrics.balance.USD);
    expect(usd.recoverable).toBe(benMetrics.recoverable.USD);

    const csv = await t.http
      .get(`/v1/contributors/${ben}/statements?from=${encodeURIComponent(from)}&format=csv`)
      .set(t.auth())
      .expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const rows = csv.text
      .split('\r\n')
      .filter(Boolean)
      .map((r) => r.split(','));
    expect(rows[0].slice(0, 5)).toEqual(['kind', 'recordedAt', 'position', 'currency', 'amount']);
    expect(rows.map((r) => r[0])).toEqual([
      'kind',
      'opening',
      'adjustment',
      'allocation',
      'adjustment',
      'allocation',
      'closing',
      'recoverable',
    ]);
    const amount = rows[0].indexOf('amount');
    const cents = (v: string) => Math.round(Number(v) * 100);
    expect(rows.slice(1, -2).reduce((t, r) => t + cents(r[amount]), 0)).toBe(cents(rows[rows.length - 2][amount]));
    const offlineCsv = await cli({}, 'audit', 'statement', file, '--contributor', ben, '--from', from, '--format', 'csv');
    expect(offlineCsv.stdout).toBe(csv.text);

    const pdf = await t.http
      .get(`/v1/contributors/${ben}/statements?format=pdf`)
      .set(t.auth())
      .buffer(true)
      .parse((res, done) => {
        const parts: Buffer[] = [];
        res.on('data', (b: Buffer) => parts.push(b));
        res.on('end', () => done(null, Buffer.concat(parts)));
      })
      .expect(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const bytes = pdf.body as Buffer;
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(bytes.subarray(-6).toString()).toContain('%%EOF');
    const text = bytes.toString('latin1');
    expect(text).toContain('/FontFile2'); // TrueType font program embedded
    expect(text).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans/);

    const bad = await t.http.get(`/v1/contributors/${ben}/statements?format=xls`).set(t.auth()).expect(400);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);
    await t.http.get(`/v1/contributors/${ben}/statements?from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z`).set(t.auth()).expect(400);
    await t.http.get(`/v1/contributors/${ben}/statements?from=yesterday`).set(t.auth()).expect(400);
  });
});
