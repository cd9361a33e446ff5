import { ConflictError, IllegalStateError, NotFoundError, ValidationError } from '@1tt/domain-errors';
import { agreementInForce } from '../agreements/agreement';
import { ConsumerState } from '../consumers/consumer.decider';
import { CorrectableRevenue, decideCorrection } from '../corrections/correct-revenue.decision';
import { assertNever, Clock, Decider } from '../decider/decider';
import { assertId } from '../identifiers/identifier';
import { formatMinor, parseAmount } from '../money';
import { parseInstant } from '../time/instant';
import { idempotencyKeyOf, revenueIdFor, revenueInputHash } from './revenue-identity';
import { RevenueCommand, RevenueEvent } from './revenue.events';

export type RevenueState = CorrectableRevenue;

export interface RevenueContext extends Clock {
  /** The reporting consumer's state (its agreements). */
  consumer: ConsumerState;
}

/**
 * Report revenue. Order of checks matters:
 *  1. the input is validated and normalised (400s, nothing written);
 *  2. if the stream already holds a report: same inputHash → no new events
 *     (the caller answers with the recorded report), different → 409;
 *  3. only then the agreement in force now is looked up, so that a retry
 *     succeeds even if the agreement changed since the first attempt.
 */
export const revenueDecider: Decider<RevenueCommand, RevenueEvent, RevenueState, RevenueContext> = {
  initialState: { status: 'none' },

  evolve(_state, event) {
    switch (event.type) {
      case 'RevenueReported':
        return { status: 'reported', report: event.data, amount: event.data.amount, corrections: new Map() };
      case 'RevenueCorrected': {
        if (_state.status !== 'reported') return _state;
        const corrections = new Map(_state.corrections);
        corrections.set(event.data.idempotencyKey, event.data);
        return { ..._state, amount: event.data.amount, corrections };
      }
      default:
        return assertNever(event, 'revenue event');
    }
  },

  decide(command, state, context) {
    switch (command.type) {
      case 'ReportRevenue': {
        const d = command.data;
        const consumerId = assertId(d.consumerId, 'consumerId');
        const idempotencyKey = idempotencyKeyOf(d.idempotencyKey);
        const amountMinor = parseAmount(d.amount, d.currency);
        const amount = formatMinor(amountMinor, d.currency);
        const periodStart = parseInstant(d.periodStart, 'periodStart');
        const periodEnd = parseInstant(d.periodEnd, 'periodEnd');
        if (Date.parse(periodStart) >= Date.parse(periodEnd)) {
          throw new ValidationError('period-empty', 'periodStart must be before periodEnd', {
            field: 'periodEnd',
            hint: 'The period is [periodStart, periodEnd).',
          });
        }
        if (Date.parse(periodEnd) > context.now.getTime()) {
          // Revenue of a period is known once the period is over; a report for the future is a typo (or a guess).
          throw new ValidationError('period-in-future', `periodEnd ${periodEnd} is after now (${context.now.toISOString()})`, {
            field: 'periodEnd',
            hint: 'Report revenue for a period that has ended: periodEnd at or before now.',
          });
        }
        const inputHash = revenueInputHash({ consumerId, amount, currency: d.currency, periodStart, periodEnd });
        const revenueId = revenueIdFor(consumerId, idempotencyKey);

        if (state.status === 'reported') {
          if (state.report.inputHash === inputHash) return [];
          throw new ConflictError('idempotency-key-reused', 'This Idempotency-Key was already used with a different request', {
            field: 'idempotencyKey',
            hint: 'Use a new key for a new report; resend the identical body to retry.',
            context: { revenueId },
          });
        }

        const consumer = context.consumer;
        if (consumer.status !== 'registered' || consumer.consumerId !== consumerId) {
          throw new NotFoundError('consumer-not-found', `Consumer ${consumerId} does not exist`, { field: 'consumerId' });
        }
        const agreement = agreementInForce(consumer.agreements, context.now);
        if (!agreement) {
          throw new IllegalStateError('agreement-not-in-force', `Consumer ${consumerId} has no revenue-share agreement in force`, {
            hint: 'An admin must set the agreement (alpha, currency, policy) first.',
          });
        }
        if (agreement.currency !== d.currency) {
          throw new ValidationError('currency-mismatch', `The agreement in force is in ${agreement.currency}`, {
            field: 'currency',
            hint: `Report the revenue in ${agreement.currency}.`,
          });
        }
        return [
          {
            type: 'RevenueReported',
            data: {
              revenueId,
              consumerId,
              amount,
              currency: d.currency,
              periodStart,
              periodEnd,
              alpha: agreement.alpha,
              policy: agreement.policy,
              agreementEffectiveFrom: agreement.effectiveFrom,
              ...(agreement.scope ? { scope: agreement.scope } : {}),
              idempotencyKey,
              inputHash,
              reportedAt: context.now.toISOString(),
            },
          },
        ];
      }
      case 'CorrectRevenue':
        return decideCorrection(command, state, context.now);
      default:
        return assertNever(command, 'revenue command');
    }
  },
};
