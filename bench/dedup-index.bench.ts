/**
 * The pool-wide dedup index alone: N documents added (300k, about what a
 * 1 GiB upload of ~3 KB documents keeps; 20k with BENCH_QUICK=1), then
 * findNear and findExact queries. Prints bytes per document (the index's own
 * memoryBytes, and the process's RSS and heap + ArrayBuffer growth) and
 * operations per second.
 *
 * Signatures: the default shape (120 = 20 bands × 6 rows) from a seeded
 * PRNG, so generating them costs next to nothing next to MinHash; every 10th
 * document is a near copy of an earlier one (24 of 120 positions changed,
 * Jaccard about 0.8) so that buckets hold real candidates. Exact hashes are
 * random 64-hex strings.
 */
import { DEFAULT_NEAR_DEDUP, type DedupOwner, InMemoryDedupIndex } from '@1tt/preprocessing';
import { quick, report, timed } from './bench-report';
import { seededRandom } from './seeded-random';

const N = Number(process.env.BENCH_DEDUP_DOCS ?? (quick ? 20_000 : 300_000));
const QUERIES = quick ? 5_000 : 50_000;
const near = DEFAULT_NEAR_DEDUP;

/** Seeded 32-bit unsigned integers. */
function rng(seed: number): () => number {
  const random = seededRandom(seed);
  return () => Math.floor(random() * 2 ** 32);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Document i's signature and hash, the same every time it is asked for. */
function documentOf(i: number, sig: Uint32Array): string {
  const r = rng(i * 2654435761 + 7);
  if (i % 10 === 9) {
    documentOf(Math.floor(i / 3), sig);
    for (let k = 0; k < 24; k++) sig[r() % near.numPerm] = r();
  } else {
    for (let k = 0; k < near.numPerm; k++) sig[k] = r();
  }
  let h = '';
  for (let k = 0; k < 8; k++) {
    const v = r();
    h += HEX[v & 255] + HEX[(v >>> 8) & 255] + HEX[(v >>> 16) & 255] + HEX[v >>> 24];
  }
  return h;
}

function memory(): { rss: number; heap: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed + m.arrayBuffers };
}

async function main(): Promise<void> {
  const owners: DedupOwner[] = Array.from({ length: 50 }, (_, i) => ({ kind: 'contribution', contributorId: `contributor-${i}` }));
  const sig = new Uint32Array(near.numPerm);
  const before = memory();
  const index = new InMemoryDedupIndex(near);
  const addSecs = await timed(() => {
    for (let i = 0; i < N; i++) {
      const exactHash = documentOf(i, sig);
      // Datasets of 1,000 documents each, 50 contributors.
      const d = Math.floor(i / 1000);
      index.add({ datasetId: `dataset-${d}`, documentIndex: i % 1000, owner: owners[d % owners.length], exactHash, signature: sig });
    }
  });
  const after = memory();
  report(`dedup index: ${N.toLocaleString('en-US')} documents, memoryBytes per document`, index.memoryBytes() / N, 'B');
  report(`  RSS growth per document`, (after.rss - before.rss) / N, 'B');
  report(`  heap + ArrayBuffer growth per document`, (after.heap - before.heap) / N, 'B');
  report(`  index total (memoryBytes)`, index.memoryBytes() / 2 ** 20, 'MiB');
  report(`  add`, N / addSecs, 'docs/s');

  let found = 0;
  const r = rng(99);
  const nearSecs = await timed(() => {
    for (let q = 0; q < QUERIES; q++) {
      const i = r() % N;
      documentOf(i, sig);
      // Half the queries are near copies of stored documents, half are new documents.
      if (q % 2 === 0) for (let k = 0; k < 12; k++) sig[r() % near.numPerm] = r();
      else for (let k = 0; k < near.numPerm; k++) sig[k] = r();
      if (index.findNear(sig, near.threshold)) found += 1;
    }
  });
  report(`  findNear (half near copies: ${found.toLocaleString('en-US')} found)`, QUERIES / nearSecs, 'queries/s');

  let hits = 0;
  const exactSecs = await timed(() => {
    for (let q = 0; q < QUERIES; q++) if (index.findExact(documentOf(r() % (2 * N), sig))) hits += 1;
  });
  report(`  findExact (half present: ${hits.toLocaleString('en-US')} found)`, QUERIES / exactSecs, 'queries/s');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
