import { ConflictError, IllegalStateError, NotFoundError, ValidationError } from '@1tt/domain-errors';
import { Agreement, payoutPolicyOf, recordedRevenueVisibility, revenueVisibilityOf } from '../agreements/agreement';
import { consumerScopeOf } from '../consent/consumer-scope';
import { assertNever, Clock, Decider } from '../decider/decider';
import { assertId, displayNameOf } from '../identifiers/identifier';
import { currencyExponent, normaliseAlpha } from '../money';
import { parseInstant } from '../time/instant';
import { ConsumerCommand } from './consumer.commands';
import { ConsumerEvent } from './consumer.events';

export type ConsumerState =
  { status: 'none' } | { status: 'registered'; consumerId: string; displayName: string; agreements: readonly Agreement[] };

/**
 * Agreement timeline rules (so that "the agreement in force at time t" never
 * changes after the fact):
 *  - effectiveFrom defaults to now and may not be in the past: a retroactive
 *    agreement would contradict revenue already reported under the old one;
 *  - effectiveFrom may not precede the latest recorded agreement's (a
 *    scheduled future agreement can be replaced only by one starting at the
 *    same time or later).
 */
export const consumerDecider: Decider<ConsumerCommand, ConsumerEvent, ConsumerState, Clock> = {
  initialState: { status: 'none' },

  evolve(state, event) {
    switch (event.type) {
      case 'ConsumerRegistered':
        return { status: 'registered', consumerId: event.data.consumerId, displayName: event.data.displayName, agreements: [] };
      case 'RevenueShareAgreed': {
        if (state.status !== 'registered') return state;
        const { alpha, currency, policy, effectiveFrom } = event.data;
        const revenueVisibility = recordedRevenueVisibility(event.data.revenueVisibility);
        const scope = event.data.scope ? { scope: event.data.scope } : {};
        return { ...state, agreements: [...state.agreements, { alpha, currency, policy, effectiveFrom, revenueVisibility, ...scope }] };
      }
      default:
        return assertNever(event, 'consumer event');
    }
  },

  decide(command, state, context) {
    switch (command.type) {
      case 'RegisterConsumer': {
        const consumerId = assertId(command.data.consumerId, 'consumerId');
        const displayName = displayNameOf(command.data.displayName);
        if (state.status !== 'none')
          throw new ConflictError('consumer-exists', `Consumer ${consumerId} is already registered`, { field: 'consumerId' });
        return [{ type: 'ConsumerRegistered', data: { consumerId, displayName, registeredAt: context.now.toISOString() } }];
      }
      case 'AgreeRevenueShare': {
        const d = command.data;
        const alpha = normaliseAlpha(d.alpha);
        currencyExponent(d.currency);
        const policy = payoutPolicyOf(d.policy);
        const revenueVisibility = revenueVisibilityOf(d.revenueVisibility);
        // No scope (omitted or null): the whole pool, as before scopes existed.
        const scope = d.scope === undefined || d.scope === null ? {} : { scope: consumerScopeOf(d.scope) };
        const now = context.now.toISOString();
        const effectiveFrom = d.effectiveFrom === undefined ? now : parseInstant(d.effectiveFrom, 'effectiveFrom');
        if (state.status !== 'registered') {
          throw new NotFoundError('consumer-not-found', `Consumer ${d.consumerId} does not exist`, { field: 'consumerId' });
        }
        if (Date.parse(effectiveFrom) < context.now.getTime()) {
          throw new ValidationError('agreement-retroactive', 'effectiveFrom is in the past', {
            field: 'effectiveFrom',
            hint: 'Omit effectiveFrom to apply the agreement from now, or give a future time.',
          });
        }
        const latest = state.agreements[state.agreements.length - 1];
        if (latest && Date.parse(effectiveFrom) < Date.parse(latest.effectiveFrom)) {
          throw new IllegalStateError(
            'agreement-precedes-latest',
            `An agreement effective from ${latest.effectiveFrom} is already recorded`,
            {
              field: 'effectiveFrom',
              hint: `Use an effectiveFrom at or after ${latest.effectiveFrom}.`,
            },
          );
        }
        return [
          {
            type: 'RevenueShareAgreed',
            data: {
              consumerId: state.consumerId,
              alpha,
              currency: d.currency,
              policy,
              effectiveFrom,
              agreedAt: now,
              revenueVisibility,
              ...scope,
            },
          },
        ];
      }
      default:
        return assertNever(command, 'consumer command');
    }
  },
};
