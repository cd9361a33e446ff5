import { streamNames } from '@1tt/ledger';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  DATASET_ANALYSIS_INTERRUPTED,
  DATASET_ANALYSIS_STARTED,
  DatasetProcessor,
  datasetProgressStream,
  type DocumentSourceFactory,
} from '@1tt/dataset-processing';
import { blankLineTextSource } from './dataset-text-source';
import { licenseText } from '../support/license-texts';
import { openTempStores, upload, type TempStores } from '../support/dataset-uploads';

/**
 * Issue #20 (C2's second half): a dataset whose processing stops its
 * process (out of memory, killed) or keeps failing is not tried forever.
 * Every analysis is recorded in the log before it starts, so the count
 * survives restarts; after maxAttempts failed ones the dataset is rejected
 * with reason `processing_failed`.
 */
jest.setTimeout(240_000);

const WORKER = path.resolve(__dirname, '../../dist/apps/worker/src/main.js');

const types = async (w: TempStores, stream: string) => (await w.events.readStream(stream).catch(() => [])).map((e) => e.type);

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('bounded attempts per dataset', () => {
  it('a dataset that fails every analysis in-process is rejected as processing_failed after 3 attempts; the next dataset is decided', async () => {
    const w = await openTempStores('attempts');
    const failing: DocumentSourceFactory = async (upload, blobs) => {
      if (upload.datasetId === 'bad') throw new TypeError("Cannot read properties of undefined (reading 'x')");
      return blankLineTextSource(upload, blobs);
    };
    const processor = new DatasetProcessor({ events: w.events, blobs: w.blobs, openSource: failing, workerThreads: 1, retryDelayMs: 20 });
    try {
      await upload(w, 'bad', licenseText('GPL-2'));
      await upload(w, 'good', licenseText('BSD'));
      processor.start();
      await processor.idleAfter(await w.events.headPosition());
      const bad = await w.events.readStream(streamNames.dataset('bad'));
      const rejected = bad.find((e) => e.type === 'DatasetRejected');
      expect(rejected?.data).toMatchObject({ reason: 'processing_failed' });
      expect(String((rejected?.data as { detail: string }).detail)).toMatch(/3 times.*not tried again/);
      expect((await types(w, datasetProgressStream('bad'))).filter((t) => t === DATASET_ANALYSIS_STARTED)).toHaveLength(3);
      expect(await types(w, streamNames.dataset('good'))).toContain('DatasetAccepted');
    } finally {
      await processor.stop();
      await w.close();
    }
  });

  it('an infrastructure fault (ENOSPC) or a graceful stop is recorded as an interruption and does not count', async () => {
    const w = await openTempStores('attempts');
    let faults = 5;
    const flaky: DocumentSourceFactory = async (upload, blobs) => {
      if (faults-- > 0) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      return blankLineTextSource(upload, blobs);
    };
    const processor = new DatasetProcessor({ events: w.events, blobs: w.blobs, openSource: flaky, workerThreads: 1, retryDelayMs: 20 });
    try {
      await upload(w, 'd1', licenseText('GPL-2'));
      processor.start();
      await processor.idleAfter(await w.events.headPosition());
      expect(await types(w, streamNames.dataset('d1'))).toContain('DatasetAccepted');
      const progress = await types(w, datasetProgressStream('d1'));
      expect(progress.filter((t) => t === DATASET_ANALYSIS_INTERRUPTED)).toHaveLength(5);
      expect(progress.filter((t) => t === DATASET_ANALYSIS_STARTED)).toHaveLength(6);
    } finally {
      await processor.stop();
      await w.close();
    }
  });

  it('crash loop: a worker process SIGKILLed mid-analysis three times in a row; the fourth start rejects the dataset instead of crashing again (compiled: npm test builds first)', async () => {
    if (!existsSync(WORKER)) throw new Error(`${WORKER} is missing: run npm run build (npm test does)`);
    const w = await openTempStores('attempts');
    // Enough text that its analysis takes a while on one thread (gzip keeps the blob small).
    const big = Array.from({ length: 400 }, (_, i) => `Copy ${i}. ${licenseText(['GPL-3', 'GPL-2', 'Apache-2.0'][i % 3])}`).join('\n\n');
    await upload(w, 'loop', gzipSync(big), { fileName: 'loop.txt.gz' });
    const children: ChildProcess[] = [];
    const startWorker = () => {
      const child = spawn(process.execPath, [WORKER], {
        env: { ...process.env, DATA_DIR: w.dir, WORKER_THREADS: '1', DATASET_CLAIM_LEASE_SECONDS: '2' },
        stdio: ['ignore', 'ignore', 'ignore'],
      });
      children.push(child);
      return child;
    };
    try {
      for (let crash = 1; crash <= 3; crash++) {
        const child = startWorker();
        const exited = new Promise((resolve) => child.once('exit', resolve));
        // Killed as soon as its attempt is on record (the analysis has begun; nothing is decided yet).
        await until(`attempt ${crash}`, async () =>
          (await types(w, datasetProgressStream('loop'))).filter((t) => t === DATASET_ANALYSIS_STARTED).length >= crash ? true : undefined,
        );
        child.kill('SIGKILL');
        await exited;
        expect(await types(w, streamNames.dataset('loop'))).toEqual(['DatasetUploaded']);
      }
      startWorker();
      const decision = await until('the decision', async () => {
        const stream = await w.events.readStream(streamNames.dataset('loop'));
        return stream.find((e) => e.type === 'DatasetRejected' || e.type === 'DatasetAccepted');
      });
      expect(decision.type).toBe('DatasetRejected');
      expect(decision.data).toMatchObject({ reason: 'processing_failed' });
      // The fourth process did not start a fourth analysis.
      expect((await types(w, datasetProgressStream('loop'))).filter((t) => t === DATASET_ANALYSIS_STARTED)).toHaveLength(3);
    } finally {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      await w.close();
    }
  });
});
