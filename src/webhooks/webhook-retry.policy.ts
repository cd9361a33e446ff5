/**
 * When to try again: exponential backoff with jitter, within a window
 * counted from the first attempt (24 h by default). The delay before retry
 * n (n = 1 after the first failure) is initial × 2^(n−1), capped, then
 * scaled by a random factor in [0.5, 1) ("equal jitter") so receivers that
 * come back are not hit by every webhook at the same instant.
 */
import type { AttemptResult } from './webhook-sender';
import type { AttemptVerdict } from './webhook-delivery.store';

export interface RetryPolicy {
  initialMs: number;
  maxMs: number;
  windowMs: number;
}

export function retryDelayMs(policy: RetryPolicy, failedAttempts: number, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(Math.max(failedAttempts - 1, 0), 40));
  return Math.max(1, Math.round(exp * (0.5 + random() * 0.5)));
}

/** The next state of a delivery after an attempt made at `at`. */
export function verdictOf(
  policy: RetryPolicy,
  result: AttemptResult,
  delivery: { attempts: number; firstAttemptAt?: number },
  at: number,
  random: () => number = Math.random,
): AttemptVerdict {
  if (result.outcome === 'delivered') return { status: 'delivered' };
  if (result.outcome === 'stop')
    return result.refused ? { status: 'failed', markFailing: result.error ?? 'refused' } : { status: 'failed' };
  const failed = delivery.attempts + 1;
  const first = delivery.firstAttemptAt ?? at;
  const next = at + retryDelayMs(policy, failed, random);
  if (next - first > policy.windowMs) {
    return {
      status: 'failed',
      markFailing: `gave up after ${failed} attempts over ${duration(at - first)}; last: ${result.error ?? 'unknown error'}`,
    };
  }
  return { status: 'pending', nextAttemptAt: next };
}

function duration(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 100) / 10} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 6000) / 10} min`;
  return `${Math.round(ms / 360_000) / 10} h`;
}
