import { canonicalHash, sha256Hex } from '@1tt/canonical-json';

/**
 * The correction id of (revenue, idempotency key): deterministic, so a retry
 * names the same correction. RFC 9562 UUIDv8 layout over
 * sha256("1tt/correction/v1\n" + revenueId + "\n" + idempotencyKey).
 */
export function correctionIdFor(revenueId: string, idempotencyKey: string): string {
  const h = sha256Hex(`1tt/correction/v1\n${revenueId}\n${idempotencyKey}`).slice(0, 32).split('');
  h[12] = '8';
  h[16] = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}

/** What a retry with the same key must match: the normalised amount (or reversal) and the reason. */
export function correctionInputHash(input: { revenueId: string; amount: string; reversal: boolean; reason: string }): string {
  const { revenueId, amount, reversal, reason } = input;
  return canonicalHash({ revenueId, amount, reversal, reason });
}
