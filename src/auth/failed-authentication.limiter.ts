import { parseApiKeyId } from '@1tt/access';
import { LimitReached } from '../http/limit-reached.error';

const WINDOW_MS = 60_000;
/** Counters kept at most (one per client address or key id seen failing within a minute); the oldest go first beyond it. */
const MAX_TRACKED = 100_000;

/**
 * Counts failed authentications per client address and per key id (the
 * public `1tt_<keyId>_` part of a presented key) in fixed one-minute
 * windows. Past AUTH_FAILURES_PER_MINUTE a failure answers 429
 * `authentication-rate-limited` with Retry-After instead of 401, so a client
 * cannot probe keys (or load the key store with unknown key ids) at request
 * rate. Only failures are counted and only failures are refused: a valid
 * key is authenticated and admitted whatever its address has done. Counters
 * live in this process (like the per-key rate limit).
 */
export class FailedAuthenticationLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records one failure; throws LimitReached when the address or the key id is past its budget for this minute. */
  failed(clientAddress: string | undefined, token: string | undefined): void {
    if (this.perMinute === 0) return;
    const trackers = [`ip:${clientAddress ?? 'unknown'}`];
    const keyId = token === undefined ? undefined : parseApiKeyId(token);
    if (keyId !== undefined) trackers.push(`key:${keyId}`);
    const now = this.now();
    let retryAt = 0;
    for (const t of trackers) {
      let w = this.windows.get(t);
      if (!w || w.resetAt <= now) {
        this.windows.delete(t);
        w = { count: 0, resetAt: now + WINDOW_MS };
        this.windows.set(t, w);
      }
      w.count++;
      if (w.count > this.perMinute) retryAt = Math.max(retryAt, w.resetAt);
    }
    this.prune(now);
    if (retryAt > 0) {
      throw new LimitReached(
        429,
        'authentication-rate-limited',
        'Too many failed authentications from this client address or for this key id',
        Math.max(1, Math.ceil((retryAt - now) / 1000)),
        'Check the key (Authorization: Bearer 1tt_<keyId>_<secret>), then retry after the number of seconds in the Retry-After header.',
      );
    }
  }

  private prune(now: number): void {
    if (this.windows.size <= MAX_TRACKED) return;
    for (const [t, w] of this.windows) if (w.resetAt <= now) this.windows.delete(t);
    // Still too many live ones: drop the oldest (Map iteration is insertion order).
    for (const t of this.windows.keys()) {
      if (this.windows.size <= MAX_TRACKED) break;
      this.windows.delete(t);
    }
  }
}
