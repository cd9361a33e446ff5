import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { actorOf } from '@1tt/access';
import { IllegalStateError, NotFoundError } from '@1tt/domain-errors';
import { EventStore, WrongExpectedRevision } from '@1tt/event-store';
import { formatMinor, parseAmount } from '@1tt/ledger';
import { IdGenerator } from '../clock';
import { contributorStream, readStreamSnapshot } from '../ledger-stream';
import { PayoutProcessor } from '../payout/payout-processor';
import { SettlePayout, type PayoutSettledView } from './settle-payout.command';

const MAX_ATTEMPTS = 5;

/**
 * Balance = allocated by payout runs (the processor's fold, caught up to the
 * head of the log first) − settled (the contributor's own stream, where the
 * settlement is appended at the revision read). Allocations only grow, so a
 * run landing meanwhile can only make the check conservative; two
 * concurrent settlements collide on the contributor stream, and the loser
 * re-reads and re-decides (it may then be refused).
 */
@CommandHandler(SettlePayout)
export class SettlePayoutHandler implements ICommandHandler<SettlePayout> {
  constructor(
    private readonly events: EventStore,
    private readonly processor: PayoutProcessor,
    private readonly ids: IdGenerator,
  ) {}

  async execute(command: SettlePayout): Promise<PayoutSettledView> {
    const { contributorId, input } = command;
    const amount = parseAmount(input.amount, input.currency, 'amount');
    const settlementId = this.ids.next();
    for (let attempt = 1; ; attempt++) {
      await this.processor.catchUp();
      const stream = contributorStream(contributorId);
      const snapshot = await readStreamSnapshot(this.events, stream);
      if (!snapshot.events.some((e) => e.type === 'ContributorRegistered') || snapshot.revision === undefined) {
        throw new NotFoundError('contributor_not_found', `No contributor ${contributorId}`, { field: 'id' });
      }
      let settled = 0n;
      for (const e of snapshot.events) {
        const d = e.data as { currency?: string; amount?: string };
        if (e.type === 'PayoutSettled' && d.currency === input.currency) settled += BigInt(d.amount ?? '0');
      }
      const payable = this.processor.pool.allocatedTo(contributorId, input.currency) - settled;
      if (amount > payable) {
        throw new IllegalStateError('settlement_exceeds_balance', `The settlement exceeds the payable balance of ${formatMinor(payable, input.currency)} ${input.currency}`, {
          field: 'amount',
          hint: 'Settle at most the payable balance (GET /v1/contributors/{id}/metrics).',
          context: { payable: formatMinor(payable, input.currency), currency: input.currency },
        });
      }
      try {
        await this.events.appendToStream(
          stream,
          [
            {
              type: 'PayoutSettled',
              // amount in minor units, like the payout runs' allocations it pays off
              data: { settlementId, contributorId, amount: amount.toString(), currency: input.currency, reference: input.reference },
              metadata: { actor: actorOf(command.by), correlationId: settlementId, causationId: settlementId },
            },
          ],
          { expectedRevision: snapshot.revision },
        );
      } catch (e) {
        if (e instanceof WrongExpectedRevision && attempt < MAX_ATTEMPTS) continue;
        throw e;
      }
      return { settlementId, contributorId, amount: formatMinor(amount, input.currency), currency: input.currency, reference: input.reference, balance: formatMinor(payable - amount, input.currency) };
    }
  }
}
