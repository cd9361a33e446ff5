import { ValidationError } from '@1tt/domain-errors';
import { currencyExponent } from './currency';
import { parseDecimal } from './amount';

/**
 * Reads a signed amount as adjustments record it ("-1.50", "0.25") into
 * minor units. Only for reading recorded events: requests never carry a sign
 * (parseAmount refuses one). "-0.00" is refused: zero has one spelling.
 */
export function parseSignedAmount(input: string, currency: string, field = 'amount'): bigint {
  const exponent = currencyExponent(currency);
  if (typeof input === 'string' && input.startsWith('-')) {
    const minor = parseDecimal(input.slice(1), exponent, field, `${currency} has ${exponent} decimals`);
    if (minor === 0n) {
      throw new ValidationError('amount-negative-zero', `${field} is "-0"`, { field, hint: 'Write zero without a sign.' });
    }
    return -minor;
  }
  return parseDecimal(input, exponent, field, `${currency} has ${exponent} decimals`);
}
