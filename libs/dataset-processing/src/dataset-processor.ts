import * as os from 'node:os';
import type { BlobStore } from '@1tt/blob-store';
import { WrongExpectedRevision, type EventStore, type RecordedEvent, type Subscription } from '@1tt/event-store';
import { DEFAULT_PIPELINE, resolvePipeline, type ResolvedPipeline } from '@1tt/preprocessing';
import { datasetDecider, type DatasetCommand } from '@1tt/ledger';
import { datasetStream, type DatasetEvent } from './dataset-events';
import { runDatasetJob, JobAbortedError, type DatasetJobResult, type DatasetProgress } from './dataset-job';
import { DatasetLog, type DatasetEntry } from './dataset-log';
import { DedupPool } from './dedup-pool';
import { DocumentBatchError, DocumentWorkerPool } from './document-worker.pool';
import type { DocumentSourceFactory } from './document-source';

export interface ProcessorLogger {
  log(message: string): void;
  error(message: string, error?: unknown): void;
}

export interface DatasetProcessorOptions {
  events: EventStore;
  blobs: BlobStore;
  openSource: DocumentSourceFactory;
  /** Default: DEFAULT_PIPELINE. */
  pipeline?: ResolvedPipeline;
  /** Worker threads (WORKER_THREADS); default os.availableParallelism(). */
  workerThreads?: number;
  batchDocuments?: number;
  tmpDir?: string;
  /** Who appends: default "system:dataset-processor". */
  actor?: string;
  /** When decisions are recorded (preprocessedAt, acceptedAt…). Default: the system clock. */
  now?: () => Date;
  /** Wait before retrying a job that failed for a reason other than its content. Default 2000 ms. */
  retryDelayMs?: number;
  logger?: ProcessorLogger;
}

/**
 * The decision, as the ledger's dataset decider produces it from the job's
 * result: DatasetPreprocessed, DatasetTokensCounted, then DatasetAccepted
 * (something kept) or DatasetRejected; an unreadable file gives
 * DatasetRejected alone. Exported for tests and reprocess --verify.
 */
export function decisionEvents(entry: DatasetEntry, result: DatasetJobResult, pipeline: ResolvedPipeline, now: Date): DatasetEvent[] {
  const datasetId = entry.upload.datasetId;
  const context = { now };
  let state = datasetDecider.evolve(datasetDecider.initialState, { type: 'DatasetUploaded', data: entry.upload });
  const out: DatasetEvent[] = [];
  const run = (command: DatasetCommand) => {
    for (const e of datasetDecider.decide(command, state, context)) {
      state = datasetDecider.evolve(state, e);
      out.push(e);
    }
  };
  if (result.kind === 'unreadable') {
    const r = result.rejection;
    const at = [r.line !== undefined ? `line ${r.line}` : '', r.row !== undefined ? `row ${r.row}` : '', r.byteOffset !== undefined ? `byte offset ${r.byteOffset}` : ''].filter(Boolean).join(', ');
    const detail = /\(at [^)]*\)$/.test(r.message) || !at ? r.message : `${r.message} (at ${at})`;
    run({ type: 'RejectDataset', data: { datasetId, reason: r.reason, detail: detail.slice(0, 2000) } });
    return out;
  }
  const s = result.summary;
  run({
    type: 'RecordDatasetPreprocessing',
    data: {
      datasetId,
      pipeline: { name: pipeline.name, version: pipeline.version, configHash: pipeline.configHash },
      documentsIn: s.documentsIn,
      documentsKept: s.documentsKept,
      removed: s.removed,
      duplicatesOfEarlier: s.duplicatesOfEarlier,
      manifestRoot: s.manifestRoot,
      reportBlobRef: s.reportBlobRef,
    },
  });
  run({ type: 'RecordDatasetTokenCount', data: { datasetId, tokenizer: pipeline.tokenizer.encoding, tokens: String(s.tokens) } });
  if (s.documentsKept > 0) run({ type: 'AcceptDataset', data: { datasetId } });
  else run({ type: 'RejectDataset', data: { datasetId, reason: 'no_documents_kept', detail: 'No document passed the filters and the duplicate check.' } });
  return out;
}

/**
 * The job runner. Jobs are not queued anywhere: they are the datasets the
 * log shows uploaded and not yet decided. It follows the whole log with a
 * catch-up subscription and decides datasets strictly in upload order
 * (each waits for every earlier one), so after a crash it simply starts
 * again: a dataset still 'processing' is redone from scratch, and its
 * events are appended only at the end, in ONE append with the upload's
 * revision as expected revision, so a dataset is never decided twice (a
 * second process racing for the same dataset gets WrongExpectedRevision,
 * drops its work and loads the winner's report instead).
 *
 * The expensive per-document work runs on a worker_threads pool; only the
 * duplicate decision is sequential. Datasets are processed one at a time
 * (the pool parallelises within a dataset): processing a later dataset
 * ahead would mean holding its results until the earlier ones are decided.
 */
export class DatasetProcessor {
  readonly pipeline: ResolvedPipeline;
  private readonly log = new DatasetLog();
  private readonly pool: DedupPool;
  private workers?: DocumentWorkerPool;
  private subscription?: Subscription;
  private running?: Promise<void>;
  private stopping = false;
  private wakeAgain = false;
  private readonly progressById = new Map<string, DatasetProgress>();
  private positionWaiters: Array<{ position: number; resolve: () => void }> = [];
  private retryTimer?: NodeJS.Timeout;
  private readonly logger: ProcessorLogger;

  constructor(private readonly options: DatasetProcessorOptions) {
    this.pipeline = options.pipeline ?? resolvePipeline(DEFAULT_PIPELINE);
    this.pool = new DedupPool(options.blobs, this.pipeline);
    this.logger = options.logger ?? { log: () => undefined, error: (m, e) => console.error(m, e) };
  }

  start(): void {
    this.stopping = false;
    this.subscription = this.options.events.subscribeToAll({
      checkpoint: this.log.lastPosition,
      handler: (events: RecordedEvent[]) => {
        for (const e of events) this.log.apply(e);
        this.releaseWaiters();
        this.wake();
      },
    });
    this.subscription.done.catch((e) => {
      if (!this.stopping) this.logger.error('dataset processor: log subscription failed', e);
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.subscription?.stop();
    await this.running;
    await this.workers?.close();
    this.workers = undefined;
    for (const w of this.positionWaiters) w.resolve();
    this.positionWaiters = [];
  }

  /** In-memory progress of a dataset being processed by THIS process. */
  progress(datasetId: string): DatasetProgress | undefined {
    const p = this.progressById.get(datasetId);
    return p && { ...p };
  }

  /** Resolves once nothing is left to decide in the log as this process has read it up to `position`. */
  async idleAfter(position: number): Promise<void> {
    await this.reached(position);
    while (this.running || this.log.nextUndecided()) {
      if (this.stopping) return;
      if (this.running) await this.running;
      else await new Promise((r) => setTimeout(r, 20));
    }
  }

  private reached(position: number): Promise<void> {
    if (this.log.lastPosition >= position || this.stopping) return Promise.resolve();
    return new Promise((resolve) => this.positionWaiters.push({ position, resolve }));
  }

  private releaseWaiters(): void {
    const ready = this.positionWaiters.filter((w) => w.position <= this.log.lastPosition);
    this.positionWaiters = this.positionWaiters.filter((w) => w.position > this.log.lastPosition);
    for (const w of ready) w.resolve();
  }

  private wake(): void {
    if (this.stopping) return;
    if (this.running) {
      this.wakeAgain = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.wakeAgain && !this.stopping) {
        this.wakeAgain = false;
        this.wake();
      }
    });
  }

  private async drain(): Promise<void> {
    for (;;) {
      this.wakeAgain = false;
      const next = this.log.nextUndecided();
      if (!next || this.stopping) return;
      try {
        await this.decide(next);
      } catch (e) {
        if (this.stopping && e instanceof JobAbortedError) return;
        this.logger.error(`dataset processor: dataset ${next.upload.datasetId} failed, retrying`, e);
        this.retryTimer = setTimeout(() => this.wake(), this.options.retryDelayMs ?? 2000);
        return;
      }
    }
  }

  private async decide(entry: DatasetEntry): Promise<void> {
    const datasetId = entry.upload.datasetId;
    await this.pool.prepareFor(entry, this.log);
    this.workers ??= DocumentWorkerPool.start({ pipeline: this.pipeline, size: this.options.workerThreads ?? os.availableParallelism() });
    this.progressById.set(datasetId, { documentsDone: 0, bytesRead: 0, totalBytes: entry.upload.sizeBytes });
    let result: DatasetJobResult;
    try {
      try {
        result = await runDatasetJob(entry.upload, {
          blobs: this.options.blobs,
          pool: this.workers,
          openSource: this.options.openSource,
          pipeline: this.pipeline,
          index: this.pool.index,
          batchDocuments: this.options.batchDocuments,
          tmpDir: this.options.tmpDir,
          aborted: () => this.stopping,
          onProgress: (p) => this.progressById.set(datasetId, p),
        });
      } catch (e) {
        this.pool.rollback(datasetId);
        if (!(e instanceof DocumentBatchError)) throw e;
        // processDocument itself failed: deterministic for this input, so retrying cannot help.
        result = { kind: 'unreadable', rejection: { reason: 'processing_error', message: e.message } };
      }
      if (result.kind === 'unreadable') this.pool.rollback(datasetId);
      const events = decisionEvents(entry, result, this.pipeline, (this.options.now ?? (() => new Date()))()).map((e) => ({
        ...e,
        metadata: { correlationId: entry.correlationId, causationId: entry.uploadEventId, actor: this.options.actor ?? 'system:dataset-processor', schemaVersion: 1 },
      }));
      let appended: number;
      try {
        appended = (await this.options.events.appendToStream(datasetStream(datasetId), events, { expectedRevision: entry.uploadRevision })).position;
      } catch (e) {
        this.pool.rollback(datasetId);
        if (!(e instanceof WrongExpectedRevision)) throw e;
        // Another process decided it first: follow the log to its decision.
        await this.reached(await this.options.events.headPosition());
        return;
      }
      if (result.kind === 'judged' && result.summary.documentsKept > 0) this.pool.markPresent(datasetId);
      await this.reached(appended);
    } finally {
      this.progressById.delete(datasetId);
    }
  }
}
