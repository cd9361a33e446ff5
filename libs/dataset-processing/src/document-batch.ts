import type { ContentClass, DocumentLabels, DocumentResult, ResolvedPipeline } from '@1tt/preprocessing';

/**
 * The messages between the job runner and its worker threads. Documents go
 * in batches (one postMessage per batch, not per document) and the results
 * come back without the cleaned text (the decision needs only hashes,
 * signatures and counts), the signatures packed in one transferable buffer.
 */
export interface WorkerInit {
  readonly pipeline: ResolvedPipeline;
}

export interface BatchRequest {
  readonly id: number;
  readonly texts: string[];
  /** Per text: the file or archive member name the content classifier looks at first (absent: none). */
  readonly names?: Array<string | undefined>;
}

/** DocumentLabels as a tuple: [language, languageScore, contentClass, route] (routed pipelines only). */
export type LabelsRow = [string, number, string, string];

export function labelsRow(l: DocumentLabels | undefined): LabelsRow | null {
  return l ? [l.language, l.languageScore, l.contentClass, l.route] : null;
}

export function labelsOf(row: LabelsRow | null | undefined): { labels: DocumentLabels } | Record<string, never> {
  if (!row) return {};
  return { labels: { language: row[0], languageScore: row[1], contentClass: row[2] as ContentClass, route: row[3] } };
}

export interface BatchReply {
  readonly id: number;
  /** Per document: kept → [1, exactHash, tokens, chars, hasSignature, labels]; removed → [0, reason, detail, block, labels]. */
  readonly rows: Array<[1, string, number, number, 0 | 1, LabelsRow | null] | [0, string, string | null, string | null, LabelsRow | null]>;
  /** Signatures of kept documents with one, concatenated (numPerm values each), in document order. */
  readonly signatures: Uint32Array;
  readonly error?: string;
}

export function encodeResults(id: number, results: readonly DocumentResult[], numPerm: number): BatchReply {
  const withSig = results.filter((r) => r.kept && r.signature).length;
  const signatures = new Uint32Array(withSig * numPerm);
  const rows: BatchReply['rows'] = [];
  let k = 0;
  for (const r of results) {
    if (r.kept) {
      if (r.signature) {
        signatures.set(r.signature, k * numPerm);
        k += 1;
      }
      rows.push([1, r.exactHash, r.tokens, r.chars, r.signature ? 1 : 0, labelsRow(r.labels)]);
    } else {
      rows.push([0, r.reason, r.detail ?? null, r.block ?? null, labelsRow(r.labels)]);
    }
  }
  return { id, rows, signatures };
}

/**
 * Back to DocumentResult for decideDataset. cleanedText stays empty: the
 * decision reads only exactHash, signature and tokens.
 */
export function decodeResults(reply: BatchReply, numPerm: number): DocumentResult[] {
  let k = 0;
  return reply.rows.map((row): DocumentResult => {
    if (row[0] === 1) {
      const signature = row[4] === 1 ? reply.signatures.subarray(k * numPerm, ++k * numPerm) : null;
      return { kept: true, cleanedText: '', exactHash: row[1], tokens: row[2], chars: row[3], signature, ...labelsOf(row[5]) };
    }
    return {
      kept: false,
      reason: row[1],
      ...(row[2] !== null ? { detail: row[2] } : {}),
      ...(row[3] !== null ? { block: row[3] } : {}),
      ...labelsOf(row[4]),
    };
  });
}
