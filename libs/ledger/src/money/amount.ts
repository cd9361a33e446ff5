import { type ErrorCode, ValidationError } from '@1tt/domain-errors';
import { currencyExponent } from './currency';

/** Largest number of digits an amount may have (integer + fraction): bounds event sizes. */
export const MAX_AMOUNT_DIGITS = 30;

const PLAIN_DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * Parses a positive decimal string (e.g. "12.50") into integer minor units
 * of `currency`. Strict on purpose: money crosses a trust boundary here, so
 * anything a float parser or a locale would silently reinterpret is refused
 * (exponents, signs, whitespace, NaN, more decimals than the currency has,
 * even when they are zeros).
 */
export function parseAmount(input: string, currency: string, field = 'amount'): bigint {
  const exponent = currencyExponent(currency);
  const minor = parseDecimal(input, exponent, field, `${currency} has ${exponent} decimal${exponent === 1 ? '' : 's'}`);
  if (minor <= 0n) {
    throw new ValidationError('amount-not-positive', `${field} must be greater than zero`, {
      field,
      hint: 'Send a positive amount such as "10.00".',
    });
  }
  return minor;
}

/** Like parseAmount but accepts zero: for reading amounts back from recorded events. */
export function parseNonNegativeAmount(input: string, currency: string, field = 'amount'): bigint {
  const exponent = currencyExponent(currency);
  return parseDecimal(input, exponent, field, `${currency} has ${exponent} decimals`);
}

/** Minor units → the canonical decimal string of the currency ("1234" USD → "12.34", JPY → "1234"). */
export function formatMinor(minor: bigint, currency: string): string {
  const exponent = currencyExponent(currency);
  return formatScaled(minor, exponent);
}

/** Integer scaled by 10^exponent → decimal string with exactly `exponent` decimals. */
export function formatScaled(value: bigint, exponent: number): string {
  const negative = value < 0n;
  const text = formatDigits((negative ? -value : value).toString(), exponent);
  return negative ? `-${text}` : text;
}

/**
 * The plain decimal digits of a non-negative integer of minor units → the
 * decimal string with exactly `exponent` decimals ("5", 2 → "0.05").
 * Takes digits so that callers holding exact doubles need no bigint.
 */
export function formatDigits(digits: string, exponent: number): string {
  if (exponent === 0) return digits;
  const padded = digits.length > exponent ? digits : digits.padStart(exponent + 1, '0');
  const cut = padded.length - exponent;
  return `${padded.slice(0, cut)}.${padded.slice(cut)}`;
}

/**
 * Strict decimal → integer scaled by 10^exponent. Shared by amounts and α.
 * Every refusal is a ValidationError naming the field and how to fix it.
 */
export function parseDecimal(input: string, exponent: number, field: string, decimalsHint: string): bigint {
  const fail = (code: ErrorCode, message: string, hint: string): never => {
    throw new ValidationError(code, message, { field, hint });
  };
  if (typeof input !== 'string')
    fail('amount-not-a-string', `${field} must be a decimal string`, 'Send money as a JSON string such as "10.00", never a number.');
  if (input.length === 0) fail('amount-empty', `${field} is empty`, 'Send a decimal string such as "10.00".');
  if (/\s/.test(input))
    fail('amount-whitespace', `${field} contains whitespace`, 'Remove spaces and line breaks around and inside the number.');
  if (/^[+-]/.test(input)) {
    if (input.startsWith('-')) fail('amount-not-positive', `${field} must be greater than zero`, 'Send a positive amount without a sign.');
    fail('amount-sign', `${field} has a leading '+'`, 'Send the number without a sign, e.g. "10.00".');
  }
  if (/nan|infinity/i.test(input)) fail('amount-not-a-number', `${field} is not a finite number`, 'Send a decimal string such as "10.00".');
  if (/e/i.test(input))
    fail('amount-exponent', `${field} uses exponent notation`, 'Write the number out in full, e.g. "1500" instead of "1.5e3".');
  const m = PLAIN_DECIMAL.exec(input);
  if (!m)
    fail(
      'amount-malformed',
      `${field} is not a plain decimal number`,
      'Use digits with an optional "." and decimals, e.g. "10.00" (no thousands separators).',
    );
  const [, whole, fraction = ''] = m as RegExpExecArray;
  if (fraction.length > exponent) {
    fail(
      'amount-too-many-decimals',
      `${field} has ${fraction.length} decimals, at most ${exponent} allowed`,
      `${decimalsHint}; round or drop the extra decimals.`,
    );
  }
  const wholeDigits = whole.replace(/^0+(?=\d)/, '');
  if (wholeDigits.length + exponent > MAX_AMOUNT_DIGITS) {
    fail('amount-too-large', `${field} is too large`, `At most ${MAX_AMOUNT_DIGITS - exponent} digits before the decimal point.`);
  }
  return BigInt(wholeDigits + fraction.padEnd(exponent, '0'));
}
