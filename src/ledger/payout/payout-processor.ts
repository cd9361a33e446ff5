import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import { ConflictError, IllegalStateError } from '@1tt/domain-errors';
import { decideOnStream } from '@1tt/command-path';
import { EventStore, LogFollower, MAX_APPEND_BYTES, type RecordedEvent } from '@1tt/event-store';
import { ReadModelStore } from '@1tt/read-models';
import {
  computeRunAdjustment,
  payoutRunDecider,
  payoutRunDifferences,
  streamNames,
  type Decider,
  type PayoutRunEvent,
  type RevenueCorrected,
  type RevenueReported,
  type RunAdjustmentEvent,
} from '@1tt/ledger';
import { ProjectionRegistry } from '../../stores/projection-registry';
import { PayoutPool } from './payout-pool';

/** Name of the processor's checkpoint in the read-model store. */
export const PAYOUT_PROCESSOR = 'payout-processor';

export interface PayoutProcessorOptions {
  /** false: fold only (settlements still see allocations), never write runs. Default true. */
  react?: boolean;
  /** First delay before restarting after a failure (doubles up to 30 s; the LogFollower policy). Default 1000 ms. */
  restartDelayMs?: number;
  /** Most bytes per append of a run (default and maximum: MAX_APPEND_BYTES, EventStoreDB's 1 MiB); tests lower it to see a run spread over several appends. */
  maxAppendBytes?: number;
}
export const PAYOUT_PROCESSOR_OPTIONS = Symbol('PAYOUT_PROCESSOR_OPTIONS');

/**
 * Reacts to every RevenueReported with its payout run, and to every
 * RevenueCorrected with the run's adjustment postings. It follows the whole
 * log (LogFollower) from position 0 (the pool fold needs every dataset
 * event) and keeps the fold in memory, advanced in log order, so each
 * report's run uses the pool as of the report's own position without
 * re-reading the log. Runs are appended to `payout-run-<revenueId>` in
 * bounded appends (see pay()): a replay, a restart before the checkpoint was
 * saved, or a second processor in another API process finds the run
 * completed, or completes a run left half-written, so a report is paid
 * exactly once. The checkpoint (read-model store, projection
 * "payout-processor") only marks which reports have been handled: after a
 * crash every report past it is reconsidered, and the missing runs are
 * written. A failure (a store error, or a bug) follows the follower's policy:
 * waiting callers get the error, /health shows it, and the processor starts
 * again after a growing delay with the report it could not pay, so no run
 * is ever skipped.
 */
@Injectable()
export class PayoutProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('PayoutProcessor');
  readonly pool = new PayoutPool();
  readonly follower: LogFollower;
  private checkpoint = 0;
  private readonly react: boolean;
  private readonly maxAppendBytes: number;
  /**
   * A report whose run could not be written: the pool has folded it, so a
   * restart pays it first and then follows the log after it. (Positions are
   * opaque cursors: there is no "position just before it" to resume from.)
   */
  private unpaid?: RecordedEvent;

  constructor(
    private readonly events: EventStore,
    private readonly readModels: ReadModelStore,
    @Optional() @Inject(PAYOUT_PROCESSOR_OPTIONS) options?: PayoutProcessorOptions,
    @Optional() followers?: ProjectionRegistry,
  ) {
    this.react = options?.react ?? true;
    this.maxAppendBytes = Math.min(MAX_APPEND_BYTES, options?.maxAppendBytes ?? MAX_APPEND_BYTES);
    this.follower = new LogFollower(events, {
      name: PAYOUT_PROCESSOR,
      retryDelayMs: options?.restartDelayMs ?? 1000,
      resume: () => this.resume(),
      handle: (batch) => this.handle(batch),
      onFailure:
        followers?.logFailures ??
        ((e, f) =>
          this.logger.error(
            `Payout processor failed at position ${f.position}; retrying at ${f.health().retryAt?.toISOString()}: ${e.message}`,
          )),
    });
    followers?.follower(this.follower);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  start(): Promise<void> {
    return this.follower.start();
  }

  stop(): Promise<void> {
    return this.follower.stop();
  }

  /** Resolves once the fold (and every run it owed) has reached `position`; rejects while the processor is failed. */
  async waitFor(position: number): Promise<void> {
    await this.follower.waitFor(position);
  }

  /** Waits until everything in the log now has been folded (and paid). */
  async catchUp(): Promise<void> {
    await this.follower.catchUp();
  }

  /** Where to continue (at every start and retry): pays the report a failure left unpaid, then after the fold's position. */
  private async resume(): Promise<number> {
    this.checkpoint = Math.max(this.checkpoint, await this.readModels.getCheckpoint(PAYOUT_PROCESSOR));
    const unpaid = this.unpaid;
    if (unpaid) {
      await this.reactTo(unpaid);
      this.unpaid = undefined;
    }
    return this.pool.position;
  }

  private async handle(batch: RecordedEvent[]): Promise<void> {
    for (const e of batch) {
      this.pool.apply(e);
      if (this.react && (e.type === 'RevenueReported' || e.type === 'RevenueCorrected') && e.position > this.checkpoint) {
        try {
          await this.reactTo(e);
        } catch (err) {
          this.unpaid = e;
          throw err;
        }
      }
    }
    const last = batch[batch.length - 1]?.position ?? 0;
    if (this.react && last > this.checkpoint) await this.saveCheckpoint(last);
  }

  /** A report's run, or a correction's adjustment postings (also when retried after a failure). */
  private reactTo(e: RecordedEvent): Promise<void> {
    return e.type === 'RevenueCorrected' ? this.adjust(e) : this.pay(e);
  }

  /**
   * Writes the report's run in appends that each fit the store's limit
   * (EventStoreDB refuses more than 1 MiB in one append; a run over ~5,000
   * contributors is larger): PayoutRunStarted and the first chunks with
   * 'no-stream', then the next chunks at the stream's revision, and
   * PayoutRunCompleted last. The run is a pure function of the log, so a
   * processor that finds the stream begun (it crashed between appends, or
   * another processor is writing it) checks that what is there is the start
   * of its own recomputation and appends the rest; a concurrent writer makes
   * the revision check fail and the loop reads again. Exactly one complete
   * run per report, whoever writes which part.
   */
  private async pay(report: RecordedEvent): Promise<void> {
    const data = report.data as RevenueReported['data'];
    const stream = streamNames.payoutRun(data.revenueId);
    const run = payoutRunDecider.decide(
      { type: 'RecordPayoutRun', data: { report: data, reportPosition: report.position } },
      payoutRunDecider.initialState,
      { pool: this.pool.state },
    );
    await decideOnStream(this.events, stream, completeStream(stream, run, 'PayoutRunCompleted', 'payout run'), undefined, {
      context: () => undefined,
      actor: PAYOUT_ACTOR,
      correlationId: data.revenueId,
      causationId: report.id,
      // Each conflict means another writer appended part of the run: bounded by its length.
      attempts: run.length + 2,
      maxAppendBytes: this.maxAppendBytes,
    });
  }

  /**
   * A correction's adjustment postings, computed on the pool as of its
   * report's position (the original run's), appended to
   * `adjustment-<correctionId>` in bounded appends like a run (a correction
   * re-allocates the whole run: one line per contributor whose share
   * changes, so a large run's adjustment is larger than one append may
   * be): the chunks first, PayoutRunAdjusted last, and a stream found begun
   * (a crash between appends, another processor) is checked against the
   * recomputation and completed. Written once whoever handles it. The run
   * itself was written before (this processor follows the log in order, and
   * the report precedes its corrections).
   */
  private async adjust(event: RecordedEvent): Promise<void> {
    const correction = event.data as RevenueCorrected['data'];
    const reported = this.pool.reports.get(correction.revenueId);
    if (!reported) {
      this.logger.error(
        `Correction ${correction.correctionId} at position ${event.position} names revenue ${correction.revenueId}, which no earlier event reports; skipped`,
      );
      return;
    }
    const { events } = computeRunAdjustment({
      report: reported.report,
      reportPosition: reported.position,
      pool: this.pool.state,
      correction,
    });
    const stream = streamNames.adjustment(correction.correctionId);
    // Already adjusted (a replay or another processor): PayoutRunAdjusted is there, nothing is decided.
    await decideOnStream(this.events, stream, completeStream(stream, events, 'PayoutRunAdjusted', 'adjustment'), undefined, {
      context: () => undefined,
      actor: PAYOUT_ACTOR,
      correlationId: correction.correctionId,
      causationId: event.id,
      attempts: events.length + 2,
      maxAppendBytes: this.maxAppendBytes,
    });
  }

  private async saveCheckpoint(position: number): Promise<void> {
    try {
      // Another API process's processor may have saved a later checkpoint since: it stays (a checkpoint never moves back).
      const { checkpoint } = await this.readModels.transact(PAYOUT_PROCESSOR, (tx) =>
        tx.setCheckpoint(Math.max(position, tx.basePosition)),
      );
      this.checkpoint = Math.max(position, checkpoint);
    } catch (e) {
      // Another processor moved it: its value is as good as ours (runs are no-stream).
      if (e instanceof ConflictError) {
        this.checkpoint = Math.max(this.checkpoint, await this.readModels.getCheckpoint(PAYOUT_PROCESSOR));
        return;
      }
      throw e;
    }
  }
}

const PAYOUT_ACTOR = 'system:payout-processor';

/**
 * A run's (or an adjustment's) stream folded as the events written so far;
 * deciding appends the rest of the recomputed events (nothing once the
 * final event is there), after checking that what is written is the start
 * of the recomputation.
 */
function completeStream<Event extends PayoutRunEvent | RunAdjustmentEvent>(
  stream: string,
  all: readonly Event[],
  finalType: Event['type'],
  kind: 'payout run' | 'adjustment',
): Decider<undefined, Event, RecordedEvent[], undefined> {
  return {
    initialState: [],
    evolve: (written, e) => [...written, e as unknown as RecordedEvent],
    decide(_command, written) {
      if (written.some((e) => e.type === finalType)) return []; // written (a replay, a restart, another processor)
      const differences = payoutRunDifferences(written, all.slice(0, written.length));
      if (differences.length > 0) {
        const message = `The partly written ${kind} ${stream} differs from its recomputation (${differences[0]}): not completing it`;
        throw kind === 'payout run'
          ? new IllegalStateError('payout-run-prefix-differs', message)
          : new IllegalStateError('adjustment-prefix-differs', message);
      }
      return all.slice(written.length);
    },
  };
}
