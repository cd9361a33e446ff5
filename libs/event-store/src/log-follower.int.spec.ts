import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GappedEventStore, LogFollower, SqliteEventStore, type LogFollowerOptions, type RecordedEvent } from '@1tt/event-store';

/**
 * The one log-follower loop on a real SQLite log whose positions have gaps
 * (GappedEventStore refuses a computed cursor, as EventStoreDB does).
 */
describe('LogFollower', () => {
  let dir: string;
  let store: GappedEventStore;
  const followers: LogFollower[] = [];
  const follower = (options: Partial<LogFollowerOptions> & Pick<LogFollowerOptions, 'handle'>) => {
    const f = new LogFollower(store, { name: 'test', resume: () => 0, retryDelayMs: 10, ...options });
    followers.push(f);
    return f;
  };
  const append = async (n: number, stream = 's-1') =>
    (
      await store.appendToStream(
        stream,
        Array.from({ length: n }, (_, i) => ({ type: 'T', data: { i } })),
        { expectedRevision: 'any' },
      )
    ).position;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), '1tt-follower-'));
    store = new GappedEventStore(new SqliteEventStore({ path: join(dir, 'events.db'), pollIntervalMs: 10 }));
  });
  afterEach(async () => {
    for (const f of followers.splice(0)) await f.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('continues strictly after the position resume() names, in log order, and turns live', async () => {
    const first = await append(3);
    const seen: RecordedEvent[] = [];
    const f = follower({ resume: () => first, handle: (batch) => void seen.push(...batch), maxBatchSize: 2 });
    await f.start();
    const head = await append(5, 's-2');
    expect(await f.waitFor(head, 20_000)).toBe(true);
    expect(seen.map((e) => `${e.streamName}/${e.revision}`)).toEqual(['s-2/0', 's-2/1', 's-2/2', 's-2/3', 's-2/4']);
    expect(f.position).toBe(head);
    expect(f.status).toBe('live');
    expect(f.health()).toEqual({ name: 'test', status: 'live', position: head });
  });

  it('a failure rejects waiting callers, shows in health, and is retried from resume(); a handled batch clears it', async () => {
    const seen: number[] = [];
    let poisoned = true;
    let resumes = 0;
    const failures: string[] = [];
    const f = follower({
      resume: () => {
        resumes++;
        return seen.at(-1) ?? 0;
      },
      handle: (batch) => {
        for (const e of batch) {
          if (poisoned && (e.data as { i: number }).i === 1) throw new Error(`poison at ${e.position}`);
          seen.push(e.position);
        }
      },
      maxBatchSize: 1,
      onFailure: (e) => failures.push(e.message),
    });
    await f.start();
    const waiting = f.waitFor(Number.MAX_SAFE_INTEGER);
    const head = await append(3);
    await expect(waiting).rejects.toThrow(/poison at/);
    expect(failures[0]).toMatch(/poison at/);
    const health = f.health();
    expect(health).toMatchObject({ status: 'failed', position: seen[0], failures: 1 });
    expect(health.error?.message).toMatch(/poison at/);
    expect(health.retryAt).toBeInstanceOf(Date);
    // While failed, a new wait gets the failure at once rather than hanging.
    await expect(f.waitFor(head)).rejects.toThrow(/poison at/);

    poisoned = false;
    // The retry starts again after what was handled: nothing is skipped or handled twice.
    for (;;) {
      try {
        if (await f.waitFor(head, 20_000)) break;
      } catch {
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    expect(seen).toHaveLength(3);
    expect(new Set(seen).size).toBe(3);
    expect(resumes).toBeGreaterThanOrEqual(2);
    expect(f.health()).toEqual({ name: 'test', status: expect.stringMatching(/^(live|catching-up)$/), position: head });
  });

  it('restartsOn: an error that only means "continue from resume()" is no failure', async () => {
    const head = await append(4);
    let moved = false;
    const failures: unknown[] = [];
    const f = follower({
      // Another process moved the shared checkpoint to the head.
      resume: () => (moved ? head : 0),
      handle: () => {
        if (!moved) {
          moved = true;
          throw new Error('checkpoint moved');
        }
      },
      restartsOn: (e) => (e as Error).message === 'checkpoint moved',
      onFailure: (e) => failures.push(e),
    });
    await f.start();
    expect(await f.waitFor(head, 20_000)).toBe(true);
    expect(failures).toEqual([]);
    expect(f.status).not.toBe('failed');
  });

  it('the delay between retries doubles with each failure in a row, up to maxRetryDelayMs', async () => {
    jest.useFakeTimers({ now: 0 });
    try {
      let attempts = 0;
      const f = follower({
        resume: () => {
          attempts++;
          throw new Error('store unreachable');
        },
        handle: () => undefined,
        retryDelayMs: 100,
        maxRetryDelayMs: 500,
      });
      await expect(f.start()).rejects.toThrow('store unreachable');
      const delays: number[] = [];
      for (let i = 0; i < 5; i++) {
        const h = f.health();
        expect(h.failures).toBe(i + 1);
        const delay = h.retryAt!.getTime() - Date.now();
        delays.push(delay);
        await jest.advanceTimersByTimeAsync(delay);
      }
      expect(delays).toEqual([100, 200, 400, 500, 500]);
      expect(attempts).toBe(6);
      await f.stop();
      await jest.advanceTimersByTimeAsync(10_000);
      expect(attempts).toBe(6); // stop() cancels the scheduled retry
      expect(f.health()).toEqual({ name: 'test', status: 'stopped', position: 0 });
    } finally {
      jest.useRealTimers();
    }
  });

  it('stop() releases waiting callers with false, and later waits do not hang', async () => {
    const f = follower({ handle: () => undefined });
    await f.start();
    const waiting = f.waitFor(Number.MAX_SAFE_INTEGER);
    await f.stop();
    await expect(waiting).resolves.toBe(false);
    await expect(f.waitFor(Number.MAX_SAFE_INTEGER)).resolves.toBe(false);
  });
});
