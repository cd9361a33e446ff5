/**
 * Issue #14 in the dashboard, real Chromium on the real API: a contributor
 * sees the licence and uses of their dataset and changes its uses (the owner
 * only), sees their ratio per consumer; a consumer sees what its scope pays for.
 */
import { EventStore } from '@1tt/event-store';
import { PayoutProcessor } from '../../src/ledger/payout/payout-processor';
import { startTestApp, type TestApp } from '../e2e/support/test-app';
import { acceptDataset } from '../ledger/ledger-log.fixture';
import { describeInChromium, launchChromium, screenshot, signIn, type Browser } from './support/chromium';
import { ensureDashboardBuilt } from './support/dashboard-build';
import { startDashboardServer, type DashboardServer } from './support/dashboard-server';

jest.setTimeout(180_000);

const DESKTOP = { width: 1280, height: 900 };

describeInChromium('dashboard: licence, uses and consumer scopes (1280 px)', () => {
  let t: TestApp;
  let server: DashboardServer;
  let browser: Browser;
  let ann: { contributorId: string; apiKey: string };
  let searcher: { consumerId: string; apiKey: string };

  beforeAll(async () => {
    t = await startTestApp();
    const events = t.get(EventStore);
    ann = (await t.http.post('/v1/contributors').set(t.auth()).send({ displayName: 'Ann Example' }).expect(201)).body;
    const ben = (await t.http.post('/v1/contributors').set(t.auth()).send({ displayName: 'Ben Beispiel' }).expect(201)).body;
    await acceptDataset(events, 'ds-ann', ann.contributorId, 300);
    await acceptDataset(events, 'ds-ben', ben.contributorId, 100);
    searcher = (await t.http.post('/v1/consumers').set(t.auth()).send({ displayName: 'Search Co' }).expect(201)).body;
    await t.http
      .put(`/v1/consumers/${searcher.consumerId}/agreement`)
      .set(t.auth())
      .send({
        alpha: '0.5',
        currency: 'USD',
        policy: 'snapshot',
        scope: { uses: ['retrieval'], languages: null, contentClasses: null, licences: null },
      })
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

  it('the owner changes the uses of a dataset; the retrieval consumer then pays for it; both views show the scope', async () => {
    const page = await browser.newPage(DESKTOP);
    await signIn(page, server.url, ann.apiKey);
    await page.goto(`${server.url}/datasets/ds-ann`);
    await page.getByTestId('dataset-licence').waitFor();
    expect(await page.getByTestId('dataset-licence').textContent()).toBe('LicenseRef-1tt-contributor-grant-1');
    expect(await page.getByTestId('dataset-uses').textContent()).toBe('training');
    await page.getByTestId('consent-retrieval').check();
    await page.getByTestId('consent-save').click();
    await page.waitForFunction(`document.querySelector('[data-testid="dataset-uses"]')?.textContent === 'training, retrieval'`);
    const recorded = await t.http.get('/v1/datasets/ds-ann').set(t.auth(ann.apiKey)).expect(200);
    expect(recorded.body.uses).toEqual(['training', 'retrieval']);
    await screenshot(page, 'dataset-consent-1280');

    // Another contributor's dataset: no form (and the API would not find it for them).
    await page.goto(`${server.url}/datasets/ds-ben`);
    await page
      .getByText(/not found|No dataset/i)
      .first()
      .waitFor();
    expect(await page.getByTestId('dataset-consent-form').count()).toBe(0);

    // The retrieval consumer reports revenue: Ann's dataset now grants retrieval, Ben's does not.
    await t.http
      .post('/v1/revenue')
      .set(t.auth(searcher.apiKey))
      .set('Idempotency-Key', 'b1')
      .send({ amount: '100.00', currency: 'USD', periodStart: '2025-01-01T00:00:00Z', periodEnd: '2025-02-01T00:00:00Z' })
      .expect(201);
    await t.get(PayoutProcessor).catchUp();
    await page.goto(`${server.url}/contributors/${ann.contributorId}`);
    const row = page.locator(`[data-testid="by-consumer-row"][data-consumer="${searcher.consumerId}"]`);
    await row.waitFor();
    expect(await row.getByTestId('by-consumer-scope').textContent()).toBe('retrieval · any language · any class · any licence');
    expect(await row.getByTestId('by-consumer-ratio').textContent()).toMatch(/^100(\.0+)?\s?%$/);
    await screenshot(page, 'contributor-by-consumer-1280');

    const consumerPage = await browser.newPage(DESKTOP);
    await signIn(consumerPage, server.url, searcher.apiKey);
    await consumerPage.getByTestId('consumer-scope').waitFor();
    expect(await consumerPage.getByTestId('consumer-scope').textContent()).toBe('retrieval · any language · any class · any licence');
    await consumerPage.waitForFunction(`document.querySelector('[data-testid="consumer-eligible-tokens"]')?.textContent === '300'`);
  });
});
