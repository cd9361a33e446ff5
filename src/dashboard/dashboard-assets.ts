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
