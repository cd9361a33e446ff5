/**
 * Issue 19 in real Chromium on the real API: names instead of ids (the
 * header, the contributor's heading, pool rows, the consumer's allocations),
 * the admin's directory and "who is owed what" payables with a CSV export at
 * 1280 px, and the same pages at 390 px with nothing wider than the phone.
 * Builds the dashboard first when its bundle is older than its sources.
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

/** The widest element's right edge (px): 390 or less means nothing sticks out of a 390 px phone. */
function pageWidth(page: Page): Promise<number> {
  return page.evaluate('document.documentElement.scrollWidth') as Promise<number>;
}

describeInChromium('dashboard: names, the admin directory and payables (1280 and 390 px)', () => {
  let t: TestApp;
  let server: DashboardServer;
  let browser: Browser;
  const party: Record<string, { id: string; key: string }> = {};

  beforeAll(async () => {
    t = await startTestApp();
    const reg = async (route: string, name: string) => {
      const r = await t.http.post(`/v1/${route}`).set(t.auth()).send({ displayName: name }).expect(201);
      party[name] = { id: r.body.contributorId ?? r.body.consumerId, key: r.body.apiKey };
    };
    await reg('contributors', 'Ann Example');
    await reg('contributors', 'Ben Beispiel');
    await reg('consumers', 'Dollar Co');
    await t.http
      .put(`/v1/consumers/${party['Dollar Co'].id}/agreement`)
      .set(t.auth())
      .send({ alpha: '0.5', currency: 'USD', policy: 'snapshot' })
      .expect(200);
    const events = t.get(EventStore);
    await acceptDataset(events, 'ds-ann', party['Ann Example'].id, 300);
    await acceptDataset(events, 'ds-ben', party['Ben Beispiel'].id, 100);
    await t.http
      .post('/v1/revenue')
      .set(t.auth(party['Dollar Co'].key))
      .set('Idempotency-Key', 'browser-names')
      .send({ amount: '2000.00', currency: 'USD', periodStart: '2025-01-01T00:00:00Z', periodEnd: '2025-02-01T00:00:00Z' })
      .expect(201);
    await t.get(PayoutProcessor).catchUp();
    await t.http
      .post(`/v1/contributors/${party['Ben Beispiel'].id}/settlements`)
      .set(t.auth())
      .send({ amount: '250.00', currency: 'USD', reference: 'wire-ben' })
      .expect(201);
    ensureDashboardBuilt();
    server = await startDashboardServer({ upstream: t.baseUrl });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await t?.close();
  });

  it('admin at 1280 px: the directory lists names, payables show who is owed what and export as CSV', async () => {
    const page = await browser.newPage(DESKTOP);
    await signIn(page, server.url, t.adminKey);
    const rows = page.getByTestId('directory-row');
    await rows.first().waitFor();
    expect(await page.getByTestId('directory-table').locator('td[data-label=Name] a').allTextContents()).toEqual([
      'Ann Example',
      'Ben Beispiel',
    ]);
    await page.getByTestId('directory-consumers').click();
    await page.getByTestId('directory-table').getByText('Dollar Co').waitFor();

    const ann = page.locator(`[data-testid=payables-row][data-id="${party['Ann Example'].id}"]`);
    await ann.waitFor();
    expect(await ann.getByTestId('payables-payable').getAttribute('data-value')).toBe('750.00');
    expect(await ann.locator('td[data-label=Contributor]').textContent()).toBe('Ann Example');
    // Ben was paid in full: he is owed nothing, so he is not listed until settled balances are asked for.
    expect(await page.locator(`[data-testid=payables-row][data-id="${party['Ben Beispiel'].id}"]`).count()).toBe(0);
    await page.getByLabel('include settled (balance 0)').check();
    await page.locator(`[data-testid=payables-row][data-id="${party['Ben Beispiel'].id}"]`).waitFor();
    await screenshot(page, 'admin-directory-payables-1280');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('payables-csv').click()]);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('contributorId,displayName,currency,allocated,paidOut,balance,payable,recoverable,reserved');
    expect(csv).toContain(`${party['Ann Example'].id},Ann Example,USD,750.00,0.00,750.00,750.00,0.00`);
    expect(csv).toContain(`${party['Ben Beispiel'].id},Ben Beispiel,USD,250.00,250.00,0.00,0.00,0.00`);
    await page.close();
  });

  it('contributor at 390 px: own name in the header and heading, the pool stacks, nothing wider than the phone', async () => {
    const page = await browser.newPage(PHONE);
    await signIn(page, server.url, party['Ann Example'].key);
    await page.getByTestId('contributor-name').waitFor();
    expect(await page.getByTestId('whoami-name').getAttribute('data-name')).toBe('Ann Example');
    expect(await page.getByTestId('contributor-name').getAttribute('data-id')).toBe(party['Ann Example'].id);
    await page.getByRole('link', { name: 'Pool' }).click();
    const row = page.getByTestId('pool-row').first();
    await row.waitFor();
    // Stacked: the row is one block as wide as the table, each cell labelled.
    expect(await row.locator('td[data-label=Tokens]').isVisible()).toBe(true);
    expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'contributor-pool-390');
    await page.close();
  });

  it("consumer at 390 px: its own name, allocations without other people's names, nothing wider than the phone", async () => {
    const page = await browser.newPage(PHONE);
    await signIn(page, server.url, party['Dollar Co'].key);
    await page.getByTestId('consumer-name').waitFor();
    expect(await page.getByTestId('consumer-name').getAttribute('data-name')).toBe('Dollar Co');
    await page.getByTestId('payout-run').first().waitFor();
    // Where the money went, in words.
    expect(await page.getByTestId('payout-run-explanation').first().textContent()).toBe(
      'The whole pool amount (1,000.00 USD) was allocated to 2 contributor(s).',
    );
    expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
    await page.close();
  });

  it("consumer form at 1280 px: the currency is the agreement's (USD), a grouped amount is explained, an overlapping period needs a confirmation", async () => {
    const page = await browser.newPage(DESKTOP);
    await signIn(page, server.url, party['Dollar Co'].key);
    await page.getByTestId('revenue-currency').waitFor();
    expect(await page.getByTestId('revenue-currency').getAttribute('data-value')).toBe('USD');
    await page.getByTestId('revenue-amount-input').fill('9,999.00');
    await page.getByTestId('revenue-start-input').fill('2025-01-10');
    await page.getByTestId('revenue-end-input').fill('2025-01-20');
    await page.getByTestId('revenue-review').click();
    expect(await page.getByRole('alert').first().textContent()).toContain('9999.00 instead of 9,999.00');
    await page.getByTestId('revenue-amount-input').fill('9999.00');
    await page.getByTestId('revenue-review').click();
    await page.getByTestId('revenue-overlap').waitFor();
    expect(await page.getByTestId('revenue-overlap').textContent()).toContain('2,000.00 USD, 2025-01-01');
    expect(await page.getByTestId('revenue-confirm-submit').isDisabled()).toBe(true);
    await screenshot(page, 'consumer-revenue-overlap-1280');
    await page.getByTestId('revenue-overlap-accept').check();
    await page.getByTestId('revenue-confirm-submit').click();
    await page.getByTestId('revenue-result').waitFor();
    expect(await page.getByTestId('revenue-result').textContent()).toMatch(/^Recorded: report /);
    const list = await t.http.get('/v1/revenue').set(t.auth(party['Dollar Co'].key)).expect(200);
    expect(list.body.items.map((r: { amount: string; currency: string }) => `${r.amount} ${r.currency}`)).toEqual([
      '2000.00 USD',
      '9999.00 USD',
    ]);
    await page.close();
  });

  it('admin at 390 px: directory and payables fit the phone', async () => {
    const page = await browser.newPage(PHONE);
    await signIn(page, server.url, t.adminKey);
    await page.getByTestId('payables-row').first().waitFor();
    expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'admin-payables-390');
    await page.close();
  });
});
