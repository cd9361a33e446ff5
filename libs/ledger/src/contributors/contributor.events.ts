/** Stream `contributor-<contributorId>`. */
export interface ContributorRegistered {
  type: 'ContributorRegistered';
  data: { contributorId: string; displayName: string; registeredAt: string };
}

/**
 * Money paid out to a contributor outside the ledger (bank transfer…),
 * recorded by an admin. Also in the contributor's stream, so concurrent
 * settlements conflict on the stream revision instead of both passing the
 * balance check.
 */
export interface PayoutSettled {
  type: 'PayoutSettled';
  data: { contributorId: string; amount: string; currency: string; reference: string; settledAt: string };
}

export type ContributorEvent = ContributorRegistered | PayoutSettled;
