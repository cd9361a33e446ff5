import { ValidationError } from '@1tt/domain-errors';

/**
 * IBAN (ISO 13616): two letters of country, two check digits, up to 30
 * letters and digits. Valid when the number formed by moving the first four
 * characters to the end, letters as 10..35, is 1 modulo 97.
 */
const IBAN_SHAPE = /^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$/;

/** Upper-cased, without spaces; throws iban-invalid when the shape or the check digits are wrong. */
export function normaliseIban(value: unknown, field = 'iban'): string {
  const iban = typeof value === 'string' ? value.replace(/[\s-]/g, '').toUpperCase() : '';
  if (!IBAN_SHAPE.test(iban) || ibanRemainder(iban) !== 1) {
    throw new ValidationError('iban-invalid', `${field} is not a valid IBAN (its check digits do not match)`, {
      field,
      hint: 'Send the IBAN as printed by the bank, e.g. DE89 3704 0044 0532 0130 00.',
    });
  }
  return iban;
}

function ibanRemainder(iban: string): number {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const digits = ch >= 'A' && ch <= 'Z' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of digits) remainder = (remainder * 10 + Number(d)) % 97;
  }
  return remainder;
}

/** Country and the last four characters; the rest hidden: DE89 **** **** **** **30 00 → "DE** **** 3000". */
export function maskIban(iban: string): string {
  return `${iban.slice(0, 2)}** **** ${iban.slice(-4)}`;
}

/** First character of the local part and the domain: ada@example.org → "a***@example.org". */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}

/** First letter of each word: "Ada Lovelace" → "A. L.". */
export function maskName(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => `${[...w][0]}.`)
    .join(' ');
}
