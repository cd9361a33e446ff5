import { IllegalStateError } from '@1tt/domain-errors';
import { estimateJaccard, lshBandKeys } from './minhash';
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

interface Stored {
  readonly seq: number;
  readonly entry: DedupEntry;
}

export class InMemoryDedupIndex extends DedupIndex {
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
    const stored: Stored = { seq: this.seq++, entry };
    push(this.exact, entry.exactHash, stored);
    push(this.byDataset, entry.datasetId, stored);
    if (this.near && entry.signature) {
      this.checkShape(entry.signature);
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
      if (this.near && s.entry.signature) for (const key of lshBandKeys(s.entry.signature, this.near.bands, this.near.rows)) prune(this.buckets, key);
    }
    this.count -= gone.length;
    return gone.length;
  }

  snapshot(): DedupIndexSnapshot {
    const all = [...this.byDataset.values()].flat().sort((a, b) => a.seq - b.seq);
    return {
      format: 1,
      near: this.near,
      entries: all.map(({ entry: e }) => ({ datasetId: e.datasetId, documentIndex: e.documentIndex, owner: e.owner, exactHash: e.exactHash, signature: e.signature ? Array.from(e.signature) : null })),
    };
  }

  static fromSnapshot(snapshot: DedupIndexSnapshot): InMemoryDedupIndex {
    const index = new InMemoryDedupIndex(snapshot.near);
    for (const e of snapshot.entries) index.add({ ...e, signature: e.signature ? Uint32Array.from(e.signature) : null });
    return index;
  }

  private checkShape(signature: Uint32Array): void {
    if (this.near && signature.length !== this.near.numPerm) {
      throw new IllegalStateError('dedup.signature_shape', `signature of ${signature.length} values, the index expects ${this.near.numPerm}`, {
        hint: 'Process documents with the near-dedup settings the index was built with.',
      });
    }
  }
}

function push<K>(map: Map<K, Stored[]>, key: K, s: Stored): void {
  const list = map.get(key);
  if (list) list.push(s);
  else map.set(key, [s]);
}
