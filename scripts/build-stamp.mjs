// `npm start` rebuilds only when a source is newer than the last build.
//   node scripts/build-stamp.mjs check   exit 0 when dist/ is current, 1 when a build is needed
//   node scripts/build-stamp.mjs write   record that dist/ was just built (the end of `npm run build`)
import { existsSync, readdirSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const stamp = join(root, 'dist', '.build-stamp');
const inputs = ['src', 'apps', 'libs', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];
const skipped = new Set(['node_modules', 'dist', 'docs', 'test-output']);

function newestMtime(path) {
  const info = statSync(path, { throwIfNoEntry: false });
  if (!info) return 0;
  if (!info.isDirectory()) return /\.(spec|contract)\.ts$/.test(path) ? 0 : info.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) if (!skipped.has(name)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

const sources = Math.max(...inputs.map((p) => newestMtime(join(root, p))));
const mode = process.argv[2];
if (mode === 'write') {
  writeFileSync(stamp, `${sources}\n`);
} else if (mode === 'check') {
  const built = existsSync(stamp) && existsSync(join(root, 'dist', 'src', 'main.js')) ? Number(readFileSync(stamp, 'utf8')) : -1;
  if (built >= sources) {
    console.log('build is current (dist/ is newer than every source); not rebuilding');
    process.exit(0);
  }
  process.exit(1);
} else {
  console.error('usage: node scripts/build-stamp.mjs check|write');
  process.exit(2);
}
