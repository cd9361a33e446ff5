import * as os from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { DocumentResult, ResolvedPipeline } from '@1tt/preprocessing';
import { startWorkerThread } from '@1tt/worker-threads';
import { decodeResults, type BatchReply, type BatchRequest, type WorkerInit } from './document-batch';

export interface DocumentWorkerPoolOptions {
  pipeline: ResolvedPipeline;
  /** Threads; default os.availableParallelism(). */
  size?: number;
  /** Batches queued on each thread at once, so a thread never waits for the next message. Default 2. */
  inFlightPerWorker?: number;
}

/** A document batch failed inside processDocument (deterministic: the same input fails again). */
export class DocumentBatchError extends Error {
  override readonly name = 'DocumentBatchError';
}

interface Pending {
  req: BatchRequest;
  resolve: (r: DocumentResult[]) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  inFlight: Map<number, Pending>;
}

/**
 * Runs processDocument on worker threads. Documents are sent in batches
 * (one message per batch amortises the structured-clone and wake-up cost).
 * process() resolves with the results in the batch's order; callers keep
 * the order across batches themselves (DatasetJob does, by awaiting them
 * in submission order).
 *
 * Worker script: document-batch.worker, started by @1tt/worker-threads
 * (the compiled .js, or the .ts through tsx when running from sources).
 */
export class DocumentWorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;
  private readonly numPerm: number;
  private readonly inFlightPerWorker: number;

  private constructor(private readonly options: DocumentWorkerPoolOptions) {
    this.numPerm = options.pipeline.dedup.near ? options.pipeline.dedup.near.numPerm : 0;
    this.inFlightPerWorker = Math.max(1, options.inFlightPerWorker ?? 2);
  }

  static start(options: DocumentWorkerPoolOptions): DocumentWorkerPool {
    const pool = new DocumentWorkerPool(options);
    const size = Math.max(1, options.size ?? os.availableParallelism());
    for (let i = 0; i < size; i++) pool.slots.push(pool.spawn());
    return pool;
  }

  get size(): number {
    return this.slots.length;
  }

  /** Batches accepted but not yet answered (for back-pressure). */
  get pending(): number {
    return this.queue.length + this.slots.reduce((n, s) => n + s.inFlight.size, 0);
  }

  /** `names`: per text, the file or archive member name the content classifier looks at first. */
  process(texts: string[], names?: Array<string | undefined>): Promise<DocumentResult[]> {
    if (this.closed) return Promise.reject(new Error('DocumentWorkerPool is closed'));
    if (texts.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.queue.push({ req: { id: this.nextId++, texts, ...(names ? { names } : {}) }, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const err = new Error('DocumentWorkerPool closed');
    for (const p of this.queue.splice(0)) p.reject(err);
    await Promise.all(
      this.slots.splice(0).map(async (s) => {
        for (const p of s.inFlight.values()) p.reject(err);
        s.inFlight.clear();
        await s.worker.terminate();
      }),
    );
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let best: Slot | undefined;
      for (const s of this.slots) if (s.inFlight.size < this.inFlightPerWorker && (!best || s.inFlight.size < best.inFlight.size)) best = s;
      if (!best) return;
      const p = this.queue.shift()!;
      best.inFlight.set(p.req.id, p);
      best.worker.postMessage(p.req);
    }
  }

  private spawn(): Slot {
    const init: WorkerInit = { pipeline: this.options.pipeline };
    const worker = startWorkerThread(__dirname, 'document-batch.worker', { workerData: init });
    const slot: Slot = { worker, inFlight: new Map() };
    worker.on('message', (reply: BatchReply) => {
      const p = slot.inFlight.get(reply.id);
      if (!p) return;
      slot.inFlight.delete(reply.id);
      if (reply.error) p.reject(new DocumentBatchError(reply.error));
      else p.resolve(decodeResults(reply, this.numPerm));
      this.dispatch();
    });
    const fail = (e: Error) => {
      // A dead thread (out of memory, a native crash) is not the document's
      // fault: its batches fail with a plain Error (the job is retried) and
      // the thread is replaced.
      for (const p of slot.inFlight.values()) p.reject(new Error(`document worker died: ${e.message}`));
      slot.inFlight.clear();
      const i = this.slots.indexOf(slot);
      if (i >= 0 && !this.closed) {
        this.slots[i] = this.spawn();
        this.dispatch();
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!this.closed && this.slots.includes(slot)) fail(new Error(`exited with code ${code}`));
    });
    return slot;
  }
}
