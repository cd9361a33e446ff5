import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeEventLine } from '@1tt/audit';
import { EventStore, type RecordedEvent } from '@1tt/event-store';
import { PayoutProcessor } from '../../src/ledger/payout/payout-processor';
import { cli } from '../support/cli';
import { rechain } from '../audit/support/ledger-log';
import { acceptDataset } from '../ledger/ledger-log.fixture';
import { startTestApp, type TestApp } from '../e2e/support/test-app';

const XSD = join(__dirname, '../../schemas/iso20022/pain.001.001.09.xsd');
const PROBLEM = /application\/problem\+json/;
/** Valid IBANs (check digits correct), one per payee; the holder names differ from the display names on purpose. */
const PAYEES = [
  { holderName: 'Annabel Quist', iban: 'DE89 3704 0044 0532 0130 00', country: 'DE' },
  { holderName: 'Bertrand Oyelaran', iban: 'GB82WEST12345698765432', country: 'GB' },
  { holderName: 'Cyrielle Zanetti', iban: 'NL91ABNA0417164300', country: 'NL' },
  { holderName: 'Dagny Ferreira-Lund', iban: 'BE68539007547034', country: 'BE' },
];

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/**
 * Payout details, payout batches, payment files and reconciliation on the
 * real app (embedded stores): encrypted details, reservation, pain.001
 * validated by xmllint against the committed ISO 20022 schema, a statement
 * with one matched, one mismatched, one failed and one missing line, and
 * `1tt audit verify` recomputing it all and naming forged batch events.
 */
describe('payout batches (real app, embedded stores)', () => {
  let t: TestApp;
  let dir: string;
  let events: EventStore;
  const contributors: Array<{ contributorId: string; apiKey: string }> = [];
  let batch: {
    batchId: string;
    total: string;
    lines: Array<{ lineId: string; endToEndId: string; contributorId: string; amount: string; status: string }>;
  };
  let log: RecordedEvent[];
  let header: string;

  const verify = async (evts: RecordedEvent[]) => {
    const file = join(dir, `v-${Math.random().toString(36).slice(2)}.ndjson`);
    const h = { ...JSON.parse(header), toPosition: evts[evts.length - 1].position };
    writeFileSync(file, [JSON.stringify(h), ...evts.map(encodeEventLine)].join('\n') + '\n');
    const r = await cli({}, 'audit', 'verify', file, '--json');
    return {
      code: r.code,
      report: JSON.parse(r.stdout) as { problems: Array<{ code: string; position: number }>; summary?: Record<string, number> },
    };
  };
  const payable = async (id: string) => {
    await t.get(PayoutProcessor).catchUp();
    return t.get(PayoutProcessor).pool.balances.balance(`contributor:${id}:payable`, 'EUR');
  };
  /** GET /v1/payables: [payable, reserved, balance] per contributor index (EUR). */
  const payables = async () => {
    const page = (await t.http.get('/v1/payables?currency=EUR&includeSettled=true').set(t.auth()).expect(200)).body as {
      items: Array<{ contributorId: string; currencies: Array<{ payable: string; reserved: string; balance: string }> }>;
    };
    return contributors.map((c) => {
      const row = page.items.find((r) => r.contributorId === c.contributorId)!.currencies[0];
      return [row.payable, row.reserved, row.balance];
    });
  };
  const lineOf = (i: number) => batch.lines.find((l) => l.contributorId === contributors[i].contributorId)!;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), '1tt-batches-'));
    t = await startTestApp({
      env: { PAYOUT_DEBTOR_NAME: '1TT Platform GmbH', PAYOUT_DEBTOR_IBAN: 'FR1420041010050500013M02606', PAYOUT_DEBTOR_BIC: 'BNPAFRPP' },
    });
    events = t.get(EventStore);
    for (const name of ['Ann', 'Ben', 'Cy', 'Dee', 'Eve'])
      contributors.push((await t.http.post('/v1/contributors').set(t.auth()).send({ displayName: name }).expect(201)).body);
    const c = await t.http.post('/v1/consumers').set(t.auth()).send({ displayName: 'LLM Co' }).expect(201);
    await t.http
      .put(`/v1/consumers/${c.body.consumerId}/agreement`)
      .set(t.auth())
      .send({ alpha: '0.5', currency: 'EUR', policy: 'snapshot' })
      .expect(200);
    for (const [i, tokens] of [100, 200, 300, 400, 500].entries())
      await acceptDataset(events, `ds-${i}`, contributors[i].contributorId, tokens);
    await t.http
      .post('/v1/revenue')
      .set(t.auth(c.body.apiKey))
      .set('Idempotency-Key', 'r1')
      .send({ amount: '3000.00', currency: 'EUR', periodStart: '2025-01-01T00:00:00Z', periodEnd: '2025-02-01T00:00:00Z' })
      .expect(201);
    await t.get(PayoutProcessor).catchUp();
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('payout details: IBAN checked, only the contributor sets them, answered masked, stored only encrypted', async () => {
    const [ann, ben] = contributors;
    const bad = await t.http
      .put(`/v1/contributors/${ann.contributorId}/payout-details`)
      .set(t.auth(ann.apiKey))
      .send({ ...PAYEES[0], iban: 'DE89 3704 0044 0532 0130 01' })
      .expect(400);
    expect(bad.headers['content-type']).toMatch(PROBLEM);
    expect(bad.body.code).toBe('iban-invalid');
    await t.http.put(`/v1/contributors/${ann.contributorId}/payout-details`).set(t.auth(ben.apiKey)).send(PAYEES[1]).expect(403);
    await t.http.put(`/v1/contributors/${ann.contributorId}/payout-details`).set(t.auth()).send(PAYEES[0]).expect(403);
    for (let i = 0; i < 4; i++) {
      const r = await t.http
        .put(`/v1/contributors/${contributors[i].contributorId}/payout-details`)
        .set(t.auth(contributors[i].apiKey))
        .send(PAYEES[i])
        .expect(200);
      expect(JSON.stringify(r.body)).not.toContain(PAYEES[i].iban.replace(/ /g, '').slice(4, 12));
    }
    const masked = (await t.http.get(`/v1/contributors/${ann.contributorId}/payout-details`).set(t.auth()).expect(200)).body;
    expect(masked).toEqual({
      contributorId: ann.contributorId,
      contributorDisplayName: 'Ann',
      method: 'iban',
      holderName: 'A. Q.',
      iban: 'DE** **** 3000',
      country: 'DE',
      setAt: expect.any(String),
    });
    // Eve gave no details
    expect((await t.http.get(`/v1/contributors/${contributors[4].contributorId}/payout-details`).set(t.auth()).expect(404)).body.code).toBe(
      'payout-details-not-set',
    );
    const recorded = (await events.readStream(`contributor-${ann.contributorId}`)).find((e) => e.type === 'PayoutDetailsSet')!;
    expect(JSON.stringify(recorded.data)).not.toMatch(/Quist|370400440532013000/);
    // No file under DATA_DIR (event log, read models, keys) holds a payee's name or account number in clear.
    for (const f of filesUnder(t.dataDir)) {
      const bytes = readFileSync(f).toString('latin1');
      for (const p of PAYEES) {
        expect({ f, hit: bytes.includes(p.holderName) }).toEqual({ f, hit: false });
        expect({ f, hit: bytes.includes(p.iban.replace(/ /g, '')) }).toEqual({ f, hit: false });
      }
    }
  });

  it('a batch reserves the payable balances of contributors with details; a second batch and a manual settlement cannot take them', async () => {
    const r = await t.http.post('/v1/payout-batches').set(t.auth()).send({ currency: 'EUR', minAmount: '1.00' }).expect(201);
    batch = r.body;
    // 1500.00 allocated 100:200:300:400:500 → 100, 200, 300, 400, 500; Eve (no details) is not batched.
    expect(batch.lines.map((l) => [l.contributorId, l.amount, l.status])).toEqual(
      [0, 1, 2, 3]
        .map((i) => [contributors[i].contributorId, ['100.00', '200.00', '300.00', '400.00'][i], 'reserved'])
        .sort((a, b) => (a[0] < b[0] ? -1 : 1)),
    );
    expect(batch.total).toBe('1000.00');
    // Names beside ids (PartyNamesInterceptor): the admin sees each payee's display name.
    const names = ['Ann', 'Ben', 'Cy', 'Dee'];
    expect(batch.lines.map((l) => [l.contributorId, (l as { contributorDisplayName?: string }).contributorDisplayName]).sort()).toEqual(
      [0, 1, 2, 3].map((i) => [contributors[i].contributorId, names[i]]).sort(),
    );
    // GET /v1/payables shows the batched money as reserved, not as payable a second time; Eve's stays payable.
    expect(await payables()).toEqual([
      ['0.00', '100.00', '100.00'],
      ['0.00', '200.00', '200.00'],
      ['0.00', '300.00', '300.00'],
      ['0.00', '400.00', '400.00'],
      ['500.00', '0.00', '500.00'],
    ]);
    const again = await t.http.post('/v1/payout-batches').set(t.auth()).send({ currency: 'EUR', minAmount: '1.00' }).expect(409);
    expect(again.body.code).toBe('payout-batch-empty');
    const manual = await t.http
      .post(`/v1/contributors/${contributors[0].contributorId}/settlements`)
      .set(t.auth())
      .send({ amount: '0.01', currency: 'EUR', reference: 'by-hand' })
      .expect(409);
    expect(manual.body.code).toBe('settlement-exceeds-payable');
    await t.http.post('/v1/payout-batches').set(t.auth(contributors[0].apiKey)).send({ currency: 'EUR', minAmount: '1.00' }).expect(403);
    expect((await t.http.get(`/v1/payout-batches/${batch.batchId}`).set(t.auth()).expect(200)).body).toEqual(batch);
  });

  it('exports a pain.001.001.09 file that xmllint validates against the committed ISO 20022 schema (and a broken one that it refuses)', async () => {
    const r = await t.http.get(`/v1/payout-batches/${batch.batchId}/export?format=pain.001`).set(t.auth()).expect(200);
    expect(r.headers['content-type']).toMatch(/application\/xml/);
    const xml = r.text;
    expect(xml).toContain('<NbOfTxs>4</NbOfTxs>');
    expect(xml).toContain('<CtrlSum>1000.00</CtrlSum>');
    expect(xml).toContain('<IBAN>DE89370400440532013000</IBAN>');
    const file = join(dir, 'batch.pain.001.xml');
    writeFileSync(file, xml);
    const ok = execFileSync('xmllint', ['--noout', '--schema', XSD, file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(ok).toBe('');
    // The same batch exports the same bytes.
    expect((await t.http.get(`/v1/payout-batches/${batch.batchId}/export?format=pain.001`).set(t.auth()).expect(200)).text).toBe(xml);
    // The check can fail: three decimals in an amount is not a valid document.
    const broken = join(dir, 'broken.xml');
    writeFileSync(broken, xml.replace('>100.00</InstdAmt>', '>100.001</InstdAmt>'));
    expect(() => execFileSync('xmllint', ['--noout', '--schema', XSD, broken], { stdio: ['ignore', 'pipe', 'pipe'] })).toThrow();

    const csv = await t.http.get(`/v1/payout-batches/${batch.batchId}/export?format=csv`).set(t.auth()).expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text.split('\r\n')[0]).toBe('endToEndId,contributorId,amount,currency,holderName,method,account,country,remittance');
    expect(csv.text).toContain('Annabel Quist');
    const bad = await t.http.get(`/v1/payout-batches/${batch.batchId}/export?format=mt940`).set(t.auth()).expect(400);
    expect(bad.body.code).toBe('payment-file-format-unknown');
    await t.http.get(`/v1/payout-batches/${batch.batchId}/export?format=csv`).set(t.auth()).set(t.auth(contributors[0].apiKey)).expect(403);
  });

  it('reconciles a statement with one matched, one mismatched, one failed and one missing line', async () => {
    const [matched, mismatched, failed, missing] = [0, 1, 2, 3].map(lineOf);
    const statement = [
      'endToEndId,amount,currency,status,reference',
      `${matched.endToEndId},${matched.amount},EUR,executed,BANKREF-001`,
      `${mismatched.endToEndId},199.99,EUR,executed,BANKREF-002`,
      `${failed.endToEndId},${failed.amount},EUR,rejected,BANKREF-003`,
      'SOMEONE-ELSES-PAYMENT,5.00,EUR,executed,BANKREF-999',
    ].join('\n');
    const before = await payable(contributors[0].contributorId);
    const r = await t.http
      .post(`/v1/payout-batches/${batch.batchId}/reconciliation`)
      .set(t.auth())
      .attach('statement', Buffer.from(statement), { filename: 'statement.csv', contentType: 'text/csv' })
      .expect(200);
    const byLine = Object.fromEntries(r.body.lines.map((l: { lineId: string }) => [l.lineId, l]));
    expect(byLine[matched.lineId]).toMatchObject({
      bankStatus: 'executed',
      outcome: 'settled',
      reason: 'matched',
      bankReference: 'BANKREF-001',
    });
    expect(byLine[mismatched.lineId]).toMatchObject({
      bankStatus: 'executed',
      bankAmount: '199.99',
      outcome: 'held',
      reason: 'amount-mismatch',
    });
    expect(byLine[failed.lineId]).toMatchObject({ bankStatus: 'failed', outcome: 'released', reason: 'failed' });
    expect(byLine[missing.lineId]).toMatchObject({ bankStatus: 'missing', outcome: 'released', reason: 'missing' });
    expect(r.body.unknownEntries).toEqual(['SOMEONE-ELSES-PAYMENT']);
    expect(r.body.batch.counts).toEqual({ reserved: 0, settled: 1, released: 2, held: 1 });
    // The matched line is settled with the bank reference; the payable balance drops by exactly its amount.
    const settled = (await events.readStream(`contributor-${contributors[0].contributorId}`)).filter((e) => e.type === 'PayoutSettled');
    expect(settled.map((e) => e.data)).toEqual([
      expect.objectContaining({
        amount: '100.00',
        currency: 'EUR',
        reference: 'BANKREF-001',
        batchId: batch.batchId,
        lineId: matched.lineId,
      }),
    ]);
    expect(before - (await payable(contributors[0].contributorId))).toBe(10000n);
    // Payables: the settled line is paid, the held one still reserved, the released ones payable again.
    expect(await payables()).toEqual([
      ['0.00', '0.00', '0.00'],
      ['0.00', '200.00', '200.00'],
      ['300.00', '0.00', '300.00'],
      ['400.00', '0.00', '400.00'],
      ['500.00', '0.00', '500.00'],
    ]);
    // A retry settles nothing twice: only the held line is still open and the statement still holds it mismatched.
    const retry = await t.http
      .post(`/v1/payout-batches/${batch.batchId}/reconciliation`)
      .set(t.auth())
      .set('Content-Type', 'text/csv')
      .send(statement)
      .expect(200);
    expect(retry.body.lines.map((l: { lineId: string; outcome: string }) => [l.lineId, l.outcome])).toEqual([[mismatched.lineId, 'held']]);
    expect(
      (await events.readStream(`contributor-${contributors[0].contributorId}`)).filter((e) => e.type === 'PayoutSettled'),
    ).toHaveLength(1);
    // Released lines are payable again and go into the next batch; the held one stays reserved.
    const next = (await t.http.post('/v1/payout-batches').set(t.auth()).send({ currency: 'EUR', minAmount: '1.00' }).expect(201)).body;
    expect(next.lines.map((l: { contributorId: string; amount: string }) => [l.contributorId, l.amount]).sort()).toEqual(
      [
        [failed.contributorId, failed.amount],
        [missing.contributorId, missing.amount],
      ].sort(),
    );
    const malformed = await t.http
      .post(`/v1/payout-batches/${next.batchId}/reconciliation`)
      .set(t.auth())
      .set('Content-Type', 'text/csv')
      .send('id,amount\nx,1')
      .expect(400);
    expect(malformed.body.code).toBe('statement-malformed');
    // All or nothing: a statement whose first entry would settle but whose second cannot be recorded changes nothing.
    const head = await events.headPosition();
    const halfBad = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><Stmt>
<Ntry><Amt Ccy="EUR">${next.lines[0].amount}</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><AcctSvcrRef>CAMT-OK</AcctSvcrRef>
<NtryDtls><TxDtls><Refs><EndToEndId>${next.lines[0].endToEndId}</EndToEndId></Refs></TxDtls></NtryDtls></Ntry>
<Ntry><Amt Ccy="EUR">${next.lines[1].amount}</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><AcctSvcrRef>${'R'.repeat(250)}</AcctSvcrRef>
<NtryDtls><TxDtls><Refs><EndToEndId>${next.lines[1].endToEndId}</EndToEndId></Refs></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>`;
    const refused = await t.http
      .post(`/v1/payout-batches/${next.batchId}/reconciliation`)
      .set(t.auth())
      .set('Content-Type', 'application/xml')
      .send(halfBad)
      .expect(400);
    expect(refused.headers['content-type']).toMatch(PROBLEM);
    expect(refused.body).toMatchObject({ code: 'statement-malformed', errors: [expect.objectContaining({ field: 'statement.line.2' })] });
    expect(await events.headPosition()).toBe(head);
    expect(
      (await events.readStream(`contributor-${next.lines[0].contributorId}`)).filter(
        (e) => e.type === 'PayoutSettled' && (e.data as { batchId?: string }).batchId === next.batchId,
      ),
    ).toEqual([]);
    expect((await t.http.get(`/v1/payout-batches/${next.batchId}`).set(t.auth()).expect(200)).body.counts).toEqual({
      reserved: 2,
      settled: 0,
      released: 0,
      held: 0,
    });
    // camt.053: the bank's booked debit for one line, a return for the other.
    const camt = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><Stmt>
<Ntry><Amt Ccy="EUR">${next.lines[0].amount}</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><AcctSvcrRef>CAMT-1</AcctSvcrRef>
<NtryDtls><TxDtls><Refs><EndToEndId>${next.lines[0].endToEndId}</EndToEndId></Refs></TxDtls></NtryDtls></Ntry>
<Ntry><Amt Ccy="EUR">${next.lines[1].amount}</Amt><CdtDbtInd>DBIT</CdtDbtInd><RvslInd>true</RvslInd><Sts><Cd>BOOK</Cd></Sts>
<NtryDtls><TxDtls><Refs><EndToEndId>${next.lines[1].endToEndId}</EndToEndId></Refs></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>`;
    const c = await t.http
      .post(`/v1/payout-batches/${next.batchId}/reconciliation`)
      .set(t.auth())
      .set('Content-Type', 'application/xml')
      .send(camt)
      .expect(200);
    expect(c.body.statementFormat).toBe('camt.053');
    expect(c.body.lines.map((l: { outcome: string; bankReference?: string }) => [l.outcome, l.bankReference])).toEqual([
      ['settled', 'CAMT-1'],
      ['released', undefined],
    ]);
    const listed = (await t.http.get('/v1/payout-batches').set(t.auth()).expect(200)).body;
    expect(listed.map((b: { batchId: string }) => b.batchId).sort()).toEqual([batch.batchId, next.batchId].sort());
  });

  it('export → `1tt audit verify` recomputes batches and reconciliations; forged batch events are named', async () => {
    const file = join(dir, 'export.ndjson');
    expect((await cli({ DATA_DIR: t.dataDir }, 'audit', 'export', '--out', file)).code).toBe(0);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    header = lines[0];
    log = lines.slice(1).map((l) => JSON.parse(l) as RecordedEvent);
    const clean = await verify(log);
    expect(clean.report.problems).toEqual([]);
    expect(clean.code).toBe(0);
    expect((clean.report as unknown as { domain: Record<string, number> }).domain).toMatchObject({
      batchesChecked: 2,
      reconciliationsChecked: 3,
    });
    expect((await verify(rechain(log))).report.problems).toEqual([]);

    // The statement endpoint reads the contributor's index, never the whole log, and gives the numbers the offline replay gives.
    const ann = contributors[0].contributorId;
    const readAll = jest.spyOn(events, 'readAll');
    const api = (await t.http.get(`/v1/contributors/${ann}/statements`).set(t.auth()).expect(200)).body;
    expect(readAll).not.toHaveBeenCalled();
    readAll.mockRestore();
    expect(api.lines.map((l: { kind: string; amount: string }) => [l.kind, l.amount])).toEqual([
      ['allocation', '100.00'],
      ['settlement', '100.00'],
    ]);
    const from = api.lines[1].recordedAt;
    const period = (
      await t.http
        .get(`/v1/contributors/${ann}/statements?from=${encodeURIComponent(from)}`)
        .set(t.auth())
        .expect(200)
    ).body;
    const offlinePeriod = await cli({}, 'audit', 'statement', file, '--contributor', ann, '--from', from, '--format', 'json');
    // The offline statement has no personal-data key: a contributor's sealed name is not in it (the API opens it).
    expect(JSON.parse(offlinePeriod.stdout)).toEqual({ ...period, contributorDisplayName: null });
    expect(period.currencies[0]).toMatchObject({ opening: '100.00', settled: '100.00', closing: '0.00' });

    const nth = (evts: RecordedEvent[], type: string, n = 0) => evts.filter((e) => e.type === type)[n];
    // 1. A batch line raised (total raised too, every hash recomputed): more than was payable.
    {
      const edited = structuredClone(log);
      const created = nth(edited, 'PayoutBatchCreated');
      const d = created.data as { lines: Array<{ amount: string }>; total: string };
      d.lines[0].amount = (Number(d.lines[0].amount) + 50).toFixed(2);
      d.total = (Number(d.total) + 50).toFixed(2);
      const plain = await verify(edited);
      expect(plain.report.problems[0]).toMatchObject({ code: 'hash-mismatch', position: created.position });
      const { code, report } = await verify(rechain(edited));
      expect(code).not.toBe(0);
      expect(report.problems[0]).toMatchObject({ code: 'batch-line-exceeds-payable', position: created.position });
    }
    // 2. The total alone edited.
    {
      const edited = structuredClone(log);
      const created = nth(edited, 'PayoutBatchCreated');
      (created.data as { total: string }).total = '1000.01';
      expect((await verify(rechain(edited))).report.problems[0]).toMatchObject({ code: 'batch-total-differs', position: created.position });
    }
    // 3. The mismatched line recorded as settled.
    {
      const edited = structuredClone(log);
      const rec = nth(edited, 'PayoutBatchReconciled');
      const l = (rec.data as { lines: Array<{ reason: string; outcome: string }> }).lines.find((x) => x.reason === 'amount-mismatch')!;
      Object.assign(l, { outcome: 'settled', reason: 'matched' });
      expect((await verify(rechain(edited))).report.problems[0]).toMatchObject({
        code: 'batch-reconciliation-differs',
        position: rec.position,
      });
    }
    // 4. A batch settlement paying more than its line.
    {
      const edited = structuredClone(log);
      const s = edited.find((e) => e.type === 'PayoutSettled' && (e.data as { batchId?: string }).batchId)!;
      (s.data as { amount: string }).amount = '100.50';
      expect((await verify(rechain(edited))).report.problems[0]).toMatchObject({ code: 'batch-settlement-differs', position: s.position });
    }
  });
});
