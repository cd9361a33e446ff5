import { Injectable } from '@nestjs/common';
import { actorOf, type Principal } from '@1tt/access';
import { NotFoundError } from '@1tt/domain-errors';
import { EventStore } from '@1tt/event-store';
import {
  contributorDecider,
  maskPayoutDetails,
  parsePayoutDetails,
  payoutDetailsOf,
  streamNames,
  type ContributorState,
  type MaskedPayoutDetails,
  type PayoutDetails,
  type PayoutDetailsSet,
} from '@1tt/ledger';
import { Clock } from '../ledger/clock';
import { decideOnStream, readStreamSnapshot } from '@1tt/command-path';
import { contributorSubject, SubjectKeyErased, SubjectKeyStore } from '../personal-data/subject-key-store';

export interface PayoutDetailsView extends MaskedPayoutDetails {
  contributorId: string;
  setAt: string;
}

/**
 * PUT/GET /v1/contributors/{id}/payout-details. The details are validated
 * (IBAN check digits), serialised, encrypted under the contributor's own key
 * (SubjectKeyStore) and appended as PayoutDetailsSet holding only the
 * ciphertext. They are shown masked, decrypted in full only to build a
 * payment file, and never logged.
 */
@Injectable()
export class PayoutDetailsService {
  constructor(
    private readonly events: EventStore,
    private readonly keys: SubjectKeyStore,
    private readonly clock: Clock,
  ) {}

  async set(contributorId: string, input: Record<string, unknown>, by: Principal): Promise<PayoutDetailsView> {
    const details = payoutDetailsOf(input);
    if (this.keys.isErased(contributorSubject(contributorId))) {
      throw new NotFoundError('contributor-not-found', `Contributor ${contributorId} was erased`, { field: 'id' });
    }
    const decision = await decideOnStream(
      this.events,
      streamNames.contributor(contributorId),
      contributorDecider,
      {
        type: 'SetPayoutDetails',
        data: { contributorId, method: details.method, ...this.keys.encrypt(contributorSubject(contributorId), JSON.stringify(details)) },
      },
      { context: () => ({ now: this.clock.now() }), actor: actorOf(by), correlationId: contributorId, attempts: 3 },
    );
    const setAt = (decision.decided[0] as PayoutDetailsSet).data.setAt;
    return { contributorId, ...maskPayoutDetails(details), setAt };
  }

  async get(contributorId: string): Promise<PayoutDetailsView> {
    const { details, setAt } = await this.read(contributorId);
    return { contributorId, ...maskPayoutDetails(details), setAt };
  }

  /** The details in full (for a payment file only). Throws payout-details-not-set / payout-details-erased. */
  async read(contributorId: string): Promise<{ details: PayoutDetails; setAt: string }> {
    const state = await this.state(contributorId);
    if (state.status !== 'registered') {
      throw new NotFoundError('contributor-not-found', `Contributor ${contributorId} does not exist`, { field: 'id' });
    }
    return { details: this.open(contributorId, state), setAt: state.payoutDetails!.setAt };
  }

  async state(contributorId: string): Promise<ContributorState> {
    const snapshot = await readStreamSnapshot(this.events, streamNames.contributor(contributorId));
    return snapshot.events.reduce((s, e) => contributorDecider.evolve(s, e as never), contributorDecider.initialState);
  }

  /** Whether the contributor can be paid: details set and their key not erased. */
  payable(contributorId: string, state: ContributorState): boolean {
    return state.status === 'registered' && !!state.payoutDetails && !this.keys.isErased(contributorSubject(contributorId));
  }

  private open(contributorId: string, state: ContributorState & { status: 'registered' }): PayoutDetails {
    if (!state.payoutDetails) {
      throw new NotFoundError('payout-details-not-set', `Contributor ${contributorId} has not given payout details`, {
        hint: 'The contributor sets them with PUT /v1/contributors/{id}/payout-details.',
      });
    }
    try {
      const details = parsePayoutDetails(this.keys.decrypt(contributorSubject(contributorId), state.payoutDetails.ciphertext));
      if (details) return details;
    } catch (e) {
      if (!(e instanceof SubjectKeyErased)) throw e;
    }
    throw new NotFoundError('payout-details-erased', `The payout details of contributor ${contributorId} can no longer be read (erased)`, {
      hint: 'The contributor was erased, or the key store (PERSONAL_DATA_KEY_DIR) is not the one the details were written with.',
    });
  }
}
