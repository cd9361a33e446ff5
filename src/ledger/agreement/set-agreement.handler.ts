import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { actorOf } from '@1tt/access';
import { NotFoundError, PreconditionFailedError, ValidationError } from '@1tt/domain-errors';
import { EventStore } from '@1tt/event-store';
import { currencyExponent, normaliseAlpha } from '@1tt/ledger';
import { Clock } from '../clock';
import { consumerStream, readStreamSnapshot } from '../ledger-stream';
import { parseInstant } from '../revenue/instant';
import { foldConsumer, PAYOUT_POLICIES, type Agreement, type PayoutPolicy } from './consumer-account';
import { SetAgreement, type AgreementSet } from './set-agreement.command';

/**
 * Read → fold → decide → append at the revision read. No retry on a
 * conflict: an agreement is money terms, so a concurrent change must be seen
 * by a human (409, or 412 when If-Match was sent) rather than overwritten.
 */
@CommandHandler(SetAgreement)
export class SetAgreementHandler implements ICommandHandler<SetAgreement> {
  constructor(
    private readonly events: EventStore,
    private readonly clock: Clock,
  ) {}

  async execute(command: SetAgreement): Promise<AgreementSet> {
    const { input } = command;
    const alpha = normaliseAlpha(input.alpha, 'alpha');
    currencyExponent(input.currency, 'currency');
    if (!PAYOUT_POLICIES.includes(input.policy as PayoutPolicy)) {
      throw new ValidationError('policy-unknown', `policy must be one of ${PAYOUT_POLICIES.join(', ')}`, { field: 'policy', hint: 'Use "snapshot" (the paper\'s formula) or "time-weighted".' });
    }
    const effectiveFrom = input.effectiveFrom === undefined ? this.clock.now().toISOString() : parseInstant(input.effectiveFrom, 'effectiveFrom');

    const stream = consumerStream(command.consumerId);
    const snapshot = await readStreamSnapshot(this.events, stream);
    const account = foldConsumer(snapshot.events);
    if (!account || snapshot.revision === undefined) {
      throw new NotFoundError('consumer_not_found', `No consumer ${command.consumerId}`, { field: 'id', hint: 'Register the consumer with POST /v1/consumers first.' });
    }
    const expected = command.expectedRevision;
    if (typeof expected === 'number' && expected !== snapshot.revision) {
      throw new PreconditionFailedError('precondition_failed', 'The agreement changed since the ETag you sent in If-Match', {
        field: 'header.If-Match',
        hint: 'Read the consumer again, re-apply your change, and send its new ETag.',
        context: { expected, actual: snapshot.revision },
      });
    }
    const data = { consumerId: account.consumerId, alpha, currency: input.currency, policy: input.policy as PayoutPolicy, effectiveFrom };
    const last = snapshot.events[snapshot.events.length - 1];
    const result = await this.events.appendToStream(
      stream,
      [{ type: 'RevenueShareAgreed', data, metadata: { actor: actorOf(command.by), correlationId: account.consumerId, causationId: last.id } }],
      { expectedRevision: snapshot.revision },
    );
    const agreement: Agreement = { ...data, revision: result.nextExpectedRevision };
    return { agreement, revision: result.nextExpectedRevision };
  }
}
