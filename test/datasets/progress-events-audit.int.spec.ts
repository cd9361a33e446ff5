import { streamNames } from '@1tt/ledger';
import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { DATASET_ANALYSIS_STARTED, DATASET_PROGRESS_REPORTED, DatasetProcessor, datasetProgressStream } from '@1tt/dataset-processing';
import { cli } from '../support/cli';
import { blankLineTextSource } from './dataset-text-source';
import { licenseText } from '../support/license-texts';
import { openTempStores, upload } from '../support/dataset-uploads';

jest.setTimeout(120_000);

describe('DatasetProgressReported in the log: the audit tools take it in their stride', () => {
  it('export, verify and replay a log holding progress events next to the decisions', async () => {
    const { dir, events, blobs } = await openTempStores('progress-audit');
    try {
      for (const [id, text] of [
        ['a', [licenseText('GPL-2'), licenseText('LGPL-2.1'), licenseText('Apache-2.0')].join('\n\n')],
        ['b', [licenseText('GPL-3'), licenseText('GPL-2'), licenseText('MPL-2.0')].join('\n\n')],
      ]) {
        await upload({ events, blobs }, id, text);
      }
      // progressEveryMs 0: a report after every batch of one document.
      const processor = new DatasetProcessor({
        events,
        blobs,
        openSource: blankLineTextSource,
        workerThreads: 1,
        batchDocuments: 1,
        progressEveryMs: 0,
      });
      processor.start();
      await processor.idleAfter(await events.headPosition());
      await processor.stop();
      const progress = await events.readStream(datasetProgressStream('a'));
      expect(progress.filter((e) => e.type === DATASET_PROGRESS_REPORTED).length).toBeGreaterThan(0);
      // The operational stream also records each analysis attempt (bounded attempts), first of all.
      expect(progress[0].type).toBe(DATASET_ANALYSIS_STARTED);
      expect(progress.every((e) => e.type === DATASET_PROGRESS_REPORTED || e.type === DATASET_ANALYSIS_STARTED)).toBe(true);
      expect((await events.readStream(streamNames.dataset('a'))).map((e) => e.type)).toEqual([
        'DatasetUploaded',
        'DatasetPreprocessed',
        'DatasetTokensCounted',
        'DatasetAccepted',
      ]);
      await events.close();

      const env = { EVENT_STORE_URL: `sqlite:${path.join(dir, 'events.db')}` };
      const file = path.join(dir, 'log.ndjson');
      const exported = await cli(env, 'audit', 'export', '--out', file);
      expect(exported.stderr).toMatch(/exported \d+ events/);
      expect(exported.code).toBe(0);
      expect(readFileSync(file, 'utf8')).toContain(DATASET_PROGRESS_REPORTED);

      const verified = await cli(env, 'audit', 'verify', file, '--json');
      expect(verified.code).toBe(0);
      expect(JSON.parse(verified.stdout).problems).toEqual([]);

      const replayed = await cli(env, 'audit', 'replay', file, '--at-position', '1000000', '--json');
      expect(replayed.stderr).toBe('');
      expect(replayed.code).toBe(0);
      expect(replayed.stdout).toContain('alice');
    } finally {
      await events.close().catch(() => undefined);
      await blobs.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
