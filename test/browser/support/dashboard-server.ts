/**
 * Serves the built dashboard the way the API process is meant to: files from
 * apps/dashboard/web/dist, index.html for every other path outside /v1,
 * /health and /docs (the SPA's own routes), and, when an upstream API is
 * given, those three prefixes proxied to it (streaming, so SSE passes).
 * Used by the browser tests until the API serves the bundle itself.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';

export const DASHBOARD_DIST = path.resolve(__dirname, '../../../apps/dashboard/web/dist');
const API_PREFIXES = ['/v1', '/health', '/docs'];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

export interface DashboardServer {
  url: string;
  /** Paths requested, in order (tests check nothing leaves the origin by other means). */
  requests: string[];
  close(): Promise<void>;
}

export function isApiPath(pathname: string): boolean {
  return API_PREFIXES.some((p) => pathname === p || pathname.startsWith(`${p}/`) || pathname.startsWith(`${p}?`));
}

export async function startDashboardServer(options: { upstream?: string; dist?: string } = {}): Promise<DashboardServer> {
  const dist = options.dist ?? DASHBOARD_DIST;
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    requests.push(url.pathname);
    if (isApiPath(url.pathname)) {
      if (!options.upstream) {
        res
          .writeHead(404, { 'content-type': 'application/problem+json' })
          .end(JSON.stringify({ status: 404, title: 'Not Found', detail: 'No API behind this test server' }));
        return;
      }
      const target = new URL(req.url ?? '/', options.upstream);
      const proxied = http.request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      proxied.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
      res.on('close', () => proxied.destroy());
      req.pipe(proxied);
      return;
    }
    const file = path.join(dist, path.normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, ''));
    const inside = file.startsWith(dist + path.sep);
    const target = inside && fs.existsSync(file) && fs.statSync(file).isFile() ? file : path.join(dist, 'index.html');
    const immutable = target.includes(`${path.sep}assets${path.sep}`);
    res.writeHead(200, {
      'content-type': TYPES[path.extname(target)] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    fs.createReadStream(target).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
