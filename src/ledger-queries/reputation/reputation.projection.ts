import { acceptedDatasetEvidence, epochDayOf, isLedgerEvent, LEDGER_EVENT_TYPES } from '@1tt/ledger';
import type { RecordedEvent } from '@1tt/event-store';
import type { Projection, ProjectionTransaction } from '@1tt/read-models';
import { dataOf, int, str } from '../ledger-event-data';

export const REPUTATION_CONTRIBUTORS = 'ledger_reputation_contributors';
export const REPUTATION_DAYS = 'ledger_reputation_days';
export const REPUTATION_DATASETS = 'ledger_reputation_datasets';
export const REPUTATION_CLOCK = 'ledger_reputation_clock';
export const REPUTATION_CLOCK_ID = 'clock';

export interface ReputationContributorDoc extends Record<string, unknown> {
  contributorId: string;
  /** Epoch day of the registration (or of the first evidence when the log has no registration). */
  firstDay: number;
}

/** One contributor's evidence of one UTC day; token figures as digit strings. */
export interface ReputationDayDoc extends Record<string, unknown> {
  contributorId: string;
  day: number;
  keptTokens: string;
  inputTokens: string;
  duplicateTokens: string;
  rejectedUploads: number;
  withdrawnTokens: string;
  withdrawals: number;
  /** Tokens credited to data requests (absent in documents written before). */
  creditedTokens?: string;
}

interface ReputationDatasetDoc extends Record<string, unknown> {
  contributorId: string;
  documentsIn?: number;
  documentsKept?: number;
  duplicatesOfEarlier?: number;
  decided: boolean;
}

/** The log's clock: the UTC day of the last ledger event (reputations are evaluated on it). */
export interface ReputationClockDoc extends Record<string, unknown> {
  day: number;
}

const dayId = (contributorId: string, day: number): string => `${contributorId}\u0000${day}`;
const whole = (d: Record<string, unknown>, f: string): number | undefined => {
  const v = d[f];
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
};

/**
 * Reputation evidence per contributor and day (issue #15), the read model
 * of GET /v1/contributors/{id}/reputation. The same rules as ReputationLog
 * in @1tt/ledger (the audit's fold), kept as documents so a read at
 * position P needs no replay: the query applies reputationOf to the days
 * valid at P, evaluated on the clock's day at P. One clock write per UTC
 * day, one day document per contributor and day with evidence.
 */
export const reputationProjection: Projection = {
  name: 'ledger-reputation',
  version: 2,
  collections: [REPUTATION_CONTRIBUTORS, { name: REPUTATION_DAYS, indexes: ['contributorId'] }, REPUTATION_DATASETS, REPUTATION_CLOCK],
  handles: LEDGER_EVENT_TYPES,
  async apply(tx: ProjectionTransaction, event: RecordedEvent): Promise<void> {
    if (!isLedgerEvent(event)) return;
    const day = epochDayOf(event.metadata.recordedAt);
    const clock = await tx.get<ReputationClockDoc>(REPUTATION_CLOCK, REPUTATION_CLOCK_ID);
    if (clock?.day !== day) tx.put(REPUTATION_CLOCK, REPUTATION_CLOCK_ID, { day } satisfies ReputationClockDoc);
    const d = dataOf(event);
    switch (event.type) {
      case 'ContributorRegistered': {
        const contributorId = str(d, 'contributorId');
        if (contributorId && !(await tx.get(REPUTATION_CONTRIBUTORS, contributorId)))
          tx.put(REPUTATION_CONTRIBUTORS, contributorId, { contributorId, firstDay: day } satisfies ReputationContributorDoc);
        return;
      }
      case 'DatasetUploaded': {
        const datasetId = str(d, 'datasetId');
        const contributorId = str(d, 'contributorId');
        if (!datasetId || !contributorId || d.kind === 'reference' || (await tx.get(REPUTATION_DATASETS, datasetId))) return;
        tx.put(REPUTATION_DATASETS, datasetId, { contributorId, decided: false } satisfies ReputationDatasetDoc);
        return;
      }
      case 'DatasetPreprocessed': {
        const datasetId = str(d, 'datasetId');
        const ds = datasetId ? await tx.get<ReputationDatasetDoc>(REPUTATION_DATASETS, datasetId) : undefined;
        const documentsIn = whole(d, 'documentsIn');
        const documentsKept = whole(d, 'documentsKept');
        if (!datasetId || !ds || documentsIn === undefined || documentsKept === undefined) return;
        tx.put(REPUTATION_DATASETS, datasetId, {
          ...ds,
          documentsIn,
          documentsKept,
          duplicatesOfEarlier: whole(d, 'duplicatesOfEarlier') ?? 0,
        });
        return;
      }
      case 'DatasetAccepted':
      case 'DatasetRejected':
      case 'DatasetWithdrawn': {
        const datasetId = str(d, 'datasetId');
        const ds = datasetId ? await tx.get<ReputationDatasetDoc>(REPUTATION_DATASETS, datasetId) : undefined;
        if (!datasetId || !ds) return;
        const tokens = int(d, 'tokens');
        if (event.type === 'DatasetWithdrawn') {
          if (tokens === undefined) return;
          await addToDay(tx, ds.contributorId, day, { withdrawnTokens: tokens, withdrawals: 1 });
          return;
        }
        if (ds.decided || (event.type === 'DatasetAccepted' && tokens === undefined)) return;
        tx.put(REPUTATION_DATASETS, datasetId, { ...ds, decided: true });
        if (event.type === 'DatasetRejected') {
          await addToDay(tx, ds.contributorId, day, { rejectedUploads: 1 });
          return;
        }
        const counts =
          ds.documentsIn === undefined || ds.documentsKept === undefined
            ? undefined
            : { documentsIn: ds.documentsIn, documentsKept: ds.documentsKept, duplicatesOfEarlier: ds.duplicatesOfEarlier ?? 0 };
        const rc =
          d.requestCredit && typeof d.requestCredit === 'object'
            ? int(d.requestCredit as Record<string, unknown>, 'creditedTokens')
            : undefined;
        const credited = rc === undefined ? 0n : rc < (tokens as bigint) ? rc : (tokens as bigint);
        await addToDay(tx, ds.contributorId, day, { ...acceptedDatasetEvidence(tokens as bigint, counts), creditedTokens: credited });
        return;
      }
      default:
        return;
    }
  },
};

async function addToDay(
  tx: ProjectionTransaction,
  contributorId: string,
  day: number,
  add: Partial<{
    keptTokens: bigint;
    inputTokens: bigint;
    duplicateTokens: bigint;
    rejectedUploads: number;
    withdrawnTokens: bigint;
    withdrawals: number;
    creditedTokens: bigint;
  }>,
): Promise<void> {
  if (!(await tx.get(REPUTATION_CONTRIBUTORS, contributorId)))
    tx.put(REPUTATION_CONTRIBUTORS, contributorId, { contributorId, firstDay: day } satisfies ReputationContributorDoc);
  const id = dayId(contributorId, day);
  const cur = await tx.get<ReputationDayDoc>(REPUTATION_DAYS, id);
  const sum = (field: 'keptTokens' | 'inputTokens' | 'duplicateTokens' | 'withdrawnTokens' | 'creditedTokens'): string =>
    (BigInt(cur?.[field] ?? '0') + (add[field] ?? 0n)).toString();
  tx.put(REPUTATION_DAYS, id, {
    contributorId,
    day,
    keptTokens: sum('keptTokens'),
    inputTokens: sum('inputTokens'),
    duplicateTokens: sum('duplicateTokens'),
    rejectedUploads: (cur?.rejectedUploads ?? 0) + (add.rejectedUploads ?? 0),
    withdrawnTokens: sum('withdrawnTokens'),
    withdrawals: (cur?.withdrawals ?? 0) + (add.withdrawals ?? 0),
    creditedTokens: sum('creditedTokens'),
  } satisfies ReputationDayDoc);
}
