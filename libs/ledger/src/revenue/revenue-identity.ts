import { canonicalHash, sha256Hex } from '@1tt/canonical-json';
import { ValidationError } from '@1tt/domain-errors';

export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;
const KEY = /^[\x21-\x7e]{1,200}$/;

export function idempotencyKeyOf(value: unknown, field = 'idempotencyKey'): string {
  if (typeof value !== 'string' || !KEY.test(value)) {
    throw new ValidationError(
      'idempotency-key-invalid',
      `${field} must be 1-${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters without spaces`,
      {
        field,
        hint: 'Send a unique key per report in the Idempotency-Key header, e.g. a uuid.',
      },
    );
  }
  return value;
}

/**
 * The revenue id of (consumer, idempotency key): deterministic, so a retry
 * lands on the same stream. RFC 9562 UUIDv8 layout over
 * sha256("1tt/revenue/v1\n" + consumerId + "\n" + idempotencyKey).
 */
export function revenueIdFor(consumerId: string, idempotencyKey: string): string {
  const h = sha256Hex(`1tt/revenue/v1\n${consumerId}\n${idempotencyKey}`).slice(0, 32).split('');
  h[12] = '8';
  h[16] = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}

/** The canonical input of a report, after normalisation ("10.0" and "10.00" USD are the same input). */
export interface RevenueInput {
  consumerId: string;
  amount: string;
  currency: string;
  periodStart: string;
  periodEnd: string;
}

/** sha256 of canonicalJson(RevenueInput): what a retry must match. */
export function revenueInputHash(input: RevenueInput): string {
  const { consumerId, amount, currency, periodStart, periodEnd } = input;
  return canonicalHash({ consumerId, amount, currency, periodStart, periodEnd });
}
