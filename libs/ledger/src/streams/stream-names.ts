/**
 * Stream names are `category-id` so EventStoreDB's `$ce-<category>`
 * projections work (category = text before the first '-'). Note that
 * `payout-run-<id>` therefore falls in the `$ce-payout` category, which no
 * other stream uses.
 */
export const streamNames = {
  contributor: (contributorId: string) => `contributor-${contributorId}`,
  consumer: (consumerId: string) => `consumer-${consumerId}`,
  auditor: (auditorId: string) => `auditor-${auditorId}`,
  dataset: (datasetId: string) => `dataset-${datasetId}`,
  revenue: (revenueId: string) => `revenue-${revenueId}`,
  payoutRun: (revenueId: string) => `payout-run-${revenueId}`,
  /** The adjustment postings of one revenue correction (written once, `no-stream`). */
  adjustment: (correctionId: string) => `adjustment-${correctionId}`,
  /** Every payout batch of one currency (reservations are decided on one stream). */
  payoutBatches: (currency: string) => `batches-${currency}`,
} as const;

export type StreamCategory = 'contributor' | 'consumer' | 'auditor' | 'dataset' | 'revenue' | 'payout-run' | 'adjustment' | 'batches';

const PREFIXES: ReadonlyArray<[StreamCategory, string]> = [
  ['payout-run', 'payout-run-'],
  ['contributor', 'contributor-'],
  ['consumer', 'consumer-'],
  ['auditor', 'auditor-'],
  ['dataset', 'dataset-'],
  ['revenue', 'revenue-'],
  ['adjustment', 'adjustment-'],
  ['batches', 'batches-'],
];

/** The ledger category and id of a stream name, or undefined for a foreign stream. */
export function parseStreamName(streamName: string): { category: StreamCategory; id: string } | undefined {
  for (const [category, prefix] of PREFIXES) {
    if (streamName.startsWith(prefix) && streamName.length > prefix.length) return { category, id: streamName.slice(prefix.length) };
  }
  return undefined;
}
