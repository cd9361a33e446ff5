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
  /** The adjustment postings of one revenue correction (written once, in bounded appends like a payout run). */
  adjustment: (correctionId: string) => `adjustment-${correctionId}`,
  /** Every payout batch of one currency (reservations are decided on one stream). */
  payoutBatches: (currency: string) => `batches-${currency}`,
  /** One data request (issue #15): opened, closed early. */
  dataRequest: (requestId: string) => `datarequest-${requestId}`,
} as const;

export type StreamCategory =
  'contributor' | 'consumer' | 'auditor' | 'dataset' | 'revenue' | 'payout-run' | 'adjustment' | 'batches' | 'datarequest';

const CATEGORIES: readonly StreamCategory[] = [
  'payout-run',
  'contributor',
  'consumer',
  'auditor',
  'dataset',
  'revenue',
  'adjustment',
  'batches',
  'datarequest',
];

/** The ledger category and id of a stream name, or undefined for a foreign stream. */
export function parseStreamName(streamName: string): { category: StreamCategory; id: string } | undefined {
  for (const category of CATEGORIES) {
    if (isStreamOf(category, streamName)) return { category, id: streamName.slice(category.length + 1) };
  }
  return undefined;
}

/** The prefix of a category's stream names (`dataset-`), for stores that filter by prefix. */
export function streamPrefix(category: StreamCategory): string {
  return `${category}-`;
}

/** Whether the stream is one of the category's (no other category's prefix starts with another's, `payout-run-` included). */
export function isStreamOf(category: StreamCategory, streamName: string): boolean {
  return streamName.length > category.length + 1 && streamName.startsWith(category) && streamName[category.length] === '-';
}
