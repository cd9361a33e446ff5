import { streamNames } from '@1tt/ledger';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { licenseText } from '../support/license-texts';
import { openTempStores, upload } from '../support/dataset-uploads';

const WORKER = path.resolve(__dirname, '../../dist/apps/worker/src/main.js');

describe('apps/worker as a separate process (compiled: npm test builds first)', () => {
  it('decides a dataset uploaded to the shared stores, then stops cleanly on SIGTERM', async () => {
    if (!existsSync(WORKER)) throw new Error(`${WORKER} is missing: run npm run build (npm test does)`);
    const stores = await openTempStores('worker');
    const { dir, events, blobs } = stores;
    const child = spawn(process.execPath, [WORKER], {
      env: { ...process.env, DATA_DIR: dir, WORKER_THREADS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    try {
      await upload({ events, blobs }, 'w1', [licenseText('GPL-2'), licenseText('BSD')].join('\n\n'));
      let types: string[] = [];
      for (let i = 0; i < 600 && types.length < 4; i++) {
        await new Promise((r) => setTimeout(r, 100));
        types = (await events.readStream(streamNames.dataset('w1'))).map((e) => e.type);
      }
      expect(types).toEqual(['DatasetUploaded', 'DatasetPreprocessed', 'DatasetTokensCounted', 'DatasetAccepted']);
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output).toContain('processing datasets with 1 threads');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await stores.close();
    }
  });
});
