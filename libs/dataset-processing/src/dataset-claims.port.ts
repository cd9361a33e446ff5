/**
 * Which undecided datasets THIS process analyses (competing consumers).
 *
 * Claims only share out the expensive ANALYSE phase. They are not the
 * safety net: the decision is still one append at the upload's stream
 * revision, so if two processes ever hold the same dataset (a lease that
 * lapsed under a live but stalled process, a redelivery) one append wins
 * and the other is dropped. Claims are about liveness and load: every
 * undecided dataset is eventually held by a live process (lease expiry,
 * redelivery), and live processes do not all analyse the same one.
 */
export interface ClaimsContext {
  /** Call when the claims this process may take have changed (a delivery arrived, a lease may have lapsed). */
  wake(): void;
  /** Whether the log as this process has read it shows the dataset decided. */
  isDecided(datasetId: string): boolean;
  logError(message: string, error?: unknown): void;
}

export abstract class DatasetClaims {
  /** For logs: "every dataset", "sqlite leases (…)", "EventStoreDB persistent subscription (…)". */
  abstract readonly description: string;
  /**
   * How often the processor asks again for datasets it could not claim
   * (e.g. a lease held by another process that may lapse); undefined when
   * the claims call wake() themselves whenever that changes.
   */
  abstract readonly retryClaimsEveryMs: number | undefined;
  abstract start(context: ClaimsContext): Promise<void>;
  /** True when this process holds (or now took) the dataset and should analyse it. */
  abstract tryClaim(datasetId: string): Promise<boolean>;
  /** The log shows the dataset decided (by any process). Called for every decision; unknown ids are ignored. */
  abstract decided(datasetId: string): Promise<void>;
  /** This process gives the dataset up (its analysis failed for a reason other than its content), so any process may take it. */
  abstract release(datasetId: string, reason: string): Promise<void>;
  /** Stop taking new work. Held claims are handed back (leases) or redelivered by the server (persistent subscription). */
  abstract stop(): Promise<void>;
}

/** The single-process default: this process analyses every dataset. */
export class EveryDatasetClaims extends DatasetClaims {
  readonly description = 'every dataset (single process)';
  readonly retryClaimsEveryMs = undefined;
  async start(): Promise<void> {}
  async tryClaim(): Promise<boolean> {
    return true;
  }
  async decided(): Promise<void> {}
  async release(): Promise<void> {}
  async stop(): Promise<void> {}
}
