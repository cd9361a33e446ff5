/**
 * Answers (on stdout) the HTTP status of GET /v1/pool on the real app booted
 * by startTestApp(), or "no-app" when that cannot be loaded. Run in a child
 * process by the browser tests at collection time: Jest decides what to skip
 * synchronously, and booting the app is asynchronous.
 *
 * TypeScript is compiled on require with @swc/core using the same options as
 * jest.config.js (decorator metadata included, which Nest's DI needs), and
 * @1tt/<lib> resolves to libs/<lib>/src as in the Jest moduleNameMapper.
 */
const Module = require('node:module');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '../../..');
const swc = require('@swc/core');

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const m = /^@1tt\/([^/]+)$/.exec(request);
  return resolve.call(this, m ? path.join(root, 'libs', m[1], 'src') : request, ...rest);
};
require.extensions['.ts'] = function (module, filename) {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};

async function main() {
  let startTestApp;
  try {
    ({ startTestApp } = require(path.join(root, 'test/e2e/support/test-app.ts')));
  } catch (e) {
    process.stderr.write(`probe: cannot load startTestApp: ${e && e.message}\n`);
    process.stdout.write('no-app\n');
    return;
  }
  const t = await startTestApp();
  try {
    const res = await fetch(`${t.baseUrl}/v1/pool`, { headers: { authorization: `Bearer ${t.adminKey}` } });
    process.stdout.write(`${res.status}\n`);
  } finally {
    await t.close();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`probe: ${e && e.stack}\n`);
    process.stdout.write('error\n');
    process.exit(0);
  },
);
