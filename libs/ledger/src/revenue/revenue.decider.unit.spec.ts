import { ConflictError, IllegalStateError, NotFoundError, ValidationError } from '@1tt/domain-errors';
import { consumerDecider, ConsumerState } from '../consumers/consumer.decider';
import { ConsumerEvent } from '../consumers/consumer.events';
import { fold } from '../decider/decider';
import { given } from '../testing/given-when-then';
import { revenueIdFor, revenueInputHash } from './revenue-identity';
import { revenueDecider } from './revenue.decider';
import { ReportRevenue, RevenueReported } from './revenue.events';

const now = new Date('2025-03-15T00:00:00.000Z');
const consumerEvents: ConsumerEvent[] = [
  { type: 'ConsumerRegistered', data: { consumerId: 'k1', displayName: 'LLM Co', registeredAt: '2025-01-01T00:00:00.000Z' } },
  {
    type: 'RevenueShareAgreed',
    data: {
      consumerId: 'k1',
      alpha: '0.3',
      currency: 'USD',
      policy: 'snapshot',
      effectiveFrom: '2025-01-01T00:00:00.000Z',
      agreedAt: '2025-01-01T00:00:00.000Z',
    },
  },
  {
    type: 'RevenueShareAgreed',
    data: {
      consumerId: 'k1',
      alpha: '0.5',
      currency: 'USD',
      policy: 'time-weighted',
      effectiveFrom: '2025-04-01T00:00:00.000Z',
      agreedAt: '2025-01-02T00:00:00.000Z',
    },
  },
];
const consumer = fold(consumerDecider, consumerEvents);
const report = (data: Partial<ReportRevenue['data']> = {}): ReportRevenue => ({
  type: 'ReportRevenue',
  data: {
    consumerId: 'k1',
    amount: '1000.5',
    currency: 'USD',
    periodStart: '2025-02-01T00:00:00Z',
    periodEnd: '2025-03-01T00:00:00Z',
    idempotencyKey: 'key-1',
    ...data,
  },
});
const revenueId = revenueIdFor('k1', 'key-1');
const inputHash = revenueInputHash({
  consumerId: 'k1',
  amount: '1000.50',
  currency: 'USD',
  periodStart: '2025-02-01T00:00:00.000Z',
  periodEnd: '2025-03-01T00:00:00.000Z',
});
const reported: RevenueReported = {
  type: 'RevenueReported',
  data: {
    revenueId,
    consumerId: 'k1',
    amount: '1000.50',
    currency: 'USD',
    periodStart: '2025-02-01T00:00:00.000Z',
    periodEnd: '2025-03-01T00:00:00.000Z',
    alpha: '0.3',
    policy: 'snapshot',
    agreementEffectiveFrom: '2025-01-01T00:00:00.000Z',
    idempotencyKey: 'key-1',
    inputHash,
    reportedAt: now.toISOString(),
  },
};

describe('revenue decider', () => {
  it('derives a deterministic uuid-shaped id from consumer and key', () => {
    expect(revenueId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(revenueIdFor('k1', 'key-1')).toBe(revenueId);
    expect(revenueIdFor('k2', 'key-1')).not.toBe(revenueId);
    expect(revenueIdFor('k1', 'key-2')).not.toBe(revenueId);
  });

  it('records a report with the agreement in force now copied in', () => {
    given(revenueDecider).when(report(), { now, consumer }).then([reported]);
  });
  it('uses the later agreement once it is in force (old reports keep theirs)', () => {
    const later = new Date('2025-04-02T00:00:00.000Z');
    const [e] = given(revenueDecider)
      .when(report({ idempotencyKey: 'key-2' }), { now: later, consumer })
      .then([
        {
          type: 'RevenueReported',
          data: {
            ...reported.data,
            revenueId: revenueIdFor('k1', 'key-2'),
            idempotencyKey: 'key-2',
            alpha: '0.5',
            policy: 'time-weighted',
            agreementEffectiveFrom: '2025-04-01T00:00:00.000Z',
            reportedAt: later.toISOString(),
          },
        },
      ]);
    expect(e.data.inputHash).toBe(inputHash);
  });

  it('treats a retry with the same (normalised) input as a no-op', () => {
    given(revenueDecider, [reported]).when(report(), { now, consumer }).thenNothing();
    given(revenueDecider, [reported])
      .when(report({ amount: '1000.50', periodStart: '2025-02-01T01:00:00+01:00' }), { now, consumer })
      .thenNothing();
    // even after the agreement changed
    given(revenueDecider, [reported])
      .when(report(), { now: new Date('2025-05-01T00:00:00Z'), consumer })
      .thenNothing();
  });
  it('refuses the same key with a different input', () => {
    given(revenueDecider, [reported])
      .when(report({ amount: '1000.51' }), { now, consumer })
      .thenThrows(ConflictError, 'idempotency-key-reused');
    given(revenueDecider, [reported])
      .when(report({ periodEnd: '2025-03-02T00:00:00Z' }), { now, consumer })
      .thenThrows(ConflictError, 'idempotency-key-reused');
  });

  it.each([
    [{ amount: '0' }, 'amount-not-positive'],
    [{ amount: '-3' }, 'amount-not-positive'],
    [{ amount: '1.001' }, 'amount-too-many-decimals'],
    [{ amount: 'NaN' }, 'amount-not-a-number'],
    [{ amount: '1e5' }, 'amount-exponent'],
    [{ currency: 'XXX' }, 'currency-unknown'],
    [{ currency: 'EUR' }, 'currency-mismatch'],
    [{ periodEnd: '2025-02-01T00:00:00Z' }, 'period-empty'],
    [{ periodEnd: '2025-03-15T00:00:00.001Z' }, 'period-in-future'],
    [{ periodEnd: '2025-01-01T00:00:00Z' }, 'period-empty'],
    [{ periodStart: 'yesterday' }, 'time-malformed'],
    [{ idempotencyKey: '' }, 'idempotency-key-invalid'],
    [{ idempotencyKey: 'has space' }, 'idempotency-key-invalid'],
  ])('refuses %j with %s and writes nothing', (change, code) => {
    given(revenueDecider).when(report(change), { now, consumer }).thenThrows(ValidationError, code);
  });
  it('refuses an unknown consumer and a consumer without an agreement in force', () => {
    given(revenueDecider)
      .when(report(), { now, consumer: { status: 'none' } })
      .thenThrows(NotFoundError, 'consumer-not-found');
    const noAgreement: ConsumerState = fold(consumerDecider, consumerEvents.slice(0, 1));
    given(revenueDecider).when(report(), { now, consumer: noAgreement }).thenThrows(IllegalStateError, 'agreement-not-in-force');
    given(revenueDecider)
      .when(report({ periodStart: '2024-10-01T00:00:00Z', periodEnd: '2024-11-01T00:00:00Z' }), {
        now: new Date('2024-12-01T00:00:00Z'),
        consumer,
      })
      .thenThrows(IllegalStateError, 'agreement-not-in-force');
  });
});
