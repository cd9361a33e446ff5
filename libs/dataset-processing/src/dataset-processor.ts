import * as os from 'node:os';
import type { BlobStore } from '@1tt/blob-store';
import { appendDecided, decideOnStream } from '@1tt/command-path';
import { LogFollower, WrongExpectedRevision, type EventStore, type RecordedEvent } from '@1tt/event-store';
import { DEFAULT_PIPELINE, knownPipelines, requestTextMatcher, resolvePipeline, type ResolvedPipeline } from '@1tt/preprocessing';
import { DataRequestBook, datasetDecider, isStreamOf, streamNames } from '@1tt/ledger';
import {
  AnalysisSpill,
  analyseDataset,
  JobAbortedError,
  type AnalysisBudget,
  type DatasetAnalysis,
  type DatasetProgress,
} from './dataset-analysis';
import { DatasetClaims, EveryDatasetClaims } from './dataset-claims.port';
import { gaveUp, isInfrastructureError, PROCESSING_ERROR_MESSAGE } from './analysis-failures';
import { judgement } from './dataset-decision';
import { judgeDataset, type DatasetJobResult } from './dataset-job';
import { HeadTakeover } from './head-takeover';
import { DatasetLog, type DatasetEntry } from './dataset-log';
import {
  DATASET_ANALYSIS_INTERRUPTED,
  DATASET_ANALYSIS_STARTED,
  DATASET_PROGRESS_REPORTED,
  DATASET_PROGRESS_STREAM_PREFIX,
  DatasetProgressPublisher,
  datasetProgressStream,
} from './dataset-progress';
import { DedupPool } from './dedup-pool';
import { DocumentBatchError, DocumentWorkerPool } from './document-worker.pool';
import { SingleFlight } from './single-flight';
import type { DocumentSourceFactory } from './document-source';

export interface ProcessorLogger {
  log(message: string): void;
  error(message: string, error?: unknown): void;
}

export interface DatasetProcessorOptions {
  events: EventStore;
  blobs: BlobStore;
  openSource: DocumentSourceFactory;
  /**
   * This process's default: the pipeline for uploads that record none (those
   * recorded before DatasetUploaded carried `pipeline`). Default:
   * DEFAULT_PIPELINE (v2 default-multilingual since issue #13; results
   * recorded under v1 stay as they are).
   */
  pipeline?: ResolvedPipeline;
  /**
   * Pipelines this process can judge with when an upload records one (by
   * config hash), besides `pipeline`. Default: knownPipelines(). An upload
   * recording a pipeline not among them is left alone: never claimed,
   * analysed or decided here (not even by the takeover backstop), so a
   * worker of a build that knows it decides it (a rolling upgrade's older
   * workers wait for the newer ones rather than judge with another rule).
   */
  pipelines?: readonly ResolvedPipeline[];
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
  /** Which datasets this process analyses when several share the log. Default: every dataset (single process). */
  claims?: DatasetClaims;
  /** Claimed datasets analysed ahead of their turn, their results waiting on disk. Default 2. */
  analyseAhead?: number;
  /**
   * Publish the progress of each dataset this process analyses as
   * DatasetProgressReported events (stream datasetprogress-<id>), at most
   * once per this many ms, so other processes (an API process when workers
   * do the work) can show it. Default 3000; false: in memory only.
   */
  progressEveryMs?: number | false;
  /**
   * Liveness backstop for shared work. When the earliest undecided dataset
   * (the one every judge waits for) is claimed elsewhere but neither
   * decided nor reported any progress for this long, this process analyses
   * it itself, claim or not (the decision append still lets only one
   * process decide it). Claims normally hand a dead worker's dataset on
   * (lease expiry, redelivery); this covers what they cannot, e.g. a hung
   * holder, or EventStoreDB redelivering to workers whose buffers are all
   * full of later datasets waiting for this one. Default 300000 (5 min);
   * false: never.
   */
  takeoverAfterMs?: number | false;
  /**
   * Analyses of one dataset that may fail (stop their process: out of memory,
   * killed; or throw something that is not an infrastructure fault) before it
   * is rejected with reason `processing_failed` instead of tried again. The
   * attempts are recorded in the log (DatasetAnalysisStarted), so they count
   * across restarts and processes. Default 3 (DATASET_MAX_ATTEMPTS).
   */
  maxAttempts?: number;
  /**
   * The most work one dataset may impose (records, decompressed bytes,
   * analysis time); past it the dataset is rejected `processing_budget_exceeded`
   * with the limit named. Default: none (the service passes DATASET_MAX_DOCUMENTS,
   * DATASET_MAX_DECOMPRESSED_BYTES and DATASET_MAX_ANALYSIS_SECONDS).
   */
  budget?: AnalysisBudget;
  /**
   * Datasets this process analyses at once (sharing the worker threads), at
   * most one per owner besides the earliest undecided one: while one
   * contributor's large dataset is analysed, other contributors' later
   * uploads are analysed too, so their decisions follow it at once.
   * Decisions stay in upload order. Default 2 (DATASET_ANALYSIS_CONCURRENCY).
   */
  analysisConcurrency?: number;
}

/** Whose dataset it is, for fairness between owners. */
function ownerKey(entry: DatasetEntry): string {
  const u = entry.upload;
  return u.kind === 'reference' ? `consumer:${u.consumerId}` : `contributor:${u.contributorId}`;
}

/**
 * The job runner. Jobs are not queued anywhere: they are the datasets the
 * log shows uploaded and not yet decided. It follows the whole log with a
 * catch-up subscription, so after a crash it simply starts again: a dataset
 * still 'processing' is redone from scratch.
 *
 * Two phases:
 * - ANALYSE (the expensive part: reading the file, processDocument on the
 *   worker_threads pool) does not depend on the pool of earlier datasets, so
 *   it runs ahead of the dataset's turn, for the datasets this process
 *   claims (DatasetClaims: every dataset in a single process; leases or an
 *   EventStoreDB persistent subscription when several processes share the
 *   log). Results are spilled to a temporary file.
 * - JUDGE runs strictly in upload order, once every earlier dataset is
 *   decided (by this process or another; DedupPool then loads the others'
 *   reports): the duplicate decision against the pool, the report blob, and
 *   the decision events in ONE append with the upload's revision as
 *   expected revision, so a dataset is never decided twice (a process that
 *   loses a race gets WrongExpectedRevision, drops its work and follows the
 *   log to the winner's decision).
 *
 * A process waits for the decision of datasets it did not claim; claims
 * guarantee someone holds each one (lease expiry, redelivery), so none
 * stays 'processing' forever while a worker runs.
 */
export class DatasetProcessor {
  readonly pipeline: ResolvedPipeline;
  readonly claims: DatasetClaims;
  private readonly log = new DatasetLog();
  /** Data requests and their credits (issue #15), folded from the same log: which request an upload answers, what it is credited. */
  private readonly requests = new DataRequestBook();
  private readonly pool: DedupPool;
  /** Document worker threads per pipeline (config hash), started when first needed. */
  private readonly workers = new Map<string, DocumentWorkerPool>();
  private readonly unknownLogged = new Set<string>();
  /** Follows the log into `log` (the one log-follower loop and its failure policy). */
  readonly follower: LogFollower;
  private stopping = false;
  private claimsReady: Promise<boolean> = Promise.resolve(false);
  private swept?: Promise<void>;
  private readonly analysed = new Map<string, DatasetAnalysis>();
  /** Analyses in progress here: dataset id → its owner (one per owner, besides the earliest undecided dataset). */
  private readonly running = new Map<string, string>();
  private readonly runningTasks = new Set<Promise<void>>();
  private judging?: string;
  private readonly retryAt = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly progressById = new Map<string, DatasetProgress>();
  private readonly takeover: HeadTakeover;
  private readonly logger: ProcessorLogger;
  private readonly progressPublisher?: DatasetProgressPublisher;
  private readonly analyseRun = new SingleFlight(
    () => this.analyseDrain(),
    () => this.stopping,
    (e) => this.logger.error('dataset processor: analysis loop failed', e),
  );
  private readonly judgeRun = new SingleFlight(
    () => this.judgeDrain(),
    () => this.stopping,
    (e) => this.logger.error('dataset processor: judge loop failed', e),
  );

  constructor(private readonly options: DatasetProcessorOptions) {
    this.pipeline = options.pipeline ?? resolvePipeline(DEFAULT_PIPELINE);
    // Every pipeline of this build shares the near-dedup settings (DEFAULT_NEAR_DEDUP), so one index serves them all.
    this.pool = new DedupPool(options.blobs, this.pipeline);
    this.logger = options.logger ?? { log: () => undefined, error: (m, e) => console.error(m, e) };
    this.claims = options.claims ?? new EveryDatasetClaims();
    this.takeover = new HeadTakeover(options.takeoverAfterMs ?? 300_000);
    this.follower = new LogFollower(options.events, {
      name: 'dataset-processor',
      resume: () => this.log.lastPosition,
      handle: (events) => this.followed(events),
      onFailure: (e, f) =>
        this.logger.error(
          `dataset processor: following the log failed after position ${f.position}; retrying at ${f.health().retryAt?.toISOString()}`,
          e,
        ),
    });
    if (options.progressEveryMs !== false) {
      this.progressPublisher = new DatasetProgressPublisher({
        events: options.events,
        actor: options.actor ?? 'system:dataset-processor',
        intervalMs: options.progressEveryMs,
        logError: (m, e) => this.logger.error(m, e),
      });
    }
  }

  start(): void {
    this.stopping = false;
    this.claimsReady = this.startClaims();
    // A failure is handled by the follower (logged, retried from log.lastPosition); start() itself cannot fail.
    this.follower.start().catch(() => undefined);
  }

  private followed(events: RecordedEvent[]): void {
    for (const e of events) {
      if (e.position > this.log.lastPosition) this.requests.apply(e);
      this.log.apply(e);
      if ((e.type === 'DatasetAccepted' || e.type === 'DatasetRejected') && isStreamOf('dataset', e.streamName)) {
        this.onDecided((e.data as { datasetId: string }).datasetId);
      } else if (e.type === DATASET_PROGRESS_REPORTED && e.streamName.startsWith(DATASET_PROGRESS_STREAM_PREFIX)) {
        this.takeover.progressSeen((e.data as { datasetId?: unknown }).datasetId);
      }
    }
    this.wake();
  }

  private startClaims(): Promise<boolean> {
    return this.claims
      .start({
        wake: () => this.analyseRun.wake(),
        isDecided: (id) => this.isDecided(id),
        logError: (m, e) => this.logger.error(m, e),
      })
      .then(
        () => true,
        (e) => {
          // E.g. EventStoreDB unreachable for the persistent subscription: try again, analysing nothing meanwhile.
          const delay = this.options.retryDelayMs ?? 2000;
          this.logger.error(`dataset processor: claims (${this.claims.description}) failed to start; retrying in ${delay} ms`, e);
          this.later(() => {
            this.claimsReady = this.startClaims();
            this.analyseRun.wake();
          }, delay);
          return false;
        },
      );
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    // The log stops here: a judge waiting to see its own append gets false, not a hang.
    await this.follower.stop();
    await this.analyseRun.idle();
    while (this.runningTasks.size) await Promise.allSettled([...this.runningTasks]);
    await this.judgeRun.idle();
    await this.claimsReady;
    await this.claims.stop().catch((e) => this.logger.error('dataset processor: stopping claims failed', e));
    const workers = [...this.workers.values()];
    this.workers.clear();
    await Promise.all(workers.map((w) => w.close()));
    await this.progressPublisher?.flush();
    for (const id of [...this.analysed.keys()]) await this.dropAnalysis(id);
  }

  /** In-memory progress of a dataset being processed by THIS process. */
  progress(datasetId: string): DatasetProgress | undefined {
    const p = this.progressById.get(datasetId);
    return p && { ...p };
  }

  /** Resolves once nothing is left to decide in the log as this process has read it up to `position`. */
  async idleAfter(position: number): Promise<void> {
    await this.reached(position);
    while (this.analyseRun.busy || this.running.size > 0 || this.judgeRun.busy || this.log.nextUndecided()) {
      if (this.stopping) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private isDecided(datasetId: string): boolean {
    return this.log.get(datasetId)?.decidedAt !== undefined;
  }

  /** Resolves once the log has been read up to `position` (at once when stopping); rejects while the follower is failed. */
  private async reached(position: number): Promise<void> {
    if (this.log.lastPosition >= position || this.stopping) return;
    await this.follower.waitFor(position);
  }

  private wake(): void {
    this.analyseRun.wake();
    this.judgeRun.wake();
  }

  private later(fn: () => void, ms: number): void {
    if (this.stopping) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  /** Whether the earliest undecided dataset, held by no one here, has shown no life for takeoverAfterMs. */
  private headStalled(first: DatasetEntry): boolean {
    return this.takeover.stalled(first, (id) => this.busyHere(id));
  }

  /**
   * The pipeline that judges this upload: the one it records (issue #13), or,
   * for uploads recorded before the field existed, this process's default.
   * Undefined: it records a pipeline this build does not know (left for a
   * process that does).
   */
  pipelineFor(entry: DatasetEntry): ResolvedPipeline | undefined {
    const recorded = entry.upload.pipeline;
    if (!recorded) return this.pipeline;
    if (recorded.configHash === this.pipeline.configHash) return this.pipeline;
    const found = (this.options.pipelines ?? knownPipelines()).find((p) => p.configHash === recorded.configHash);
    if (!found && !this.unknownLogged.has(entry.upload.datasetId)) {
      this.unknownLogged.add(entry.upload.datasetId);
      this.logger.log(
        `dataset processor: dataset ${entry.upload.datasetId} records pipeline ${recorded.name} v${recorded.version} (${recorded.configHash.slice(0, 12)}), which this build does not know; leaving it to a process that does`,
      );
    }
    return found;
  }

  /** Ms until the earliest undecided dataset may be taken over (undefined: nothing to take over). */
  private headTakeoverInMs(): number | undefined {
    return this.takeover.inMs(this.log.nextUndecided(), (id) => this.busyHere(id));
  }

  /** Analysed, or being analysed, by this process. */
  private busyHere(datasetId: string): boolean {
    return this.analysed.has(datasetId) || this.progressById.has(datasetId);
  }

  /** The log shows the dataset decided, by this process or another. */
  private onDecided(datasetId: string): void {
    this.claims.decided(datasetId).catch((e) => this.logger.error(`dataset processor: closing the claim on ${datasetId} failed`, e));
    this.retryAt.delete(datasetId);
    this.progressById.delete(datasetId);
    if (this.judging !== datasetId) void this.dropAnalysis(datasetId);
  }

  private async dropAnalysis(datasetId: string): Promise<void> {
    const a = this.analysed.get(datasetId);
    this.analysed.delete(datasetId);
    if (a?.kind === 'analysed') await a.spill.discard().catch(() => undefined);
  }

  /**
   * The next dataset this process should analyse: claimed, undecided, not
   * analysed or being analysed, in log order. The earliest undecided dataset
   * always may (everyone's judge waits for it); others only while fewer than
   * analyseAhead results wait or run, fewer than analysisConcurrency analyses
   * run, and their owner has none running (one contributor's uploads cannot
   * take every slot).
   */
  private async nextToAnalyse(): Promise<DatasetEntry | undefined> {
    const first = this.log.nextUndecided();
    if (first && !this.running.has(first.upload.datasetId) && this.pipelineFor(first) && this.headStalled(first)) {
      this.logger.log(
        `dataset processor: dataset ${first.upload.datasetId} is claimed elsewhere but shows no decision and no progress for ${Math.round(this.takeover.silentForMs() / 1000)} s; analysing it here`,
      );
      this.takeover.takenOver();
      return first;
    }
    const ahead = this.options.analyseAhead ?? 2;
    const concurrency = Math.max(1, this.options.analysisConcurrency ?? 2);
    const busyOwners = new Set(this.running.values());
    let scanned = 0;
    for (const entry of this.log.undecided()) {
      const id = entry.upload.datasetId;
      if (this.analysed.has(id) || this.running.has(id)) continue;
      const retryAt = this.retryAt.get(id) ?? 0;
      if (retryAt > Date.now()) {
        // Look again when it is due: the retry's own timer may fire a millisecond before Date.now() reaches retryAt
        // (timers run on the event loop's clock), and a wake that finds it not yet due must not be the last one.
        this.later(() => this.analyseRun.wake(), retryAt - Date.now() + 1);
        continue;
      }
      if (!this.pipelineFor(entry)) continue;
      if (entry !== first) {
        const waiting = this.analysed.size + [...this.running.keys()].filter((r) => r !== first?.upload.datasetId).length;
        if (waiting >= ahead || this.running.size >= concurrency || scanned >= 64) return undefined;
        scanned += 1;
        if (busyOwners.has(ownerKey(entry))) continue;
      }
      if (await this.claims.tryClaim(id)) return entry;
    }
    return undefined;
  }

  private async analyseDrain(): Promise<void> {
    if (!(await this.claimsReady)) return;
    this.swept ??= AnalysisSpill.sweepOrphans(this.options.tmpDir).then(
      (n) => {
        if (n > 0) this.logger.log(`dataset processor: removed ${n} analysis spill(s) left by processes that are gone`);
      },
      (e) => this.logger.error('dataset processor: sweeping old analysis spills failed', e),
    );
    await this.swept;
    for (;;) {
      if (this.stopping) return;
      const entry = await this.nextToAnalyse().catch((e) => {
        this.logger.error('dataset processor: claiming failed', e);
        return undefined;
      });
      if (!entry) {
        // Claims held by others may lapse without any event telling this process: look again later.
        const every = this.claims.retryClaimsEveryMs;
        if (every !== undefined && this.log.nextUndecided()) this.later(() => this.analyseRun.wake(), every);
        const takeoverIn = this.headTakeoverInMs();
        if (takeoverIn !== undefined) this.later(() => this.analyseRun.wake(), takeoverIn + 10);
        return;
      }
      const datasetId = entry.upload.datasetId;
      this.running.set(datasetId, ownerKey(entry));
      const task = this.analyseOne(entry).finally(() => {
        this.running.delete(datasetId);
        this.runningTasks.delete(task);
        this.analyseRun.wake();
      });
      this.runningTasks.add(task);
    }
  }

  /** One dataset's analysis, from recording the attempt to handing the result to the judge. */
  private async analyseOne(entry: DatasetEntry): Promise<void> {
    const datasetId = entry.upload.datasetId;
    let attempt: number | undefined;
    try {
      // The attempts recorded so far, as the whole log has them (they survive restarts).
      await this.reached(await this.options.events.headPosition());
      if (this.stopping || this.isDecided(datasetId)) return;
      const failed = this.log.failedAttempts(datasetId);
      const maxAttempts = this.options.maxAttempts ?? 3;
      if (failed >= maxAttempts) {
        this.logger.error(`dataset processor: dataset ${datasetId} failed ${failed} times; rejecting it instead of trying again`);
        this.analysed.set(datasetId, gaveUp(failed));
        this.judgeRun.wake();
        return;
      }
      attempt = entry.attempts + 1;
      await this.recordAttempt(DATASET_ANALYSIS_STARTED, { datasetId, attempt });
    } catch (e) {
      this.logger.error(`dataset processor: preparing dataset ${datasetId} failed, retrying`, e);
      await this.retryLater(datasetId, e);
      return;
    }
    this.progressById.set(datasetId, { documentsDone: 0, bytesRead: 0, totalBytes: entry.upload.sizeBytes });
    try {
      const analysis = await this.analyse(entry);
      if (this.stopping || this.isDecided(datasetId)) {
        if (analysis.kind === 'analysed') await analysis.spill.discard();
        return;
      }
      this.analysed.set(datasetId, analysis);
      this.judgeRun.wake();
    } catch (e) {
      const notItsFault = e instanceof JobAbortedError || isInfrastructureError(e);
      if (notItsFault) {
        await this.recordAttempt(DATASET_ANALYSIS_INTERRUPTED, {
          datasetId,
          attempt,
          reason: e instanceof JobAbortedError ? 'stopped' : String((e as Error).message).slice(0, 200),
        }).catch((err) => this.logger.error(`dataset processor: recording the interruption of ${datasetId} failed`, err));
      }
      if (e instanceof JobAbortedError) return;
      this.progressById.delete(datasetId);
      this.logger.error(`dataset processor: dataset ${datasetId} failed (attempt ${attempt}), retrying`, e);
      await this.retryLater(datasetId, e);
    }
  }

  private async retryLater(datasetId: string, e: unknown): Promise<void> {
    const delay = this.options.retryDelayMs ?? 2000;
    this.retryAt.set(datasetId, Date.now() + delay);
    await this.claims
      .release(datasetId, e instanceof Error ? e.message : String(e))
      .catch((err) => this.logger.error('dataset processor: releasing a claim failed', err));
    this.later(() => this.analyseRun.wake(), delay);
  }

  /** Operational events on the dataset's progress stream (never its own stream: the decision's expected revision stays the upload's). */
  private async recordAttempt(type: string, data: Record<string, unknown> & { datasetId: string }): Promise<void> {
    await appendDecided(this.options.events, datasetProgressStream(data.datasetId), [{ type, data }], {
      expectedRevision: 'any',
      cause: { actor: this.options.actor ?? 'system:dataset-processor' },
    });
  }

  private async analyse(entry: DatasetEntry): Promise<DatasetAnalysis> {
    const datasetId = entry.upload.datasetId;
    const pipeline = this.pipelineFor(entry);
    if (!pipeline) throw new Error(`dataset ${datasetId} records a pipeline this build does not know`);
    let workers = this.workers.get(pipeline.configHash);
    if (!workers) {
      workers = DocumentWorkerPool.start({ pipeline, size: this.options.workerThreads ?? os.availableParallelism() });
      this.workers.set(pipeline.configHash, workers);
    }
    try {
      return await analyseDataset(entry.upload, {
        blobs: this.options.blobs,
        pool: workers,
        openSource: this.options.openSource,
        batchDocuments: this.options.batchDocuments,
        tmpDir: this.options.tmpDir,
        budget: this.options.budget,
        ...this.requestMatcher(datasetId),
        // Stopping, or decided by another process meanwhile (its claim lapsed under it, say): the work is moot.
        aborted: () => this.stopping || this.isDecided(datasetId),
        onProgress: (p) => {
          this.progressById.set(datasetId, p);
          this.progressPublisher?.report(datasetId, p);
        },
      });
    } catch (e) {
      if (!(e instanceof DocumentBatchError)) throw e;
      // processDocument itself failed: deterministic for this input, so retrying cannot help. Its message is an
      // internal JavaScript error (a bug of the pipeline, not of the file): logged for the operators, never shown.
      this.logger.error(`dataset processor: the pipeline failed on a document of dataset ${datasetId}`, e);
      return { kind: 'unreadable', rejection: { reason: 'processing_error', message: PROCESSING_ERROR_MESSAGE } };
    } finally {
      this.progressPublisher?.forget(datasetId);
    }
  }

  /** Uploads answering an open data request: the textual matcher of its keywords / sample text. */
  private requestMatcher(datasetId: string): { topical?: (text: string) => boolean } {
    const r = this.requests.answeredBy(datasetId);
    return r ? { topical: requestTextMatcher({ keywords: r.keywords, sampleText: r.sampleText }) } : {};
  }

  private async judgeDrain(): Promise<void> {
    for (;;) {
      if (this.stopping) return;
      const next = this.log.nextUndecided();
      if (!next) return;
      const datasetId = next.upload.datasetId;
      const analysis = this.analysed.get(datasetId);
      // Not ours (or not analysed yet): its decision will come through the log.
      if (!analysis) return;
      this.judging = datasetId;
      try {
        await this.judge(next, analysis);
      } catch (e) {
        this.logger.error(`dataset processor: judging dataset ${datasetId} failed, retrying`, e);
        this.later(() => this.judgeRun.wake(), this.options.retryDelayMs ?? 2000);
        return;
      } finally {
        this.judging = undefined;
        if (this.isDecided(datasetId)) await this.dropAnalysis(datasetId);
      }
    }
  }

  private async judge(entry: DatasetEntry, analysis: DatasetAnalysis): Promise<void> {
    const datasetId = entry.upload.datasetId;
    // Analysed only when pipelineFor found it.
    const pipeline = this.pipelineFor(entry)!;
    await this.pool.prepareFor(entry, this.log);
    const request = this.requests.answeredBy(datasetId);
    let result: DatasetJobResult;
    try {
      result = await judgeDataset(entry.upload, analysis, {
        blobs: this.options.blobs,
        pipeline,
        index: this.pool.index,
        tmpDir: this.options.tmpDir,
        ...(request ? { match: { languages: request.languages, contentClasses: request.contentClasses } } : {}),
      });
    } catch (e) {
      this.pool.rollback(datasetId);
      throw e;
    }
    // Every earlier dataset is decided and folded into the book: its remaining target is the log's.
    const credit =
      request && result.kind === 'judged'
        ? this.requests.creditFor(datasetId, BigInt(result.summary.requestMatchingTokens ?? 0))
        : undefined;
    let appended: number;
    try {
      // Decided on the stream as the log showed it (the upload alone), appended at the upload's revision.
      const decision = await decideOnStream(this.options.events, streamNames.dataset(datasetId), judgement(entry, credit), result, {
        known: {
          state: datasetDecider.evolve(datasetDecider.initialState, { type: 'DatasetUploaded', data: entry.upload }),
          revision: entry.uploadRevision,
          lastEventId: entry.uploadEventId,
        },
        context: () => ({ now: (this.options.now ?? (() => new Date()))(), pipeline }),
        actor: this.options.actor ?? 'system:dataset-processor',
        correlationId: entry.correlationId,
      });
      appended = decision.append!.position;
    } catch (e) {
      this.pool.rollback(datasetId);
      if (!(e instanceof WrongExpectedRevision)) throw e;
      // Another process decided it first: follow the log to its decision.
      await this.reached(await this.options.events.headPosition());
      return;
    }
    if (result.kind === 'judged' && result.summary.documentsKept > 0) this.pool.markPresent(datasetId);
    await this.reached(appended);
  }
}
