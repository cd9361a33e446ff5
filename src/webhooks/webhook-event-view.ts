/**
 * What a webhook owner may receive of a log event, and how it is shown:
 * the event's audience (the same Audience and the same rule, mayReceive,
 * as /v1/events) and its data as the API shows it to that owner. A
 * contributor gets their registration, their datasets' events, their line
 * of a payout run and their settlements (exactly their audit trail); a
 * consumer gets their registration and agreements, their revenue reports
 * and the runs they funded; admin and auditor every event in full.
 */
import type { Audience, Principal, Role } from '@1tt/access';
import { API_KEY_EVENT_TYPES } from '@1tt/access';
import type { RecordedEvent } from '@1tt/event-store';
import { isStreamOf, LEDGER_EVENT_TYPES } from '@1tt/ledger';
import { mayReceive } from '../change-feed/change-feed.service';
import { WEBHOOK_EVENT_TYPES } from '@1tt/access';

type Data = Record<string, unknown>;

const CONTRIBUTOR_TYPES = [
  'ContributorRegistered',
  'DatasetUploaded',
  'DatasetPreprocessed',
  'DatasetTokensCounted',
  'DatasetAccepted',
  'DatasetRejected',
  'DatasetWithdrawn',
  'PayoutRunAllocationsRecorded',
  'PayoutSettled',
];
const DATASET_TYPES = [
  'DatasetUploaded',
  'DatasetPreprocessed',
  'DatasetTokensCounted',
  'DatasetAccepted',
  'DatasetRejected',
  'DatasetWithdrawn',
];
/** A consumer's datasets are its reference corpora (uploaded to be excluded from its pool, never paid). */
const CONSUMER_TYPES = [
  ...DATASET_TYPES,
  'ConsumerRegistered',
  'RevenueShareAgreed',
  'RevenueReported',
  'PayoutRunStarted',
  'PayoutRunAllocationsRecorded',
  'PayoutRunCompleted',
];

/** Every event type a webhook may subscribe to. */
export const SUBSCRIBABLE_EVENT_TYPES: readonly string[] = [
  ...new Set([...LEDGER_EVENT_TYPES, ...API_KEY_EVENT_TYPES, ...WEBHOOK_EVENT_TYPES]),
];

/** The types a role can ever receive (admin and auditor: all). */
export function subscribableTypesFor(role: Role): readonly string[] {
  if (role === 'contributor') return CONTRIBUTOR_TYPES;
  if (role === 'consumer') return CONSUMER_TYPES;
  return SUBSCRIBABLE_EVENT_TYPES;
}

/** Who a dataset belongs to, from its DatasetUploaded: a contributor's contribution or a consumer's reference corpus. */
export interface DatasetOwners {
  ownerOf(datasetId: string): Promise<{ contributorId?: string; consumerId?: string } | undefined>;
}

export interface WebhookEventView {
  audience: Audience;
  /** The event's data as `principal` is shown it (call only when mayReceive said yes). */
  dataFor(principal: Principal): unknown;
}

const str = (d: Data, k: string): string | undefined => (typeof d[k] === 'string' && d[k] !== '' ? (d[k] as string) : undefined);
const idFrom = (e: RecordedEvent, field: string, category: string): string | undefined =>
  str(dataOf(e), field) ?? (e.streamName.startsWith(`${category}-`) ? e.streamName.slice(category.length + 1) : undefined);
const dataOf = (e: RecordedEvent): Data => (e.data && typeof e.data === 'object' ? (e.data as Data) : {});

export async function webhookEventView(event: RecordedEvent, owners: DatasetOwners): Promise<WebhookEventView> {
  const d = dataOf(event);
  const full: WebhookEventView = { audience: {}, dataFor: () => event.data };
  const forContributors = (ids: Array<string | undefined>): WebhookEventView => ({
    audience: { contributorIds: ids.filter((i): i is string => !!i) },
    dataFor: () => event.data,
  });
  const forConsumer = (id: string | undefined): WebhookEventView => ({
    audience: { consumerIds: id ? [id] : [] },
    dataFor: () => event.data,
  });
  switch (event.type) {
    case 'ContributorRegistered':
      return forContributors([idFrom(event, 'contributorId', 'contributor')]);
    case 'PayoutSettled':
      return forContributors([str(d, 'contributorId')]);
    case 'DatasetUploaded':
      return d.kind === 'reference' ? forConsumer(str(d, 'consumerId')) : forContributors([str(d, 'contributorId')]);
    case 'DatasetPreprocessed':
    case 'DatasetTokensCounted':
    case 'DatasetAccepted':
    case 'DatasetRejected':
    case 'DatasetWithdrawn': {
      const datasetId = isStreamOf('dataset', event.streamName) ? idFrom(event, 'datasetId', 'dataset') : undefined;
      const owner = datasetId ? await owners.ownerOf(datasetId) : undefined;
      return owner?.consumerId ? forConsumer(owner.consumerId) : forContributors([owner?.contributorId]);
    }
    case 'ConsumerRegistered':
    case 'RevenueShareAgreed':
      return forConsumer(idFrom(event, 'consumerId', 'consumer'));
    case 'RevenueReported':
    case 'PayoutRunStarted':
    case 'PayoutRunCompleted':
      return forConsumer(str(d, 'consumerId'));
    case 'PayoutRunAllocationsRecorded': {
      // The funding consumer sees the whole chunk; each allocated contributor only their own line (as on their audit trail).
      const consumerId = str(d, 'consumerId');
      const lines = Array.isArray(d.allocations) ? (d.allocations as Data[]).filter((a) => a && typeof a === 'object') : [];
      const contributorIds = lines.map((a) => str(a, 'contributorId')).filter((i): i is string => !!i);
      const { allocations: _all, ...summary } = d;
      return {
        audience: { consumerIds: consumerId ? [consumerId] : [], contributorIds },
        dataFor: (p) =>
          p.role === 'contributor' ? { ...summary, allocations: lines.filter((a) => str(a, 'contributorId') === p.subjectId) } : event.data,
      };
    }
    default:
      return full;
  }
}

/** The webhook owner as a principal, for the scoping rule. */
export function ownerPrincipal(owner: { role: Role; subjectId: string }, webhookId: string): Principal {
  return { role: owner.role, subjectId: owner.subjectId, keyId: `webhook:${webhookId}` };
}

export function ownerMayReceive(owner: Principal, view: WebhookEventView): boolean {
  return mayReceive(owner, { audience: view.audience });
}
