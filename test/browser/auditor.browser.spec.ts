/**
 * Issue 19 (item 6) for the auditor in real Chromium on the real API: the
 * pinned moment lives in the dashboard's URL (it follows the picker, stays
 * across views, and a copied link opens the same moment, through the
 * sign-in), verify runs from the dashboard at that moment, and a verify
 * result is cleared when the moment changes.
 */
import { EventStore } from '@1tt/event-store';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../e2e/support/test-app';
import { acceptDataset } from '../ledger/ledger-log.fixture';
import { describeInChromium, launchChromium, screenshot, signIn, type Browser } from './support/chromium';
import { ensureDashboardBuilt } from './support/dashboard-build';
import { startDashboardServer, type DashboardServer } from './support/dashboard-server';

jest.setTimeout(180_000);

const DESKTOP = { width: 1280, height: 900 };

/** The data-value of a test id once it equals `value`. */
async function valueBecomes(page: Page, testId: string, value: string): Promise<void> {
  await page.waitForFunction(
    `document.querySelector('[data-testid="${testId}"]')?.getAttribute('data-value') === ${JSON.stringify(value)}`,
  );
}

describeInChromium('dashboard: the auditor verifies at a pinned moment that lives in the URL (1280 px)', () => {
  let t: TestApp;
  let server: DashboardServer;
  let browser: Browser;
  let auditorKey: string;
  /** After Ann's 300 tokens, before Ben's 100. */
  let pinned: number;

  beforeAll(async () => {
    t = await startTestApp();
    auditorKey = (await t.http.post('/v1/auditors').set(t.auth()).send({ displayName: 'Audra Audit' }).expect(201)).body.apiKey;
    const events = t.get(EventStore);
    for (const [name, tokens] of [
      ['Ann Example', 300],
      ['Ben Beispiel', 100],
    ] as const) {
      const c = await t.http.post('/v1/contributors').set(t.auth()).send({ displayName: name }).expect(201);
      await acceptDataset(events, `ds-${tokens}`, c.body.contributorId, tokens);
      if (tokens === 300) pinned = await events.headPosition();
    }
    ensureDashboardBuilt();
    server = await startDashboardServer({ upstream: t.baseUrl });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await t?.close();
  });

  it('pins from the picker into the URL, verifies at that moment, and a new moment clears the result', async () => {
    const page = await browser.newPage(DESKTOP);
    await signIn(page, server.url, auditorKey);
    await page.waitForURL(/\/audit$/);
    await valueBecomes(page, 'pool-total-tokens', '400');

    await page.getByTestId('as-of-mode').selectOption('position');
    await page.getByTestId('as-of-position-input').fill(String(pinned));
    await page.getByTestId('as-of-apply').click();
    await page.waitForURL(new RegExp(`/audit\\?atPosition=${pinned}$`));
    await valueBecomes(page, 'as-of-position', String(pinned));
    await valueBecomes(page, 'pool-total-tokens', '300');

    await page.getByTestId('verify-button').click();
    const result = page.getByTestId('verify-result');
    await result.waitFor();
    expect(await result.getAttribute('data-ok')).toBe('true');
    expect(await result.getAttribute('data-position')).toBe(String(pinned));
    await screenshot(page, 'auditor-verify-pinned-1280');

    // Another moment: the result of the old one is gone (not shown as if it verified this one).
    await page.getByTestId('back-to-live').click();
    await page.waitForURL(/\/audit$/);
    expect(await page.getByTestId('verify-result').count()).toBe(0);
    await valueBecomes(page, 'pool-total-tokens', '400');

    // The pin follows the user across views.
    await page.getByTestId('as-of-mode').selectOption('position');
    await page.getByTestId('as-of-position-input').fill(String(pinned));
    await page.getByTestId('as-of-apply').click();
    await page.getByRole('link', { name: 'Pool' }).click();
    await page.waitForURL(new RegExp(`/pool\\?atPosition=${pinned}$`));
    await page.close();
  });

  it('a shared link opens the same moment, through the sign-in', async () => {
    // A new tab has its own session: the link leads to the sign-in, then to the view and moment it names.
    const page = await browser.newPage(DESKTOP);
    await page.goto(`${server.url}/audit?atPosition=${pinned}`);
    await page.getByLabel('API key').fill(auditorKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('whoami').waitFor();
    await valueBecomes(page, 'as-of-position', String(pinned));
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe(`/audit?atPosition=${pinned}`);
    expect(await page.getByTestId('live-state').getAttribute('data-state')).toBe('pinned');
    expect(await page.getByTestId('as-of-mode').inputValue()).toBe('position');
    await valueBecomes(page, 'pool-total-tokens', '300');
    await page.getByTestId('verify-button').click();
    await page.getByTestId('verify-result').waitFor();
    expect(await page.getByTestId('verify-result').getAttribute('data-position')).toBe(String(pinned));
    await page.close();
  });
});
