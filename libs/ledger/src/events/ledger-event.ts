import { AuditorEvent } from '../auditors/auditor.events';
import { ConsumerEvent } from '../consumers/consumer.events';
import { ContributorEvent } from '../contributors/contributor.events';
import { DatasetEvent } from '../datasets/dataset.events';
import { PayoutRunEvent } from '../payout-runs/payout-run.events';
import { RevenueEvent } from '../revenue/revenue.events';
import { RunAdjustmentEvent } from '../corrections/run-adjustment.events';
import { PayoutBatchEvent } from '../payout-batches/payout-batch.events';
import { DataRequestEvent } from '../data-requests/data-request.events';

/** Recorded in metadata.schemaVersion of every ledger event. */
export const LEDGER_SCHEMA_VERSION = 1;

/** The whole public log format of the ledger. */
export type LedgerEvent =
  | ContributorEvent
  | AuditorEvent
  | ConsumerEvent
  | DatasetEvent
  | RevenueEvent
  | PayoutRunEvent
  | RunAdjustmentEvent
  | PayoutBatchEvent
  | DataRequestEvent;
export type LedgerEventType = LedgerEvent['type'];

export const LEDGER_EVENT_TYPES: readonly LedgerEventType[] = [
  'ContributorRegistered',
  'PayoutSettled',
  'PayoutDetailsSet',
  'ContributorConsentSet',
  'ContributorErased',
  'AuditorRegistered',
  'ConsumerRegistered',
  'RevenueShareAgreed',
  'DatasetUploaded',
  'DatasetPreprocessed',
  'DatasetTokensCounted',
  'DatasetAccepted',
  'DatasetRejected',
  'DatasetWithdrawn',
  'DatasetConsentChanged',
  'DatasetDocumentsExcluded',
  'RevenueReported',
  'PayoutRunStarted',
  'PayoutRunAllocationsRecorded',
  'PayoutRunCompleted',
  'RevenueCorrected',
  'PayoutRunAdjustmentsRecorded',
  'PayoutRunAdjusted',
  'PayoutBatchCreated',
  'PayoutBatchReconciled',
  'DataRequestOpened',
  'DataRequestClosed',
];

const TYPES = new Set<string>(LEDGER_EVENT_TYPES);

export function isLedgerEvent<T extends { type: string }>(event: T): event is T & LedgerEvent {
  return TYPES.has(event.type);
}

/**
 * An event as read back from the log: structurally a subset of the event
 * store's RecordedEvent, so recorded events can be passed in directly
 * (the domain does not import the event-store lib).
 */
export interface LoggedEvent {
  type: string;
  data: unknown;
  /** 1-based global log position. */
  position: number;
  metadata: { recordedAt: string };
}
