/** Runs `body` one call at a time; a wake() during a run schedules one more run. */
export class SingleFlight {
  private running?: Promise<void>;
  private again = false;

  constructor(
    private readonly body: () => Promise<void>,
    private readonly stopped: () => boolean,
    private readonly onError: (e: unknown) => void,
  ) {}

  get busy(): boolean {
    return this.running !== undefined;
  }

  wake(): void {
    if (this.stopped()) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.body().catch(this.onError);
      } while (this.again && !this.stopped());
    })().finally(() => {
      this.running = undefined;
      // A wake() between the loop's last check and here would otherwise be lost.
      if (this.again && !this.stopped()) {
        this.again = false;
        this.wake();
      }
    });
  }

  async idle(): Promise<void> {
    while (this.running) await this.running;
  }
}
