import { IllegalStateError } from '@1tt/domain-errors';
import { type NearDedupConfig } from './pipeline-config';

/** Who holds a document in the pool: a contributor's dataset, or a consumer's reference corpus. */
export type DedupOwner = { readonly kind: 'contribution'; readonly contributorId: string } | { readonly kind: 'reference'; readonly consumerId: string };

export interface DedupEntry {
  readonly datasetId: string;
  readonly documentIndex: number;
  readonly owner: DedupOwner;
  readonly exactHash: string;
  readonly signature: Uint32Array | null;
}

export interface NearMatch {
  readonly entry: DedupEntry;
  readonly jaccard: number;
}

/**
 * The pool's dedup index (a port: in memory here; a persistent adapter can
 * implement the same methods). Entries are added in log order and every answer
 * is deterministic: among several matches the earliest-added entry wins (for
 * near matches: the highest estimated Jaccard, then the earliest).
 */
export abstract class DedupIndex {
  abstract readonly near: NearDedupConfig | false;
  abstract findExact(exactHash: string): DedupEntry | undefined;
  abstract findNear(signature: Uint32Array, threshold: number): NearMatch | undefined;
  abstract add(entry: DedupEntry): void;
  /** A withdrawn dataset's documents stop blocking later uploads. Returns how many entries left. */
  abstract removeDataset(datasetId: string): number;
  abstract get size(): number;
}

export interface DedupIndexSnapshot {
  readonly format: 1;
  readonly near: NearDedupConfig | false;
  /** In insertion (log) order. */
  readonly entries: Array<{ datasetId: string; documentIndex: number; owner: DedupOwner; exactHash: string; signature: number[] | null }>;
}

const NONE = -1;
const ALIVE = 1;
const HAS_SIGNATURE = 2;
/** The exact hash is not 64 lowercase hex digits (kept as a string, see oddHashes). */
const ODD_HASH = 4;
const HASH_BYTES = 32;
const MIN_ENTRIES = 256;

const HEX_PAIRS = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function nibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** Lowercase only, so that bytes → hex gives back the very same string. */
function decodeHex(s: string, out: Uint8Array): boolean {
  if (s.length !== 2 * HASH_BYTES) return false;
  for (let i = 0; i < HASH_BYTES; i++) {
    const hi = nibble(s.charCodeAt(2 * i));
    const lo = nibble(s.charCodeAt(2 * i + 1));
    if ((hi | lo) < 0) return false;
    out[i] = (hi << 4) | lo;
  }
  return true;
}

function encodeHex(bytes: Uint8Array, at: number): string {
  let s = '';
  for (let i = 0; i < HASH_BYTES; i++) s += HEX_PAIRS[bytes[at + i]];
  return s;
}

function sameBytes(a: Uint8Array, at: number, b: Uint8Array, bt: number): boolean {
  for (let i = 0; i < HASH_BYTES; i++) if (a[at + i] !== b[bt + i]) return false;
  return true;
}

/** Bucket hash of one LSH band; only a pre-filter: candidates are checked row by row. */
function bandHash(sig: Uint32Array, at: number, band: number, rows: number): number {
  let h = Math.imul(band + 1, 0x9e3779b1);
  for (let r = 0; r < rows; r++) {
    h = Math.imul(h ^ sig[at + r], 0x5bd1e995);
    h ^= h >>> 15;
  }
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function sameRows(a: Uint32Array, at: number, b: Uint32Array, bt: number, rows: number): boolean {
  for (let r = 0; r < rows; r++) if (a[at + r] !== b[bt + r]) return false;
  return true;
}

function powerOfTwoAtLeast(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

function grown<T extends Uint8Array | Int32Array | Uint32Array | Float64Array>(a: T, length: number): T {
  const b = new (a.constructor as new (n: number) => T)(length);
  b.set(a);
  return b;
}

/**
 * Compact in-memory index: a few hundred bytes per document, most of it the
 * MinHash signature itself (numPerm × 4 bytes), instead of several KB of
 * objects and strings.
 *
 * Layout, entry e (0, 1, 2 … in insertion order, which is the tie-break order):
 * - signatures[e·numPerm …]: the signature; exact hashes: hashes[e·32 …] (binary);
 * - documentIndex/dataset/owner per entry, dataset and owner as numbers into
 *   interned tables; flags (alive, has signature, odd hash);
 * - exact lookup: open addressing (exactSlots) on the hash's first 4 bytes,
 *   holding the latest entry of each distinct hash; exactPrev chains to the
 *   earlier ones (so the earliest alive one is the last alive on the chain);
 * - LSH: node e·bands + b stands for band b of entry e; buckets[bandHash & mask]
 *   heads a chain through lshNext. The hash only narrows the search: a node
 *   is a candidate only if its stored rows equal the query's, so the answers are
 *   those of exact band keys, whatever the hash collides on.
 * removeDataset clears the alive flag; once over half the entries are dead the
 * arrays are rebuilt from the live ones (same order, so the same answers).
 */
export class InMemoryDedupIndex extends DedupIndex {
  private readonly numPerm: number;
  private readonly bands: number;
  private readonly rows: number;

  private capacity = 0;
  /** Entries stored, dead ones included. */
  private total = 0;
  private live = 0;

  private signatures = new Uint32Array(0);
  private hashes = new Uint8Array(0);
  private documentIndex = new Float64Array(0);
  private datasetOf = new Int32Array(0);
  private ownerOf = new Int32Array(0);
  private flags = new Uint8Array(0);
  private exactPrev = new Int32Array(0);
  private lshNext = new Int32Array(0);

  private exactSlots = new Int32Array(0);
  private exactDistinct = 0;
  private buckets = new Int32Array(0);
  private nodes = 0;

  private readonly datasetIds: string[] = [];
  private readonly datasetNumber = new Map<string, number>();
  private readonly datasetLive: number[] = [];
  private readonly owners: DedupOwner[] = [];
  private readonly ownerNumber = new Map<string, number>();
  /** Exact hashes that are not lowercase SHA-256 hex (never in production; kept so that any string works). */
  private oddHashes = new Map<number, string>();
  private oddLatest = new Map<string, number>();
  /** With near dedup off the signatures have no fixed shape; they are kept as given (normally there are none). */
  private looseSignatures = new Map<number, Uint32Array>();

  private readonly scratch = new Uint8Array(HASH_BYTES);

  constructor(readonly near: NearDedupConfig | false) {
    super();
    this.numPerm = near ? near.numPerm : 0;
    this.bands = near ? near.bands : 0;
    this.rows = near ? near.rows : 0;
  }

  get size(): number {
    return this.live;
  }

  findExact(exactHash: string): DedupEntry | undefined {
    let e: number;
    if (decodeHex(exactHash, this.scratch)) {
      const slot = this.exactSlot(this.scratch, 0);
      e = slot < 0 ? NONE : this.exactSlots[slot];
    } else {
      e = this.oddLatest.get(exactHash) ?? NONE;
    }
    let earliest = NONE;
    for (; e !== NONE; e = this.exactPrev[e]) if (this.flags[e] & ALIVE) earliest = e;
    return earliest === NONE ? undefined : this.entryAt(earliest);
  }

  findNear(signature: Uint32Array, threshold: number): NearMatch | undefined {
    if (!this.near) return undefined;
    this.checkShape(signature);
    const { bands, rows, numPerm, signatures: sigs, flags, lshNext, buckets } = this;
    const mask = buckets.length - 1;
    if (mask < 0) return undefined;
    let best = NONE;
    let bestSame = -1;
    for (let b = 0; b < bands; b++) {
      const qt = b * rows;
      for (let node = buckets[bandHash(signature, qt, b, rows) & mask]; node !== NONE; node = lshNext[node]) {
        if (node % bands !== b) continue;
        const e = (node - b) / bands;
        if (!(flags[e] & ALIVE)) continue;
        const base = e * numPerm;
        if (!sameRows(sigs, base + qt, signature, qt, rows)) continue;
        // Sharing an earlier band too: already judged in that band's bucket.
        let seen = false;
        for (let b2 = 0; b2 < b && !seen; b2++) seen = sameRows(sigs, base + b2 * rows, signature, b2 * rows, rows);
        if (seen) continue;
        let same = 0;
        for (let i = 0; i < numPerm; i++) if (sigs[base + i] === signature[i]) same += 1;
        if (same / numPerm < threshold) continue;
        if (same > bestSame || (same === bestSame && e < best)) {
          best = e;
          bestSame = same;
        }
      }
    }
    return best === NONE ? undefined : { entry: this.entryAt(best), jaccard: bestSame / numPerm };
  }

  add(entry: DedupEntry): void {
    const near = this.near && entry.signature !== null;
    if (near) this.checkShape(entry.signature!);
    const dataset = this.internDataset(entry.datasetId);
    const owner = this.internOwner(entry.owner);
    const binary = decodeHex(entry.exactHash, this.scratch);
    const e = this.insert(dataset, owner, entry.documentIndex, binary ? this.scratch : null, 0, binary ? null : entry.exactHash, near ? entry.signature : null, 0);
    if (!this.near && entry.signature) this.looseSignatures.set(e, entry.signature.slice());
  }

  removeDataset(datasetId: string): number {
    const d = this.datasetNumber.get(datasetId);
    if (d === undefined || this.datasetLive[d] === 0) return 0;
    const gone = this.datasetLive[d];
    for (let e = 0; e < this.total; e++) if (this.datasetOf[e] === d) this.flags[e] &= ~ALIVE;
    this.datasetLive[d] = 0;
    this.live -= gone;
    if (2 * (this.total - this.live) > this.total) this.compact();
    return gone;
  }

  snapshot(): DedupIndexSnapshot {
    const entries: DedupIndexSnapshot['entries'] = [];
    for (let e = 0; e < this.total; e++) {
      if (!(this.flags[e] & ALIVE)) continue;
      const x = this.entryAt(e);
      entries.push({ datasetId: x.datasetId, documentIndex: x.documentIndex, owner: x.owner, exactHash: x.exactHash, signature: x.signature ? Array.from(x.signature) : null });
    }
    return { format: 1, near: this.near, entries };
  }

  static fromSnapshot(snapshot: DedupIndexSnapshot): InMemoryDedupIndex {
    const index = new InMemoryDedupIndex(snapshot.near);
    for (const e of snapshot.entries) index.add({ ...e, signature: e.signature ? Uint32Array.from(e.signature) : null });
    return index;
  }

  /** Bytes held: the typed arrays exactly, the interned strings and maps estimated (V8 object and string headers). */
  memoryBytes(): number {
    let bytes = 0;
    for (const a of [this.signatures, this.hashes, this.documentIndex, this.datasetOf, this.ownerOf, this.flags, this.exactPrev, this.lshNext, this.exactSlots, this.buckets, this.scratch]) {
      bytes += a.byteLength;
    }
    const stringBytes = (s: string) => 24 + s.length * 2;
    const mapEntry = 40;
    for (const id of this.datasetIds) bytes += stringBytes(id) + mapEntry + 16;
    for (const [key] of this.ownerNumber) bytes += 2 * stringBytes(key) + mapEntry + 40;
    for (const [, s] of this.oddHashes) bytes += 2 * (stringBytes(s) + mapEntry);
    for (const [, s] of this.looseSignatures) bytes += s.byteLength + 100 + mapEntry;
    return bytes + 1024;
  }

  private entryAt(e: number): DedupEntry {
    const f = this.flags[e];
    let signature: Uint32Array | null = null;
    if (f & HAS_SIGNATURE) signature = this.signatures.slice(e * this.numPerm, (e + 1) * this.numPerm);
    else if (!this.near) signature = this.looseSignatures.get(e)?.slice() ?? null;
    return {
      datasetId: this.datasetIds[this.datasetOf[e]],
      documentIndex: this.documentIndex[e],
      owner: this.owners[this.ownerOf[e]],
      exactHash: f & ODD_HASH ? this.oddHashes.get(e)! : encodeHex(this.hashes, e * HASH_BYTES),
      signature,
    };
  }

  /** Stores one entry (hash as 32 bytes at hash[hashAt] or as an odd string; signature at sig[sigAt] or none) and returns its number. */
  private insert(dataset: number, owner: number, documentIndex: number, hash: Uint8Array | null, hashAt: number, oddHash: string | null, sig: Uint32Array | null, sigAt: number): number {
    if (this.total === this.capacity) this.reserve(Math.max(MIN_ENTRIES, Math.ceil(this.capacity * 1.5)));
    const e = this.total++;
    this.datasetOf[e] = dataset;
    this.ownerOf[e] = owner;
    this.documentIndex[e] = documentIndex;
    let f = ALIVE;
    if (hash) {
      this.hashes.set(hash.subarray(hashAt, hashAt + HASH_BYTES), e * HASH_BYTES);
      if (2 * (this.exactDistinct + 1) > this.exactSlots.length) this.rehashExact(Math.max(64, 2 * this.exactSlots.length));
      const mask = this.exactSlots.length - 1;
      let i = this.hashStart(this.hashes, e * HASH_BYTES) & mask;
      while (this.exactSlots[i] !== NONE && !sameBytes(this.hashes, this.exactSlots[i] * HASH_BYTES, this.hashes, e * HASH_BYTES)) i = (i + 1) & mask;
      if (this.exactSlots[i] === NONE) this.exactDistinct += 1;
      this.exactPrev[e] = this.exactSlots[i];
      this.exactSlots[i] = e;
    } else {
      f |= ODD_HASH;
      this.oddHashes.set(e, oddHash!);
      this.exactPrev[e] = this.oddLatest.get(oddHash!) ?? NONE;
      this.oddLatest.set(oddHash!, e);
    }
    if (sig) {
      f |= HAS_SIGNATURE;
      this.signatures.set(sig.subarray(sigAt, sigAt + this.numPerm), e * this.numPerm);
      if (this.nodes + this.bands > this.buckets.length) this.rehashBuckets(powerOfTwoAtLeast(Math.max(1024, this.nodes + this.bands + 1)));
      this.link(e);
    }
    this.flags[e] = f;
    this.live += 1;
    this.datasetLive[dataset] += 1;
    return e;
  }

  private link(e: number): void {
    const { bands, rows, buckets, lshNext } = this;
    const mask = buckets.length - 1;
    const base = e * this.numPerm;
    for (let b = 0; b < bands; b++) {
      const node = e * bands + b;
      const h = bandHash(this.signatures, base + b * rows, b, rows) & mask;
      lshNext[node] = buckets[h];
      buckets[h] = node;
    }
    this.nodes += bands;
  }

  private reserve(capacity: number): void {
    this.signatures = grown(this.signatures, capacity * this.numPerm);
    this.hashes = grown(this.hashes, capacity * HASH_BYTES);
    this.documentIndex = grown(this.documentIndex, capacity);
    this.datasetOf = grown(this.datasetOf, capacity);
    this.ownerOf = grown(this.ownerOf, capacity);
    this.flags = grown(this.flags, capacity);
    this.exactPrev = grown(this.exactPrev, capacity);
    this.lshNext = grown(this.lshNext, capacity * this.bands);
    this.capacity = capacity;
  }

  private hashStart(bytes: Uint8Array, at: number): number {
    return (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
  }

  /** The slot holding this hash, or -1. */
  private exactSlot(hash: Uint8Array, at: number): number {
    const mask = this.exactSlots.length - 1;
    if (mask < 0) return -1;
    for (let i = this.hashStart(hash, at) & mask; ; i = (i + 1) & mask) {
      const e = this.exactSlots[i];
      if (e === NONE) return -1;
      if (sameBytes(this.hashes, e * HASH_BYTES, hash, at)) return i;
    }
  }

  private rehashExact(size: number): void {
    const old = this.exactSlots;
    this.exactSlots = new Int32Array(size).fill(NONE);
    const mask = size - 1;
    for (const e of old) {
      if (e === NONE) continue;
      let i = this.hashStart(this.hashes, e * HASH_BYTES) & mask;
      while (this.exactSlots[i] !== NONE) i = (i + 1) & mask;
      this.exactSlots[i] = e;
    }
  }

  /** Rebuilds the bucket table (dropping dead entries' nodes). */
  private rehashBuckets(size: number): void {
    this.buckets = new Int32Array(size).fill(NONE);
    this.nodes = 0;
    for (let e = 0; e < this.total; e++) if ((this.flags[e] & (ALIVE | HAS_SIGNATURE)) === (ALIVE | HAS_SIGNATURE)) this.link(e);
  }

  /** Rewrites the arrays with the live entries only, in the same order. */
  private compact(): void {
    const old = { total: this.total, signatures: this.signatures, hashes: this.hashes, documentIndex: this.documentIndex, datasetOf: this.datasetOf, ownerOf: this.ownerOf, flags: this.flags };
    const oddHashes = this.oddHashes;
    const looseSignatures = this.looseSignatures;
    this.oddHashes = new Map();
    this.oddLatest = new Map();
    this.looseSignatures = new Map();
    this.capacity = 0;
    this.total = 0;
    this.live = 0;
    this.nodes = 0;
    this.exactDistinct = 0;
    this.signatures = new Uint32Array(0);
    this.hashes = new Uint8Array(0);
    this.documentIndex = new Float64Array(0);
    this.datasetOf = new Int32Array(0);
    this.ownerOf = new Int32Array(0);
    this.flags = new Uint8Array(0);
    this.exactPrev = new Int32Array(0);
    this.lshNext = new Int32Array(0);
    this.exactSlots = new Int32Array(0);
    this.buckets = new Int32Array(0);
    this.datasetLive.fill(0);
    let live = 0;
    for (let e = 0; e < old.total; e++) if (old.flags[e] & ALIVE) live += 1;
    if (live > 0) this.reserve(Math.max(MIN_ENTRIES, live));
    for (let e = 0; e < old.total; e++) {
      const f = old.flags[e];
      if (!(f & ALIVE)) continue;
      const odd = f & ODD_HASH ? oddHashes.get(e)! : null;
      const n = this.insert(old.datasetOf[e], old.ownerOf[e], old.documentIndex[e], odd === null ? old.hashes : null, e * HASH_BYTES, odd, f & HAS_SIGNATURE ? old.signatures : null, e * this.numPerm);
      const loose = looseSignatures.get(e);
      if (loose) this.looseSignatures.set(n, loose);
    }
  }

  private internDataset(id: string): number {
    let d = this.datasetNumber.get(id);
    if (d === undefined) {
      d = this.datasetIds.length;
      this.datasetIds.push(id);
      this.datasetLive.push(0);
      this.datasetNumber.set(id, d);
    }
    return d;
  }

  /** Equal owners share one object (returned in answers and snapshots). */
  private internOwner(owner: DedupOwner): number {
    const key = owner.kind === 'reference' ? `r\u0000${owner.consumerId}` : `c\u0000${owner.contributorId}`;
    let o = this.ownerNumber.get(key);
    if (o === undefined) {
      o = this.owners.length;
      this.owners.push(owner);
      this.ownerNumber.set(key, o);
    }
    return o;
  }

  private checkShape(signature: Uint32Array): void {
    if (this.near && signature.length !== this.numPerm) {
      throw new IllegalStateError('dedup.signature_shape', `signature of ${signature.length} values, the index expects ${this.numPerm}`, {
        hint: 'Process documents with the near-dedup settings the index was built with.',
      });
    }
  }
}
