/**
 * Upload to decision, end to end, with all cores: a generated .jsonl upload
 * streamed into the blob store (hashing while writing), then the job runner
 * (format reader → worker_threads pool running processDocument in batches →
 * duplicate decision in order → report blob → events on the embedded SQLite
 * store). Prints MB/s of each stage and the peak resident memory of the
 * whole process (worker threads included) while processing it.
 *
 * Size: BENCH_UPLOAD_MIB (default 1024 = the 1 GiB of the issue; 16 with
 * BENCH_QUICK=1). At ~10 MB/s on 2 cores, 1 GiB takes about 2 minutes.
 * The documents are the Debian license texts, each line's words shuffled
 * with a per-document seed: every document is distinct prose that passes
 * the filters, so the dedup index grows with the upload (as it would).
 *
 * The memory aim excludes the dedup index (it grows with the pool, not with
 * one upload), so the index's size is printed too: rebuilt after the run
 * from the accepted dataset's report exactly as DedupPool does at start-up
 * (same entries in the same order, hence the same arrays and memoryBytes as
 * the live one), and subtracted from the peak. RSS is also sampled during
 * the run, and the main thread's heap / ArrayBuffers / external memory at the
 * highest sample are printed, to tell where the rest goes (worker threads'
 * heaps are in RSS but not in the main thread's figures).
 */
import { streamNames } from '@1tt/ledger';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import * as path from 'node:path';
import { LocalBlobStore } from '@1tt/blob-store';
import { DatasetProcessor, createFormatSource, isReportHeader, readReport, signatureOf } from '@1tt/dataset-processing';
import { InMemoryDedupIndex } from '@1tt/preprocessing';
import { createEventStore } from '@1tt/event-store';
import { peakRssMiB, quick, report, timed } from './bench-report';

const MiB = 1024 * 1024;
const targetBytes = Number(process.env.BENCH_UPLOAD_MIB ?? (quick ? 16 : 1024)) * MiB;

function licenses(): string[] {
  return readdirSync('/usr/share/common-licenses')
    .flatMap((f) => {
      try {
        return [
          readFileSync(`/usr/share/common-licenses/${f}`, 'utf8')
            .replace(/\n\s*\n/g, '\n')
            .trim(),
        ];
      } catch {
        return [];
      }
    })
    .filter((t) => !/^\s*$/.test(t));
}

/** Generated lazily, chunk by chunk: the upload never exists in memory as a whole. */
async function* generatedJsonl(bytes: number): AsyncGenerator<Buffer> {
  const sources = licenses().map((t) => t.split('\n').map((l) => l.split(' ')));
  let written = 0;
  let seed = 1;
  let chunk: string[] = [];
  let chunkBytes = 0;
  while (written < bytes) {
    const lines = sources[seed % sources.length];
    let x = seed++ >>> 0;
    const text = lines
      .map((words) => {
        const w = words.slice();
        for (let i = w.length - 2; i > 0; i--) {
          x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
          const j = x % (i + 1);
          [w[i], w[j]] = [w[j], w[i]];
        }
        return w.join(' ');
      })
      .join('\n');
    const line = JSON.stringify({ text }) + '\n';
    chunk.push(line);
    chunkBytes += Buffer.byteLength(line);
    if (chunkBytes >= MiB) {
      written += chunkBytes;
      yield Buffer.from(chunk.join(''));
      chunk = [];
      chunkBytes = 0;
    }
  }
  if (chunk.length) yield Buffer.from(chunk.join(''));
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), '1tt-upload-bench-'));
  const events = await createEventStore(`sqlite:${path.join(dir, 'events.db')}`);
  const blobs = await LocalBlobStore.open({ dir: path.join(dir, 'blobs') });
  const cores = availableParallelism();
  try {
    let put!: Awaited<ReturnType<LocalBlobStore['putStream']>>;
    const storeSecs = await timed(async () => {
      put = await blobs.putStream(generatedJsonl(targetBytes));
    });
    const mb = put.sizeBytes / 1e6;
    report(`upload: generate + stream into the blob store (SHA-256), ${Math.round(put.sizeBytes / MiB)} MiB`, mb / storeSecs, 'MB/s');
    const data = {
      datasetId: 'bench',
      kind: 'contribution',
      contributorId: 'bench',
      fileName: 'bench.jsonl',
      format: 'jsonl',
      compression: 'none',
      textField: 'text',
      sizeBytes: put.sizeBytes,
      sha256: put.sha256,
      blobRef: put.ref,
      uploadedAt: new Date().toISOString(),
    };
    await events.appendToStream(streamNames.dataset('bench'), [{ type: 'DatasetUploaded', data }], { expectedRevision: 'no-stream' });

    const processor = new DatasetProcessor({
      events,
      blobs,
      openSource: createFormatSource({ tmpDir: dir }),
      workerThreads: cores,
      tmpDir: dir,
    });
    const rssBefore = peakRssMiB();
    let atPeak = process.memoryUsage();
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      if (m.rss > atPeak.rss) atPeak = m;
    }, 200);
    const secs = await timed(async () => {
      processor.start();
      await processor.idleAfter(await events.headPosition());
    });
    await processor.stop();
    clearInterval(sampler);
    const peakWhileProcessing = peakRssMiB();
    const decided = (await events.readStream(streamNames.dataset('bench'))).map(
      (e) => e as unknown as { type: string; data: Record<string, unknown> },
    );
    const pre = decided.find((e) => e.type === 'DatasetPreprocessed')?.data;
    report(`pipeline end to end, ${cores} cores (reader, workers, decision, report, events)`, mb / secs, 'MB/s');
    report(`  per core`, mb / secs / cores, 'MB/s');
    report(`  documents in / kept`, Number(pre?.documentsIn ?? 0), `/ ${String(pre?.documentsKept ?? 0)}`);
    report(`peak RSS of the process before processing`, rssBefore, 'MiB');
    report(`peak RSS while processing ${Math.round(put.sizeBytes / MiB)} MiB (dedup index included)`, peakWhileProcessing, 'MiB');
    const reportRef = pre?.reportBlobRef;
    if (typeof reportRef === 'string') {
      const index = new InMemoryDedupIndex(processor.pipeline.dedup.near);
      const owner = { kind: 'contribution' as const, contributorId: 'bench' };
      for await (const line of readReport(blobs, reportRef)) {
        if (isReportHeader(line) || !line.kept) continue;
        index.add({ datasetId: 'bench', documentIndex: line.index, owner, exactHash: line.exactHash!, signature: signatureOf(line) });
      }
      const indexMiB = index.memoryBytes() / MiB;
      report(`  dedup index (memoryBytes, ${index.size.toLocaleString('en-US')} entries)`, indexMiB, 'MiB');
      report(`peak RSS minus dedup index`, peakWhileProcessing - indexMiB, 'MiB');
    }
    report(`  at the highest RSS sample: RSS`, atPeak.rss / MiB, 'MiB');
    report(`    main thread heap used / total`, atPeak.heapUsed / MiB, `/ ${(atPeak.heapTotal / MiB).toFixed(0)} MiB`);
    report(`    ArrayBuffers / external`, atPeak.arrayBuffers / MiB, `/ ${(atPeak.external / MiB).toFixed(0)} MiB`);
  } finally {
    await events.close();
    await blobs.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
