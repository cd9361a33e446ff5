import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { dashboardDist } from '../../src/dashboard/dashboard-assets';
import { startTestApp, type TestApp } from './support/test-app';

/** `npm test` builds the dashboard first (npm run build), so the bundle exists here. */
describe('the API process serves the dashboard', () => {
  let t: TestApp;
  beforeAll(async () => {
    expect(existsSync(path.join(dashboardDist(), 'index.html'))).toBe(true);
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('serves index.html at / and for the SPA routes, never cached', async () => {
    for (const route of ['/', '/contributors/abc', '/audit']) {
      const res = await t.http.get(route).set('Accept', 'text/html,application/xhtml+xml').expect(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.text).toMatch(/<div id="app"|<script type="module"/);
    }
  });

  it('serves hashed assets with a long cache lifetime', async () => {
    const html = (await t.http.get('/').set('Accept', 'text/html').expect(200)).text;
    const asset = /(?:src|href)="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const res = await t.http.get(asset!).expect(200);
    expect(res.headers['cache-control']).toMatch(/immutable/);
  });

  it('sends CSP with frame-ancestors none, nosniff and a referrer policy on the HTML and every asset (issue #20)', async () => {
    const html = await t.http.get('/').set('Accept', 'text/html').expect(200);
    const assets = [...html.text.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThan(0);
    for (const res of [html, ...(await Promise.all(assets.map((a) => t.http.get(a).expect(200))))]) {
      expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
      expect(res.headers['content-security-policy']).toMatch(/script-src 'self'(;|$)/);
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('serves no source map: the bundle has none and names none, and a .map URL is a 404 (issue #20)', async () => {
    const html = (await t.http.get('/').set('Accept', 'text/html').expect(200)).text;
    const scripts = [...html.matchAll(/src="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) {
      const js = await t.http.get(script).expect(200);
      expect(js.text).not.toMatch(/sourceMappingURL/);
      await t.http.get(`${script}.map`).expect(404);
    }
    expect(readdirSync(path.join(dashboardDist(), 'assets')).filter((f) => f.endsWith('.map'))).toEqual([]);
  });

  it('leaves the API to the API: unknown /v1 routes are problem+json 404s, not the SPA', async () => {
    const res = await t.http.get('/v1/no-such-route').set('Accept', 'text/html').expect(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    await t.http.get('/health').expect((r) => expect(r.headers['content-type']).toMatch(/json/));
  });
});
