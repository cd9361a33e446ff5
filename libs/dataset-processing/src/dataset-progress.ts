import { appendDecided } from '@1tt/command-path';
import type { EventStore } from '@1tt/event-store';
import type { DatasetProgress } from './dataset-analysis';

/**
 * Progress of a dataset under analysis, for processes that do not analyse
 * it (an API process when apps/worker does the work). Operational, not
 * part of the ledger: nothing is decided or paid from it, and the audit
 * tools skip it like any type they do not fold.
 *
 * Stream `datasetprogress-<datasetId>`, apart from the dataset's own
 * stream so it never moves the upload's revision (the decision's expected
 * revision) and, on EventStoreDB, stays out of the `dataset` category
 * (`$ce-dataset`) and out of every `dataset-` stream-prefix filter.
 */
export const DATASET_PROGRESS_STREAM_PREFIX = 'datasetprogress-';
export const datasetProgressStream = (datasetId: string): string => `${DATASET_PROGRESS_STREAM_PREFIX}${datasetId}`;
export const DATASET_PROGRESS_REPORTED = 'DatasetProgressReported';

/**
 * An analysis of the dataset began (appended before the first byte is read).
 * With DATASET_ANALYSIS_INTERRUPTED, it makes the attempts survive restarts:
 * an attempt that started and neither decided the dataset nor recorded a
 * clean interruption crashed its process (out of memory, killed), and after
 * maxAttempts of those the dataset is rejected instead of tried forever.
 */
export const DATASET_ANALYSIS_STARTED = 'DatasetAnalysisStarted';
/** An attempt that stopped for a reason that is not the dataset's (the process stopping, a store unreachable): it does not count. */
export const DATASET_ANALYSIS_INTERRUPTED = 'DatasetAnalysisInterrupted';

export interface DatasetAnalysisStarted {
  type: typeof DATASET_ANALYSIS_STARTED;
  data: { datasetId: string; attempt: number };
}
export interface DatasetAnalysisInterrupted {
  type: typeof DATASET_ANALYSIS_INTERRUPTED;
  data: { datasetId: string; attempt: number; reason: string };
}

export interface DatasetProgressReported {
  type: typeof DATASET_PROGRESS_REPORTED;
  data: { datasetId: string } & DatasetProgress;
}

export interface DatasetProgressPublisherOptions {
  events: EventStore;
  actor: string;
  /** At most one event per dataset per interval; none for an analysis shorter than it. Default 3000 ms. */
  intervalMs?: number;
  now?: () => number;
  logError?: (message: string, error?: unknown) => void;
}

/**
 * Publishes a dataset's progress at most every `intervalMs`, never more
 * than one append in flight per dataset (a slow store drops reports rather
 * than queueing them), and never throws: progress is best effort.
 */
export class DatasetProgressPublisher {
  private readonly started = new Map<string, number>();
  private readonly last = new Map<string, number>();
  private readonly inFlight = new Set<string>();
  private readonly pending = new Set<Promise<void>>();
  private readonly now: () => number;
  private readonly intervalMs: number;

  constructor(private readonly options: DatasetProgressPublisherOptions) {
    this.now = options.now ?? (() => Date.now());
    this.intervalMs = options.intervalMs ?? 3000;
  }

  report(datasetId: string, progress: DatasetProgress): void {
    const now = this.now();
    if (!this.started.has(datasetId)) this.started.set(datasetId, now);
    const since = this.last.get(datasetId) ?? this.started.get(datasetId)!;
    if (now - since < this.intervalMs || this.inFlight.has(datasetId)) return;
    this.last.set(datasetId, now);
    this.inFlight.add(datasetId);
    const event: DatasetProgressReported = {
      type: DATASET_PROGRESS_REPORTED,
      data: { datasetId, documentsDone: progress.documentsDone, bytesRead: progress.bytesRead, totalBytes: progress.totalBytes },
    };
    const p = appendDecided(this.options.events, datasetProgressStream(datasetId), [event], {
      expectedRevision: 'any',
      cause: { actor: this.options.actor },
    })
      .then(
        () => undefined,
        (e) => this.options.logError?.(`dataset progress: publishing for ${datasetId} failed`, e),
      )
      .finally(() => {
        this.inFlight.delete(datasetId);
        this.pending.delete(p);
      });
    this.pending.add(p);
  }

  /** The dataset's analysis ended (decided, failed or abandoned): forget its timers. */
  forget(datasetId: string): void {
    this.started.delete(datasetId);
    this.last.delete(datasetId);
  }

  /** Resolves once no append is in flight (before the event store closes). */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}
