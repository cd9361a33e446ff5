import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decideOnStream } from '@1tt/command-path';
import { EventStore } from '@1tt/event-store';
import { contributorDecider, streamNames } from '@1tt/ledger';
import { PayoutProcessor } from '../../src/ledger/payout/payout-processor';
import { acceptDataset } from '../ledger/ledger-log.fixture';
import { cli } from '../support/cli';
import { startTestApp, type TestApp } from '../e2e/support/test-app';

const NAME = 'Annabel Quist-Erasable';
const IBAN = 'DE89370400440532013000';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** Files under DATA_DIR (event log, read models, blobs, keys) that hold `text` in clear (UTF-8 or UTF-16LE). */
function filesHolding(dir: string, text: string): string[] {
  const utf16 = Buffer.from(text, 'utf16le');
  return filesUnder(dir).filter((f) => {
    const bytes = readFileSync(f);
    return bytes.includes(Buffer.from(text, 'utf8')) || bytes.includes(utf16);
  });
}

/**
 * Erasure on an immutable log (issue #16, item 6): a contributor's display
 * name is recorded sealed under their own key from registration on, as
 * payout details are; erasure destroys the key. Events and hashes stay,
 * `1tt audit verify` passes, money is unchanged, reads show "erased", and
 * no file under DATA_DIR holds the name or the IBAN.
 */
describe('contributor erasure (real app, embedded stores)', () => {
  let t: TestApp;
  let ann: { contributorId: string; apiKey: string };
  let ben: { contributorId: string; apiKey: string };

  const payables = async () => (await t.http.get('/v1/payables?currency=EUR&includeSettled=true').set(t.auth()).expect(200)).body.items;

  beforeAll(async () => {
    t = await startTestApp();
    ann = (await t.http.post('/v1/contributors').set(t.auth()).send({ displayName: NAME }).expect(201)).body;
    ben = (await t.http.post('/v1/contributors').set(t.auth()).send({ displayName: 'Ben Beispiel' }).expect(201)).body;
    const c = await t.http.post('/v1/consumers').set(t.auth()).send({ displayName: 'Euro Co' }).expect(201);
    await t.http
      .put(`/v1/consumers/${c.body.consumerId}/agreement`)
      .set(t.auth())
      .send({ alpha: '0.5', currency: 'EUR', policy: 'snapshot' })
      .expect(200);
    await acceptDataset(t.get(EventStore), 'ds-ann', ann.contributorId, 300);
    await acceptDataset(t.get(EventStore), 'ds-ben', ben.contributorId, 100);
    await t.http
      .put(`/v1/contributors/${ann.contributorId}/payout-details`)
      .set(t.auth(ann.apiKey))
      .send({ holderName: NAME, iban: IBAN, country: 'DE' })
      .expect(200);
    await t.http
      .post('/v1/revenue')
      .set(t.auth(c.body.apiKey))
      .set('Idempotency-Key', 'erasure-1')
      .send({ amount: '2000.00', currency: 'EUR', periodStart: '2025-01-01T00:00:00Z', periodEnd: '2025-02-01T00:00:00Z' })
      .expect(201);
    await t.get(PayoutProcessor).catchUp();
  }, 120_000);
  afterAll(() => t?.close());

  it('the name is recorded sealed: shown by the API, in clear in no file', async () => {
    const registered = (await t.get(EventStore).readStream(streamNames.contributor(ann.contributorId)))[0];
    expect(registered.type).toBe('ContributorRegistered');
    expect(registered.data).not.toHaveProperty('displayName');
    expect(registered.data).toMatchObject({ sealedDisplayName: { keyId: expect.any(String), ciphertext: expect.any(String) } });
    expect((await t.http.get(`/v1/contributors/${ann.contributorId}`).set(t.auth()).expect(200)).body.displayName).toBe(NAME);
    const found = await t.http.get('/v1/contributors?q=quist').set(t.auth()).expect(200);
    expect(found.body.items.map((i: { id: string }) => i.id)).toEqual([ann.contributorId]);
    expect(filesHolding(t.dataDir, NAME)).toEqual([]);
  });

  it('erasure destroys the key: reads show "erased", money and the audit are unchanged, nothing personal is left in DATA_DIR', async () => {
    const moneyBefore = await payables();
    await t.http.post(`/v1/contributors/${ann.contributorId}/erasure`).set(t.auth(ann.apiKey)).expect(403);
    expect((await t.http.post('/v1/contributors/nobody/erasure').set(t.auth()).expect(404)).body.code).toBe('contributor-not-found');

    const r = await t.http.post(`/v1/contributors/${ann.contributorId}/erasure`).set(t.auth()).expect(200);
    expect(r.body).toEqual({
      contributorId: ann.contributorId,
      erasedAt: expect.any(String),
      displayName: 'erased',
      payoutDetails: 'erased',
    });
    // Idempotent.
    expect((await t.http.post(`/v1/contributors/${ann.contributorId}/erasure`).set(t.auth()).expect(200)).body).toEqual(r.body);
    expect(
      (await t.get(EventStore).readStream(streamNames.contributor(ann.contributorId))).filter((e) => e.type === 'ContributorErased'),
    ).toHaveLength(1);

    const entry = (await t.http.get(`/v1/contributors/${ann.contributorId}`).set(t.auth()).expect(200)).body;
    expect(entry).toMatchObject({ displayName: 'erased', erased: true });
    expect((await t.http.get('/v1/contributors?q=quist').set(t.auth()).expect(200)).body.items).toEqual([]);
    const rows = await payables();
    expect(rows.find((x: { contributorId: string }) => x.contributorId === ann.contributorId).contributorDisplayName).toBe('erased');
    expect(rows.find((x: { contributorId: string }) => x.contributorId === ben.contributorId).contributorDisplayName).toBe('Ben Beispiel');
    // Money unchanged (names aside).
    const strip = (items: Array<Record<string, unknown>>) => items.map(({ contributorDisplayName: _n, ...rest }) => rest);
    expect(strip(rows)).toEqual(strip(moneyBefore));
    expect((await t.http.get(`/v1/contributors/${ann.contributorId}/payout-details`).set(t.auth()).expect(404)).body.code).toBe(
      'payout-details-erased',
    );
    await t.http
      .put(`/v1/contributors/${ann.contributorId}/payout-details`)
      .set(t.auth(ann.apiKey))
      .send({ holderName: NAME, iban: IBAN, country: 'DE' })
      .expect(404);

    // The log as an auditor downloads it still verifies: events and hashes are as they were.
    const exported = await t.http
      .get('/v1/audit/export')
      .set(t.auth())
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(exported.status).toBe(200);
    const file = join(t.dataDir, '..', `erasure-export-${process.pid}.ndjson`);
    writeFileSync(file, exported.body as Buffer);
    const verified = await cli({}, 'audit', 'verify', file, '--json');
    expect(JSON.parse(verified.stdout).problems).toEqual([]);
    expect(verified.code).toBe(0);

    // No file under DATA_DIR holds the name or the IBAN in clear; the key file is gone.
    expect(filesHolding(t.dataDir, NAME)).toEqual([]);
    expect(filesHolding(t.dataDir, IBAN)).toEqual([]);
    expect(filesHolding(t.dataDir, 'Quist')).toEqual([]);
  });

  it('a contributor registered before names were sealed: reads show "erased", the answer says the name stays in the log', async () => {
    const events = t.get(EventStore);
    await decideOnStream(
      events,
      streamNames.contributor('legacy-1'),
      contributorDecider,
      { type: 'RegisterContributor', data: { contributorId: 'legacy-1', displayName: 'Old Timer' } },
      { context: () => ({ now: new Date() }), actor: 'test', correlationId: 'legacy-1' },
    );
    expect((await t.http.get('/v1/contributors/legacy-1').set(t.auth()).expect(200)).body.displayName).toBe('Old Timer');
    const r = await t.http.post('/v1/contributors/legacy-1/erasure').set(t.auth()).expect(200);
    expect(r.body).toMatchObject({ displayName: 'recorded-in-clear', payoutDetails: 'none' });
    expect((await t.http.get('/v1/contributors/legacy-1').set(t.auth()).expect(200)).body).toMatchObject({
      displayName: 'erased',
      erased: true,
    });
  });
});
