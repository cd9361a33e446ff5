import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { actorOf } from '@1tt/access';
import { ConflictError, IllegalStateError, NotFoundError, ValidationError } from '@1tt/domain-errors';
import { EventStore, WrongExpectedRevision } from '@1tt/event-store';
import { consumerDecider, fold, revenueDecider, revenueIdFor, streamNames, type ConsumerEvent } from '@1tt/ledger';
import { Clock } from '../clock';
import { decideOnStream, readStreamSnapshot } from '@1tt/command-path';
import { ReportRevenue, type RevenueReportOutcome } from './report-revenue.command';

/**
 * One stream per report, `revenue-<id>` with the id derived from consumer +
 * idempotency key, created with 'no-stream'. A retry finds the stream and
 * the decider answers "nothing to do" (same input) or 409 (other input).
 * No retry loop on a conflict: the loser of a race between identical
 * requests re-reads the winner's report and answers as a retry.
 */
@CommandHandler(ReportRevenue)
export class ReportRevenueHandler implements ICommandHandler<ReportRevenue> {
  constructor(
    private readonly events: EventStore,
    private readonly clock: Clock,
  ) {}

  async execute(command: ReportRevenue): Promise<RevenueReportOutcome> {
    const { consumerId, idempotencyKey, input } = command;
    const revenueId = revenueIdFor(consumerId, idempotencyKey);
    const reportCommand = { type: 'ReportRevenue' as const, data: { consumerId, idempotencyKey, ...input } };
    const context = async () => {
      const consumer = fold(
        consumerDecider,
        (await readStreamSnapshot(this.events, streamNames.consumer(consumerId))).events as unknown as ConsumerEvent[],
      );
      return { now: this.clock.now(), consumer };
    };
    const decide = () =>
      decideOnStream(this.events, streamNames.revenue(revenueId), revenueDecider, reportCommand, {
        context,
        actor: actorOf(command.by),
        correlationId: revenueId,
      });
    try {
      const decision = await decide();
      return { created: decision.decided.length > 0, body: { revenueId, status: 'recorded' } };
    } catch (e) {
      if (e instanceof WrongExpectedRevision) {
        // Lost the race: decide again on the winner's report (a retry, or a 409 for another body).
        const again = await decide().catch((err: unknown) => {
          throw publicRefusal(err);
        });
        if (again.decided.length > 0)
          throw new ConflictError('concurrent-report', 'The report could not be recorded; retry it', {
            hint: 'Retry with the same Idempotency-Key.',
          });
        return { created: false, body: { revenueId, status: 'recorded' } };
      }
      throw publicRefusal(e);
    }
  }
}

/**
 * The public contract answers 400 for a consumer without an agreement in
 * force (nothing to report against), and the consumer's own id is not a
 * path parameter it could get wrong, so "consumer not found" (a consumer
 * key issued without registration) is the same 400.
 */
function publicRefusal(e: unknown): unknown {
  if (
    (e instanceof IllegalStateError && e.code === 'agreement-not-in-force') ||
    (e instanceof NotFoundError && e.code === 'consumer-not-found')
  ) {
    return new ValidationError('no-agreement', 'This consumer has no revenue-share agreement in force', {
      field: 'currency',
      hint: 'An admin sets one with PUT /v1/consumers/{id}/agreement.',
    });
  }
  return e;
}
