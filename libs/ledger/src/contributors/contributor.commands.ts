import { Clock } from '../decider/decider';

export interface RegisterContributor {
  type: 'RegisterContributor';
  /** displayName in clear (legacy, fixtures) or sealedDisplayName (the service encrypts; the domain checks the envelope). */
  data: { contributorId: string; displayName?: string; sealedDisplayName?: { keyId: string; ciphertext: string } };
}

/** Records that the contributor's personal data was erased (the service destroys the key first). */
export interface EraseContributor {
  type: 'EraseContributor';
  data: { contributorId: string };
}

export interface SettlePayout {
  type: 'SettlePayout';
  data: { contributorId: string; amount: string; currency: string; reference: string; batchId?: string; lineId?: string };
}

/** Records encrypted payout details (the service encrypts; the domain only checks the envelope). */
export interface SetPayoutDetails {
  type: 'SetPayoutDetails';
  data: { contributorId: string; method: 'iban' | 'email'; keyId: string; ciphertext: string };
}

/** The uses a contributor's new uploads grant when they name none (issue #14). */
export interface SetDefaultConsent {
  type: 'SetDefaultConsent';
  data: { contributorId: string; uses: unknown };
}

export type ContributorCommand = RegisterContributor | SettlePayout | SetPayoutDetails | SetDefaultConsent | EraseContributor;

export interface ContributorContext extends Clock {
  /**
   * For SettlePayout: the total ever allocated to this contributor in the
   * command's currency, in minor units (from the Balances fold:
   * balance(payable) + balance(paid) at one consistent position). It only
   * grows, so a lagging read model can only make the check stricter; what was
   * already settled is taken from this stream itself.
   */
  allocatedToDate?: bigint;
}
