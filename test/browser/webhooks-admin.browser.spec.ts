/**
 * The admin dashboard's webhooks section in real Chromium on the real API:
 * a webhook whose receiver refuses (failing, with the reason on screen) and
 * its recent deliveries; a retry from the screen reaches the receiver again.
 */
import { startTestApp, type TestApp } from '../e2e/support/test-app';
import { WebhookReceiver } from '../support/webhook-receiver';
import { describeInChromium, launchChromium, screenshot, signIn, type Browser } from './support/chromium';
import { ensureDashboardBuilt } from './support/dashboard-build';
import { startDashboardServer, type DashboardServer } from './support/dashboard-server';

jest.setTimeout(120_000);

describeInChromium('dashboard: admin sees webhooks and their recent deliveries', () => {
  let t: TestApp;
  let server: DashboardServer;
  let browser: Browser;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    t = await startTestApp({
      env: { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_INITIAL_MS: '10', WEBHOOK_RETRY_MAX_MS: '20', WEBHOOK_RETRY_WINDOW_SECONDS: '1' },
    });
    ensureDashboardBuilt();
    server = await startDashboardServer({ upstream: t.baseUrl });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await t?.close();
    await receiver?.stop();
  });

  it('lists the webhook as failing with the reason, shows its deliveries, and retries one', async () => {
    let up = false;
    receiver.responder = () => (up ? { status: 200 } : { status: 500, body: 'receiver down' });
    const reg = await t.http
      .post('/v1/webhooks')
      .set(t.auth())
      .send({ url: receiver.url('/ui'), eventTypes: ['ConsumerRegistered'], description: 'accounting' });
    expect(reg.status).toBe(201);
    await t.http.post('/v1/consumers').set(t.auth()).send({ displayName: 'Hooked' }).expect(201);
    for (let i = 0; i < 300 && (await t.http.get(`/v1/webhooks/${reg.body.webhookId}`).set(t.auth())).body.status !== 'failing'; i++)
      await new Promise((r) => setTimeout(r, 20));

    const page = await browser.newPage({ width: 1280, height: 900 });
    await signIn(page, server.url, t.adminKey);
    const row = page.locator(`[data-testid=webhook-row][data-webhook-id="${reg.body.webhookId}"]`);
    await row.waitFor();
    expect(await row.getByTestId('webhook-status').textContent()).toBe('failing');
    expect(await row.getByTestId('webhook-failing-reason').textContent()).toMatch(/gave up after \d+ attempts.*HTTP 500/);
    await row.getByRole('button', { name: 'Deliveries' }).click();
    const delivery = page.getByTestId('delivery-row').first();
    await delivery.waitFor();
    expect(await delivery.getByTestId('delivery-status').textContent()).toBe('failed');
    await screenshot(page, 'admin-webhooks');

    up = true;
    const before = receiver.requests.length;
    await delivery.getByRole('button', { name: 'Retry' }).click();
    await receiver.waitFor((r) => r.length > before);
    await page.waitForFunction(`document.querySelector('[data-testid=delivery-status]')?.textContent === 'delivered'`, undefined, {
      timeout: 20_000,
    });
    await page.close();
  });
});
