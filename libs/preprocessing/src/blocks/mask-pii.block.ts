import { type Block } from '../block';
import { resolveBlockOptions } from '../block-options';

export interface MaskPiiOptions {
  email: boolean;
  phone: boolean;
  ipv4: boolean;
  payment_card: boolean;
}

export const PII_PLACEHOLDERS = {
  email: '<EMAIL>',
  phone: '<PHONE>',
  ipv4: '<IP_ADDRESS>',
  payment_card: '<CARD_NUMBER>',
} as const;

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
// 13-19 digits, optionally grouped by single spaces or dashes.
const CARD = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`(?<![\\d.])${OCTET}(?:\\.${OCTET}){3}(?![\\d]|\\.\\d)`, 'g');
// Optional +country code, optional (area) code, groups separated by space, dot or dash.
const PHONE = /(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]\d{2,4}){1,4}(?!\w)/g;

/** Luhn checksum: weeds out most digit runs that merely look like card numbers. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * Replaces personal data with placeholders. Cards before phones (a card number
 * looks like a long phone number); a phone needs 9-15 digits in all, so dates
 * ("2024-01-15"), years and short numbers are left alone.
 */
export const maskPiiBlock: Block<MaskPiiOptions> = {
  name: 'mask-pii',
  version: 1,
  description: 'Masks e-mail addresses, phone numbers, IPv4 addresses and Luhn-valid payment card numbers.',
  defaults: { email: true, phone: true, ipv4: true, payment_card: true },
  resolveOptions(options, field) {
    return resolveBlockOptions(
      this.defaults,
      { email: 'boolean', phone: 'boolean', ipv4: 'boolean', payment_card: 'boolean' },
      options,
      field,
    );
  },
  apply(doc, options) {
    let text = doc.text;
    if (options.email && text.includes('@')) text = text.replace(EMAIL, PII_PLACEHOLDERS.email);
    if (options.payment_card) {
      text = text.replace(CARD, (m) => {
        const digits = m.replace(/[ -]/g, '');
        return luhnValid(digits) ? PII_PLACEHOLDERS.payment_card : m;
      });
    }
    if (options.ipv4) text = text.replace(IPV4, PII_PLACEHOLDERS.ipv4);
    if (options.phone) {
      text = text.replace(PHONE, (m) => {
        const digits = m.replace(/\D/g, '').length;
        return digits >= 9 && digits <= 15 ? PII_PLACEHOLDERS.phone : m;
      });
    }
    return { ...doc, text };
  },
};
