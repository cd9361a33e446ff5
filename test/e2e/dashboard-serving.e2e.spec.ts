import { existsSync } from 'node:fs';
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

  it('leaves the API to the API: unknown /v1 routes are problem+json 404s, not the SPA', async () => {
    const res = await t.http.get('/v1/no-such-route').set('Accept', 'text/html').expect(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    await t.http.get('/health').expect((r) => expect(r.headers['content-type']).toMatch(/json/));
  });
});
