import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { actorOf } from '@1tt/access';
import { EventStore } from '@1tt/event-store';
import { contributorDecider, currencyExponent, formatMinor, parseAmount, streamNames, type PayoutSettled } from '@1tt/ledger';
import { PayoutBatchesService } from '../../payouts/payout-batches.service';
import { Clock } from '../clock';
import { PayoutProcessor } from '../payout/payout-processor';
import { decideOnStream } from '@1tt/command-path';
import { SettlePayout, type PayoutSettledView } from './settle-payout.command';

/** A settlement re-decides on a conflict: the balance check is redone on the new state. */
const ATTEMPTS = 5;

/**
 * Payable = allocated by payout runs (the processor's fold, caught up to the
 * head of the log before each attempt) − settled (the contributor's own
 * stream, where the settlement is appended at the revision read).
 * A run landing meanwhile only makes the check conservative; two concurrent
 * settlements collide on the contributor stream, and the loser re-reads and
 * re-decides (and may be refused). A correction's negative adjustment
 * landing between the catch-up and the append is not seen: the payable
 * account then ends below zero, which is a recoverable balance netted by
 * the next allocations (clawback), and the audit names the settlement
 * (settlement-exceeds-payable). Amounts reserved by open payout-batch lines
 * are not settleable by hand (they count as allocated-but-taken here).
 */
@CommandHandler(SettlePayout)
export class SettlePayoutHandler implements ICommandHandler<SettlePayout> {
  constructor(
    private readonly events: EventStore,
    private readonly processor: PayoutProcessor,
    private readonly clock: Clock,
    private readonly batches: PayoutBatchesService,
  ) {}

  async execute(command: SettlePayout): Promise<PayoutSettledView> {
    const { contributorId, input } = command;
    currencyExponent(input.currency);
    let allocatedToDate = 0n;
    const decision = await decideOnStream(
      this.events,
      streamNames.contributor(contributorId),
      contributorDecider,
      { type: 'SettlePayout', data: { contributorId, ...input } },
      {
        context: async () => {
          await this.processor.catchUp();
          // Amounts reserved by open payout-batch lines are being paid by the bank: a manual settlement may not take them too.
          const reserved = await this.batches.reservedFor(contributorId, input.currency);
          allocatedToDate = this.processor.pool.allocatedTo(contributorId, input.currency) - reserved;
          return { now: this.clock.now(), allocatedToDate };
        },
        actor: actorOf(command.by),
        correlationId: contributorId,
        attempts: ATTEMPTS,
      },
    );
    const settled = (decision.decided[0] as PayoutSettled).data;
    const settledBefore = decision.state.status === 'registered' ? (decision.state.settled[input.currency] ?? 0n) : 0n;
    const balance = allocatedToDate - settledBefore - parseAmount(settled.amount, settled.currency);
    return {
      settlementId: decision.append!.events[0].id,
      contributorId,
      amount: settled.amount,
      currency: settled.currency,
      reference: settled.reference,
      balance: formatMinor(balance, settled.currency),
    };
  }
}
