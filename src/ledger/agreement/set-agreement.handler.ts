import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { actorOf } from '@1tt/access';
import { PreconditionFailedError } from '@1tt/domain-errors';
import { EventStore } from '@1tt/event-store';
import { consumerDecider, recordedRevenueVisibility, streamNames, type RevenueShareAgreed } from '@1tt/ledger';
import { Clock } from '../clock';
import { decideOnStream, readStreamSnapshot } from '@1tt/command-path';
import { SetAgreement, type AgreementSet } from './set-agreement.command';

/**
 * No retry on a conflict: an agreement is money terms, so a concurrent
 * change must be looked at by a human (409, or 412 with If-Match) rather
 * than overwritten by a re-decision.
 */
@CommandHandler(SetAgreement)
export class SetAgreementHandler implements ICommandHandler<SetAgreement> {
  constructor(
    private readonly events: EventStore,
    private readonly clock: Clock,
  ) {}

  async execute(command: SetAgreement): Promise<AgreementSet> {
    const stream = streamNames.consumer(command.consumerId);
    const expected = command.expectedRevision;
    if (typeof expected === 'number') {
      // Checked before deciding so a stale ETag is a 412 even when the decision would refuse for another reason.
      const current = (await readStreamSnapshot(this.events, stream)).revision;
      if (current !== undefined && current !== expected) {
        throw new PreconditionFailedError('precondition-failed', 'The consumer changed since the ETag you sent in If-Match', {
          field: 'header.If-Match',
          hint: 'Read the consumer again, re-apply your change, and send its new ETag.',
          context: { expected, actual: current },
        });
      }
    }
    const decision = await decideOnStream(
      this.events,
      stream,
      consumerDecider,
      { type: 'AgreeRevenueShare', data: { consumerId: command.consumerId, ...command.input } },
      {
        context: () => ({ now: this.clock.now() }),
        actor: actorOf(command.by),
        correlationId: command.consumerId,
        expectedRevision: expected,
      },
    );
    const agreed = decision.decided[0] as RevenueShareAgreed;
    const { consumerId, alpha, currency, policy, effectiveFrom } = agreed.data;
    const revenueVisibility = recordedRevenueVisibility(agreed.data.revenueVisibility);
    const scope = agreed.data.scope ? { scope: agreed.data.scope } : {};
    return {
      agreement: { consumerId, alpha, currency, policy, effectiveFrom, revenueVisibility, ...scope },
      revision: decision.revision as number,
    };
  }
}
