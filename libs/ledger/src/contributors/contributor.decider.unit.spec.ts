import { ConflictError, IllegalStateError, NotFoundError, ValidationError } from '@1tt/domain-errors';
import { given } from '../testing/given-when-then';
import { auditorDecider } from '../auditors/auditor.decider';
import { contributorDecider } from './contributor.decider';
import { ContributorEvent } from './contributor.events';

const now = new Date('2025-03-01T12:00:00.000Z');
const registered: ContributorEvent = {
  type: 'ContributorRegistered',
  data: { contributorId: 'c1', displayName: 'Ada', registeredAt: '2025-01-01T00:00:00.000Z' },
};
const settle = (amount: string, reference = 'tx-1', currency = 'USD') => ({
  type: 'SettlePayout' as const,
  data: { contributorId: 'c1', amount, currency, reference },
});

describe('contributor decider', () => {
  it('registers a contributor with a trimmed name at the given time', () => {
    given(contributorDecider)
      .when({ type: 'RegisterContributor', data: { contributorId: 'c1', displayName: '  Ada ' } }, { now })
      .then([{ type: 'ContributorRegistered', data: { contributorId: 'c1', displayName: 'Ada', registeredAt: now.toISOString() } }]);
  });
  it('sets the default consent; the same again records nothing; bad uses and unknown contributors are refused (issue #14)', () => {
    const set = (uses: unknown) => ({ type: 'SetDefaultConsent' as const, data: { contributorId: 'c1', uses } });
    const [e] = given(contributorDecider, [registered])
      .when(set(['retrieval', 'training']), { now })
      .then([{ type: 'ContributorConsentSet', data: { contributorId: 'c1', uses: ['training', 'retrieval'], setAt: now.toISOString() } }]);
    given(contributorDecider, [registered, e])
      .when(set(['training', 'retrieval']), { now })
      .thenNothing();
    given(contributorDecider, [registered])
      .when(set(['selling']), { now })
      .thenThrows(ValidationError, 'uses-invalid');
    given(contributorDecider)
      .when(set(['training']), { now })
      .thenThrows(NotFoundError, 'contributor-not-found');
  });

  it('registers a sealed name as given (the service encrypts); an envelope that is not ciphertext is refused', () => {
    const sealed = { keyId: '0123456789abcdef', ciphertext: 'A'.repeat(44) };
    given(contributorDecider)
      .when({ type: 'RegisterContributor', data: { contributorId: 'c1', sealedDisplayName: sealed } }, { now })
      .then([{ type: 'ContributorRegistered', data: { contributorId: 'c1', sealedDisplayName: sealed, registeredAt: now.toISOString() } }]);
    given(contributorDecider)
      .when(
        { type: 'RegisterContributor', data: { contributorId: 'c1', sealedDisplayName: { keyId: 'k', ciphertext: 'Ada Lovelace' } } },
        { now },
      )
      .thenThrows(IllegalStateError, 'display-name-not-sealed');
  });

  it('erases once (a repeat records nothing), refuses unknown contributors and new payout details after erasure', () => {
    const erase = { type: 'EraseContributor' as const, data: { contributorId: 'c1' } };
    const [erased] = given(contributorDecider, [registered])
      .when(erase, { now })
      .then([{ type: 'ContributorErased', data: { contributorId: 'c1', erasedAt: now.toISOString() } }]);
    given(contributorDecider, [registered, erased]).when(erase, { now }).thenNothing();
    given(contributorDecider).when(erase, { now }).thenThrows(NotFoundError, 'contributor-not-found');
    given(contributorDecider, [registered, erased])
      .when(
        { type: 'SetPayoutDetails', data: { contributorId: 'c1', method: 'iban', keyId: '0123456789abcdef', ciphertext: 'A'.repeat(44) } },
        { now },
      )
      .thenThrows(NotFoundError, 'contributor-erased');
    // Money is untouched: a settlement after erasure is decided as before.
    given(contributorDecider, [registered, erased])
      .when(settle('1.00'), { now, allocatedToDate: 100n })
      .then([
        {
          type: 'PayoutSettled',
          data: { contributorId: 'c1', amount: '1.00', currency: 'USD', reference: 'tx-1', settledAt: now.toISOString() },
        },
      ]);
  });

  it('refuses to register twice', () => {
    given(contributorDecider, [registered])
      .when({ type: 'RegisterContributor', data: { contributorId: 'c1', displayName: 'Ada' } }, { now })
      .thenThrows(ConflictError, 'contributor-exists');
  });
  it('refuses an empty name or a malformed id', () => {
    given(contributorDecider)
      .when({ type: 'RegisterContributor', data: { contributorId: 'c1', displayName: '  ' } }, { now })
      .thenThrows(ValidationError, 'display-name-invalid');
    given(contributorDecider)
      .when({ type: 'RegisterContributor', data: { contributorId: 'a b', displayName: 'x' } }, { now })
      .thenThrows(ValidationError, 'id-malformed');
  });

  it('settles up to the payable balance', () => {
    given(contributorDecider, [registered])
      .when(settle('10.00'), { now, allocatedToDate: 1000n })
      .then([
        {
          type: 'PayoutSettled',
          data: { contributorId: 'c1', amount: '10.00', currency: 'USD', reference: 'tx-1', settledAt: now.toISOString() },
        },
      ]);
  });
  it('counts earlier settlements of the stream against the payable balance', () => {
    const settled: ContributorEvent = {
      type: 'PayoutSettled',
      data: { contributorId: 'c1', amount: '6.00', currency: 'USD', reference: 'tx-1', settledAt: '2025-02-01T00:00:00.000Z' },
    };
    given(contributorDecider, [registered, settled])
      .when(settle('4.01', 'tx-2'), { now, allocatedToDate: 1000n })
      .thenThrows(ConflictError, 'settlement-exceeds-payable');
    given(contributorDecider, [registered, settled])
      .when(settle('4.00', 'tx-2'), { now, allocatedToDate: 1000n })
      .then([
        {
          type: 'PayoutSettled',
          data: { contributorId: 'c1', amount: '4.00', currency: 'USD', reference: 'tx-2', settledAt: now.toISOString() },
        },
      ]);
    // settled EUR does not count against USD
    given(contributorDecider, [registered, settled])
      .when(settle('6.00', 'tx-3', 'EUR'), { now, allocatedToDate: 600n })
      .then([
        {
          type: 'PayoutSettled',
          data: { contributorId: 'c1', amount: '6.00', currency: 'EUR', reference: 'tx-3', settledAt: now.toISOString() },
        },
      ]);
    given(contributorDecider, [registered, settled])
      .when(settle('1.00', 'tx-1'), { now, allocatedToDate: 1000n })
      .thenThrows(ConflictError, 'settlement-reference-used');
  });
  it('refuses a zero, negative or malformed settlement, an unknown contributor and a missing total', () => {
    given(contributorDecider, [registered])
      .when(settle('0'), { now, allocatedToDate: 1000n })
      .thenThrows(ValidationError, 'amount-not-positive');
    given(contributorDecider, [registered])
      .when(settle('-1'), { now, allocatedToDate: 1000n })
      .thenThrows(ValidationError, 'amount-not-positive');
    given(contributorDecider, [registered])
      .when(settle('1.001'), { now, allocatedToDate: 1000n })
      .thenThrows(ValidationError, 'amount-too-many-decimals');
    given(contributorDecider, [registered])
      .when(settle('1', 'tx', 'XXX'), { now, allocatedToDate: 1000n })
      .thenThrows(ValidationError, 'currency-unknown');
    given(contributorDecider, [registered])
      .when(settle('1', ''), { now, allocatedToDate: 1000n })
      .thenThrows(ValidationError, 'text-invalid');
    given(contributorDecider).when(settle('1'), { now, allocatedToDate: 1000n }).thenThrows(NotFoundError, 'contributor-not-found');
    given(contributorDecider, [registered]).when(settle('1'), { now }).thenThrows(IllegalStateError, 'allocation-total-missing');
  });
});

describe('auditor decider', () => {
  it('registers once', () => {
    const e = { type: 'AuditorRegistered' as const, data: { auditorId: 'a1', displayName: 'Audit Co', registeredAt: now.toISOString() } };
    given(auditorDecider)
      .when({ type: 'RegisterAuditor', data: { auditorId: 'a1', displayName: 'Audit Co' } }, { now })
      .then([e]);
    given(auditorDecider, [e])
      .when({ type: 'RegisterAuditor', data: { auditorId: 'a1', displayName: 'Audit Co' } }, { now })
      .thenThrows(ConflictError, 'auditor-exists');
  });
});
