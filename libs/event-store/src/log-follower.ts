import type { EventStore, RecordedEvent, Subscription } from './event-store.port';
import { PositionWaiters } from './position-waiters';

/**
 * stopped: not started, or stop() was called. starting: asking resume()
 * where to continue (at start and at each retry). catching-up: subscribed,
 * delivering what the log held when it subscribed. live: caught up, each new
 * event arrives as it is appended. failed: the last attempt failed; a retry
 * is scheduled (see LogFollower).
 */
export type LogFollowerStatus = 'stopped' | 'starting' | 'catching-up' | 'live' | 'failed';

export interface LogFollowerHealth {
  name: string;
  status: LogFollowerStatus;
  /** Position of the last event handled: what waiting callers and reads can count on. */
  position: number;
  /** Why it failed (status 'failed'). */
  error?: Error;
  /** Failures in a row (status 'failed'). */
  failures?: number;
  /** When the next attempt starts (status 'failed'). */
  retryAt?: Date;
}

export interface LogFollowerOptions {
  /** Names the follower in /health and in logs. */
  name: string;
  /**
   * Where to continue, asked at every (re)start: the position of the last
   * event already handled (0 = from the start of the log). A checkpoint read
   * from a store, or a position the caller's own state is at; it may first
   * do what resuming needs (the payout processor pays the report it could
   * not pay). Delivery starts strictly after it: positions are opaque, the
   * follower never computes one.
   */
  resume: () => Promise<number> | number;
  /**
   * Consecutive events in log order; the next batch comes once this settles.
   * Returns the position now reached when it is not the batch's last (a
   * projection that found its checkpoint already further, moved by another
   * process). A throw is a failure (see LogFollower), unless `restartsOn`
   * says otherwise.
   */
  handle: (batch: RecordedEvent[]) => Promise<number | void> | number | void;
  /** At most this many events per batch (default 500). */
  maxBatchSize?: number;
  /** Delay before the first retry after a failure; doubles with each failure in a row. Default 1000 ms. */
  retryDelayMs?: number;
  /** Longest delay between retries. Default 30 s. */
  maxRetryDelayMs?: number;
  /**
   * Errors that are no failure but mean "continue from resume() now", e.g.
   * another process moved a shared checkpoint. Default: none.
   */
  restartsOn?: (error: unknown) => boolean;
  /** Told of every failure, after waiters were rejected and the retry was scheduled (log it here). */
  onFailure?: (error: Error, follower: LogFollower) => void;
  /** Called each time the follower has delivered everything the log held when it (re)subscribed. */
  onCaughtUp?: () => void;
}

const DEFAULT_RETRY_DELAY_MS = 1000;
const DEFAULT_MAX_RETRY_DELAY_MS = 30_000;

/**
 * The one loop that follows the event log. Everything that reacts to the
 * log in order (projection runners, the payout and dataset processors, the
 * webhook fan-out, the API-key cache) runs on it:
 *
 * - Catch-up, then live: at start it asks `resume()` where to continue and
 *   subscribes to the whole log strictly after that position (the store's
 *   catch-up subscription: no event skipped or repeated), handing `handle`
 *   consecutive batches in log order.
 * - "After position P": positions are opaque cursors (see EventStore); the
 *   follower keeps the last position handled and never computes one.
 * - Waiting: `waitFor(P)` resolves once a batch ending at or after P has
 *   been handled (PositionWaiters), so a caller can wait for its own append
 *   or for the head it read.
 * - Failure policy, the same for all: an error in `handle` or in the store's
 *   delivery (or in `resume()`) stops the subscription; status turns
 *   'failed' with the error, every waiting caller gets the error (and so
 *   does every later waitFor until it recovers), `onFailure` is told (log
 *   it; /health shows the follower as failed), and the follower starts
 *   again from `resume()` after a delay that doubles with each failure in a
 *   row (retryDelayMs, up to maxRetryDelayMs). A transient fault (store
 *   unreachable, disk full) thus heals without a restart; a poison event is
 *   retried at the longest delay and stays visible in /health until fixed.
 *   A handled batch resets the delay.
 */
export class LogFollower {
  private readonly waiters = new PositionWaiters();
  private subscription?: Subscription;
  private retryTimer?: NodeJS.Timeout;
  private generation = 0;
  private _position = 0;
  private _status: LogFollowerStatus = 'stopped';
  private _error?: Error;
  private failures = 0;
  private retryAt?: Date;

  constructor(
    private readonly events: EventStore,
    private readonly options: LogFollowerOptions,
  ) {}

  get name(): string {
    return this.options.name;
  }

  /** Position of the last event handled (0 before the first). */
  get position(): number {
    return this._position;
  }

  get status(): LogFollowerStatus {
    return this._status;
  }

  /** The last failure while status is 'failed'. */
  get error(): Error | undefined {
    return this._error;
  }

  /** Whether it was started and not stopped (a failed follower is running: it will retry). */
  get running(): boolean {
    return this._status !== 'stopped';
  }

  /**
   * Starts following (no-op when already running). Resolves once
   * subscribed, not once caught up (waitFor the head for that); rejects when
   * the first resume() fails, with the retry already scheduled.
   */
  async start(): Promise<void> {
    if (this.running) return;
    await this.begin(++this.generation);
  }

  /** Stops delivery and any scheduled retry; resolves once no batch is in flight. Waiting callers get false. */
  async stop(): Promise<void> {
    this.generation += 1;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const sub = this.subscription;
    this.subscription = undefined;
    this._status = 'stopped';
    this._error = undefined;
    this.retryAt = undefined;
    this.failures = 0;
    this.waiters.release();
    await sub?.stop();
  }

  /**
   * Resolves true once the follower has handled the event at `position` (or
   * a later one), false after timeoutMs or when it stops; rejects while it
   * is failed (with the failure), and when it fails while waiting.
   */
  waitFor(position: number, timeoutMs?: number): Promise<boolean> {
    if (this._position >= position) return Promise.resolve(true);
    if (this._status === 'failed') return Promise.reject(this._error);
    if (this._status === 'stopped') return Promise.resolve(false);
    return this.waiters.until(position, timeoutMs);
  }

  /** Waits until everything in the log now has been handled. */
  async catchUp(timeoutMs?: number): Promise<boolean> {
    return this.waitFor(await this.events.headPosition(), timeoutMs);
  }

  health(): LogFollowerHealth {
    return {
      name: this.options.name,
      status: this._status,
      position: this._position,
      ...(this._status === 'failed' ? { error: this._error, failures: this.failures, retryAt: this.retryAt } : {}),
    };
  }

  private async begin(generation: number): Promise<void> {
    this._status = 'starting';
    let from: number;
    try {
      from = await this.options.resume();
    } catch (e) {
      if (generation === this.generation) this.failed(generation, e);
      throw e;
    }
    if (generation !== this.generation) return;
    this._position = from;
    this._error = undefined;
    this.retryAt = undefined;
    this._status = 'catching-up';
    // A restart may begin past what callers wait for (another process moved the checkpoint).
    this.waiters.reached(from);
    const subscription = this.events.subscribeToAll({
      checkpoint: from,
      maxBatchSize: this.options.maxBatchSize ?? 500,
      handler: (batch) => this.deliver(generation, batch),
      onCaughtUp: () => {
        if (generation !== this.generation) return;
        if (this._status === 'catching-up') this._status = 'live';
        this.options.onCaughtUp?.();
      },
    });
    this.subscription = subscription;
    subscription.done.then(
      () => undefined,
      (e: unknown) => {
        if (generation !== this.generation) return;
        this.subscription = undefined;
        if (this.options.restartsOn?.(e)) {
          this.restart(++this.generation);
          return;
        }
        this.failed(generation, e);
      },
    );
  }

  private async deliver(generation: number, batch: RecordedEvent[]): Promise<void> {
    if (batch.length === 0 || generation !== this.generation) return;
    const reached = await this.options.handle(batch);
    if (generation !== this.generation) return;
    const position = typeof reached === 'number' ? reached : batch[batch.length - 1].position;
    if (position > this._position) this._position = position;
    this.failures = 0;
    this.waiters.reached(this._position);
  }

  private restart(generation: number): void {
    this.begin(generation).catch(() => undefined); // a failed resume() is handled (and retried) inside
  }

  private failed(generation: number, e: unknown): void {
    this._error = e instanceof Error ? e : new Error(String(e));
    this._status = 'failed';
    this.waiters.fail(this._error);
    const base = this.options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
    const delay = Math.min(this.options.maxRetryDelayMs ?? DEFAULT_MAX_RETRY_DELAY_MS, base * 2 ** Math.min(this.failures, 30));
    this.failures += 1;
    this.retryAt = new Date(Date.now() + delay);
    this.retryTimer = setTimeout(() => {
      if (generation !== this.generation) return;
      this.retryTimer = undefined;
      this.restart(++this.generation);
    }, delay);
    this.retryTimer.unref?.();
    this.options.onFailure?.(this._error, this);
  }
}
