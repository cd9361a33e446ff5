import fc from 'fast-check';
import {
  DEFAULT_NEAR_DEDUP,
  DedupIndex,
  type DedupEntry,
  type DedupOwner,
  InMemoryDedupIndex,
  type NearDedupConfig,
  type NearMatch,
  estimateJaccard,
  lshBandKeys,
  minhashSignature,
} from '@1tt/preprocessing';
import { sha256Hex } from '@1tt/canonical-json';
import { IllegalStateError } from '@1tt/domain-errors';

/**
 * The test oracle: the original Map-based index (exact string band keys, one
 * object per entry), kept here only to check the compact one against it.
 * One deliberate difference: it checks the signature's shape before storing
 * anything (the original stored half an entry before throwing).
 */
interface Stored {
  readonly seq: number;
  readonly entry: DedupEntry;
}
class MapDedupIndex extends DedupIndex {
  private seq = 0;
  private readonly exact = new Map<string, Stored[]>();
  private readonly buckets = new Map<string, Stored[]>();
  private readonly byDataset = new Map<string, Stored[]>();
  private count = 0;

  constructor(readonly near: NearDedupConfig | false) {
    super();
  }

  get size(): number {
    return this.count;
  }

  findExact(exactHash: string): DedupEntry | undefined {
    return this.exact.get(exactHash)?.[0]?.entry;
  }

  findNear(signature: Uint32Array, threshold: number): NearMatch | undefined {
    if (!this.near) return undefined;
    this.checkShape(signature);
    let best: { stored: Stored; jaccard: number } | undefined;
    const seen = new Set<number>();
    for (const key of lshBandKeys(signature, this.near.bands, this.near.rows)) {
      for (const stored of this.buckets.get(key) ?? []) {
        if (seen.has(stored.seq)) continue;
        seen.add(stored.seq);
        const jaccard = estimateJaccard(signature, stored.entry.signature!);
        if (jaccard < threshold) continue;
        if (!best || jaccard > best.jaccard || (jaccard === best.jaccard && stored.seq < best.stored.seq)) best = { stored, jaccard };
      }
    }
    return best && { entry: best.stored.entry, jaccard: best.jaccard };
  }

  add(entry: DedupEntry): void {
    if (this.near && entry.signature) this.checkShape(entry.signature);
    const stored: Stored = { seq: this.seq++, entry };
    push(this.exact, entry.exactHash, stored);
    push(this.byDataset, entry.datasetId, stored);
    if (this.near && entry.signature) {
      for (const key of lshBandKeys(entry.signature, this.near.bands, this.near.rows)) push(this.buckets, key, stored);
    }
    this.count += 1;
  }

  removeDataset(datasetId: string): number {
    const gone = this.byDataset.get(datasetId);
    if (!gone) return 0;
    this.byDataset.delete(datasetId);
    const seqs = new Set(gone.map((s) => s.seq));
    const prune = (map: Map<string, Stored[]>, key: string) => {
      const kept = (map.get(key) ?? []).filter((s) => !seqs.has(s.seq));
      if (kept.length === 0) map.delete(key);
      else map.set(key, kept);
    };
    for (const s of gone) {
      prune(this.exact, s.entry.exactHash);
      if (this.near && s.entry.signature)
        for (const key of lshBandKeys(s.entry.signature, this.near.bands, this.near.rows)) prune(this.buckets, key);
    }
    this.count -= gone.length;
    return gone.length;
  }

  private checkShape(signature: Uint32Array): void {
    if (this.near && signature.length !== this.near.numPerm) throw new IllegalStateError('dedup-signature-shape', 'shape', { hint: '' });
  }
}

function push(map: Map<string, Stored[]>, key: string, s: Stored): void {
  const list = map.get(key);
  if (list) list.push(s);
  else map.set(key, [s]);
}

/** Answers as plain data (signatures as arrays), so both implementations compare with toEqual. */
const plain = (e: DedupEntry | undefined) => e && { ...e, signature: e.signature ? Array.from(e.signature) : null };
const plainNear = (m: NearMatch | undefined) => m && { entry: plain(m.entry), jaccard: m.jaccard };

type Op =
  | { op: 'add'; datasetId: string; documentIndex: number; owner: number; hash: string; signature: number[] | null }
  | { op: 'remove'; datasetId: string }
  | { op: 'exact'; hash: string }
  | { op: 'near'; signature: number[]; threshold: number };

const OWNERS: DedupOwner[] = [
  { kind: 'contribution', contributorId: 'alice' },
  { kind: 'contribution', contributorId: 'bob' },
  { kind: 'reference', consumerId: 'alice' },
];
const HASHES = [...Array.from({ length: 6 }, (_, i) => sha256Hex(`doc ${i}`)), 'h1', 'ABC', sha256Hex('x').toUpperCase()];

/**
 * Signatures that really collide: a tiny alphabet (0-3) makes equal bands,
 * equal Jaccards (ties) and identical signatures common; "wide" ones start from
 * a few bases and overwrite some positions with 32-bit values, so that many
 * distinct band keys share the bucket table (hash-slot collisions) while near
 * matches of every degree remain.
 */
function signatureArb(numPerm: number): fc.Arbitrary<number[]> {
  const tiny = fc.array(fc.integer({ min: 0, max: 3 }), { minLength: numPerm, maxLength: numPerm });
  const bases = [0, 1, 2].map((b) => Array.from({ length: numPerm }, (_, i) => ((b + 1) * 0x9e3779b1 * (i + 1)) >>> 0));
  const wide = fc
    .tuple(fc.constantFrom(...bases), fc.array(fc.tuple(fc.nat(numPerm - 1), fc.nat({ max: 0xffffffff })), { maxLength: numPerm }))
    .map(([base, edits]) => {
      const s = base.slice();
      for (const [i, v] of edits) s[i] = v;
      return s;
    });
  return fc.oneof(tiny, wide);
}

function opsArb(near: NearDedupConfig | false): fc.Arbitrary<Op[]> {
  const sig = signatureArb(near ? near.numPerm : 4);
  const dataset = fc.constantFrom('d0', 'd1', 'd2', 'd3');
  const op: fc.Arbitrary<Op> = fc.oneof(
    {
      weight: 10,
      arbitrary: fc.record({
        op: fc.constant('add' as const),
        datasetId: dataset,
        documentIndex: fc.nat(50),
        owner: fc.nat(OWNERS.length - 1),
        hash: fc.constantFrom(...HASHES),
        signature: fc.option(sig, { freq: 8 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('remove' as const), datasetId: fc.constantFrom('d0', 'd1', 'd2', 'd3', 'nope') }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('exact' as const), hash: fc.constantFrom(...HASHES, 'missing') }) },
    {
      weight: 6,
      arbitrary: fc.record({ op: fc.constant('near' as const), signature: sig, threshold: fc.constantFrom(0, 0.25, 0.5, 0.75, 1) }),
    },
  );
  // size 'max': the default size would keep sequences to about ten operations, too few for ties and collisions.
  return fc.array(op, { maxLength: 150, size: 'max' });
}

/** Runs the ops on both and returns the compact index's answers (each checked against the oracle on the way). */
function runBoth(near: NearDedupConfig | false, ops: Op[]): void {
  const oracle = new MapDedupIndex(near);
  const index = new InMemoryDedupIndex(near);
  for (const o of ops) {
    switch (o.op) {
      case 'add': {
        const entry = {
          datasetId: o.datasetId,
          documentIndex: o.documentIndex,
          owner: OWNERS[o.owner],
          exactHash: o.hash,
          signature: o.signature && Uint32Array.from(o.signature),
        };
        oracle.add(entry);
        index.add({ ...entry, signature: entry.signature && entry.signature.slice() });
        break;
      }
      case 'remove':
        expect(index.removeDataset(o.datasetId)).toBe(oracle.removeDataset(o.datasetId));
        break;
      case 'exact':
        expect(plain(index.findExact(o.hash))).toEqual(plain(oracle.findExact(o.hash)));
        break;
      case 'near': {
        const q = Uint32Array.from(o.signature);
        expect(plainNear(index.findNear(q, o.threshold))).toEqual(plainNear(oracle.findNear(q, o.threshold)));
        break;
      }
    }
    expect(index.size).toBe(oracle.size);
  }
  // Everything ever added is found, or not, alike.
  for (const o of ops) if (o.op === 'add') expect(plain(index.findExact(o.hash))).toEqual(plain(oracle.findExact(o.hash)));
}

const SMALL: NearDedupConfig = { ...DEFAULT_NEAR_DEDUP, numPerm: 6, bands: 3, rows: 2 };
const MEDIUM: NearDedupConfig = { ...DEFAULT_NEAR_DEDUP, numPerm: 12, bands: 4, rows: 3 };

describe('InMemoryDedupIndex (compact) against the Map-based oracle', () => {
  it.each([
    ['3 bands x 2 rows', SMALL],
    ['4 bands x 3 rows', MEDIUM],
    ['near dedup off', false as const],
  ])('gives the same answers for random add / removeDataset / findExact / findNear sequences (%s)', (_, near) => {
    fc.assert(
      fc.property(opsArb(near), (ops) => runBoth(near, ops)),
      { numRuns: 150 },
    );
  });

  it('gives the same answers with thousands of entries (buckets shared by many distinct band keys, table growth, compaction)', () => {
    fc.assert(
      fc.property(
        fc.array(signatureArb(MEDIUM.numPerm), { minLength: 1500, maxLength: 3000 }),
        fc.array(signatureArb(MEDIUM.numPerm), { minLength: 50, maxLength: 50 }),
        (sigs, queries) => {
          const ops: Op[] = sigs.map((s, i) => ({
            op: 'add',
            datasetId: `d${i % 3}`,
            documentIndex: i,
            owner: i % OWNERS.length,
            hash: HASHES[i % 6],
            signature: s,
          }));
          const probe: Op[] = queries.map((s, i) => ({ op: 'near', signature: s, threshold: [0.25, 0.5, 0.75][i % 3] }));
          runBoth(MEDIUM, [
            ...ops,
            ...probe,
            { op: 'remove', datasetId: 'd1' },
            { op: 'remove', datasetId: 'd0' },
            ...probe,
            { op: 'exact', hash: HASHES[0] },
            { op: 'exact', hash: HASHES[2] },
          ]);
        },
      ),
      // Shrinking thousands of signatures takes minutes; the failing case as found is enough here.
      { numRuns: 8, endOnFailure: true },
    );
  });
});

describe('InMemoryDedupIndex', () => {
  const near = SMALL;
  const owner = OWNERS[0];
  const add = (index: InMemoryDedupIndex, datasetId: string, documentIndex: number, exactHash: string, signature: number[] | null) =>
    index.add({ datasetId, documentIndex, owner, exactHash, signature: signature && Uint32Array.from(signature) });

  it('exact: the earliest-added live entry wins', () => {
    const index = new InMemoryDedupIndex(near);
    add(index, 'a', 0, HASHES[0], null);
    add(index, 'b', 1, HASHES[0], null);
    expect(index.findExact(HASHES[0])).toMatchObject({ datasetId: 'a', documentIndex: 0, exactHash: HASHES[0] });
    expect(index.removeDataset('a')).toBe(1);
    expect(index.findExact(HASHES[0])).toMatchObject({ datasetId: 'b', documentIndex: 1 });
    expect(index.findExact(HASHES[1])).toBeUndefined();
  });

  it('near: the highest estimated Jaccard wins, then the earliest-added', () => {
    const index = new InMemoryDedupIndex(near);
    add(index, 'a', 0, HASHES[0], [1, 1, 9, 9, 9, 9]); // shares band 0, Jaccard 2/6 with the query
    add(index, 'b', 1, HASHES[1], [1, 1, 2, 2, 9, 9]); // Jaccard 4/6
    add(index, 'c', 2, HASHES[2], [1, 1, 2, 2, 8, 8]); // Jaccard 4/6, later than b
    const q = Uint32Array.from([1, 1, 2, 2, 3, 3]);
    expect(index.findNear(q, 0.3)).toMatchObject({ entry: { datasetId: 'b' }, jaccard: 4 / 6 });
    expect(index.findNear(q, 0.7)).toBeUndefined();
    index.removeDataset('b');
    expect(index.findNear(q, 0.3)).toMatchObject({ entry: { datasetId: 'c' }, jaccard: 4 / 6 });
    expect(index.findNear(Uint32Array.from([7, 7, 7, 7, 7, 7]), 0)).toBeUndefined();
  });

  it('refuses a signature of another shape without storing anything', () => {
    const index = new InMemoryDedupIndex(near);
    expect(() => add(index, 'a', 0, HASHES[0], [1, 2, 3])).toThrow(IllegalStateError);
    expect(() => index.findNear(Uint32Array.from([1]), 0.5)).toThrow(IllegalStateError);
    expect(index.size).toBe(0);
    expect(index.findExact(HASHES[0])).toBeUndefined();
  });

  it('holds a real document (120 permutations, SHA-256 hash) in well under 1 KB', () => {
    const index = new InMemoryDedupIndex(DEFAULT_NEAR_DEDUP);
    const empty = index.memoryBytes();
    const n = 2000;
    for (let i = 0; i < n; i++) {
      const text = `document ${i} ` + Array.from({ length: 60 }, (_, k) => `w${(i * 31 + k * 7) % 997}`).join(' ');
      index.add({
        datasetId: 'd',
        documentIndex: i,
        owner,
        exactHash: sha256Hex(text),
        signature: minhashSignature(text, DEFAULT_NEAR_DEDUP),
      });
    }
    const perDocument = (index.memoryBytes() - empty) / n;
    expect(perDocument).toBeGreaterThan(DEFAULT_NEAR_DEDUP.numPerm * 4);
    expect(perDocument).toBeLessThan(1024);
  });
});
