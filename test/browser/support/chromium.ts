/**
 * Debian's Chromium driven by playwright-core (no browser download anywhere),
 * with a fresh profile per launch.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];
/** Why the browser tests cannot run on this machine (with the fix), or undefined when Chromium is there. */
export function chromiumMissing(): string | undefined {
  return fs.existsSync(CHROMIUM_PATH) ? undefined : `no Chromium at ${CHROMIUM_PATH}; install it with: apt-get install -y chromium`;
}

/**
 * describe() for a suite that drives Chromium. Without Chromium the suite is
 * reported as skipped with the reason and the install command (the summary
 * line lists it as SKIPPED, like the suites that have no server), so a fresh
 * machine passes `npm test`; with REQUIRE_BROWSER=1 (set by .ci/run) a
 * missing Chromium fails instead.
 */
export function describeInChromium(title: string, suite: () => void): void {
  const missing = chromiumMissing();
  if (missing === undefined) {
    describe(title, suite);
  } else if (process.env.REQUIRE_BROWSER === '1') {
    describe(title, () => {
      it('has Chromium to run in (REQUIRE_BROWSER=1)', () => {
        throw new Error(missing);
      });
    });
  } else {
    describe.skip(`${title} (skipped: ${missing})`, suite);
  }
}

export const SCREENSHOTS = path.resolve(__dirname, '../../../test-output/screenshots');

export interface Browser {
  context: BrowserContext;
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Browser> {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), '1tt-chromium-'));
  // headless: false because '--headless' is among our own arguments: Playwright then adds no headless flags of its own.
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: false,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    async newPage(viewport) {
      const page = await context.newPage();
      if (viewport) await page.setViewportSize(viewport);
      return page;
    },
    async close() {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Signs in on the dashboard's sign-in page and waits for the signed-in header. */
export async function signIn(page: Page, url: string, apiKey: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('API key').fill(apiKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('whoami').waitFor();
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
