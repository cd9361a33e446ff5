import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The dashboard is a static bundle served by the API process under `/`.
 * JSX goes through Vite's own Oxc transform (automatic runtime, Preact),
 * so no Babel-based preset is needed. Everything is bundled: the machine
 * that serves it may be offline, so no asset may come from a CDN.
 */
export default defineConfig({
  root,
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // No source maps in the served bundle: they would publish the dashboard's source (issue #20).
    sourcemap: false,
    assetsInlineLimit: 0,
  },
  server: {
    // `npx vite --config apps/dashboard/web/vite.config.ts` during development: the API on :3000.
    proxy: { '/v1': 'http://127.0.0.1:3000', '/health': 'http://127.0.0.1:3000', '/docs': 'http://127.0.0.1:3000' },
  },
});
