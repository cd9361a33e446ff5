import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts the worker script `name` that sits in `dir` (pass `__dirname`):
 * `name.js` when the caller runs compiled (dist), or `name.ts` through tsx's
 * CommonJS hook when it runs from TypeScript (Jest, tsx), since Node 20 does
 * not apply `--import tsx` to worker threads. The one way this code base
 * starts a worker thread (Parquet decoding, the document pipeline's pool,
 * audit verification).
 */
export function startWorkerThread(dir: string, name: string, options: WorkerOptions = {}): Worker {
  const compiled = path.join(dir, `${name}.js`);
  if (fs.existsSync(compiled)) return new Worker(compiled, options);
  const source = path.join(dir, `${name}.ts`);
  const tsx = require.resolve('tsx/cjs');
  return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(source)});`, {
    ...options,
    eval: true,
    env: { ...process.env, ...(typeof options.env === 'object' ? options.env : {}), TSX_TSCONFIG_PATH: tsconfigAbove(dir) },
  });
}

function tsconfigAbove(dir: string): string {
  for (let d = dir; ; d = path.dirname(d)) {
    const candidate = path.join(d, 'tsconfig.json');
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(d) === d) return path.resolve('tsconfig.json');
  }
}
