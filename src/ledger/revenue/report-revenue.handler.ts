import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { actorOf } from '@1tt/access';
import { canonicalHash, sha256Hex } from '@1tt/canonical-json';
import { ConflictError, ValidationError } from '@1tt/domain-errors';
import { EventStore, WrongExpectedRevision, type RecordedEvent } from '@1tt/event-store';
import { formatMinor, parseAmount } from '@1tt/ledger';
import { agreementAt, foldConsumer } from '../agreement/consumer-account';
import { Clock } from '../clock';
import { consumerStream, readStreamSnapshot, revenueStream } from '../ledger-stream';
import { parseInstant } from './instant';
import { ReportRevenue, type RevenueInput, type RevenueReportOutcome } from './report-revenue.command';

/**
 * The revenue id is derived from consumer + idempotency key, so a retry
 * lands on the same stream: it is created with 'no-stream', and whoever
 * loses a race reads the winner's event and answers as a retry. There is no
 * retry loop on a conflict: the idempotency check decides.
 */
export function revenueIdOf(consumerId: string, idempotencyKey: string): string {
  const h = sha256Hex(`1tt-revenue\n${consumerId}\n${idempotencyKey}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** What identifies "the same body": the fields exactly as sent. */
export function revenueInputHash(input: RevenueInput): string {
  return canonicalHash({ amount: input.amount, currency: input.currency, periodStart: input.periodStart, periodEnd: input.periodEnd });
}

@CommandHandler(ReportRevenue)
export class ReportRevenueHandler implements ICommandHandler<ReportRevenue> {
  constructor(
    private readonly events: EventStore,
    private readonly clock: Clock,
  ) {}

  async execute(command: ReportRevenue): Promise<RevenueReportOutcome> {
    const { input, consumerId, idempotencyKey } = command;
    // Shape first: a malformed request is a 400 whether or not the key was used before.
    const amountMinor = parseAmount(input.amount, input.currency, 'amount');
    const periodStart = parseInstant(input.periodStart, 'periodStart');
    const periodEnd = parseInstant(input.periodEnd, 'periodEnd');
    if (periodStart >= periodEnd) {
      throw new ValidationError('period-empty', 'periodStart must be before periodEnd', { field: 'periodEnd', hint: 'Send the period as [periodStart, periodEnd) with periodStart < periodEnd.' });
    }
    const revenueId = revenueIdOf(consumerId, idempotencyKey);
    const inputHash = revenueInputHash(input);
    const stream = revenueStream(revenueId);

    const earlier = await readStreamSnapshot(this.events, stream);
    if (earlier.events.length) return this.asRetry(earlier.events[0], inputHash, revenueId);

    const account = foldConsumer((await readStreamSnapshot(this.events, consumerStream(consumerId))).events);
    const now = this.clock.now().toISOString();
    const agreement = account && agreementAt(account, now);
    if (!agreement) {
      throw new ValidationError('no_agreement', 'This consumer has no revenue-share agreement in effect', { field: 'currency', hint: 'An admin sets one with PUT /v1/consumers/{id}/agreement.' });
    }
    if (agreement.currency !== input.currency) {
      throw new ValidationError('currency-mismatch', `currency must be ${agreement.currency}, the currency of the agreement in effect`, { field: 'currency', hint: `Report the revenue in ${agreement.currency}.` });
    }
    const data = {
      revenueId,
      consumerId,
      amount: formatMinor(amountMinor, input.currency),
      currency: input.currency,
      periodStart,
      periodEnd,
      alpha: agreement.alpha,
      policy: agreement.policy,
      agreementRevision: agreement.revision,
      agreementEffectiveFrom: agreement.effectiveFrom,
      idempotencyKey,
      inputHash,
    };
    try {
      await this.events.appendToStream(
        stream,
        [{ type: 'RevenueReported', data, metadata: { actor: actorOf(command.by), correlationId: revenueId, causationId: revenueId } }],
        { expectedRevision: 'no-stream' },
      );
    } catch (e) {
      if (!(e instanceof WrongExpectedRevision)) throw e;
      const winner = await readStreamSnapshot(this.events, stream);
      return this.asRetry(winner.events[0], inputHash, revenueId);
    }
    return { created: true, body: { revenueId, status: 'recorded' } };
  }

  private asRetry(first: RecordedEvent, inputHash: string, revenueId: string): RevenueReportOutcome {
    const recorded = (first.data as { inputHash?: string }).inputHash;
    if (recorded !== inputHash) {
      throw new ConflictError('idempotency_key_reused', 'This Idempotency-Key was already used for a different revenue report', {
        field: 'header.Idempotency-Key',
        hint: 'Use a new key for a new report; a retry must send the same body as the first request.',
        context: { revenueId },
      });
    }
    return { created: false, body: { revenueId, status: 'recorded' } };
  }
}
