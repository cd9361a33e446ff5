import { isStreamOf } from '@1tt/ledger';
import type { RecordedEvent } from '@1tt/event-store';
import type { Projection, ProjectionTransaction } from '@1tt/read-models';
import { dataOf, idOf, int, str } from '../ledger-event-data';

export const POOL_DATASETS = 'ledger_pool_datasets';
export const POOL_CONTRIBUTORS = 'ledger_pool_contributors';
export const POOL_TOTALS = 'ledger_pool_totals';
/** The one document of POOL_TOTALS. */
export const POOL_TOTALS_ID = 'pool';

export interface PoolDatasetDoc extends Record<string, unknown> {
  datasetId: string;
  contributorId: string;
  /** Digit string. */
  tokens: string;
  status: 'uploaded' | 'accepted' | 'rejected' | 'withdrawn';
}

export interface PoolContributorDoc extends Record<string, unknown> {
  contributorId: string;
  tokens: string;
  /** Datasets in the pool (their tokens are in POOL_DATASETS: kept apart so this document stays small). */
  datasets: number;
}

export interface PoolTotalsDoc extends Record<string, unknown> {
  totalTokens: string;
  contributors: number;
}

/**
 * The contribution pool: tokens per contributor and dataset and ΣT. A
 * dataset counts while accepted (with its latest token count); rejected or
 * withdrawn, it leaves; documents its owner excludes take their tokens out
 * with them (issue #14). A contributor with no tokens left is removed, so a
 * read at P lists exactly the contributors in the pool at P. Ratios are not
 * stored: every one would change with each upload; the query divides the
 * two numbers it reads at the same position.
 */
export const poolProjection: Projection = {
  name: 'ledger-pool',
  version: 4,
  collections: [{ name: POOL_DATASETS, indexes: ['contributorId', 'status'] }, POOL_CONTRIBUTORS, POOL_TOTALS],
  handles: [
    'DatasetUploaded',
    'DatasetTokensCounted',
    'DatasetAccepted',
    'DatasetRejected',
    'DatasetWithdrawn',
    'DatasetDocumentsExcluded',
  ],
  async apply(tx: ProjectionTransaction, event: RecordedEvent): Promise<void> {
    if (!isStreamOf('dataset', event.streamName)) return;
    const datasetId = idOf(event, 'datasetId', 'dataset');
    if (!datasetId) return;
    const d = dataOf(event);
    if (event.type === 'DatasetUploaded') {
      const contributorId = str(d, 'contributorId');
      // A consumer's reference corpus has no contributor and earns nothing.
      if (!contributorId || d.kind === 'reference') return;
      const doc: PoolDatasetDoc = { datasetId, contributorId, tokens: '0', status: 'uploaded' };
      tx.put(POOL_DATASETS, datasetId, doc);
      return;
    }
    const current = await tx.get<PoolDatasetDoc>(POOL_DATASETS, datasetId);
    if (!current) return;
    const next: PoolDatasetDoc = { ...current };
    const wasIn = current.status === 'accepted';
    if (event.type === 'DatasetTokensCounted') {
      const tokens = int(d, 'tokens');
      if (tokens === undefined) return;
      next.tokens = tokens.toString();
    } else if (event.type === 'DatasetAccepted') {
      if (wasIn) return;
      next.status = 'accepted';
      // The catalogue's DatasetAccepted carries the tokens it joins with.
      const tokens = int(d, 'tokens');
      if (tokens !== undefined) next.tokens = tokens.toString();
    } else if (event.type === 'DatasetRejected') {
      next.status = 'rejected';
    } else if (event.type === 'DatasetWithdrawn') {
      next.status = 'withdrawn';
    } else if (event.type === 'DatasetDocumentsExcluded') {
      // Issue #14: excluded documents' tokens leave the pool (the dataset stays in it with the rest).
      const excluded = int(d, 'tokens');
      if (excluded === undefined || !wasIn) return;
      const left = BigInt(current.tokens) - excluded;
      next.tokens = (left > 0n ? left : 0n).toString();
    } else {
      return;
    }
    tx.put(POOL_DATASETS, datasetId, next);
    const before = wasIn ? BigInt(current.tokens) : 0n;
    const after = next.status === 'accepted' ? BigInt(next.tokens) : 0n;
    const isIn = next.status === 'accepted';
    if (before !== after || wasIn !== isIn) await changePool(tx, next.contributorId, after - before, !wasIn && isIn, wasIn && !isIn);
  },
};

async function changePool(tx: ProjectionTransaction, contributorId: string, delta: bigint, joined: boolean, left: boolean): Promise<void> {
  const current = await tx.get<PoolContributorDoc>(POOL_CONTRIBUTORS, contributorId);
  const tokens = BigInt(current?.tokens ?? '0') + delta;
  const datasets = (current?.datasets ?? 0) + (joined ? 1 : left ? -1 : 0);
  // Same rule as the audit replay: a contributor with no tokens is not in the pool.
  const inPoolAfter = tokens !== 0n;
  if (inPoolAfter)
    tx.put(POOL_CONTRIBUTORS, contributorId, { contributorId, tokens: tokens.toString(), datasets } satisfies PoolContributorDoc);
  else if (current) tx.remove(POOL_CONTRIBUTORS, contributorId);
  if (delta === 0n && (current !== undefined) === inPoolAfter) return;
  const totals = await tx.get<PoolTotalsDoc>(POOL_TOTALS, POOL_TOTALS_ID);
  const count = (totals?.contributors ?? 0) + (current && !inPoolAfter ? -1 : !current && inPoolAfter ? 1 : 0);
  tx.put(POOL_TOTALS, POOL_TOTALS_ID, {
    totalTokens: (BigInt(totals?.totalTokens ?? '0') + delta).toString(),
    contributors: count,
  } satisfies PoolTotalsDoc);
}
