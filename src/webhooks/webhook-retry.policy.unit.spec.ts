import { retryDelayMs, verdictOf } from './webhook-retry.policy';

const policy = { initialMs: 1000, maxMs: 3_600_000, windowMs: 86_400_000 };

describe('webhook retry policy', () => {
  it('doubles the delay per failed attempt, capped, with jitter in [½, 1) of it', () => {
    expect(retryDelayMs(policy, 1, () => 0)).toBe(500);
    expect(retryDelayMs(policy, 1, () => 0.999999)).toBe(1000);
    expect(retryDelayMs(policy, 4, () => 0)).toBe(4000);
    expect(retryDelayMs(policy, 30, () => 0)).toBe(1_800_000);
  });

  it('retries 5xx, 408, 429, timeouts and connection errors; stops on other answers; gives up after the window', () => {
    const retry = { outcome: 'retry' as const, latencyMs: 1, statusCode: 503, error: 'HTTP 503' };
    expect(verdictOf(policy, retry, { attempts: 0 }, 0, () => 0)).toEqual({ status: 'pending', nextAttemptAt: 500 });
    expect(verdictOf(policy, { outcome: 'delivered', latencyMs: 1 }, { attempts: 3 }, 0)).toEqual({ status: 'delivered' });
    expect(verdictOf(policy, { outcome: 'stop', latencyMs: 1, statusCode: 404 }, { attempts: 0 }, 0)).toEqual({ status: 'failed' });
    const late = verdictOf(policy, retry, { attempts: 20, firstAttemptAt: 0 }, 86_000_000, () => 0.9);
    expect(late).toMatchObject({ status: 'failed', markFailing: expect.stringMatching(/gave up after 21 attempts.*HTTP 503/) });
  });

  it('a full 24 h window with the defaults takes about 30 attempts', () => {
    const defaults = { initialMs: 5000, maxMs: 3_600_000, windowMs: 86_400_000 };
    let at = 0;
    let d = { attempts: 0, firstAttemptAt: undefined as number | undefined };
    for (;;) {
      const v = verdictOf(defaults, { outcome: 'retry', latencyMs: 0 }, d, at, () => 0.75);
      if (v.status !== 'pending') break;
      d = { attempts: d.attempts + 1, firstAttemptAt: d.firstAttemptAt ?? at };
      at = v.nextAttemptAt;
    }
    expect(d.attempts).toBeGreaterThan(20);
    expect(d.attempts).toBeLessThan(40);
    expect(at).toBeGreaterThan(80_000_000);
  });
});
