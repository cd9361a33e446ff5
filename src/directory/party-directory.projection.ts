import type { RecordedEvent } from '@1tt/event-store';
import type { Projection, ProjectionTransaction } from '@1tt/read-models';

export const DIRECTORY_PARTIES = 'directory_parties';

export type PartyRole = 'contributor' | 'consumer' | 'auditor';

export interface PartyDoc extends Record<string, unknown> {
  partyId: string;
  role: PartyRole;
  /** In clear: consumers, auditors, and contributors registered before names were sealed. */
  displayName?: string;
  /** A contributor's name as recorded: ciphertext under their own key (PersonalNames opens it). */
  sealedDisplayName?: { keyId: string; ciphertext: string };
  /** ContributorErased: the key is gone; the name reads "erased". */
  erased?: boolean;
  /**
   * The name folded for ordering and search (NFKC, lower case), then the id:
   * the order of a directory page. A sealed name cannot be ordered without
   * its key (an order-preserving key would reveal it): those sort after the
   * clear names, in registration order.
   */
  sortKey: string;
  registeredAt: string;
}

/** Sorts after every folded name: sealed names are listed last, in registration order. */
const SEALED_SORT = '\uffff';
const sealedSortKey = (position: number, partyId: string): string => `${SEALED_SORT}${String(position).padStart(16, '0')}\u0001${partyId}`;

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
  version: 2,
  collections: [{ name: DIRECTORY_PARTIES, indexes: ['role', 'sortKey'] }],
  handles: [...Object.keys(REGISTERED), 'ContributorErased'],
  async apply(tx: ProjectionTransaction, event: RecordedEvent): Promise<void> {
    const data = event.data as Record<string, unknown>;
    if (event.type === 'ContributorErased') {
      const id = data.contributorId;
      const current = typeof id === 'string' ? await tx.get<PartyDoc>(DIRECTORY_PARTIES, id) : undefined;
      if (current) {
        // Nothing of the name is kept: not the clear one of an early registration, not its folded sort key.
        const { displayName: _name, sealedDisplayName: _sealed, ...rest } = current;
        tx.put(DIRECTORY_PARTIES, current.partyId, {
          ...rest,
          erased: true,
          sortKey: current.sortKey.startsWith(SEALED_SORT) ? current.sortKey : sealedSortKey(event.position, current.partyId),
        });
      }
      return;
    }
    const kind = REGISTERED[event.type];
    const partyId = data[kind.idField];
    if (typeof partyId !== 'string') return;
    const displayName = typeof data.displayName === 'string' ? data.displayName : undefined;
    const sealed = data.sealedDisplayName as PartyDoc['sealedDisplayName'] | undefined;
    if (displayName === undefined && (typeof sealed?.ciphertext !== 'string' || typeof sealed.keyId !== 'string')) return;
    const registeredAt = typeof data.registeredAt === 'string' ? data.registeredAt : event.metadata.recordedAt;
    const doc: PartyDoc = {
      partyId,
      role: kind.role,
      ...(displayName !== undefined ? { displayName } : { sealedDisplayName: { keyId: sealed!.keyId, ciphertext: sealed!.ciphertext } }),
      sortKey: displayName !== undefined ? `${foldName(displayName)}\u0001${partyId}` : sealedSortKey(event.position, partyId),
      registeredAt,
    };
    tx.put(DIRECTORY_PARTIES, partyId, doc);
  },
};
