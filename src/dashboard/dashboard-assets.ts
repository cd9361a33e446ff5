import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** The built single-page dashboard (npm run build:dashboard). Same path from src/ (tests) and dist/src/ (npm start). */
export function dashboardDist(): string {
  const candidates = [
    path.resolve(__dirname, '../../apps/dashboard/web/dist'),
    path.resolve(__dirname, '../../../apps/dashboard/web/dist'),
  ];
  return candidates.find((p) => existsSync(path.join(p, 'index.html'))) ?? candidates[0];
}

/**
 * Every bundled asset comes from this origin (no CDN, see vite.config.mts);
 * no page may frame the dashboard (clickjacking). Inline styles stay allowed
 * for the chart library's computed element styles.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Headers on every dashboard response (HTML and assets), and no source maps:
 * the production bundle is built without them, and a stray .map file left in
 * the build directory is not served either.
 */
function dashboardSecurityHeaders(req: Request, res: Response, next: NextFunction): void {
  if (isApiPath(req.path)) return next();
  res.setHeader('Content-Security-Policy', DASHBOARD_CSP);
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  if (req.path.endsWith('.map')) {
    res.status(404).type('text/plain').send('Not found');
    return;
  }
  next();
}

const API_PREFIXES = ['/v1', '/health', '/docs'];
const isApiPath = (p: string) => API_PREFIXES.some((prefix) => p === prefix || p.startsWith(`${prefix}/`) || p.startsWith(`${prefix}-`));

/**
 * Serves the dashboard from the API process under `/`: hashed assets cached
 * for a year, index.html never cached, and index.html for every other GET
 * outside the API's own prefixes (the SPA's client-side routes). When the
 * bundle has not been built, nothing is mounted and `/` is a 404.
 */
export function serveDashboard(app: NestExpressApplication): boolean {
  const dist = dashboardDist();
  const index = path.join(dist, 'index.html');
  if (!existsSync(index)) return false;
  app.use(dashboardSecurityHeaders);
  app.useStaticAssets(dist, {
    index: false,
    setHeaders: (res, file) => {
      if (file.includes(`${path.sep}assets${path.sep}`)) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      else res.setHeader('Cache-Control', 'no-cache');
    },
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isApiPath(req.path) || !String(req.headers.accept ?? '').includes('text/html'))
      return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return true;
}
