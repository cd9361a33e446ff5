import { type ErrorCode, ValidationError } from '@1tt/domain-errors';
import { formatScaled, parseDecimal } from './amount';

/** α is held as an integer number of millionths: at most 6 decimals, exactly. */
export const ALPHA_DECIMALS = 6;
export const ALPHA_SCALE = 1_000_000n;

/**
 * Parses α (the share of revenue paid to contributors): 0 < α ≤ 1 with at
 * most 6 decimals. Returns millionths (e.g. "0.25" → 250000n).
 */
export function parseAlpha(input: string, field = 'alpha'): bigint {
  let micros: bigint;
  try {
    micros = parseDecimal(input, ALPHA_DECIMALS, field, 'alpha has at most 6 decimals');
  } catch (e) {
    if (e instanceof ValidationError) {
      throw new ValidationError(alphaCode(e.code), e.message, { field, hint: e.hint });
    }
    throw e;
  }
  if (micros <= 0n || micros > ALPHA_SCALE) {
    throw new ValidationError('alpha-out-of-range', `${field} must be greater than 0 and at most 1`, {
      field,
      hint: 'Send the share as a decimal string such as "0.3" (30 %).',
    });
  }
  return micros;
}

/** `amount-empty` → `alpha-empty`; the compiler checks that every such code is in the catalogue. */
type AlphaCode<C extends ErrorCode> = C extends `amount-${infer R}` ? `alpha-${R}` : C;

/** The amount parser's codes, renamed for α; codes of other origins pass through. */
function alphaCode<C extends ErrorCode>(code: C): AlphaCode<C> {
  return (code.startsWith('amount-') ? `alpha-${code.slice('amount-'.length)}` : code) as AlphaCode<C>;
}

/** Canonical α string: no trailing zeros ("0.500000" → "0.5", 1 → "1"). */
export function formatAlpha(micros: bigint): string {
  return formatScaled(micros, ALPHA_DECIMALS).replace(/\.?0+$/, '');
}

/** Normalises an α string to its canonical form (validating it). */
export function normaliseAlpha(input: string, field = 'alpha'): string {
  return formatAlpha(parseAlpha(input, field));
}

/** The pool part of a revenue amount: floor(amount × α), exact in integers. */
export function poolAmountOf(amountMinor: bigint, alphaMicros: bigint): bigint {
  return (amountMinor * alphaMicros) / ALPHA_SCALE;
}
