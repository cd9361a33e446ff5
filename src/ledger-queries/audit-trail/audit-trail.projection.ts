import { isStreamOf } from '@1tt/ledger';
import type { RecordedEvent } from '@1tt/event-store';
import type { Projection, ProjectionTransaction } from '@1tt/read-models';
import { dataOf, idOf, str, type EventData } from '../ledger-event-data';

export const AUDIT_TRAIL = 'ledger_audit_trail';
export const AUDIT_TRAIL_DATASETS = 'ledger_audit_trail_datasets';

export interface AuditTrailDoc extends Record<string, unknown> {
  contributorId: string;
  position: number;
  type: string;
  streamName: string;
  revision: number;
  eventId: string;
  time: string;
  /** The event's data; for a payout run's allocations, only this contributor's line (others' shares are private). */
  data: unknown;
  /** The event's hash and prevHash, so the contributor can check it against an export or /v1/audit/events. */
  hash: string;
  prevHash: string;
  /** False when `data` is a part of the event's data (the hash is over the whole event). */
  dataComplete: boolean;
}

export const auditTrailId = (contributorId: string, position: number): string =>
  `${contributorId}\u0000${String(position).padStart(16, '0')}`;

/**
 * Each contributor's audit trail: every event that touched them — their
 * registration, their datasets' events, payout runs that allocated to them,
 * settlements to them — with position, type, time, data and hash.
 */
export const auditTrailProjection: Projection = {
  name: 'ledger-audit-trail',
  version: 3,
  collections: [{ name: AUDIT_TRAIL, indexes: ['contributorId', 'position'] }, AUDIT_TRAIL_DATASETS],
  handles: [
    'ContributorRegistered',
    'DatasetUploaded',
    'DatasetPreprocessed',
    'DatasetTokensCounted',
    'DatasetAccepted',
    'DatasetRejected',
    'DatasetWithdrawn',
    'PayoutRunAllocationsRecorded',
    'PayoutRunAdjustmentsRecorded',
    'PayoutSettled',
  ],
  async apply(tx: ProjectionTransaction, event: RecordedEvent): Promise<void> {
    const d = dataOf(event);
    const record = (contributorId: string, data: unknown, dataComplete = true): void => {
      tx.put(AUDIT_TRAIL, auditTrailId(contributorId, event.position), {
        contributorId,
        position: event.position,
        type: event.type,
        streamName: event.streamName,
        revision: event.revision,
        eventId: event.id,
        time: event.metadata.recordedAt,
        data,
        hash: event.hash,
        prevHash: event.prevHash,
        dataComplete,
      } satisfies AuditTrailDoc);
    };
    if (event.type === 'ContributorRegistered') {
      const id = idOf(event, 'contributorId', 'contributor');
      if (id) record(id, event.data);
      return;
    }
    if (event.type.startsWith('Dataset')) {
      if (!isStreamOf('dataset', event.streamName)) return;
      const datasetId = idOf(event, 'datasetId', 'dataset');
      if (!datasetId) return;
      let owner: string | undefined;
      if (event.type === 'DatasetUploaded') {
        owner = d.kind === 'reference' ? undefined : str(d, 'contributorId');
        if (!owner) return;
        tx.put(AUDIT_TRAIL_DATASETS, datasetId, { datasetId, contributorId: owner });
      } else {
        owner = (await tx.get<{ contributorId: string }>(AUDIT_TRAIL_DATASETS, datasetId))?.contributorId;
      }
      if (owner) record(owner, event.data);
      return;
    }
    if (event.type === 'PayoutRunAllocationsRecorded') {
      const raw = Array.isArray(d.allocations) ? (d.allocations as EventData[]) : [];
      const { allocations: _all, ...summary } = d;
      for (const a of raw) {
        const id = a && str(a, 'contributorId');
        if (id) record(id, { ...summary, allocations: [a] }, false);
      }
      return;
    }
    if (event.type === 'PayoutRunAdjustmentsRecorded') {
      const raw = Array.isArray(d.adjustments) ? (d.adjustments as EventData[]) : [];
      const { adjustments: _all, ...summary } = d;
      for (const a of raw) {
        const id = a && str(a, 'contributorId');
        if (id) record(id, { ...summary, adjustments: [a] }, false);
      }
      return;
    }
    if (event.type === 'PayoutSettled') {
      const id = str(d, 'contributorId');
      if (id) record(id, event.data);
    }
  },
};
