import { streamNames } from '@1tt/ledger';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalBlobStore } from '@1tt/blob-store';

import { createEventStore } from '@1tt/event-store';
import { licenseText } from '../support/license-texts';

const WORKER = path.resolve(__dirname, '../../dist/apps/worker/src/main.js');

describe('apps/worker as a separate process (compiled: npm test builds first)', () => {
  it('decides a dataset uploaded to the shared stores, then stops cleanly on SIGTERM', async () => {
    if (!existsSync(WORKER)) throw new Error(`${WORKER} is missing: run npm run build (npm test does)`);
    const dir = mkdtempSync(path.join(os.tmpdir(), '1tt-worker-'));
    const events = await createEventStore(`sqlite:${path.join(dir, 'events.db')}`);
    const blobs = await LocalBlobStore.open({ dir: path.join(dir, 'blobs') });
    const child = spawn(process.execPath, [WORKER], {
      env: { ...process.env, DATA_DIR: dir, WORKER_THREADS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    try {
      const put = await blobs.putBuffer([licenseText('GPL-2'), licenseText('BSD')].join('\n\n'));
      const data = {
        datasetId: 'w1',
        kind: 'contribution',
        contributorId: 'alice',
        fileName: 'w1.txt',
        format: 'txt',
        compression: 'none',
        textField: null,
        sizeBytes: put.sizeBytes,
        sha256: put.sha256,
        blobRef: put.ref,
        uploadedAt: new Date().toISOString(),
      };
      await events.appendToStream(streamNames.dataset('w1'), [{ type: 'DatasetUploaded', data }], { expectedRevision: 'no-stream' });
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
      await events.close();
      await blobs.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
