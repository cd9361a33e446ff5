import { DatasetAccepted, DatasetWithdrawn } from '../datasets/dataset.events';
import { LoggedEvent } from '../events/ledger-event';

/** Where and when a dataset entered or left the pool. */
export interface PoolMark {
  position: number;
  /** metadata.recordedAt of the event, in epoch milliseconds. */
  time: number;
}

export interface PoolMembership {
  datasetId: string;
  contributorId: string;
  tokens: bigint;
  entered: PoolMark;
  exited?: PoolMark;
}

export interface PoolSnapshot {
  position: number;
  totalTokens: bigint;
  /** Tokens per contributor (only contributors with a dataset in the pool). */
  contributors: Map<string, bigint>;
  datasetCount: number;
}

/**
 * The contribution pool, folded from the log in order. Each accepted
 * contribution is remembered with the position and recorded time at which it
 * entered and (once withdrawn) left, so one fold answers "the pool as of any
 * position P" = the fold of the events with position ≤ P, without
 * re-reading the log. Only `DatasetAccepted` / `DatasetWithdrawn` of kind
 * `contribution` matter; consumers' reference corpora never enter the pool.
 *
 * Times come from metadata.recordedAt (assigned by the store, non-decreasing
 * with position) rather than from the event data, so the time order and the
 * log order cannot disagree.
 *
 * A mutable accumulator for speed (O(1) per event at millions of datasets);
 * its answers depend only on the events applied, in order.
 */
export class PoolState {
  private readonly members = new Map<string, PoolMembership>();
  private last = 0;

  static fromEvents(events: Iterable<LoggedEvent>): PoolState {
    const pool = new PoolState();
    for (const e of events) pool.apply(e);
    return pool;
  }

  /** Position of the last event applied (0 when none). */
  get lastPosition(): number {
    return this.last;
  }

  /** Applies any logged event in log order (non-pool events only advance the position). */
  apply(event: LoggedEvent): this {
    if (event.position <= this.last) {
      throw new Error(`PoolState: event at position ${event.position} after ${this.last}: events must be applied once, in log order`);
    }
    this.last = event.position;
    if (event.type === 'DatasetAccepted') {
      const d = event.data as DatasetAccepted['data'];
      if (d.kind !== 'contribution') return this;
      this.members.set(d.datasetId, {
        datasetId: d.datasetId,
        contributorId: d.contributorId,
        tokens: BigInt(d.tokens),
        entered: markOf(event),
      });
    } else if (event.type === 'DatasetWithdrawn') {
      const d = event.data as DatasetWithdrawn['data'];
      const m = this.members.get(d.datasetId);
      if (m && !m.exited) m.exited = markOf(event);
    }
    return this;
  }

  /** Every contribution that ever entered the pool (up to lastPosition), in acceptance order. */
  memberships(): IterableIterator<PoolMembership> {
    return this.members.values();
  }

  /** The pool as of position P: datasets entered at ≤ P and not exited at ≤ P. */
  at(position: number): PoolSnapshot {
    this.assertKnown(position);
    const contributors = new Map<string, bigint>();
    let totalTokens = 0n;
    let datasetCount = 0;
    for (const m of this.members.values()) {
      if (!inPoolAt(m, position)) continue;
      // Most contributors have one dataset: reuse its bigint rather than allocating 0n + tokens.
      const sum = contributors.get(m.contributorId);
      contributors.set(m.contributorId, sum === undefined ? m.tokens : sum + m.tokens);
      totalTokens += m.tokens;
      datasetCount++;
    }
    return { position, totalTokens, contributors, datasetCount };
  }

  /**
   * Time-weighted weights as known at position P: for every contribution
   * entered at ≤ P, tokens × milliseconds of [entered, exited) ∩
   * [periodStart, periodEnd), where a dataset not withdrawn at ≤ P counts as
   * staying until periodEnd (what the log said at P; later withdrawals and
   * later acceptances do not change a run already due). Summed per
   * contributor; contributors with no overlap are left out.
   */
  tokenTimeAt(position: number, periodStartMs: number, periodEndMs: number): Map<string, bigint> {
    this.assertKnown(position);
    const weights = new Map<string, bigint>();
    for (const m of this.members.values()) {
      if (m.entered.position > position) continue;
      const exit = m.exited && m.exited.position <= position ? m.exited.time : Number.POSITIVE_INFINITY;
      const from = Math.max(m.entered.time, periodStartMs);
      const to = Math.min(exit, periodEndMs);
      if (to <= from || m.tokens === 0n) continue;
      const w = m.tokens * BigInt(to - from);
      const sum = weights.get(m.contributorId);
      weights.set(m.contributorId, sum === undefined ? w : sum + w);
    }
    return weights;
  }

  private assertKnown(position: number): void {
    if (!Number.isSafeInteger(position) || position < 0 || position > this.last) {
      throw new Error(`PoolState: position ${position} is beyond the events applied (last ${this.last})`);
    }
  }
}

export function inPoolAt(m: PoolMembership, position: number): boolean {
  return m.entered.position <= position && !(m.exited && m.exited.position <= position);
}

function markOf(event: LoggedEvent): PoolMark {
  const time = Date.parse(event.metadata.recordedAt);
  if (!Number.isFinite(time)) throw new Error(`PoolState: event at position ${event.position} has no valid recordedAt`);
  return { position: event.position, time };
}
