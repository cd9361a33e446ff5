import { ConflictError, IllegalStateError, NotFoundError } from '@1tt/domain-errors';
import { DataUse, recordedUses, usesOf } from '../consent/data-use';
import { assertNever, Decider } from '../decider/decider';
import { assertId, boundedText, displayNameOf } from '../identifiers/identifier';
import { currencyExponent, formatMinor, parseAmount } from '../money';
import { ContributorCommand, ContributorContext } from './contributor.commands';
import { ContributorEvent } from './contributor.events';

export type ContributorState =
  | { status: 'none' }
  | {
      status: 'registered';
      contributorId: string;
      /** In clear only for contributors registered before names were sealed. */
      displayName?: string;
      /** Personal data erased (ContributorErased): the key is gone. */
      erased?: boolean;
      /** Minor units settled so far, per currency. */
      settled: Readonly<Record<string, bigint>>;
      references: ReadonlySet<string>;
      /** `batchId/lineId` of every payout-batch line settled here (a reconciliation retried settles nothing twice). */
      batchLines: ReadonlySet<string>;
      /** The latest encrypted payout details, if any. */
      payoutDetails?: { method: 'iban' | 'email'; keyId: string; ciphertext: string; setAt: string };
      /** The default consent for new uploads (issue #14); absent: never set (uploads then grant DEFAULT_USES). */
      defaultUses?: readonly DataUse[];
    };

export const MAX_SETTLEMENT_REFERENCE_LENGTH = 200;

/** The envelope of a value encrypted under a subject key (as payout details are): a 16-hex key id and base64url ciphertext. */
function isSealed(v: { keyId?: unknown; ciphertext?: unknown }): boolean {
  return (
    typeof v.keyId === 'string' &&
    /^[0-9a-f]{16}$/.test(v.keyId) &&
    typeof v.ciphertext === 'string' &&
    /^[A-Za-z0-9_-]{38,8192}$/.test(v.ciphertext)
  );
}

export const contributorDecider: Decider<ContributorCommand, ContributorEvent, ContributorState, ContributorContext> = {
  initialState: { status: 'none' },

  evolve(state, event) {
    switch (event.type) {
      case 'ContributorRegistered':
        return {
          status: 'registered',
          contributorId: event.data.contributorId,
          ...(event.data.displayName !== undefined ? { displayName: event.data.displayName } : {}),
          settled: {},
          references: new Set(),
          batchLines: new Set(),
        };
      case 'PayoutSettled': {
        if (state.status !== 'registered') return state;
        const { currency, amount, reference, batchId, lineId } = event.data;
        const minor = parseAmount(amount, currency);
        return {
          ...state,
          settled: { ...state.settled, [currency]: (state.settled[currency] ?? 0n) + minor },
          references: new Set([...state.references, reference]),
          batchLines: batchId && lineId ? new Set([...state.batchLines, `${batchId}/${lineId}`]) : state.batchLines,
        };
      }
      case 'PayoutDetailsSet': {
        if (state.status !== 'registered') return state;
        const { method, keyId, ciphertext, setAt } = event.data;
        return { ...state, payoutDetails: { method, keyId, ciphertext, setAt } };
      }
      case 'ContributorConsentSet':
        if (state.status !== 'registered') return state;
        return { ...state, defaultUses: recordedUses(event.data.uses) };
      case 'ContributorErased': {
        if (state.status !== 'registered') return state;
        // The clear name of an early registration is not kept; payout details stay as the ciphertext they are (unreadable now).
        const { displayName: _erased, ...rest } = state;
        return { ...rest, erased: true };
      }
      default:
        return assertNever(event, 'contributor event');
    }
  },

  decide(command, state, context) {
    switch (command.type) {
      case 'RegisterContributor': {
        const contributorId = assertId(command.data.contributorId, 'contributorId');
        const sealed = command.data.sealedDisplayName;
        if (sealed !== undefined && !isSealed(sealed)) {
          throw new IllegalStateError('display-name-not-sealed', 'A sealed display name must be ciphertext under a subject key');
        }
        const name = sealed
          ? { sealedDisplayName: { keyId: sealed.keyId, ciphertext: sealed.ciphertext } }
          : { displayName: displayNameOf(command.data.displayName) };
        if (state.status !== 'none') {
          throw new ConflictError('contributor-exists', `Contributor ${contributorId} is already registered`, { field: 'contributorId' });
        }
        return [{ type: 'ContributorRegistered', data: { contributorId, ...name, registeredAt: context.now.toISOString() } }];
      }
      case 'EraseContributor': {
        if (state.status !== 'registered') {
          throw new NotFoundError('contributor-not-found', `Contributor ${command.data.contributorId} does not exist`, {
            field: 'contributorId',
          });
        }
        if (state.erased) return []; // erased already: a retry records nothing
        return [{ type: 'ContributorErased', data: { contributorId: state.contributorId, erasedAt: context.now.toISOString() } }];
      }
      case 'SettlePayout': {
        const { contributorId, currency } = command.data;
        currencyExponent(currency);
        const amount = parseAmount(command.data.amount, currency);
        const reference = boundedText(command.data.reference, 'reference', MAX_SETTLEMENT_REFERENCE_LENGTH);
        if (state.status !== 'registered') {
          throw new NotFoundError('contributor-not-found', `Contributor ${contributorId} does not exist`, { field: 'contributorId' });
        }
        const { batchId, lineId } = command.data;
        if (batchId !== undefined && lineId !== undefined && state.batchLines.has(`${batchId}/${lineId}`)) return [];
        if (state.references.has(reference)) {
          throw new ConflictError('settlement-reference-used', `Reference ${reference} was already settled for this contributor`, {
            field: 'reference',
            hint: 'Each settlement needs its own reference (e.g. the bank transfer id).',
          });
        }
        if (context.allocatedToDate === undefined) {
          throw new IllegalStateError('allocation-total-missing', 'The total allocated to the contributor was not provided');
        }
        const payable = context.allocatedToDate - (state.settled[currency] ?? 0n);
        if (amount > payable) {
          // 409 as OpenAPI says: the request is well-formed, the balance does not allow it now.
          throw new ConflictError(
            'settlement-exceeds-payable',
            `Only ${formatMinor(payable > 0n ? payable : 0n, currency)} ${currency} is payable`,
            {
              field: 'amount',
              hint: 'Settle at most the payable balance.',
              context: { payable: formatMinor(payable > 0n ? payable : 0n, currency), currency },
            },
          );
        }
        return [
          {
            type: 'PayoutSettled',
            data: {
              contributorId: state.contributorId,
              amount: formatMinor(amount, currency),
              currency,
              reference,
              settledAt: context.now.toISOString(),
              ...(batchId !== undefined && lineId !== undefined ? { batchId, lineId } : {}),
            },
          },
        ];
      }
      case 'SetPayoutDetails': {
        const { contributorId, method, keyId, ciphertext } = command.data;
        if (state.status !== 'registered') {
          throw new NotFoundError('contributor-not-found', `Contributor ${contributorId} does not exist`, { field: 'contributorId' });
        }
        if (state.erased) {
          throw new NotFoundError(
            'contributor-erased',
            `Contributor ${contributorId} was erased: no personal data is recorded for them again`,
            {
              field: 'contributorId',
            },
          );
        }
        if ((method !== 'iban' && method !== 'email') || !/^[0-9a-f]{16}$/.test(keyId) || !/^[A-Za-z0-9_-]{40,8192}$/.test(ciphertext)) {
          throw new IllegalStateError('payout-details-not-encrypted', 'Payout details must be recorded encrypted under a subject key');
        }
        return [{ type: 'PayoutDetailsSet', data: { contributorId, method, keyId, ciphertext, setAt: context.now.toISOString() } }];
      }
      case 'SetDefaultConsent': {
        const uses = usesOf(command.data.uses);
        if (state.status !== 'registered') {
          throw new NotFoundError('contributor-not-found', `Contributor ${command.data.contributorId} does not exist`, {
            field: 'contributorId',
          });
        }
        if (state.defaultUses && state.defaultUses.join() === uses.join()) return []; // already so: a retry records nothing
        return [{ type: 'ContributorConsentSet', data: { contributorId: state.contributorId, uses, setAt: context.now.toISOString() } }];
      }
      default:
        return assertNever(command, 'contributor command');
    }
  },
};
