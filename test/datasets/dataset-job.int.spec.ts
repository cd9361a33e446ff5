import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalBlobStore } from '@1tt/blob-store';
import {
  DocumentWorkerPool,
  createFormatSource,
  ManifestRootAccumulator,
  isReportHeader,
  readReport,
  runDatasetJob,
  type DatasetUploadedData,
  type ReportLine,
} from '@1tt/dataset-processing';
import {
  ENGLISH_PROSE_PIPELINE_V1,
  InMemoryDedupIndex,
  decideDataset,
  manifestRoot,
  processDocument,
  resolvePipeline,
  type DocumentResult,
} from '@1tt/preprocessing';
import { createTokenizer } from '@1tt/tokenizer';
import { blankLineTextSource } from './dataset-text-source';
import { licenseFile, licenseText } from '../support/license-texts';
import { stageUpload } from '../support/dataset-uploads';

// Worker threads and whole datasets: on a loaded 2-core machine a test can take longer than the default 30 s.
jest.setTimeout(120_000);

const pipeline = resolvePipeline(ENGLISH_PROSE_PIPELINE_V1);
const tokenizer = createTokenizer('o200k_base');
const file = (...names: string[]) => names.map(licenseText).join('\n\n');
const paragraphs = (text: string) => text.split(/\n\s*\n/).filter((p) => p.trim() !== '');

describe('ManifestRootAccumulator', () => {
  it('gives the root of manifestRoot for every size from 0 to 70 leaves', () => {
    for (let n = 0; n <= 70; n++) {
      const leaves = Array.from({ length: n }, (_, i) => ({ index: i * 3, exactHash: String(i).padStart(64, '0'), tokens: i + 1 }));
      const acc = new ManifestRootAccumulator();
      leaves.forEach((l) => acc.add(l));
      expect(acc.root()).toBe(manifestRoot(leaves));
    }
  });
});

describe('decideDataset in chunks (firstIndex)', () => {
  it('decides a dataset fed in chunks exactly as in one call', () => {
    const texts = ['GPL-3', 'GFDL-1.2', 'GPL-2', 'GFDL-1.3', 'GPL-3', 'LGPL-2', 'LGPL-2.1', 'MPL-2.0', 'BSD', 'GPL'].map(licenseText);
    const results = texts.map((t) => processDocument(t, pipeline, tokenizer));
    const ref = { datasetId: 'd1', owner: { kind: 'contribution' as const, contributorId: 'alice' } };
    const whole = decideDataset(ref, results, new InMemoryDedupIndex(pipeline.dedup.near), pipeline);
    const index = new InMemoryDedupIndex(pipeline.dedup.near);
    const chunked = [];
    for (let i = 0; i < results.length; i += 3)
      chunked.push(...decideDataset(ref, results.slice(i, i + 3), index, pipeline, { firstIndex: i }).outcomes);
    expect(chunked).toEqual(whole.outcomes);
    expect(whole.summary.removed).toEqual({ exact_duplicate: 2, 'gopher_quality:max_non_alpha_words_ratio': 1, near_duplicate: 2 });
  });
});

describe('runDatasetJob on the worker pool', () => {
  let dir: string;
  let blobs: LocalBlobStore;
  let pool: DocumentWorkerPool;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), '1tt-job-'));
    blobs = await LocalBlobStore.open({ dir: path.join(dir, 'blobs') });
    pool = DocumentWorkerPool.start({ pipeline, size: 2 });
  });
  afterAll(async () => {
    await pool.close();
    await blobs.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const upload = (datasetId: string, text: string, contributorId = 'alice') =>
    stageUpload(blobs, datasetId, text, { owner: { contributorId } });

  /** The reference: the same documents, processed on this thread, decided in one call. */
  function reference(datasetId: string, text: string, index: InMemoryDedupIndex, contributorId = 'alice') {
    const docs = paragraphs(text);
    const results: DocumentResult[] = docs.map((t) => processDocument(t, pipeline, tokenizer));
    return decideDataset({ datasetId, owner: { kind: 'contribution', contributorId } }, results, index, pipeline);
  }

  it('judges a dataset on worker threads exactly as processDocument + decideDataset do on one thread, batch size aside', async () => {
    const text = file('GPL-3', 'LGPL-3', 'Apache-2.0', 'GPL-3', 'GFDL-1.2', 'GFDL-1.3', 'MPL-2.0', 'BSD', 'CC0-1.0', 'GPL');
    const expected = reference('d1', text, new InMemoryDedupIndex(pipeline.dedup.near));
    for (const batchDocuments of [1, 5, 128]) {
      const index = new InMemoryDedupIndex(pipeline.dedup.near);
      const progress: number[] = [];
      const result = await runDatasetJob(await upload('d1', text), {
        blobs,
        pool,
        openSource: blankLineTextSource,
        pipeline,
        index,
        batchDocuments,
        onProgress: (p) => progress.push(p.documentsDone),
      });
      if (result.kind !== 'judged') throw new Error('expected a judgement');
      const { reportBlobRef, ...summary } = result.summary;
      const {
        duplicatesOfEarlier,
        duplicatesWithinDataset,
        documentsIn,
        documentsKept,
        removed,
        tokens,
        manifestRoot: root,
      } = expected.summary;
      expect(summary).toEqual({
        documentsIn,
        documentsKept,
        removed,
        duplicatesOfEarlier,
        duplicatesWithinDataset,
        tokens,
        manifestRoot: root,
      });
      expect(summary.removed).toEqual({ exact_duplicate: 2, 'gopher_quality:max_non_alpha_words_ratio': 1, near_duplicate: 1 });
      expect(summary.documentsKept).toBe(6);
      expect(progress[progress.length - 1]).toBe(documentsIn);

      const lines: ReportLine[] = [];
      for await (const l of readReport(blobs, reportBlobRef)) if (!isReportHeader(l)) lines.push(l);
      expect(lines.map((l) => l.index)).toEqual(expected.outcomes.map((o) => o.index));
      expect(lines.map((l) => (l.kept ? 'kept' : l.reason))).toEqual(expected.outcomes.map((o) => (o.kept ? 'kept' : o.reason)));
      expect(index.size).toBe(documentsKept);
    }
  });

  it('finds copies from an earlier dataset of another contributor in the index, and keeps what is new', async () => {
    const index = new InMemoryDedupIndex(pipeline.dedup.near);
    const refIndex = new InMemoryDedupIndex(pipeline.dedup.near);
    const first = file('GPL-2', 'LGPL-2');
    const second = file('Artistic', 'GPL-2', 'LGPL-2.1', 'BSD');
    for (const [id, text, who] of [
      ['a', first, 'alice'],
      ['b', second, 'bob'],
    ] as const) {
      const expected = reference(id, text, refIndex, who);
      const r = await runDatasetJob(await upload(id, text, who), { blobs, pool, openSource: blankLineTextSource, pipeline, index });
      if (r.kind !== 'judged') throw new Error('expected a judgement');
      expect(r.summary.manifestRoot).toBe(expected.summary.manifestRoot);
      expect(r.summary.duplicatesOfEarlier).toBe(expected.summary.duplicatesOfEarlier);
      if (id === 'b') {
        expect(r.summary.removed).toEqual({ exact_duplicate: 1, near_duplicate: 1 });
        expect(r.summary.duplicatesOfEarlier).toBe(2);
        expect(r.summary.documentsKept).toBe(2);
      }
    }
  });

  it('reads with @1tt/dataset-formats: skipped records keep their index in the report, with line and byte offset', async () => {
    const lines = [
      JSON.stringify({ text: licenseText('GPL-3') }),
      '{not json',
      JSON.stringify({ body: 'no text field' }),
      JSON.stringify({ text: licenseText('BSD') }),
      JSON.stringify({ text: '   ' }),
    ];
    const put = await blobs.putBuffer(lines.join('\n') + '\n');
    const up: DatasetUploadedData = {
      ...(await upload('j', '')),
      fileName: 'j.jsonl',
      format: 'jsonl',
      sizeBytes: put.sizeBytes,
      sha256: put.sha256,
      blobRef: put.ref,
    };
    const r = await runDatasetJob(up, {
      blobs,
      pool,
      openSource: createFormatSource(),
      pipeline,
      index: new InMemoryDedupIndex(pipeline.dedup.near),
    });
    if (r.kind !== 'judged') throw new Error(`expected a judged dataset, got ${JSON.stringify(r)}`);
    expect(r.summary).toMatchObject({ documentsIn: 5, documentsKept: 2 });
    const offset = (i: number) => lines.slice(0, i).reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
    const report: ReportLine[] = [];
    for await (const l of readReport(blobs, r.summary.reportBlobRef)) if (!isReportHeader(l)) report.push(l);
    expect(report.map((l) => [l.index, l.kept, l.reason, l.detail])).toEqual([
      [0, true, undefined, undefined],
      [1, false, 'invalid_json', `at line 2, byte offset ${offset(1)}`],
      [2, false, 'missing_text_field', `at line 3, byte offset ${offset(2)}`],
      [3, true, undefined, undefined],
      [4, false, 'empty_document', `at line 5, byte offset ${offset(4)}`],
    ]);
  });

  it('turns a DatasetFormatError of the reader into an unreadable result with its reason and offset', async () => {
    const put = await blobs.putBuffer(Buffer.concat([Buffer.from('some text\n'), Buffer.alloc(64, 0)]));
    const up: DatasetUploadedData = { ...(await upload('z', '')), sizeBytes: put.sizeBytes, sha256: put.sha256, blobRef: put.ref };
    const r = await runDatasetJob(up, {
      blobs,
      pool,
      openSource: createFormatSource(),
      pipeline,
      index: new InMemoryDedupIndex(pipeline.dedup.near),
    });
    expect(r).toMatchObject({ kind: 'unreadable', rejection: { reason: 'binary_content', byteOffset: expect.any(Number) } });
  });

  it('refuses a source whose records arrive out of place rather than misnaming them in the report', async () => {
    const shuffled = async () => ({
      progress: { compressedBytesRead: 0 },
      records: (async function* () {
        yield { index: 0, text: licenseText('GPL-3') };
        yield { index: 2, text: licenseText('BSD') };
      })(),
    });
    await expect(
      runDatasetJob(await upload('o', licenseFile('GPL-3')), {
        blobs,
        pool,
        openSource: shuffled,
        pipeline,
        index: new InMemoryDedupIndex(pipeline.dedup.near),
      }),
    ).rejects.toThrow(/record 2 .* position 1/);
  });

  it('turns a reader refusal (with its line and offset) into an unreadable result', async () => {
    const index = new InMemoryDedupIndex(pipeline.dedup.near);
    const failing = async () => ({
      progress: { compressedBytesRead: 0 },
      records: (async function* () {
        yield { text: licenseText('GPL-3') };
        throw Object.assign(new Error('bad bytes'), { kind: 'validation', reason: 'invalid_utf8', line: 7, byteOffset: 300 });
      })(),
    });
    const r = await runDatasetJob(await upload('c', licenseFile('GPL-3')), { blobs, pool, openSource: failing, pipeline, index });
    expect(r).toEqual({
      kind: 'unreadable',
      rejection: { reason: 'invalid_utf8', message: 'bad bytes', line: 7, byteOffset: 300, row: undefined },
    });
  });
});
