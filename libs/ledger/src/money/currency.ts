import { ValidationError } from '@1tt/domain-errors';

/**
 * ISO 4217 codes the ledger accepts, with their minor-unit exponent (the
 * number of decimals of the smallest unit). Amounts are always held as
 * integer minor units (bigint); this table is the only place the exponent
 * comes from, so a code missing here is refused rather than guessed.
 */
export const CURRENCIES: Readonly<Record<string, number>> = Object.freeze({
  USD: 2,
  EUR: 2,
  GBP: 2,
  CHF: 2,
  CAD: 2,
  AUD: 2,
  CNY: 2,
  INR: 2,
  SGD: 2,
  HKD: 2,
  SEK: 2,
  NOK: 2,
  DKK: 2,
  JPY: 0,
  KRW: 0,
  KWD: 3,
  BHD: 3,
  OMR: 3,
  JOD: 3,
  TND: 3,
});

export function isKnownCurrency(code: string): boolean {
  return Object.prototype.hasOwnProperty.call(CURRENCIES, code);
}

/** Minor-unit exponent of a currency; a ValidationError for an unknown code. */
export function currencyExponent(currency: string, field = 'currency'): number {
  if (typeof currency !== 'string' || !isKnownCurrency(currency)) {
    throw new ValidationError('currency-unknown', `Unknown currency ${JSON.stringify(currency)}`, {
      field,
      hint: `Use an upper-case ISO 4217 code, one of: ${Object.keys(CURRENCIES).join(', ')}.`,
    });
  }
  return CURRENCIES[currency];
}
