import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { LocalBlobStore } from '@1tt/blob-store';
import {
  DatasetProcessor,
  createFormatSource,
  type AnalysisBudget,
  type DocumentSourceFactory,
  type SourceRecord,
} from '@1tt/dataset-processing';
import { createEventStore, type EventStore } from '@1tt/event-store';
import { streamNames } from '@1tt/ledger';
import { blankLineTextSource } from './dataset-text-source';
import { shuffledLicense } from '../support/license-texts';
import { upload as uploadDataset } from '../support/dataset-uploads';

/**
 * Issue #20, M5: one contributor's slow dataset must not hold everyone up.
 * Decisions stay in upload order (dedup needs it), but the work one dataset
 * may impose is bounded (a budget of records, decompressed bytes and
 * analysis time: past it the dataset is rejected `processing_budget_exceeded`
 * naming the limit), and while one contributor's dataset is analysed, other
 * contributors' later uploads are analysed too (one analysis per owner).
 */
jest.setTimeout(120_000);

interface World {
  dir: string;
  events: EventStore;
  blobs: LocalBlobStore;
  processor?: DatasetProcessor;
}

const worlds: World[] = [];
async function world(): Promise<World> {
  const dir = mkdtempSync(path.join(os.tmpdir(), '1tt-budget-'));
  const w = {
    dir,
    events: await createEventStore(`sqlite:${path.join(dir, 'events.db')}`),
    blobs: await LocalBlobStore.open({ dir: path.join(dir, 'blobs') }),
  };
  worlds.push(w);
  return w;
}
afterAll(async () => {
  for (const w of worlds) {
    await w.processor?.stop();
    await w.events.close();
    await w.blobs.close();
    rmSync(w.dir, { recursive: true, force: true });
  }
});

function start(
  w: World,
  openSource: DocumentSourceFactory,
  options: { budget?: AnalysisBudget; analysisConcurrency?: number } = {},
): DatasetProcessor {
  w.processor = new DatasetProcessor({ events: w.events, blobs: w.blobs, openSource, workerThreads: 1, retryDelayMs: 50, ...options });
  w.processor.start();
  return w.processor;
}

/** A contribution of `contributorId`, through the shared test upload. */
async function upload(w: World, datasetId: string, contributorId: string, bytes: Buffer | string, fileName = `${datasetId}.txt`) {
  await uploadDataset(w, datasetId, bytes, { owner: { contributorId }, fileName });
}

async function decided(w: World, datasetId: string): Promise<{ type: string; position: number; data: Record<string, unknown> }> {
  const end = Date.now() + 100_000;
  for (;;) {
    const e = (await w.events.readStream(streamNames.dataset(datasetId))).find(
      (x) => x.type === 'DatasetAccepted' || x.type === 'DatasetRejected',
    );
    if (e) return { type: e.type, position: e.position, data: e.data as Record<string, unknown> };
    if (Date.now() > end) throw new Error(`${datasetId} was not decided`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A distinct document of real prose per seed. */
const doc = (i: number) => shuffledLicense('Apache-2.0', i + 1);

describe('M5: a cost budget per dataset', () => {
  it('a file with more records than DATASET_MAX_DOCUMENTS is rejected processing_budget_exceeded, naming the limit; the next upload is decided', async () => {
    const w = await world();
    start(w, blankLineTextSource, { budget: { maxDocuments: 5 } });
    await upload(w, 'many', 'mallory', Array.from({ length: 12 }, (_, i) => doc(i)).join('\n\n'));
    await upload(w, 'few', 'alice', [doc(100), doc(101)].join('\n\n'));
    const many = await decided(w, 'many');
    expect(many.type).toBe('DatasetRejected');
    expect(many.data).toMatchObject({ reason: 'processing_budget_exceeded' });
    expect(String(many.data.detail)).toMatch(/more than 5 records.*DATASET_MAX_DOCUMENTS/);
    expect(await decided(w, 'few')).toMatchObject({ type: 'DatasetAccepted' });
  });

  it('a gzip that decompresses past DATASET_MAX_DECOMPRESSED_BYTES is rejected, naming the limit (under the bomb ratio)', async () => {
    const w = await world();
    start(w, createFormatSource(), { budget: { maxDecompressedBytes: 200_000 } });
    // ≈ 400 KB of text at a low ratio: no bomb, just more than this budget allows.
    const text = Array.from({ length: 40 }, (_, i) => doc(i)).join('\n\n');
    await upload(w, 'big', 'mallory', gzipSync(text), 'big.txt.gz');
    const big = await decided(w, 'big');
    expect(big.data).toMatchObject({ reason: 'processing_budget_exceeded' });
    expect(String(big.data.detail)).toMatch(/more than 200000 bytes.*DATASET_MAX_DECOMPRESSED_BYTES/);
  });

  it('an analysis slower than DATASET_MAX_ANALYSIS_SECONDS is rejected, naming the limit', async () => {
    const w = await world();
    // A source that hands out one record every 50 ms, as a slow decompression would.
    const slow: DocumentSourceFactory = async () => ({
      progress: { compressedBytesRead: 0 },
      records: (async function* (): AsyncGenerator<SourceRecord> {
        for (let i = 0; i < 10_000; i++) {
          await new Promise((r) => setTimeout(r, 50));
          yield { text: doc(i) };
        }
      })(),
    });
    start(w, slow, { budget: { maxAnalysisMs: 1000 } });
    await upload(w, 'slow', 'mallory', 'x');
    const r = await decided(w, 'slow');
    expect(r.data).toMatchObject({ reason: 'processing_budget_exceeded' });
    expect(String(r.data.detail)).toMatch(/longer than 1 s.*DATASET_MAX_ANALYSIS_SECONDS/);
  });
});

describe('M5: fairness between contributors', () => {
  it("another contributor's later upload is analysed while a large dataset is, one analysis per contributor; decisions stay in upload order", async () => {
    const w = await world();
    const seen: string[] = [];
    let releaseBig!: () => void;
    const bigMayFinish = new Promise<void>((resolve) => (releaseBig = resolve));
    // The "large" dataset holds its last record back until bob's upload has been read (or 15 s pass: the old
    // processor analysed one dataset at a time, so bob's file was opened only after it).
    const source: DocumentSourceFactory = async (upload, blobs) => {
      const id = upload.datasetId;
      seen.push(`open ${id}`);
      const inner = await blankLineTextSource(upload, blobs);
      return {
        progress: inner.progress,
        records: (async function* (): AsyncGenerator<SourceRecord> {
          for await (const r of inner.records) yield r;
          if (id === 'alice-big') await Promise.race([bigMayFinish, new Promise((r) => setTimeout(r, 15_000).unref())]);
          seen.push(`read ${id}`);
          if (id === 'bob-small') releaseBig();
        })(),
      };
    };
    start(w, source, { analysisConcurrency: 2 });
    await upload(w, 'alice-big', 'alice', [doc(1), doc(2), doc(3)].join('\n\n'));
    await upload(w, 'alice-second', 'alice', [doc(4)].join('\n\n'));
    await upload(w, 'bob-small', 'bob', [doc(5)].join('\n\n'));
    const big = await decided(w, 'alice-big');
    const second = await decided(w, 'alice-second');
    const small = await decided(w, 'bob-small');
    // Bob's upload was read while alice's large one was still being analysed...
    expect(seen.indexOf('read bob-small')).toBeGreaterThanOrEqual(0);
    expect(seen.indexOf('read bob-small')).toBeLessThan(seen.indexOf('read alice-big'));
    // ...but alice's second upload waited for her first (one analysis per contributor).
    expect(seen.indexOf('open alice-second')).toBeGreaterThan(seen.indexOf('read alice-big'));
    // Decisions in upload order, all accepted.
    expect([big.type, second.type, small.type]).toEqual(['DatasetAccepted', 'DatasetAccepted', 'DatasetAccepted']);
    expect(big.position).toBeLessThan(second.position);
    expect(second.position).toBeLessThan(small.position);
  });
});
