import type { Worker } from 'node:worker_threads';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '@1tt/config';
import type { EventStore, RecordedEvent } from '@1tt/event-store';
import { startWorkerThread } from '@1tt/worker-threads';
import { APP_CONFIG } from '../../config/app-config.token';
import { LimitReached } from '../../http/limit-reached.error';
import type { VerifyReply, VerifyRequest } from './audit-verify.messages';
import type { LogVerificationResult } from './log-verification';

/** Events per message to the worker (one structured clone and one wake-up per batch). */
const BATCH = 500;
const RETRY_AFTER_SECONDS = 10;

/**
 * Runs /v1/audit/verify off the event loop: each verification gets its own
 * worker thread (hashing and the ledger recomputation are CPU-bound), while
 * this thread only reads the log and hands it over a batch at a time (at
 * most one batch ahead of the worker, so memory stays bounded). At most
 * AUDIT_VERIFY_CONCURRENCY run at once, AUDIT_VERIFY_QUEUE more wait their
 * turn; beyond that the request is refused 503 `audit-verify-busy` with
 * Retry-After.
 */
@Injectable()
export class AuditVerifier {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Verifications running and waiting (for tests and /health-style introspection). */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  async verify(events: EventStore, toPosition: number): Promise<LogVerificationResult> {
    await this.admit();
    try {
      return await verifyOnWorker(events, toPosition);
    } finally {
      this.release();
    }
  }

  private async admit(): Promise<void> {
    if (this.running < this.config.auditVerifyConcurrency) {
      this.running++;
      return;
    }
    if (this.waiting.length >= this.config.auditVerifyQueue) {
      throw new LimitReached(
        503,
        'audit-verify-busy',
        `${this.running} log verifications are running and ${this.waiting.length} are waiting, the most this process allows (AUDIT_VERIFY_CONCURRENCY, AUDIT_VERIFY_QUEUE)`,
        RETRY_AFTER_SECONDS,
        'Retry after the number of seconds in the Retry-After header; one verification answers for the whole log up to its position.',
      );
    }
    // The slot is handed over by release(): running stays counted.
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}

async function verifyOnWorker(events: EventStore, toPosition: number): Promise<LogVerificationResult> {
  const worker = startWorkerThread(__dirname, 'audit-verify.worker');
  const replies = replyQueue(worker);
  try {
    let inFlight = 0;
    let going = true;
    const ack = async (): Promise<void> => {
      const r = await replies.next();
      inFlight--;
      if (r.kind === 'error') throw new Error(`audit verify worker: ${r.message}`);
      if (r.kind === 'ack') going = going && r.going;
    };
    const send = async (batch: RecordedEvent[]): Promise<void> => {
      if (inFlight >= 1) await ack();
      if (!going) return;
      post(worker, { kind: 'events', events: batch });
      inFlight++;
    };
    if (toPosition >= 1) {
      let batch: RecordedEvent[] = [];
      for await (const e of events.readAll({ fromPosition: 1, toPosition })) {
        batch.push(e);
        if (batch.length >= BATCH) {
          await send(batch);
          batch = [];
          if (!going) break;
        }
      }
      if (going && batch.length > 0) await send(batch);
    }
    while (inFlight > 0) await ack();
    post(worker, { kind: 'end' });
    const r = await replies.next();
    if (r.kind !== 'result') throw new Error(`audit verify worker: ${r.kind === 'error' ? r.message : 'no result'}`);
    return r.result;
  } finally {
    await worker.terminate();
  }
}

function post(worker: Worker, req: VerifyRequest): void {
  worker.postMessage(req);
}

/** The worker's replies in order; a dead worker rejects what is awaited. */
function replyQueue(worker: Worker): { next(): Promise<VerifyReply> } {
  const ready: VerifyReply[] = [];
  let waiter: { resolve: (r: VerifyReply) => void; reject: (e: Error) => void } | undefined;
  let failure: Error | undefined;
  worker.on('message', (r: VerifyReply) => {
    if (waiter) {
      const w = waiter;
      waiter = undefined;
      w.resolve(r);
    } else ready.push(r);
  });
  const fail = (e: Error): void => {
    failure ??= e;
    if (waiter) {
      const w = waiter;
      waiter = undefined;
      w.reject(failure);
    }
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`audit verify worker exited with code ${code}`)));
  return {
    next: () => {
      const r = ready.shift();
      if (r) return Promise.resolve(r);
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => (waiter = { resolve, reject }));
    },
  };
}
