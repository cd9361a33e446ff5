import { canonicalJson, sha256Hex } from '@1tt/canonical-json';
import { IllegalStateError } from '@1tt/domain-errors';
import { type DedupIndex, type DedupOwner } from './dedup-index';
import { type DocumentResult } from './process-document';
import { type ResolvedPipeline } from './pipeline-config';

export const DUPLICATE_REASONS = ['exact_duplicate', 'near_duplicate', 'already_held_by_consumer'] as const;

export type DocumentOutcome =
  | { readonly index: number; readonly kept: true; readonly tokens: number; readonly exactHash: string }
  | {
      readonly index: number;
      readonly kept: false;
      readonly reason: string;
      readonly detail?: string;
      /**
       * For a duplicate: what it duplicates. Internal (for auditors/admins);
       * a contributor's report must say only "duplicates an earlier contribution"
       * and never name the dataset or its owner.
       */
      readonly duplicateOf?: {
        readonly datasetId: string;
        readonly documentIndex: number;
        readonly sameDataset: boolean;
        readonly jaccard?: number;
      };
    };

export interface DatasetDecisionSummary {
  readonly documentsIn: number;
  readonly documentsKept: number;
  /** Count per reason, keys sorted (canonical). */
  readonly removed: Record<string, number>;
  /** Duplicates (exact or near) of documents of earlier datasets of any contributor. */
  readonly duplicatesOfEarlier: number;
  /** Duplicates of an earlier document of this same dataset. */
  readonly duplicatesWithinDataset: number;
  readonly tokens: number;
  /** See manifestRoot(). */
  readonly manifestRoot: string;
}

export interface DatasetDecision {
  readonly outcomes: DocumentOutcome[];
  readonly summary: DatasetDecisionSummary;
}

export interface DatasetRef {
  readonly datasetId: string;
  readonly owner: DedupOwner;
}

/**
 * The cheap, sequential part: decides, in upload order, which documents of a
 * dataset duplicate something already in the pool (earlier datasets, the
 * consumer's reference corpora, or earlier documents of this dataset), and
 * adds the kept ones to the index. Call it for datasets in log order: the
 * first holder of a document keeps it, so the result depends only on the log.
 *
 * Withdrawal: call index.removeDataset(id) when a DatasetWithdrawn is applied.
 * Datasets already judged keep their verdict (their events are history and
 * their payouts stand); only datasets decided after the withdrawal can keep a
 * document the withdrawn one used to block. A replay in log order reproduces
 * exactly that.
 *
 * A consumer reference corpus goes through the same path (owner kind
 * 'reference'): its kept documents join the index and later contributions
 * matching them are removed as 'already_held_by_consumer'.
 */
export interface DecideOptions {
  /**
   * Upload index of results[0] (default 0). Lets a caller stream a large
   * dataset through in consecutive chunks (same index, in order) with flat
   * memory; the summary then covers that chunk only.
   */
  readonly firstIndex?: number;
}

export function decideDataset(
  dataset: DatasetRef,
  results: readonly DocumentResult[],
  index: DedupIndex,
  pipeline: ResolvedPipeline,
  options: DecideOptions = {},
): DatasetDecision {
  const firstIndex = options.firstIndex ?? 0;
  const near = pipeline.dedup.near;
  if (canonicalJson(near) !== canonicalJson(index.near)) {
    throw new IllegalStateError('dedup-config-mismatch', 'the dedup index was built with other near-dedup settings than this pipeline', {
      hint: 'Use one dedup index per near-dedup configuration.',
    });
  }
  const outcomes: DocumentOutcome[] = [];
  const removed: Record<string, number> = {};
  let duplicatesOfEarlier = 0;
  let duplicatesWithinDataset = 0;
  let tokens = 0;
  const kept: Array<{ index: number; exactHash: string; tokens: number }> = [];

  results.forEach((r, offset) => {
    const i = firstIndex + offset;
    if (!r.kept) {
      outcomes.push({ index: i, kept: false, reason: r.reason, detail: r.detail });
      removed[r.reason] = (removed[r.reason] ?? 0) + 1;
      return;
    }
    let match: { datasetId: string; documentIndex: number; owner: DedupOwner; jaccard?: number; exact: boolean } | undefined;
    if (pipeline.dedup.exact) {
      const e = index.findExact(r.exactHash);
      if (e) match = { ...e, exact: true };
    }
    if (!match && near && r.signature) {
      const m = index.findNear(r.signature, near.threshold);
      if (m) match = { ...m.entry, jaccard: m.jaccard, exact: false };
    }
    if (match) {
      const sameDataset = match.datasetId === dataset.datasetId;
      const reason = match.owner.kind === 'reference' ? 'already_held_by_consumer' : match.exact ? 'exact_duplicate' : 'near_duplicate';
      outcomes.push({
        index: i,
        kept: false,
        reason,
        duplicateOf: { datasetId: match.datasetId, documentIndex: match.documentIndex, sameDataset, jaccard: match.jaccard },
      });
      removed[reason] = (removed[reason] ?? 0) + 1;
      if (sameDataset) duplicatesWithinDataset += 1;
      else if (match.owner.kind === 'contribution') duplicatesOfEarlier += 1;
      return;
    }
    index.add({ datasetId: dataset.datasetId, documentIndex: i, owner: dataset.owner, exactHash: r.exactHash, signature: r.signature });
    outcomes.push({ index: i, kept: true, tokens: r.tokens, exactHash: r.exactHash });
    kept.push({ index: i, exactHash: r.exactHash, tokens: r.tokens });
    tokens += r.tokens;
  });

  const sortedRemoved: Record<string, number> = {};
  for (const k of Object.keys(removed).sort()) sortedRemoved[k] = removed[k];
  return {
    outcomes,
    summary: {
      documentsIn: results.length,
      documentsKept: kept.length,
      removed: sortedRemoved,
      duplicatesOfEarlier,
      duplicatesWithinDataset,
      tokens,
      manifestRoot: manifestRoot(kept),
    },
  };
}

/**
 * Merkle root (RFC 6962 style, SHA-256, hex) over the kept documents in upload
 * order. Leaf = sha256(0x00 || canonical JSON {index, exactHash, tokens});
 * node = sha256(0x01 || left || right) over the raw 32-byte digests; an odd
 * node is carried up unchanged; no kept document gives sha256 of the empty
 * string. The root pins which documents were kept, their normalised contents
 * and their token counts, and allows proofs of inclusion later.
 */
export function manifestRoot(kept: ReadonlyArray<{ index: number; exactHash: string; tokens: number }>): string {
  if (kept.length === 0) return sha256Hex('');
  let level: Buffer[] = kept.map((k) =>
    Buffer.from(sha256Hex(Buffer.concat([Buffer.from([0]), Buffer.from(canonicalJson(k), 'utf8')])), 'hex'),
  );
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) {
      if (i + 1 === level.length) next.push(level[i]);
      else next.push(Buffer.from(sha256Hex(Buffer.concat([Buffer.from([1]), level[i], level[i + 1]])), 'hex'));
    }
    level = next;
  }
  return level[0].toString('hex');
}
