import { streamNames } from '@1tt/ledger';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { DatasetProcessor, SqliteDatasetClaims } from '@1tt/dataset-processing';
import { blankLineTextSource } from './dataset-text-source';
import { licenseText } from '../support/license-texts';
import { openTempStores, upload } from '../support/dataset-uploads';

jest.setTimeout(120_000);

describe('DatasetProcessor with claims that cannot start at first', () => {
  it('analyses nothing while its claims file cannot be opened, then decides the backlog once it can', async () => {
    const stores = await openTempStores('claims-proc');
    const { dir, events, blobs } = stores;
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
      await upload({ events, blobs }, 'd', [licenseText('GPL-2'), licenseText('BSD')].join('\n\n'));
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
      await stores.close();
    }
  });
});
