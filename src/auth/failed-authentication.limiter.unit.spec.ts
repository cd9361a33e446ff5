import { LimitReached } from '../http/limit-reached.error';
import { FailedAuthenticationLimiter } from './failed-authentication.limiter';

describe('FailedAuthenticationLimiter', () => {
  const key = (id: string) => `1tt_${id}_${'A'.repeat(43)}`;

  it('refuses past the budget per address and per key id, with the seconds left in the minute, and forgets after it', () => {
    let now = 1_000_000;
    const limiter = new FailedAuthenticationLimiter(2, () => now);
    limiter.failed('10.0.0.1', undefined);
    limiter.failed('10.0.0.1', 'garbage');
    now += 45_000;
    const e = (() => {
      try {
        limiter.failed('10.0.0.1', undefined);
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(LimitReached);
    expect(e).toMatchObject({ status: 429, code: 'authentication-rate-limited', retryAfterSeconds: 15 });
    now += 15_000;
    expect(() => limiter.failed('10.0.0.1', undefined)).not.toThrow();

    limiter.failed('10.0.0.2', key('0123456789abcdef'));
    limiter.failed('10.0.0.3', key('0123456789abcdef'));
    expect(() => limiter.failed('10.0.0.4', key('0123456789abcdef'))).toThrow(LimitReached);
    expect(() => limiter.failed('10.0.0.4', key('fedcba9876543210'))).not.toThrow();
  });

  it('0 turns it off', () => {
    const limiter = new FailedAuthenticationLimiter(0);
    for (let i = 0; i < 100; i++) limiter.failed('10.0.0.1', undefined);
  });
});
