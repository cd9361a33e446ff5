/**
 * The one "wait until the log reaches position N", used by LogFollower (the
 * one log-follower loop under projection runners, the payout and dataset
 * processors, the webhook fan-out and the API-key cache): the follower tells
 * the waiters when its position moves; anyone may wait for a position
 * (typically of their own append, or the head when they started).
 */
export class PositionWaiters {
  private waiters: Array<{ position: number; resolve: (reached: boolean) => void; reject: (e: unknown) => void; timer?: NodeJS.Timeout }> =
    [];

  /**
   * Resolves true once reached() passes `position`; false after timeoutMs
   * (if given) or on release(); rejects on fail(). Check the follower's
   * current position first: this only waits.
   */
  until(position: number, timeoutMs?: number): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      const waiter: (typeof this.waiters)[number] = { position, resolve, reject };
      if (timeoutMs !== undefined) {
        waiter.timer = setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(false);
        }, timeoutMs);
      }
      this.waiters.push(waiter);
    });
  }

  /** The follower is at `position`: every wait for it or an earlier one resolves true. */
  reached(position: number): void {
    this.settle(
      (w) => w.resolve(true),
      (w) => w.position <= position,
    );
  }

  /** The follower stopped: every wait resolves false. */
  release(): void {
    this.settle((w) => w.resolve(false));
  }

  /** The follower failed: every wait rejects with the error. */
  fail(error: unknown): void {
    this.settle((w) => w.reject(error));
  }

  private settle(
    settle: (w: (typeof this.waiters)[number]) => void,
    which: (w: (typeof this.waiters)[number]) => boolean = () => true,
  ): void {
    const done = this.waiters.filter(which);
    if (done.length === 0) return;
    this.waiters = this.waiters.filter((w) => !done.includes(w));
    for (const w of done) {
      clearTimeout(w.timer);
      settle(w);
    }
  }
}
