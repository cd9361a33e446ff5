import { IllegalStateError } from '@1tt/domain-errors';
import { type NearDedupConfig } from './pipeline-config';

/** Who holds a document in the pool: a contributor's dataset, or a consumer's reference corpus. */
export type DedupOwner =
  { readonly kind: 'contribution'; readonly contributorId: string } | { readonly kind: 'reference'; readonly consumerId: string };

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

const NONE = -1;
const ALIVE = 1;
const HAS_SIGNATURE = 2;
/** The exact hash is not 64 lowercase hex digits (kept as a string, see oddHashes). */
const ODD_HASH = 4;
const HASH_BYTES = 32;

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

function hashStart(bytes: Uint8Array, at: number): number {
  return (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
}

function powerOfTwoAtLeast(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/**
 * Entries live in pages of PAGE_ENTRIES (the first page grows by doubling up to
 * that): adding never copies the whole index (no moment with two copies of
 * it in memory) and at most one page is unused.
 */
const PAGE_BITS = 10;
const PAGE_ENTRIES = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_ENTRIES - 1;
const FIRST_PAGE_ENTRIES = 64;

interface Page {
  readonly capacity: number;
  /** signatures[i·numPerm …]: entry i's signature. */
  readonly signatures: Uint32Array;
  /** hashes[i·32 …]: entry i's exact hash, binary. */
  readonly hashes: Uint8Array;
  /** lshNext[i·bands + b]: the next node in the bucket chain of entry i's band b. */
  readonly lshNext: Int32Array;
  /** The previous entry with the same exact hash, or NONE. */
  readonly exactPrev: Int32Array;
  readonly documentIndex: Float64Array;
  readonly datasetOf: Int32Array;
  readonly ownerOf: Int32Array;
  readonly flags: Uint8Array;
}

function newPage(capacity: number, numPerm: number, bands: number, from?: Page): Page {
  const page: Page = {
    capacity,
    signatures: new Uint32Array(capacity * numPerm),
    hashes: new Uint8Array(capacity * HASH_BYTES),
    lshNext: new Int32Array(capacity * bands),
    exactPrev: new Int32Array(capacity),
    documentIndex: new Float64Array(capacity),
    datasetOf: new Int32Array(capacity),
    ownerOf: new Int32Array(capacity),
    flags: new Uint8Array(capacity),
  };
  if (from) {
    page.signatures.set(from.signatures);
    page.hashes.set(from.hashes);
    page.lshNext.set(from.lshNext);
    page.exactPrev.set(from.exactPrev);
    page.documentIndex.set(from.documentIndex);
    page.datasetOf.set(from.datasetOf);
    page.ownerOf.set(from.ownerOf);
    page.flags.set(from.flags);
  }
  return page;
}

/**
 * Compact in-memory index: under 1 KB per document, most of it the MinHash
 * signature itself (numPerm × 4 bytes), instead of several KB of objects and
 * strings.
 *
 * Layout, entry e (0, 1, 2 … in insertion order, which is the tie-break order)
 * at pages[e >> PAGE_BITS], slot e & PAGE_MASK:
 * - its signature and its exact hash (32 bytes); documentIndex; dataset and
 *   owner as numbers into interned tables; flags (alive, has signature, odd hash);
 * - exact lookup: open addressing (exactSlots) on the hash's first 4 bytes,
 *   holding the latest entry of each distinct hash; exactPrev chains to the
 *   earlier ones (so the earliest alive one is the last alive on the chain);
 * - LSH: node e·bands + b stands for band b of entry e; buckets[bandHash & mask]
 *   heads a chain through lshNext. The hash only narrows the search: a node
 *   is a candidate only if its stored rows equal the query's, so the answers are
 *   those of exact band keys, whatever the hash collides on.
 * removeDataset clears the alive flag; once over half the entries are dead the
 * pages are rebuilt from the live ones (same order, so the same answers).
 */
export class InMemoryDedupIndex extends DedupIndex {
  private readonly numPerm: number;
  private readonly bands: number;
  private readonly rows: number;

  private pages: Page[] = [];
  /** Entries stored, dead ones included. */
  private total = 0;
  private live = 0;

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
    while (e !== NONE) {
      const page = this.pages[e >>> PAGE_BITS];
      const i = e & PAGE_MASK;
      if (page.flags[i] & ALIVE) earliest = e;
      e = page.exactPrev[i];
    }
    return earliest === NONE ? undefined : this.entryAt(earliest);
  }

  findNear(signature: Uint32Array, threshold: number): NearMatch | undefined {
    if (!this.near) return undefined;
    this.checkShape(signature);
    const { bands, rows, numPerm, pages, buckets } = this;
    const mask = buckets.length - 1;
    if (mask < 0) return undefined;
    let best = NONE;
    let bestSame = -1;
    for (let b = 0; b < bands; b++) {
      const qt = b * rows;
      let node = buckets[bandHash(signature, qt, b, rows) & mask];
      while (node !== NONE) {
        const nodeBand = node % bands;
        const e = (node - nodeBand) / bands;
        const page = pages[e >>> PAGE_BITS];
        const i = e & PAGE_MASK;
        node = page.lshNext[i * bands + nodeBand];
        if (nodeBand !== b || !(page.flags[i] & ALIVE)) continue;
        const sigs = page.signatures;
        const base = i * numPerm;
        if (!sameRows(sigs, base + qt, signature, qt, rows)) continue;
        // Sharing an earlier band too: already judged in that band's bucket.
        let seen = false;
        for (let b2 = 0; b2 < b && !seen; b2++) seen = sameRows(sigs, base + b2 * rows, signature, b2 * rows, rows);
        if (seen) continue;
        let same = 0;
        for (let k = 0; k < numPerm; k++) if (sigs[base + k] === signature[k]) same += 1;
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
    const e = this.insert(
      dataset,
      owner,
      entry.documentIndex,
      binary ? this.scratch : null,
      0,
      binary ? null : entry.exactHash,
      near ? entry.signature : null,
      0,
    );
    if (!this.near && entry.signature) this.looseSignatures.set(e, entry.signature.slice());
  }

  removeDataset(datasetId: string): number {
    const d = this.datasetNumber.get(datasetId);
    if (d === undefined || this.datasetLive[d] === 0) return 0;
    const gone = this.datasetLive[d];
    for (const page of this.pages) for (let i = 0; i < page.capacity; i++) if (page.datasetOf[i] === d) page.flags[i] &= ~ALIVE;
    this.datasetLive[d] = 0;
    this.live -= gone;
    if (2 * (this.total - this.live) > this.total) this.compact();
    return gone;
  }

  /** Bytes held: the typed arrays exactly, the interned strings and maps estimated (V8 object and string headers). */
  memoryBytes(): number {
    let bytes = this.exactSlots.byteLength + this.buckets.byteLength + this.scratch.byteLength;
    for (const p of this.pages) {
      bytes += 100;
      for (const a of [p.signatures, p.hashes, p.lshNext, p.exactPrev, p.documentIndex, p.datasetOf, p.ownerOf, p.flags])
        bytes += a.byteLength + 64;
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
    const page = this.pages[e >>> PAGE_BITS];
    const i = e & PAGE_MASK;
    const f = page.flags[i];
    let signature: Uint32Array | null = null;
    if (f & HAS_SIGNATURE) signature = page.signatures.slice(i * this.numPerm, (i + 1) * this.numPerm);
    else if (!this.near) signature = this.looseSignatures.get(e)?.slice() ?? null;
    return {
      datasetId: this.datasetIds[page.datasetOf[i]],
      documentIndex: page.documentIndex[i],
      owner: this.owners[page.ownerOf[i]],
      exactHash: f & ODD_HASH ? this.oddHashes.get(e)! : encodeHex(page.hashes, i * HASH_BYTES),
      signature,
    };
  }

  /** Stores one entry (hash as 32 bytes at hash[hashAt] or as an odd string; signature at sig[sigAt] or none) and returns its number. */
  private insert(
    dataset: number,
    owner: number,
    documentIndex: number,
    hash: Uint8Array | null,
    hashAt: number,
    oddHash: string | null,
    sig: Uint32Array | null,
    sigAt: number,
  ): number {
    const e = this.total;
    const p = e >>> PAGE_BITS;
    const i = e & PAGE_MASK;
    if (p === this.pages.length) this.pages.push(newPage(p === 0 ? FIRST_PAGE_ENTRIES : PAGE_ENTRIES, this.numPerm, this.bands));
    else if (i === this.pages[p].capacity) this.pages[p] = newPage(Math.min(PAGE_ENTRIES, 2 * i), this.numPerm, this.bands, this.pages[p]);
    const page = this.pages[p];
    this.total += 1;
    page.datasetOf[i] = dataset;
    page.ownerOf[i] = owner;
    page.documentIndex[i] = documentIndex;
    let f = ALIVE;
    if (hash) {
      page.hashes.set(hash.subarray(hashAt, hashAt + HASH_BYTES), i * HASH_BYTES);
      if (2 * (this.exactDistinct + 1) > this.exactSlots.length) this.rehashExact(Math.max(64, 2 * this.exactSlots.length));
      const mask = this.exactSlots.length - 1;
      let s = hashStart(page.hashes, i * HASH_BYTES) & mask;
      while (this.exactSlots[s] !== NONE && !this.hashIs(this.exactSlots[s], page.hashes, i * HASH_BYTES)) s = (s + 1) & mask;
      if (this.exactSlots[s] === NONE) this.exactDistinct += 1;
      page.exactPrev[i] = this.exactSlots[s];
      this.exactSlots[s] = e;
    } else {
      f |= ODD_HASH;
      this.oddHashes.set(e, oddHash!);
      page.exactPrev[i] = this.oddLatest.get(oddHash!) ?? NONE;
      this.oddLatest.set(oddHash!, e);
    }
    if (sig) {
      f |= HAS_SIGNATURE;
      page.signatures.set(sig.subarray(sigAt, sigAt + this.numPerm), i * this.numPerm);
      if (this.nodes + this.bands > this.buckets.length) this.rehashBuckets(powerOfTwoAtLeast(Math.max(1024, this.nodes + this.bands + 1)));
      this.link(e);
    }
    page.flags[i] = f;
    this.live += 1;
    this.datasetLive[dataset] += 1;
    return e;
  }

  private link(e: number): void {
    const { bands, rows, buckets } = this;
    const page = this.pages[e >>> PAGE_BITS];
    const i = e & PAGE_MASK;
    const mask = buckets.length - 1;
    const base = i * this.numPerm;
    for (let b = 0; b < bands; b++) {
      const h = bandHash(page.signatures, base + b * rows, b, rows) & mask;
      page.lshNext[i * bands + b] = buckets[h];
      buckets[h] = e * bands + b;
    }
    this.nodes += bands;
  }

  /** Whether entry e's exact hash equals the 32 bytes at bytes[at]. */
  private hashIs(e: number, bytes: Uint8Array, at: number): boolean {
    return sameBytes(this.pages[e >>> PAGE_BITS].hashes, (e & PAGE_MASK) * HASH_BYTES, bytes, at);
  }

  /** The slot holding this hash, or -1. */
  private exactSlot(hash: Uint8Array, at: number): number {
    const mask = this.exactSlots.length - 1;
    if (mask < 0) return -1;
    for (let s = hashStart(hash, at) & mask; ; s = (s + 1) & mask) {
      const e = this.exactSlots[s];
      if (e === NONE) return -1;
      if (this.hashIs(e, hash, at)) return s;
    }
  }

  private rehashExact(size: number): void {
    const old = this.exactSlots;
    this.exactSlots = new Int32Array(size).fill(NONE);
    const mask = size - 1;
    for (const e of old) {
      if (e === NONE) continue;
      let s = hashStart(this.pages[e >>> PAGE_BITS].hashes, (e & PAGE_MASK) * HASH_BYTES) & mask;
      while (this.exactSlots[s] !== NONE) s = (s + 1) & mask;
      this.exactSlots[s] = e;
    }
  }

  /** Rebuilds the bucket table (dropping dead entries' nodes). */
  private rehashBuckets(size: number): void {
    this.buckets = new Int32Array(size).fill(NONE);
    this.nodes = 0;
    for (let e = 0; e < this.total; e++) {
      if ((this.pages[e >>> PAGE_BITS].flags[e & PAGE_MASK] & (ALIVE | HAS_SIGNATURE)) === (ALIVE | HAS_SIGNATURE)) this.link(e);
    }
  }

  /** Rewrites the pages with the live entries only, in the same order. */
  private compact(): void {
    const { pages, total } = this;
    const oddHashes = this.oddHashes;
    const looseSignatures = this.looseSignatures;
    this.pages = [];
    this.oddHashes = new Map();
    this.oddLatest = new Map();
    this.looseSignatures = new Map();
    this.total = 0;
    this.live = 0;
    this.nodes = 0;
    this.exactDistinct = 0;
    this.exactSlots = new Int32Array(0);
    this.buckets = new Int32Array(0);
    this.datasetLive.fill(0);
    for (let e = 0; e < total; e++) {
      const page = pages[e >>> PAGE_BITS];
      const i = e & PAGE_MASK;
      const f = page.flags[i];
      if (!(f & ALIVE)) continue;
      const odd = f & ODD_HASH ? oddHashes.get(e)! : null;
      const n = this.insert(
        page.datasetOf[i],
        page.ownerOf[i],
        page.documentIndex[i],
        odd === null ? page.hashes : null,
        i * HASH_BYTES,
        odd,
        f & HAS_SIGNATURE ? page.signatures : null,
        i * this.numPerm,
      );
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

  /** Equal owners share one object (returned in answers). */
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
      throw new IllegalStateError('dedup-signature-shape', `signature of ${signature.length} values, the index expects ${this.numPerm}`, {
        hint: 'Process documents with the near-dedup settings the index was built with.',
      });
    }
  }
}
