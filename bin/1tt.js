#!/usr/bin/env node
'use strict';
/**
 * `npx 1tt`: runs the compiled CLI (dist/apps/cli/src/main.js, made by
 * `npm run build`) when it is at least as new as every TypeScript source it
 * is built from; otherwise (right after `npm ci`, or after editing a source
 * without rebuilding) it runs the TypeScript sources directly through tsx, a
 * devDependency, so the command never runs stale code. ONETT_CLI_FROM_SOURCE=1
 * forces the source path.
 */
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const compiled = path.join(root, 'dist', 'apps', 'cli', 'src', 'main.js');

function newestSourceMtime(dir, newest) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return newest;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = newestSourceMtime(p, newest);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

function compiledIsFresh() {
  if (process.env.ONETT_CLI_FROM_SOURCE === '1') return false;
  let builtAt;
  try {
    builtAt = fs.statSync(compiled).mtimeMs;
  } catch {
    return false;
  }
  let newest = newestSourceMtime(path.join(root, 'apps', 'cli', 'src'), 0);
  for (const lib of fs.readdirSync(path.join(root, 'libs'))) newest = newestSourceMtime(path.join(root, 'libs', lib, 'src'), newest);
  return builtAt >= newest;
}

if (compiledIsFresh()) {
  require(compiled);
} else {
  let tsx;
  try {
    tsx = require('tsx/cjs/api');
  } catch {
    process.stderr.write(
      '1tt: the CLI is not built (run `npm run build`) and tsx is not installed to run it from source (run `npm ci`).\n',
    );
    process.exit(3);
  }
  tsx.register({ tsconfig: path.join(root, 'tsconfig.json') });
  require(path.join(root, 'apps', 'cli', 'src', 'main.ts'));
}
