import { ForbiddenError, IllegalStateError, NotFoundError, ValidationError, ConflictError } from '@1tt/domain-errors';
import { given } from '../testing/given-when-then';
import { dataRequestDecider, formatRequestWeight, parseRequestWeight } from './data-request.decider';
import type { OpenDataRequest } from './data-request.commands';
import type { DataRequestOpened } from './data-request.events';

const now = new Date('2026-12-01T10:00:00.000Z');
const ctx = { now, consumerRegistered: true };
const open = (over: Partial<OpenDataRequest['data']> = {}): OpenDataRequest => ({
  type: 'OpenDataRequest',
  data: {
    requestId: 'r1',
    consumerId: 'acme',
    title: 'German legal prose',
    description: 'Court decisions and statutes in German.',
    languages: ['de'],
    contentClasses: ['prose'],
    keywords: ['Gericht', 'gericht', 'Urteil'],
    tokenTarget: '1000000',
    weight: '2.50',
    closesAt: '2027-01-01T00:00:00Z',
    weightUntil: '2027-06-01T00:00:00Z',
    ...over,
  },
});
const opened: DataRequestOpened = {
  type: 'DataRequestOpened',
  data: {
    requestId: 'r1',
    consumerId: 'acme',
    title: 'German legal prose',
    description: 'Court decisions and statutes in German.',
    languages: ['de'],
    contentClasses: ['prose'],
    keywords: ['gericht', 'urteil'],
    sampleText: null,
    tokenTarget: '1000000',
    weight: '2.5',
    opensAt: '2026-12-01T10:00:00.000Z',
    closesAt: '2027-01-01T00:00:00.000Z',
    weightUntil: '2027-06-01T00:00:00.000Z',
    openedAt: '2026-12-01T10:00:00.000Z',
  },
};

describe('data request decider', () => {
  it('opens a request: keywords lower-cased and de-duplicated, weight canonical, opensAt defaults to now', () => {
    given(dataRequestDecider).when(open(), ctx).then([opened]);
  });

  it('refuses weights outside 1 < w ≤ 10 or not a decimal string', () => {
    for (const weight of ['1', '1.0', '0.5', '10.000001', '11', 2, '2.1234567', '', ' 2', '-2', '1e1'])
      given(dataRequestDecider).when(open({ weight }), ctx).thenThrows(ValidationError, 'data-request-weight-invalid');
    expect(formatRequestWeight(parseRequestWeight('10'))).toBe('10');
    expect(formatRequestWeight(parseRequestWeight('1.000001'))).toBe('1.000001');
  });

  it('refuses a window that closes before it opens or in the past, and a weightUntil before closesAt', () => {
    given(dataRequestDecider)
      .when(open({ opensAt: '2027-02-01T00:00:00Z' }), ctx)
      .thenThrows(ValidationError, 'data-request-window-invalid');
    given(dataRequestDecider)
      .when(open({ closesAt: '2026-11-01T00:00:00Z', weightUntil: '2026-12-01T00:00:00Z' }), ctx)
      .thenThrows(ValidationError, 'data-request-window-invalid');
    given(dataRequestDecider)
      .when(open({ weightUntil: '2026-12-31T00:00:00Z' }), ctx)
      .thenThrows(ValidationError, 'data-request-window-invalid');
    given(dataRequestDecider)
      .when(open({ closesAt: 'tomorrow' }), ctx)
      .thenThrows(ValidationError, 'time-malformed');
  });

  it('refuses a bad token target, language, class or keyword list', () => {
    for (const tokenTarget of ['0', '-1', '1.5', 10, '01'])
      given(dataRequestDecider).when(open({ tokenTarget }), ctx).thenThrows(ValidationError, 'data-request-token-target-invalid');
    given(dataRequestDecider)
      .when(open({ languages: ['German'] }), ctx)
      .thenThrows(ValidationError, 'data-request-list-invalid');
    given(dataRequestDecider)
      .when(open({ contentClasses: ['poetry'] }), ctx)
      .thenThrows(ValidationError, 'data-request-list-invalid');
    given(dataRequestDecider)
      .when(open({ keywords: Array.from({ length: 51 }, (_, i) => `k${i}`) }), ctx)
      .thenThrows(ValidationError, 'data-request-list-invalid');
    given(dataRequestDecider)
      .when(open({ title: '' }), ctx)
      .thenThrows(ValidationError, 'text-invalid');
  });

  it('refuses an unregistered consumer and a second open of the same id', () => {
    given(dataRequestDecider).when(open(), { now }).thenThrows(NotFoundError, 'consumer-not-found');
    given(dataRequestDecider, [opened]).when(open(), ctx).thenThrows(ConflictError, 'data-request-exists');
  });

  it('is closed early by its consumer or an admin, once, and not after closesAt', () => {
    const close = (role: 'consumer' | 'admin' | 'contributor', id: string) => ({
      type: 'CloseDataRequest' as const,
      data: { requestId: 'r1', requestedBy: { role, id } },
    });
    const closed = {
      type: 'DataRequestClosed' as const,
      data: { requestId: 'r1', consumerId: 'acme', closedBy: 'consumer' as const, closedAt: now.toISOString() },
    };
    given(dataRequestDecider, [opened]).when(close('consumer', 'acme'), ctx).then([closed]);
    given(dataRequestDecider, [opened])
      .when(close('admin', 'a'), ctx)
      .then([{ ...closed, data: { ...closed.data, closedBy: 'admin' } }]);
    given(dataRequestDecider, [opened]).when(close('consumer', 'other'), ctx).thenThrows(NotFoundError, 'data-request-not-found');
    given(dataRequestDecider, [opened]).when(close('contributor', 'acme'), ctx).thenThrows(ForbiddenError, 'data-request-not-owner');
    given(dataRequestDecider, [opened, closed]).when(close('consumer', 'acme'), ctx).thenThrows(IllegalStateError, 'data-request-closed');
    given(dataRequestDecider, [opened])
      .when(close('consumer', 'acme'), { now: new Date('2027-01-01T00:00:00Z') })
      .thenThrows(IllegalStateError, 'data-request-closed');
    given(dataRequestDecider).when(close('admin', 'a'), ctx).thenThrows(NotFoundError, 'data-request-not-found');
  });
});
