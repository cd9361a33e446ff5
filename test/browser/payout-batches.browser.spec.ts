/**
 * Issue 16's payout batches on the admin's dashboard, in real Chromium on
 * the real API: make a batch from the form, see it reserved under "who is
 * owed what", download its CSV and pain.001 files, upload the bank's
 * statement and see each line's outcome; then the same page at 390 px with
 * nothing wider than the phone.
 */
import * as fs from 'node:fs';
import { EventStore } from '@1tt/event-store';
import type { Page } from 'playwright-core';
import { PayoutProcessor } from '../../src/ledger/payout/payout-processor';
import { startTestApp, type TestApp } from '../e2e/support/test-app';
import { acceptDataset } from '../ledger/ledger-log.fixture';
import { describeInChromium, launchChromium, screenshot, signIn, type Browser } from './support/chromium';
import { ensureDashboardBuilt } from './support/dashboard-build';
import { startDashboardServer, type DashboardServer } from './support/dashboard-server';

jest.setTimeout(180_000);

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

describeInChromium('dashboard: payout batches for the admin (1280 and 390 px)', () => {
  let t: TestApp;
  let server: DashboardServer;
  let browser: Browser;
  const party: Record<string, { id: string; key: string }> = {};

  /** A JS expression: the data-value of a payables cell of that contributor (undefined without a row). */
  const cell = (name: string, testId: string) =>
    `document.querySelector('[data-testid=payables-row][data-id="${party[name].id}"] [data-testid=${testId}]')?.getAttribute('data-value')`;

  const downloadText = async (page: Page, testId: string, batch: ReturnType<Page['locator']>): Promise<string> => {
    const [download] = await Promise.all([page.waitForEvent('download'), batch.getByTestId(testId).click()]);
    return fs.readFileSync((await download.path())!, 'utf8');
  };

  beforeAll(async () => {
    t = await startTestApp({
      env: { PAYOUT_DEBTOR_NAME: '1TT Platform GmbH', PAYOUT_DEBTOR_IBAN: 'FR1420041010050500013M02606', PAYOUT_DEBTOR_BIC: 'BNPAFRPP' },
    });
    for (const name of ['Ann Example', 'Ben Beispiel']) {
      const r = await t.http.post('/v1/contributors').set(t.auth()).send({ displayName: name }).expect(201);
      party[name] = { id: r.body.contributorId, key: r.body.apiKey };
    }
    const c = await t.http.post('/v1/consumers').set(t.auth()).send({ displayName: 'Euro Co' }).expect(201);
    await t.http
      .put(`/v1/consumers/${c.body.consumerId}/agreement`)
      .set(t.auth())
      .send({ alpha: '0.5', currency: 'EUR', policy: 'snapshot' })
      .expect(200);
    const events = t.get(EventStore);
    await acceptDataset(events, 'ds-ann', party['Ann Example'].id, 300);
    await acceptDataset(events, 'ds-ben', party['Ben Beispiel'].id, 100);
    await t.http
      .post('/v1/revenue')
      .set(t.auth(c.body.apiKey))
      .set('Idempotency-Key', 'browser-batches')
      .send({ amount: '2000.00', currency: 'EUR', periodStart: '2025-01-01T00:00:00Z', periodEnd: '2025-02-01T00:00:00Z' })
      .expect(201);
    await t.get(PayoutProcessor).catchUp();
    const details = { 'Ann Example': 'DE89370400440532013000', 'Ben Beispiel': 'NL91ABNA0417164300' } as const;
    for (const [name, iban] of Object.entries(details))
      await t.http
        .put(`/v1/contributors/${party[name].id}/payout-details`)
        .set(t.auth(party[name].key))
        .send({ holderName: name, iban, country: iban.slice(0, 2) })
        .expect(200);
    ensureDashboardBuilt();
    server = await startDashboardServer({ upstream: t.baseUrl });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await t?.close();
  });

  it('admin at 1280 px: creates a batch, sees it reserved, downloads CSV and pain.001, reconciles a statement', async () => {
    const page = await browser.newPage(DESKTOP);
    await signIn(page, server.url, t.adminKey);
    const section = page.getByTestId('payout-batches');
    await section.getByText('No payout batch yet.').waitFor();
    await section.getByLabel('Minimum per line').fill('1.00');
    await section.getByRole('button', { name: 'Create batch' }).click();
    // 1000.00 pool: Ann 750.00, Ben 250.00.
    await section.getByTestId('batch-note').getByText('Batch of 2 line(s), 1,000.00 EUR, reserved.').waitFor();
    const batch = section.getByTestId('batch').first();
    expect(await batch.getByTestId('batch-state').textContent()).toBe('awaiting statement');
    const lines = batch.getByTestId('batch-line');
    expect(await lines.count()).toBe(2);
    const annLine = batch.locator(`[data-testid=batch-line][data-contributor="${party['Ann Example'].id}"]`);
    expect(await annLine.getByTestId('party').getAttribute('data-name')).toBe('Ann Example');
    expect(await annLine.getAttribute('data-status')).toBe('reserved');
    // Who is owed what: Ann's money is in the batch, not payable a second time.
    const annPayable = page.locator(`[data-testid=payables-row][data-id="${party['Ann Example'].id}"]`);
    await page.getByTestId('payables').getByRole('button', { name: 'Export CSV' }).waitFor();
    await annPayable.waitFor();
    await page.waitForFunction(`${cell('Ann Example', 'payables-reserved')} === '750.00'`);
    expect(await annPayable.getByTestId('payables-payable').getAttribute('data-value')).toBe('0.00');

    const csv = await downloadText(page, 'batch-csv', batch);
    expect(csv.split('\r\n')[0]).toBe('endToEndId,contributorId,amount,currency,holderName,method,account,country,remittance');
    expect(csv).toContain('DE89370400440532013000');
    const xml = await downloadText(page, 'batch-pain001', batch);
    expect(xml).toContain('<NbOfTxs>2</NbOfTxs>');
    expect(xml).toContain('<CtrlSum>1000.00</CtrlSum>');
    await screenshot(page, 'admin-payout-batch-1280');

    // The bank paid Ann and returned Ben's transfer.
    const api = (await t.http.get('/v1/payout-batches').set(t.auth()).expect(200)).body[0] as {
      lines: Array<{ contributorId: string; endToEndId: string; amount: string }>;
    };
    const ann = api.lines.find((l) => l.contributorId === party['Ann Example'].id)!;
    const ben = api.lines.find((l) => l.contributorId === party['Ben Beispiel'].id)!;
    const statement = [
      'endToEndId,amount,currency,status,reference',
      `${ann.endToEndId},${ann.amount},EUR,executed,BANK-ANN`,
      `${ben.endToEndId},${ben.amount},EUR,returned,BANK-BEN`,
    ].join('\n');
    await batch
      .getByTestId('batch-statement')
      .setInputFiles({ name: 'statement.csv', mimeType: 'text/csv', buffer: Buffer.from(statement) });
    await section.getByTestId('batch-note').getByText('Statement applied: 1 settled, 1 released, 0 held.').waitFor();
    await page.waitForFunction(`document.querySelector('[data-testid=batch] [data-testid=batch-state]')?.textContent === 'reconciled'`);
    expect(await annLine.getAttribute('data-status')).toBe('settled');
    expect(await annLine.textContent()).toContain('BANK-ANN');
    const benLine = batch.locator(`[data-testid=batch-line][data-contributor="${party['Ben Beispiel'].id}"]`);
    expect(await benLine.getAttribute('data-status')).toBe('released');
    expect(await benLine.textContent()).toContain('returned to payable (failed)');
    // Who is owed what follows (live): Ann is paid (balance 0: no row), Ben's returned money is payable again, nothing in batches.
    await page.waitForFunction(
      `${cell('Ben Beispiel', 'payables-payable')} === '250.00' && ${cell('Ann Example', 'payables-payable')} === undefined`,
    );
    expect(await page.evaluate(cell('Ben Beispiel', 'payables-reserved'))).toBe('0.00');
    // Nothing is left open: no statement upload offered.
    expect(await batch.getByTestId('batch-statement').count()).toBe(0);
    await screenshot(page, 'admin-payout-batch-reconciled-1280');
    await page.close();
  });

  it('admin at 390 px: the batch and its lines fit the phone', async () => {
    const page = await browser.newPage(PHONE);
    await signIn(page, server.url, t.adminKey);
    const batch = page.getByTestId('payout-batches').getByTestId('batch').first();
    await batch.waitFor();
    await batch.getByTestId('batch-line').first().scrollIntoViewIfNeeded();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await screenshot(page, 'admin-payout-batch-390');
    await page.close();
  });
});
