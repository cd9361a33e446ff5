import { Injectable } from '@nestjs/common';
import { actorOf, type Principal } from '@1tt/access';
import { decideOnStream, readStreamSnapshot } from '@1tt/command-path';
import { NotFoundError } from '@1tt/domain-errors';
import { EventStore } from '@1tt/event-store';
import { contributorDecider, streamNames, type ContributorRegistered } from '@1tt/ledger';
import { contributorSubject, SubjectKeyStore } from '../../personal-data/subject-key-store';
import { Clock } from '../clock';

export interface ErasureView {
  contributorId: string;
  erasedAt: string;
  /** The sealed display name is unreadable now; recorded-in-clear: registered before names were sealed, the name stays in the log. */
  displayName: 'erased' | 'recorded-in-clear';
  payoutDetails: 'erased' | 'none';
}

/**
 * POST /v1/contributors/{id}/erasure: crypto-shredding. The contributor's
 * key in the personal-data key store is destroyed (overwritten, deleted, a
 * tombstone so none is made again), then ContributorErased is appended. The
 * log keeps every event and hash (ciphertext stays ciphertext), money is
 * untouched, `1tt audit verify` still passes; reads show "erased".
 * Idempotent: a repeat destroys nothing more and records nothing.
 */
@Injectable()
export class ContributorErasureService {
  constructor(
    private readonly events: EventStore,
    private readonly keys: SubjectKeyStore,
    private readonly clock: Clock,
  ) {}

  async erase(contributorId: string, by: Principal): Promise<ErasureView> {
    const stream = streamNames.contributor(contributorId);
    const before = await readStreamSnapshot(this.events, stream);
    const registered = before.events.find((e) => e.type === 'ContributorRegistered');
    if (!registered) throw new NotFoundError('contributor-not-found', `Contributor ${contributorId} does not exist`, { field: 'id' });
    // The key first: if the append below fails, the data is already unreadable and a retry records the event.
    this.keys.erase(contributorSubject(contributorId));
    await decideOnStream(
      this.events,
      stream,
      contributorDecider,
      { type: 'EraseContributor', data: { contributorId } },
      { context: () => ({ now: this.clock.now() }), actor: actorOf(by), correlationId: contributorId, attempts: 3 },
    );
    const after = await readStreamSnapshot(this.events, stream);
    const erased = after.events.find((e) => e.type === 'ContributorErased')!;
    return {
      contributorId,
      erasedAt: (erased.data as { erasedAt: string }).erasedAt,
      displayName: typeof (registered.data as ContributorRegistered['data']).displayName === 'string' ? 'recorded-in-clear' : 'erased',
      payoutDetails: after.events.some((e) => e.type === 'PayoutDetailsSet') ? 'erased' : 'none',
    };
  }
}
