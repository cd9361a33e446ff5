import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { actorOf } from '@1tt/access';
import { IllegalStateError } from '@1tt/domain-errors';
import { revenueDecider, streamNames, type RevenueCorrected } from '@1tt/ledger';
import { EventStore } from '@1tt/event-store';
import { Clock } from '../clock';
import { decideOnStream } from '@1tt/command-path';
import { CorrectRevenue, type RevenueCorrectionOutcome } from './correct-revenue.command';

/** Corrections of one report are ordered on its stream; a conflict is re-decided on the new state (safe: each knows what it replaces). */
const ATTEMPTS = 5;

/**
 * Appends RevenueCorrected to `revenue-<revenueId>` at the revision read.
 * Two requests with one key race on that revision: the loser re-reads,
 * finds the winner's correction under its key and answers as a retry (or
 * 409 for another body). The adjustment postings follow from the payout
 * processor, like a run follows its report.
 */
@CommandHandler(CorrectRevenue)
export class CorrectRevenueHandler implements ICommandHandler<CorrectRevenue> {
  constructor(
    private readonly events: EventStore,
    private readonly clock: Clock,
  ) {}

  async execute(command: CorrectRevenue): Promise<RevenueCorrectionOutcome> {
    const { revenueId, idempotencyKey, input, by } = command;
    const decision = await decideOnStream(
      this.events,
      streamNames.revenue(revenueId),
      revenueDecider,
      {
        type: 'CorrectRevenue',
        data: { revenueId, idempotencyKey, ...input, consumerId: by.role === 'consumer' ? by.subjectId : undefined },
      },
      {
        context: () => ({ now: this.clock.now(), consumer: { status: 'none' } }),
        actor: actorOf(by),
        correlationId: revenueId,
        attempts: ATTEMPTS,
      },
    );
    const recorded: RevenueCorrected['data'] | undefined =
      (decision.decided[0] as RevenueCorrected | undefined)?.data ??
      (decision.state.status === 'reported' ? decision.state.corrections.get(idempotencyKey) : undefined);
    if (!recorded) throw new IllegalStateError('correction-missing', 'The correction was neither recorded nor found; retry it');
    const { correctionId, currency, previousAmount, amount, reversal, reason } = recorded;
    return { created: decision.decided.length > 0, body: { correctionId, revenueId, currency, previousAmount, amount, reversal, reason } };
  }
}
