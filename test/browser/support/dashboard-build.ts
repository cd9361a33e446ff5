/**
 * The dashboard bundle the browser tests serve (apps/dashboard/web/dist),
 * built here when it is missing or older than its sources, so a plain
 * `npx jest test/browser/...` after an edit tests the edit.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DASHBOARD_DIST } from './dashboard-server';

const ROOT = path.resolve(__dirname, '../../..');
const WEB = path.join(ROOT, 'apps/dashboard/web');

/** Builds the bundle when it is missing or older than its sources (a plain `jest` run after an edit). */
export function ensureDashboardBuilt(): void {
  const index = path.join(DASHBOARD_DIST, 'index.html');
  const newest = (dir: string): number =>
    fs.readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
      const p = path.join(dir, e.name);
      return Math.max(m, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
    }, 0);
  const sourcesChanged = Math.max(
    newest(path.join(WEB, 'src')),
    fs.statSync(path.join(WEB, 'index.html')).mtimeMs,
    fs.statSync(path.join(WEB, 'vite.config.mts')).mtimeMs,
  );
  if (fs.existsSync(index) && fs.statSync(index).mtimeMs >= sourcesChanged) return;
  execFileSync(
    process.execPath,
    [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', path.join(WEB, 'vite.config.mts'), '--logLevel', 'warn'],
    { cwd: ROOT, stdio: 'inherit' },
  );
}
