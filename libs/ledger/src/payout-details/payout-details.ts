import { ValidationError } from '@1tt/domain-errors';
import { displayNameOf } from '../identifiers/identifier';
import { maskEmail, maskIban, maskName, normaliseIban } from './iban';

/**
 * Where a contributor is paid: a bank account (IBAN, paid by credit
 * transfer, pain.001) or an e-mail address (a payment provider). This is
 * personal data: it only ever leaves the service encrypted (the log holds
 * ciphertext under the contributor's own key, see PayoutDetailsSet) or
 * masked (maskPayoutDetails).
 */
export type PayoutDetails =
  | { method: 'iban'; holderName: string; iban: string; country: string }
  | { method: 'email'; holderName: string; email: string; country: string };

export interface MaskedPayoutDetails {
  method: 'iban' | 'email';
  holderName: string;
  iban?: string;
  email?: string;
  country: string;
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,}$/;

/** Validates the request shape: exactly one of iban or email, a holder name and an ISO 3166 alpha-2 country. */
export function payoutDetailsOf(input: { holderName?: unknown; iban?: unknown; email?: unknown; country?: unknown }): PayoutDetails {
  const holderName = displayNameOf(input.holderName, 'holderName');
  if (holderName.length > 70) {
    throw new ValidationError('display-name-invalid', 'holderName must be at most 70 characters (the credit-transfer limit)', {
      field: 'holderName',
      hint: 'Shorten the account holder name as the bank records it.',
    });
  }
  const country = typeof input.country === 'string' ? input.country.trim().toUpperCase() : '';
  if (!/^[A-Z]{2}$/.test(country)) {
    throw new ValidationError('country-invalid', 'country must be an ISO 3166-1 alpha-2 code', { field: 'country', hint: 'E.g. DE.' });
  }
  const hasIban = input.iban !== undefined && input.iban !== null && input.iban !== '';
  const hasEmail = input.email !== undefined && input.email !== null && input.email !== '';
  if (hasIban === hasEmail) {
    throw new ValidationError('payout-details-method', 'Send exactly one of iban or email', {
      field: hasIban ? 'email' : 'iban',
      hint: 'A bank account (iban) or a payment e-mail address (email), not both.',
    });
  }
  if (hasIban) return { method: 'iban', holderName, iban: normaliseIban(input.iban), country };
  const email = typeof input.email === 'string' ? input.email.trim() : '';
  if (!EMAIL.test(email)) {
    throw new ValidationError('email-invalid', 'email is not an e-mail address', { field: 'email', hint: 'E.g. ada@example.org.' });
  }
  return { method: 'email', holderName, email, country };
}

export function maskPayoutDetails(d: PayoutDetails): MaskedPayoutDetails {
  return d.method === 'iban'
    ? { method: 'iban', holderName: maskName(d.holderName), iban: maskIban(d.iban), country: d.country }
    : { method: 'email', holderName: maskName(d.holderName), email: maskEmail(d.email), country: d.country };
}

/** Parses decrypted payout details (the JSON the service encrypted), or undefined when it is not that shape. */
export function parsePayoutDetails(json: string): PayoutDetails | undefined {
  try {
    const v = JSON.parse(json) as Record<string, unknown>;
    if (v.method === 'iban' && typeof v.iban === 'string' && typeof v.holderName === 'string' && typeof v.country === 'string')
      return { method: 'iban', holderName: v.holderName, iban: v.iban, country: v.country };
    if (v.method === 'email' && typeof v.email === 'string' && typeof v.holderName === 'string' && typeof v.country === 'string')
      return { method: 'email', holderName: v.holderName, email: v.email, country: v.country };
  } catch {
    /* not JSON */
  }
  return undefined;
}
