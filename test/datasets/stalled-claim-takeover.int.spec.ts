import { streamNames } from '@1tt/ledger';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalBlobStore } from '@1tt/blob-store';
import {
  DATASET_PROGRESS_REPORTED,
  DatasetProcessor,
  SqliteDatasetClaims,
  createFormatSource,
  datasetProgressStream,
} from '@1tt/dataset-processing';
import { createEventStore, type EventStore } from '@1tt/event-store';
import { licenseFile } from '../support/license-texts';
import { upload } from '../support/dataset-uploads';

/**
 * The liveness backstop of shared processing: a holder that keeps its claim
 * alive but never decides (hung, or an EventStoreDB worker whose buffer is
 * full) must not leave the earliest dataset, and every dataset behind it,
 * "processing" for good. Two real claim holders on one real claims file.
 */
describe('a claim held by a process that does no work', () => {
  let dir: string;
  let events: EventStore;
  let blobs: LocalBlobStore;
  let hung: SqliteDatasetClaims;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), '1tt-takeover-'));
    events = await createEventStore(`sqlite:${path.join(dir, 'events.db')}`);
    blobs = await LocalBlobStore.open({ dir: path.join(dir, 'blobs') });
    await upload({ events, blobs }, 'd1', licenseFile('GPL-3'), { fileName: 'gpl.txt', uploadedAt: '2026-01-01T00:00:00.000Z' });
    // The hung holder: claims d1 and keeps renewing the lease, but never analyses it.
    hung = new SqliteDatasetClaims({ path: path.join(dir, 'claims.db'), owner: `${os.hostname()}:${process.pid}:hung`, leaseSeconds: 60 });
    await hung.start({ wake: () => undefined, isDecided: () => false, logError: () => undefined });
    expect(await hung.tryClaim('d1')).toBe(true);
  });

  afterEach(async () => {
    await hung.stop();
    await events.close();
    await blobs.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const processor = (takeoverAfterMs: number | false, logs: string[]) =>
    new DatasetProcessor({
      events,
      blobs,
      openSource: createFormatSource({ tmpDir: dir }),
      workerThreads: 1,
      tmpDir: dir,
      progressEveryMs: false,
      takeoverAfterMs,
      claims: new SqliteDatasetClaims({
        path: path.join(dir, 'claims.db'),
        owner: `${os.hostname()}:${process.pid}:other`,
        leaseSeconds: 60,
      }),
      logger: { log: (m) => logs.push(m), error: (m) => logs.push(m) },
    });

  const status = async () => (await events.readStream(streamNames.dataset('d1'))).map((e) => e.type);

  it('is taken over once the earliest dataset shows no decision and no progress for takeoverAfterMs, and decided once', async () => {
    const logs: string[] = [];
    const p = processor(1500, logs);
    p.start();
    await p.idleAfter(await events.headPosition());
    await p.stop();
    expect(await status()).toEqual(['DatasetUploaded', 'DatasetPreprocessed', 'DatasetTokensCounted', 'DatasetAccepted']);
    expect(logs.some((m) => /d1 is claimed elsewhere but shows no decision and no progress/.test(m))).toBe(true);
  }, 60_000);

  it('is left to its holder while the holder reports progress, and taken over once the reports stop', async () => {
    const logs: string[] = [];
    const p = processor(3000, logs);
    p.start();
    const started = Date.now();
    for (let done = 1; Date.now() - started < 6000; done++) {
      await events.appendToStream(
        datasetProgressStream('d1'),
        [{ type: DATASET_PROGRESS_REPORTED, data: { datasetId: 'd1', documentsDone: done, bytesRead: done, totalBytes: 100 } }],
        { expectedRevision: 'any' },
      );
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(await status()).toEqual(['DatasetUploaded']);
    await p.idleAfter(await events.headPosition());
    await p.stop();
    expect(await status()).toEqual(['DatasetUploaded', 'DatasetPreprocessed', 'DatasetTokensCounted', 'DatasetAccepted']);
  }, 60_000);

  it('without the backstop the dataset waits for its holder (the lease is still renewed)', async () => {
    const logs: string[] = [];
    const p = processor(false, logs);
    p.start();
    await new Promise((r) => setTimeout(r, 4000));
    await p.stop();
    expect(await status()).toEqual(['DatasetUploaded']);
  }, 60_000);
});
