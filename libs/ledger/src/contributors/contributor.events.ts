import type { DataUse } from '../consent/data-use';

/** Stream `contributor-<contributorId>`. */
export interface ContributorRegistered {
  type: 'ContributorRegistered';
  data: {
    contributorId: string;
    /** In clear: contributors registered before names were sealed (it stays in the log; erasure cannot reach it). */
    displayName?: string;
    /** The display name as AES-256-GCM ciphertext under the contributor's own key (SubjectKeyStore): erasure destroys the key. */
    sealedDisplayName?: { keyId: string; ciphertext: string };
    registeredAt: string;
  };
}

/**
 * The contributor's personal data was erased: their key in the personal-data
 * key store is destroyed, so the sealed display name and payout details in
 * earlier events can no longer be read. Carries no personal data; money
 * events stay as they are.
 */
export interface ContributorErased {
  type: 'ContributorErased';
  data: { contributorId: string; erasedAt: string };
}

/**
 * Money paid out to a contributor outside the ledger (bank transfer…),
 * recorded by an admin. Also in the contributor's stream, so concurrent
 * settlements conflict on the stream revision instead of both passing the
 * balance check.
 */
export interface PayoutSettled {
  type: 'PayoutSettled';
  data: {
    contributorId: string;
    amount: string;
    currency: string;
    reference: string;
    settledAt: string;
    /** Set when the settlement is a payout batch's line confirmed by reconciliation: the batch and line it pays. */
    batchId?: string;
    lineId?: string;
  };
}

/**
 * Where the contributor is paid (IBAN or e-mail, holder name, country),
 * set by the contributor. Only ciphertext is logged: AES-256-GCM under the
 * contributor's own key (keyId names it) in the personal-data key store,
 * never in the log. Erasing the contributor destroys that key, and with it
 * every copy of these details, while the event and its hash stay.
 */
export interface PayoutDetailsSet {
  type: 'PayoutDetailsSet';
  data: { contributorId: string; method: 'iban' | 'email'; keyId: string; ciphertext: string; setAt: string };
}

/** The contributor's default consent (issue #14): the uses a new upload grants when it names none. */
export interface ContributorConsentSet {
  type: 'ContributorConsentSet';
  data: { contributorId: string; uses: DataUse[]; setAt: string };
}

export type ContributorEvent = ContributorRegistered | PayoutSettled | PayoutDetailsSet | ContributorConsentSet | ContributorErased;
