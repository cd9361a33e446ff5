import { streamNames } from '@1tt/ledger';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalBlobStore } from '@1tt/blob-store';
import { DatasetProcessor, SqliteDatasetClaims, type DatasetUploadedData } from '@1tt/dataset-processing';
import { createEventStore } from '@1tt/event-store';
import { blankLineTextSource } from './dataset-text-source';
import { licenseText } from '../support/license-texts';

jest.setTimeout(120_000);

describe('DatasetProcessor with claims that cannot start at first', () => {
  it('analyses nothing while its claims file cannot be opened, then decides the backlog once it can', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), '1tt-claims-proc-'));
    const events = await createEventStore(`sqlite:${path.join(dir, 'events.db')}`);
    const blobs = await LocalBlobStore.open({ dir: path.join(dir, 'blobs') });
    const errors: string[] = [];
    const claimsDir = path.join(dir, 'not-yet');
    const processor = new DatasetProcessor({
      events,
      blobs,
      openSource: blankLineTextSource,
      workerThreads: 1,
      retryDelayMs: 100,
      claims: new SqliteDatasetClaims({ path: path.join(claimsDir, 'claims.db'), leaseSeconds: 5 }),
      logger: { log: () => undefined, error: (m) => errors.push(m) },
    });
    try {
      const put = await blobs.putBuffer([licenseText('GPL-2'), licenseText('BSD')].join('\n\n'));
      const data: DatasetUploadedData = {
        datasetId: 'd',
        kind: 'contribution',
        contributorId: 'alice',
        fileName: 'd.txt',
        format: 'txt',
        compression: 'none',
        textField: null,
        sizeBytes: put.sizeBytes,
        sha256: put.sha256,
        blobRef: put.ref,
        uploadedAt: new Date().toISOString(),
      };
      await events.appendToStream(streamNames.dataset('d'), [{ type: 'DatasetUploaded', data }], { expectedRevision: 'no-stream' });
      processor.start();
      for (let i = 0; i < 100 && errors.length < 2; i++) await new Promise((r) => setTimeout(r, 50));
      expect(errors.filter((m) => m.includes('failed to start')).length).toBeGreaterThanOrEqual(2);
      expect((await events.readStream(streamNames.dataset('d'))).map((e) => e.type)).toEqual(['DatasetUploaded']);

      mkdirSync(claimsDir);
      await processor.idleAfter(await events.headPosition());
      expect((await events.readStream(streamNames.dataset('d'))).map((e) => e.type)).toEqual([
        'DatasetUploaded',
        'DatasetPreprocessed',
        'DatasetTokensCounted',
        'DatasetAccepted',
      ]);
    } finally {
      await processor.stop();
      await events.close();
      await blobs.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
