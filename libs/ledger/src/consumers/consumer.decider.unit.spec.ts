import { ConflictError, IllegalStateError, NotFoundError, ValidationError } from '@1tt/domain-errors';
import { agreementInForce } from '../agreements/agreement';
import { fold } from '../decider/decider';
import { given } from '../testing/given-when-then';
import { consumerDecider } from './consumer.decider';
import { ConsumerEvent } from './consumer.events';

const now = new Date('2025-03-01T12:00:00.000Z');
const registered: ConsumerEvent = {
  type: 'ConsumerRegistered',
  data: { consumerId: 'k1', displayName: 'LLM Co', registeredAt: '2025-01-01T00:00:00.000Z' },
};
const agreed = (effectiveFrom: string, alpha = '0.3', currency = 'USD'): ConsumerEvent => ({
  type: 'RevenueShareAgreed',
  data: { consumerId: 'k1', alpha, currency, policy: 'snapshot', effectiveFrom, agreedAt: '2025-01-01T00:00:00.000Z' },
});
const agree = (
  data: Partial<{ alpha: string; currency: string; policy: string; effectiveFrom: string; revenueVisibility: string; scope: unknown }> = {},
) => ({
  type: 'AgreeRevenueShare' as const,
  data: { consumerId: 'k1', alpha: '0.30', currency: 'USD', policy: 'snapshot', ...data },
});

describe('consumer decider', () => {
  it('registers once', () => {
    given(consumerDecider)
      .when({ type: 'RegisterConsumer', data: { consumerId: 'k1', displayName: 'LLM Co' } }, { now })
      .then([{ type: 'ConsumerRegistered', data: { consumerId: 'k1', displayName: 'LLM Co', registeredAt: now.toISOString() } }]);
    given(consumerDecider, [registered])
      .when({ type: 'RegisterConsumer', data: { consumerId: 'k1', displayName: 'LLM Co' } }, { now })
      .thenThrows(ConflictError, 'consumer-exists');
  });

  it('agrees a revenue share effective now by default, with α normalised', () => {
    given(consumerDecider, [registered])
      .when(agree(), { now })
      .then([
        {
          type: 'RevenueShareAgreed',
          data: {
            consumerId: 'k1',
            alpha: '0.3',
            currency: 'USD',
            policy: 'snapshot',
            effectiveFrom: now.toISOString(),
            agreedAt: now.toISOString(),
            revenueVisibility: 'pool',
          },
        },
      ]);
  });
  it('records a scope canonical (sorted, duplicates merged, SPDX spelling); null or omitted is no scope; a bad one is refused (issue #14)', () => {
    const [e] = given(consumerDecider, [registered])
      .when(agree({ scope: { uses: ['retrieval', 'training'], languages: ['ko', 'en', 'en'], contentClasses: null, licences: ['mit'] } }), {
        now,
      })
      .then([
        {
          type: 'RevenueShareAgreed',
          data: {
            consumerId: 'k1',
            alpha: '0.3',
            currency: 'USD',
            policy: 'snapshot',
            effectiveFrom: now.toISOString(),
            agreedAt: now.toISOString(),
            revenueVisibility: 'pool',
            scope: { uses: ['training', 'retrieval'], languages: ['en', 'ko'], contentClasses: null, licences: ['MIT'] },
          },
        },
      ]);
    expect(fold(consumerDecider, [registered, e]).status === 'registered' && fold(consumerDecider, [registered, e])).toMatchObject({
      agreements: [{ scope: { uses: ['training', 'retrieval'] } }],
    });
    const [unscoped] = given(consumerDecider, [registered])
      .when(agree({ scope: null }), { now })
      .then([
        {
          type: 'RevenueShareAgreed',
          data: {
            consumerId: 'k1',
            alpha: '0.3',
            currency: 'USD',
            policy: 'snapshot',
            effectiveFrom: now.toISOString(),
            agreedAt: now.toISOString(),
            revenueVisibility: 'pool',
          },
        },
      ]);
    expect(unscoped.data).not.toHaveProperty('scope');
    for (const scope of [
      'training',
      { uses: [] },
      { uses: ['training'], languages: [] },
      { uses: ['training'], languages: ['EN'] },
      { uses: ['training'], contentClasses: ['poetry'] },
      { uses: ['training'], licences: ['Proprietary'] },
      { uses: ['training'], colour: 'red' },
    ]) {
      expect(() => consumerDecider.decide(agree({ scope }), fold(consumerDecider, [registered]), { now })).toThrow(ValidationError);
    }
  });

  it('accepts a future effectiveFrom in any zone, stored in UTC', () => {
    given(consumerDecider, [registered])
      .when(agree({ effectiveFrom: '2025-04-01T02:00:00+02:00', policy: 'time-weighted' }), { now })
      .then([
        {
          type: 'RevenueShareAgreed',
          data: {
            consumerId: 'k1',
            alpha: '0.3',
            currency: 'USD',
            policy: 'time-weighted',
            effectiveFrom: '2025-04-01T00:00:00.000Z',
            agreedAt: now.toISOString(),
            revenueVisibility: 'pool',
          },
        },
      ]);
  });
  it('refuses retroactive agreements and ones before the latest recorded', () => {
    given(consumerDecider, [registered])
      .when(agree({ effectiveFrom: '2025-02-01T00:00:00Z' }), { now })
      .thenThrows(ValidationError, 'agreement-retroactive');
    given(consumerDecider, [registered, agreed('2025-05-01T00:00:00.000Z')])
      .when(agree({ effectiveFrom: '2025-04-01T00:00:00Z' }), { now })
      .thenThrows(IllegalStateError, 'agreement-precedes-latest');
    given(consumerDecider, [registered, agreed('2025-05-01T00:00:00.000Z')])
      .when(agree({ effectiveFrom: '2025-05-01T00:00:00Z', alpha: '0.4' }), { now })
      .then([
        {
          type: 'RevenueShareAgreed',
          data: {
            consumerId: 'k1',
            alpha: '0.4',
            currency: 'USD',
            policy: 'snapshot',
            effectiveFrom: '2025-05-01T00:00:00.000Z',
            agreedAt: now.toISOString(),
            revenueVisibility: 'pool',
          },
        },
      ]);
  });
  it('validates α, currency, policy and time, and needs a registered consumer', () => {
    given(consumerDecider, [registered])
      .when(agree({ alpha: '0' }), { now })
      .thenThrows(ValidationError, 'alpha-out-of-range');
    given(consumerDecider, [registered])
      .when(agree({ alpha: '1.5' }), { now })
      .thenThrows(ValidationError, 'alpha-out-of-range');
    given(consumerDecider, [registered])
      .when(agree({ alpha: '0.1234567' }), { now })
      .thenThrows(ValidationError, 'alpha-too-many-decimals');
    given(consumerDecider, [registered])
      .when(agree({ currency: 'ABC' }), { now })
      .thenThrows(ValidationError, 'currency-unknown');
    given(consumerDecider, [registered])
      .when(agree({ policy: 'equal' }), { now })
      .thenThrows(ValidationError, 'policy-unknown');
    given(consumerDecider, [registered])
      .when(agree({ revenueVisibility: 'everyone' }), { now })
      .thenThrows(ValidationError, 'revenue-visibility-unknown');
    given(consumerDecider, [registered])
      .when(agree({ effectiveFrom: '2025-04-01' }), { now })
      .thenThrows(ValidationError, 'time-malformed');
    given(consumerDecider).when(agree(), { now }).thenThrows(NotFoundError, 'consumer-not-found');
  });

  it('finds the agreement in force at a time: the last one with effectiveFrom ≤ t', () => {
    const state = fold(consumerDecider, [
      registered,
      agreed('2025-01-01T00:00:00.000Z', '0.1'),
      agreed('2025-03-01T00:00:00.000Z', '0.2'),
      agreed('2025-03-01T00:00:00.000Z', '0.25'),
    ]);
    if (state.status !== 'registered') throw new Error('unreachable');
    expect(agreementInForce(state.agreements, new Date('2024-12-31T23:59:59Z'))).toBeUndefined();
    expect(agreementInForce(state.agreements, new Date('2025-02-28T00:00:00Z'))?.alpha).toBe('0.1');
    expect(agreementInForce(state.agreements, new Date('2025-03-01T00:00:00Z'))?.alpha).toBe('0.25');
  });
});
