/**
 * End-to-end preprocessing MB/s: processDocument (blocks, hashes, MinHash,
 * tokens) for every document, then decideDataset in upload order. Two real
 * corpora: prose that mostly passes every filter (Debian's license texts,
 * each copy lightly edited so dedup has exact and near work), and man pages
 * (roff source: most are removed early, so this one flatters the figure).
 * One thread, then all cores with worker_threads running processDocument and
 * the main thread deciding in order (timed from warm workers, and with start-up).
 */
import { availableParallelism } from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import {
  DEFAULT_BLOCK_REGISTRY,
  ENGLISH_PROSE_PIPELINE_V1,
  MULTILINGUAL_PIPELINE,
  lidSample,
  loadLid176,
  type DocumentResult,
  InMemoryDedupIndex,
  type PipelineDocument,
  decideDataset,
  exactHashOf,
  isRemoved,
  minhashSignature,
  processDocument,
  resolvePipeline,
} from '@1tt/preprocessing';
import { createTokenizer } from '@1tt/tokenizer';
import { quick, report, timed } from './bench-report';

function licenseProse(targetChars: number): string[] {
  const licenses = readdirSync('/usr/share/common-licenses').flatMap((f) => {
    try {
      return [readFileSync(`/usr/share/common-licenses/${f}`, 'utf8')];
    } catch {
      return [];
    }
  });
  const docs: string[] = [];
  let size = 0;
  for (let copy = 0; size < targetChars; copy++) {
    for (const l of licenses) {
      // Copy 0 verbatim; later copies: every 3rd an exact copy, the others with
      // a few words changed (near duplicates), so both dedup paths work.
      const t =
        copy === 0 || copy % 3 === 0
          ? l
          : l.replace(/\bthe\b/g, (m, off: number) => (off % 97 === copy % 97 ? `the${copy}` : m)).replace('software', `software${copy}`);
      docs.push(t);
      size += t.length;
    }
  }
  return docs;
}

function manPages(targetChars: number): string[] {
  const docs: string[] = [];
  let size = 0;
  for (const f of readdirSync('/usr/share/man/man1').sort()) {
    if (size >= targetChars) break;
    if (!f.endsWith('.gz')) continue;
    try {
      const t = gunzipSync(readFileSync(`/usr/share/man/man1/${f}`)).toString('utf8');
      docs.push(t);
      size += t.length;
    } catch {
      /* unreadable page: skip */
    }
  }
  return docs;
}

const pipeline = resolvePipeline(ENGLISH_PROSE_PIPELINE_V1);
const owner = { kind: 'contribution' as const, contributorId: 'bench' };

function processAll(docs: string[], tokenizer = createTokenizer(pipeline.tokenizer.encoding)): DocumentResult[] {
  return docs.map((d) => processDocument(d, pipeline, tokenizer));
}

/**
 * Where processDocument's time goes: the same work step by step (each block,
 * then the exact hash, MinHash and tokens of kept documents), timed per step
 * and printed as MB/s of the corpus that step alone would allow.
 */
function stageBreakdown(label: string, docs: string[], mb: number, tokenizer: ReturnType<typeof createTokenizer>): void {
  const seconds = new Map<string, number>();
  const time = <T>(stage: string, fn: () => T): T => {
    const t0 = process.hrtime.bigint();
    const out = fn();
    seconds.set(stage, (seconds.get(stage) ?? 0) + Number(process.hrtime.bigint() - t0) / 1e9);
    return out;
  };
  for (const text of docs) {
    let doc: PipelineDocument = { text };
    let kept = true;
    for (let i = 0; i < pipeline.blocks.length && kept; i++) {
      const step = pipeline.blocks[i];
      const out = time(step.block, () => DEFAULT_BLOCK_REGISTRY.get(step.block).apply(doc, step.options, { blockIndex: i }));
      if (isRemoved(out)) kept = false;
      else doc = out;
    }
    if (!kept) continue;
    time('exact hash', () => exactHashOf(doc.text));
    if (pipeline.dedup.near) {
      const near = pipeline.dedup.near;
      time('minhash', () => minhashSignature(doc.text, near));
    }
    time('tokens', () => tokenizer.count(doc.text));
  }
  const total = [...seconds.values()].reduce((a, b) => a + b, 0);
  for (const [stage, s] of seconds) report(`${label}: stage ${stage} (${((100 * s) / total).toFixed(0)}% of the time)`, mb / s, 'MB/s');
}

async function runCorpus(label: string, docs: string[]): Promise<void> {
  const mb = Buffer.byteLength(docs.join(''), 'utf8') / 1e6;
  report(`${label}: size`, mb, 'MB');
  const tokenizer = createTokenizer(pipeline.tokenizer.encoding);
  let results: DocumentResult[] = [];
  const processSecs = await timed(() => {
    results = processAll(docs, tokenizer);
  });
  let summary: ReturnType<typeof decideDataset>['summary'] | undefined;
  const decideSecs = await timed(() => {
    summary = decideDataset({ datasetId: 'bench', owner }, results, new InMemoryDedupIndex(pipeline.dedup.near), pipeline).summary;
  });
  report(`${label}: documents in / kept`, docs.length, `/ ${summary!.documentsKept}`);
  report(`${label}: tokens kept`, summary!.tokens, 'tokens');
  report(`${label}: processDocument, 1 core`, mb / processSecs, 'MB/s');
  report(`${label}: decideDataset (sequential)`, mb / decideSecs, 'MB/s');
  report(`${label}: end to end, 1 core`, mb / (processSecs + decideSecs), 'MB/s');
  process.stdout.write(`${label}: removed per reason ${JSON.stringify(summary!.removed)}\n`);
  stageBreakdown(label, docs, mb, tokenizer);

  const cores = availableParallelism();
  let warmSecs = 0;
  const totalSecs = await timed(async () => {
    const workers = await Promise.all(
      Array.from(
        { length: cores },
        () =>
          new Promise<Worker>((resolve, reject) => {
            const w = new Worker(__filename);
            w.once('message', () => resolve(w)); // 'ready': ranks loaded
            w.once('error', reject);
          }),
      ),
    );
    const parts: string[][] = Array.from({ length: cores }, () => []);
    docs.forEach((d, i) => parts[i % cores].push(d));
    warmSecs = await timed(async () => {
      const outs = await Promise.all(
        workers.map(
          (w, k) =>
            new Promise<DocumentResult[]>((resolve) => {
              w.once('message', resolve);
              w.postMessage(parts[k]);
            }),
        ),
      );
      const ordered = docs.map((_, i) => outs[i % cores][Math.floor(i / cores)]);
      decideDataset({ datasetId: 'bench', owner }, ordered, new InMemoryDedupIndex(pipeline.dedup.near), pipeline);
    });
    await Promise.all(workers.map((w) => w.terminate()));
  });
  report(`${label}: end to end, ${cores} cores (worker_threads, warm)`, mb / warmSecs, 'MB/s');
  report(`${label}: end to end, ${cores} cores (incl. worker start-up)`, mb / totalSecs, 'MB/s');
}

async function main(): Promise<void> {
  createTokenizer(pipeline.tokenizer.encoding); // ranks loaded outside the timings
  const size = quick ? 1_000_000 : 12_000_000;
  await runCorpus('prose (licenses)', licenseProse(size));
  await runCorpus('man pages (roff)', manPages(size));
  await runMultilingual('prose (licenses), pipeline v2', licenseProse(size));
}

/**
 * Pipeline v2 (default-multilingual: classifier, lid.176 on a 1,000-character
 * sample, routed rules), one core, on the same prose; and lid.176 alone.
 */
async function runMultilingual(label: string, docs: string[]): Promise<void> {
  const v2 = resolvePipeline(MULTILINGUAL_PIPELINE);
  const lid = await loadLid176();
  const tokenizer = createTokenizer(v2.tokenizer.encoding);
  const mb = Buffer.byteLength(docs.join(''), 'utf8') / 1e6;
  let results: DocumentResult[] = [];
  const secs = await timed(() => {
    results = docs.map((d) => processDocument(d, v2, tokenizer, undefined, { name: 'upload.txt', languageIdentifier: lid }));
  });
  let summary: ReturnType<typeof decideDataset>['summary'] | undefined;
  const decideSecs = await timed(() => {
    summary = decideDataset({ datasetId: 'bench', owner }, results, new InMemoryDedupIndex(v2.dedup.near), v2).summary;
  });
  report(`${label}: documents in / kept`, docs.length, `/ ${summary!.documentsKept}`);
  report(`${label}: processDocument, 1 core`, mb / secs, 'MB/s');
  report(`${label}: end to end, 1 core`, mb / (secs + decideSecs), 'MB/s');
  const lidSecs = await timed(() => {
    for (const d of docs) lid.identify(lidSample(d, v2.languageId!.sample_chars));
  });
  report(`${label}: lid.176 alone (${v2.languageId!.sample_chars}-char sample)`, mb / lidSecs, 'MB/s');
}

if (isMainThread) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else {
  const tokenizer = createTokenizer(pipeline.tokenizer.encoding);
  parentPort!.postMessage('ready');
  parentPort!.on('message', (docs: string[]) => parentPort!.postMessage(processAll(docs, tokenizer)));
}
