#!/usr/bin/env node
/**
 * `npm run bench`: runs every compiled benchmark (dist/bench/*.bench.js, or
 * those named on the command line) in its own Node process, one after the
 * other, so that each one's peak memory is its own. Benchmarks print their
 * figures; nothing here asserts a time.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const dir = path.join(__dirname, '..', 'dist', 'bench');
const wanted = process.argv.slice(2);
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.bench.js'))
  // The load test drives a running service for minutes: it has its own script (npm run bench:load).
  .filter((f) => (wanted.length === 0 ? !f.startsWith('load') : wanted.some((w) => f.includes(w))))
  .sort();
let failed = 0;
for (const file of files) {
  process.stdout.write(`\n=== ${file.replace(/\.bench\.js$/, '')} ===\n`);
  const run = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=8192', path.join(dir, file)], { stdio: 'inherit' });
  if (run.status !== 0) {
    failed += 1;
    process.stdout.write(`(${file} exited with ${run.status ?? run.signal})\n`);
  }
}
process.exit(failed === 0 ? 0 : 1);
