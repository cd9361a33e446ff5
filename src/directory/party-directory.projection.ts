import type { RecordedEvent } from '@1tt/event-store';
import type { Projection, ProjectionTransaction } from '@1tt/read-models';

export const DIRECTORY_PARTIES = 'directory_parties';

export type PartyRole = 'contributor' | 'consumer' | 'auditor';

export interface PartyDoc extends Record<string, unknown> {
  partyId: string;
  role: PartyRole;
  displayName: string;
  /** The name folded for ordering and search (NFKC, lower case), then the id: the order of a directory page. */
  sortKey: string;
  registeredAt: string;
}

const REGISTERED: Record<string, { role: PartyRole; idField: string }> = {
  ContributorRegistered: { role: 'contributor', idField: 'contributorId' },
  ConsumerRegistered: { role: 'consumer', idField: 'consumerId' },
  AuditorRegistered: { role: 'auditor', idField: 'auditorId' },
};

export function foldName(name: string): string {
  return name.normalize('NFKC').toLocaleLowerCase('und');
}

/**
 * Who is who: every registered contributor, consumer and auditor with the
 * display name they were registered under, for the admin's directories and
 * for showing names beside ids.
 */
export const partyDirectoryProjection: Projection = {
  name: 'party-directory',
  version: 1,
  collections: [{ name: DIRECTORY_PARTIES, indexes: ['role', 'sortKey'] }],
  handles: Object.keys(REGISTERED),
  apply(tx: ProjectionTransaction, event: RecordedEvent): void {
    const kind = REGISTERED[event.type];
    const data = event.data as Record<string, unknown>;
    const partyId = data[kind.idField];
    const displayName = data.displayName;
    if (typeof partyId !== 'string' || typeof displayName !== 'string') return;
    const registeredAt = typeof data.registeredAt === 'string' ? data.registeredAt : event.metadata.recordedAt;
    const doc: PartyDoc = { partyId, role: kind.role, displayName, sortKey: `${foldName(displayName)}\u0001${partyId}`, registeredAt };
    tx.put(DIRECTORY_PARTIES, partyId, doc);
  },
};
