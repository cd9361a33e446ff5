import * as path from 'node:path';
import { readdirSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { type LanguageGuess, lidSample } from '@1tt/preprocessing';
import { licenseFile } from '../../../../test/support/license-texts';

/**
 * The adapter runs in a worker thread, as in production (document-batch
 * worker): fasttext.wasm.js loads its WebAssembly module with a dynamic
 * import, which Jest's module sandbox cannot run in the test thread itself.
 * The worker loads the TypeScript source through tsx, like DocumentWorkerPool.
 */
function identifyInWorker(texts: string[]): Promise<LanguageGuess[][]> {
  const adapter = path.join(__dirname, 'lid176.adapter.ts');
  const script = `
    require(${JSON.stringify(require.resolve('tsx/cjs'))});
    const { parentPort, workerData } = require('node:worker_threads');
    const { loadLid176 } = require(${JSON.stringify(adapter)});
    loadLid176().then((lid) => {
      // Twice each, to check that a second call gives the same answer.
      parentPort.postMessage(workerData.map((t) => [lid.identify(t), lid.identify(t)]));
    }, (e) => parentPort.postMessage({ error: String(e) }));
  `;
  return new Promise((resolve, reject) => {
    const w = new Worker(script, {
      eval: true,
      workerData: texts,
      env: { ...process.env, TSX_TSCONFIG_PATH: path.resolve(__dirname, '../../../../tsconfig.json') },
    });
    w.once('message', (m: LanguageGuess[][] | { error: string }) => {
      void w.terminate();
      if ('error' in m) reject(new Error(m.error));
      else resolve(m);
    });
    w.once('error', reject);
  });
}

describe('lid.176 through fasttext.wasm.js (in a worker thread, Node 20)', () => {
  it('identifies Debian texts and sentences in several languages, deterministically', async () => {
    const gpl = licenseFile('GPL-3');
    const page = readdirSync('/usr/share/man/de/man1').find((f) => f.startsWith('apt-transport'));
    expect(page).toBeDefined();
    const roff = gunzipSync(readFileSync(`/usr/share/man/de/man1/${page}`)).toString('utf8');
    const manText = roff
      .split('\n')
      .filter((l) => !l.startsWith('.') && !l.startsWith("'"))
      .join(' ');
    const fixed = [
      lidSample(gpl, 1000),
      lidSample(manText, 1000),
      '図書館は来年拡張される予定です。市議会は古い部屋を改装することを決めました。',
      'Библиотека города будет расширена в следующем году.',
      '',
    ];
    const random = fc.sample(fc.string({ maxLength: 300 }), { numRuns: 100, seed: 1771 });
    const out = await identifyInWorker([...fixed, ...random]);
    expect(out.slice(0, 5).map(([a]) => a.language)).toEqual(['en', 'de', 'ja', 'ru', 'und']);
    for (const [a, b] of out) {
      expect(b).toEqual(a);
      expect(a.score).toBeGreaterThanOrEqual(0);
      expect(a.score).toBeLessThanOrEqual(1);
      expect(Math.abs(Math.round(a.score * 1000) - a.score * 1000)).toBeLessThan(1e-6);
    }
    expect(out[0][0].score).toBeGreaterThan(0.5);
  }, 60_000);
});
