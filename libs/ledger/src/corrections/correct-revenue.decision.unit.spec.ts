import { ConflictError, IllegalStateError, NotFoundError, ValidationError } from '@1tt/domain-errors';
import { given } from '../testing/given-when-then';
import { revenueDecider, RevenueContext } from '../revenue/revenue.decider';
import { RevenueReported } from '../revenue/revenue.events';
import { correctionIdFor, correctionInputHash } from './correction-identity';
import { CorrectRevenue, RevenueCorrected } from './revenue-correction.events';

const now = new Date('2025-03-20T00:00:00.000Z');
const ctx: RevenueContext = { now, consumer: { status: 'none' } };
const reported: RevenueReported = {
  type: 'RevenueReported',
  data: {
    revenueId: 'r1',
    consumerId: 'k1',
    amount: '100000.00',
    currency: 'USD',
    periodStart: '2025-02-01T00:00:00.000Z',
    periodEnd: '2025-03-01T00:00:00.000Z',
    alpha: '0.3',
    policy: 'snapshot',
    agreementEffectiveFrom: '2025-01-01T00:00:00.000Z',
    idempotencyKey: 'key-1',
    inputHash: 'h',
    reportedAt: '2025-03-15T00:00:00.000Z',
  },
};
const correct = (data: Partial<CorrectRevenue['data']> = {}): CorrectRevenue => ({
  type: 'CorrectRevenue',
  data: { revenueId: 'r1', amount: '1000.00', reason: 'typo: 100× too much', idempotencyKey: 'fix-1', ...data },
});
const corrected = (over: Partial<RevenueCorrected['data']> = {}): RevenueCorrected => {
  const data = {
    revenueId: 'r1',
    consumerId: 'k1',
    correctionId: correctionIdFor('r1', 'fix-1'),
    currency: 'USD',
    previousAmount: '100000.00',
    amount: '1000.00',
    reversal: false,
    reason: 'typo: 100× too much',
    idempotencyKey: 'fix-1',
    inputHash: correctionInputHash({ revenueId: 'r1', amount: '1000.00', reversal: false, reason: 'typo: 100× too much' }),
    correctedAt: now.toISOString(),
    ...over,
  };
  return { type: 'RevenueCorrected', data };
};

describe('correcting a revenue report (given / when / then)', () => {
  it('restates the amount, recording what it replaces', () => {
    given(revenueDecider, [reported]).when(correct(), ctx).then([corrected()]);
  });

  it('normalises the amount in the report currency ("1000" and "1000.00" are one input)', () => {
    given(revenueDecider, [reported])
      .when(correct({ amount: '1000' }), ctx)
      .then([corrected()]);
  });

  it('reverses: the amount becomes zero', () => {
    const reason = 'report sent twice';
    given(revenueDecider, [reported])
      .when(correct({ amount: undefined, reverse: true, reason, idempotencyKey: 'rev-1' }), ctx)
      .then([
        corrected({
          correctionId: correctionIdFor('r1', 'rev-1'),
          idempotencyKey: 'rev-1',
          amount: '0.00',
          reversal: true,
          reason,
          inputHash: correctionInputHash({ revenueId: 'r1', amount: '0.00', reversal: true, reason }),
        }),
      ]);
  });

  it('a later correction replaces the amount in force, not the original', () => {
    given(revenueDecider, [reported, corrected()])
      .when(correct({ amount: '1200.00', idempotencyKey: 'fix-2' }), ctx)
      .then([
        corrected({
          correctionId: correctionIdFor('r1', 'fix-2'),
          idempotencyKey: 'fix-2',
          previousAmount: '1000.00',
          amount: '1200.00',
          inputHash: correctionInputHash({ revenueId: 'r1', amount: '1200.00', reversal: false, reason: 'typo: 100× too much' }),
        }),
      ]);
  });

  it('the same key and body again is a replay (nothing new); another body with that key is 409', () => {
    given(revenueDecider, [reported, corrected()]).when(correct(), ctx).thenNothing();
    given(revenueDecider, [reported, corrected()])
      .when(correct({ amount: '999.00' }), ctx)
      .thenThrows(ConflictError, 'idempotency-key-reused');
    given(revenueDecider, [reported, corrected()])
      .when(correct({ reason: 'another reason' }), ctx)
      .thenThrows(ConflictError, 'idempotency-key-reused');
  });

  it('a replay stays a replay after later corrections changed the amount', () => {
    const second = corrected({ idempotencyKey: 'fix-2', previousAmount: '1000.00', amount: '1200.00' });
    given(revenueDecider, [reported, corrected(), second]).when(correct(), ctx).thenNothing();
  });

  it('refuses a correction that changes nothing', () => {
    given(revenueDecider, [reported])
      .when(correct({ amount: '100000.00' }), ctx)
      .thenThrows(IllegalStateError, 'correction-unchanged');
    const reversed = corrected({ amount: '0.00', reversal: true });
    given(revenueDecider, [reported, reversed])
      .when(correct({ amount: undefined, reverse: true, idempotencyKey: 'again' }), ctx)
      .thenThrows(IllegalStateError, 'correction-unchanged');
  });

  it('a consumer corrects only its own reports; an unknown report is not found', () => {
    given(revenueDecider, [reported])
      .when(correct({ consumerId: 'k2' }), ctx)
      .thenThrows(NotFoundError, 'revenue-not-found');
    given(revenueDecider).when(correct(), ctx).thenThrows(NotFoundError, 'revenue-not-found');
    given(revenueDecider, [reported])
      .when(correct({ consumerId: 'k1' }), ctx)
      .then([corrected()]);
  });

  it.each([
    [{ amount: undefined }, ValidationError, 'correction-amount-or-reverse'],
    [{ reverse: true }, ValidationError, 'correction-amount-or-reverse'],
    [{ amount: undefined, reverse: 'yes' }, ValidationError, 'correction-reverse-invalid'],
    [{ amount: '0' }, ValidationError, 'amount-not-positive'],
    [{ amount: '-5.00' }, ValidationError, 'amount-not-positive'],
    [{ amount: '1.001' }, ValidationError, 'amount-too-many-decimals'],
    [{ amount: 12 }, ValidationError, 'amount-not-a-string'],
    [{ reason: '' }, ValidationError, 'text-invalid'],
    [{ reason: 'x'.repeat(501) }, ValidationError, 'text-invalid'],
    [{ idempotencyKey: 'has space' }, ValidationError, 'idempotency-key-invalid'],
  ])('refuses %j and writes nothing', (change, errorClass, code) => {
    given(revenueDecider, [reported])
      .when(correct(change as Partial<CorrectRevenue['data']>), ctx)
      .thenThrows(errorClass, code);
  });

  it('correction ids are deterministic per (revenue, key)', () => {
    expect(correctionIdFor('r1', 'a')).toBe(correctionIdFor('r1', 'a'));
    expect(correctionIdFor('r1', 'a')).not.toBe(correctionIdFor('r2', 'a'));
    expect(correctionIdFor('r1', 'a')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
