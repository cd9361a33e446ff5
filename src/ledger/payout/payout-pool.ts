import type { RecordedEvent } from '@1tt/event-store';

interface DatasetMembership {
  contributorId?: string;
  /** Only contributions earn; a consumer's reference corpus never joins the pool. */
  contribution: boolean;
  tokens: bigint;
  status: 'uploaded' | 'accepted' | 'rejected' | 'withdrawn';
  /** ms since epoch of DatasetAccepted / DatasetWithdrawn (recordedAt). */
  joinedAt?: number;
  leftAt?: number;
}

/**
 * The contribution pool and the contributors' payable amounts, folded from
 * the log strictly in position order. The payout processor advances one of
 * these as it goes, so a report's run reads the pool as of the report's
 * position without re-reading the log. Pure: no I/O, no clock.
 */
export class PayoutPool {
  private readonly datasets = new Map<string, DatasetMembership>();
  /** Tokens in the pool per contributor (accepted, counted, not withdrawn). */
  private readonly tokens = new Map<string, bigint>();
  private total = 0n;
  /** contributorId → currency → minor units allocated by payout runs. */
  private readonly allocated = new Map<string, Map<string, bigint>>();
  private readonly completedRuns = new Set<string>();
  position = 0;

  apply(e: RecordedEvent): void {
    if (e.position <= this.position) return;
    this.position = e.position;
    const d = (e.data ?? {}) as Record<string, unknown>;
    const at = Date.parse(e.metadata.recordedAt);
    switch (e.type) {
      case 'DatasetUploaded':
        this.datasets.set(String(d.datasetId), {
          contributorId: typeof d.contributorId === 'string' ? d.contributorId : undefined,
          contribution: d.kind === undefined || d.kind === 'contribution',
          tokens: 0n,
          status: 'uploaded',
        });
        return;
      case 'DatasetTokensCounted': {
        const ds = this.datasets.get(String(d.datasetId));
        if (!ds) return;
        if (ds.status === 'accepted') this.change(ds, -ds.tokens);
        ds.tokens = BigInt(d.tokens as number | string);
        if (ds.status === 'accepted') this.change(ds, ds.tokens);
        return;
      }
      case 'DatasetAccepted': {
        const ds = this.datasets.get(String(d.datasetId));
        if (!ds || ds.status === 'accepted') return;
        ds.status = 'accepted';
        ds.joinedAt = at;
        this.change(ds, ds.tokens);
        return;
      }
      case 'DatasetRejected':
      case 'DatasetWithdrawn': {
        const ds = this.datasets.get(String(d.datasetId));
        if (!ds) return;
        if (ds.status === 'accepted') {
          this.change(ds, -ds.tokens);
          ds.leftAt = at;
        }
        ds.status = e.type === 'DatasetRejected' ? 'rejected' : 'withdrawn';
        return;
      }
      case 'PayoutRunChunkRecorded':
        this.addAllocations(String(d.currency), d.allocations as RunAllocation[]);
        return;
      case 'PayoutRunCompleted':
        this.completedRuns.add(String(d.revenueId));
        this.addAllocations(String(d.currency), d.allocations as RunAllocation[]);
        return;
      default:
        return;
    }
  }

  get totalTokens(): bigint {
    return this.total;
  }

  hasCompletedRun(revenueId: string): boolean {
    return this.completedRuns.has(revenueId);
  }

  /** Minor units allocated to a contributor in a currency by every run folded so far. */
  allocatedTo(contributorId: string, currency: string): bigint {
    return this.allocated.get(contributorId)?.get(currency) ?? 0n;
  }

  /** Snapshot policy: tokens per contributor now (zero holdings left out). */
  snapshotWeights(): Map<string, { tokens: bigint; weight: bigint }> {
    const out = new Map<string, { tokens: bigint; weight: bigint }>();
    for (const [id, t] of this.tokens) if (t > 0n) out.set(id, { tokens: t, weight: t });
    return out;
  }

  /**
   * Time-weighted policy: tokens × milliseconds each dataset spent in the
   * pool within [periodStart, periodEnd), as far as the log says now (a
   * dataset still in the pool counts to periodEnd; one withdrawn counts
   * until its withdrawal). `tokens` is the contributor's holding now.
   */
  timeWeightedWeights(periodStartMs: number, periodEndMs: number): Map<string, { tokens: bigint; weight: bigint }> {
    const out = new Map<string, { tokens: bigint; weight: bigint }>();
    for (const ds of this.datasets.values()) {
      if (!ds.contribution || ds.contributorId === undefined || ds.joinedAt === undefined || ds.tokens === 0n) continue;
      if (ds.status !== 'accepted' && ds.leftAt === undefined) continue;
      const from = Math.max(ds.joinedAt, periodStartMs);
      const to = Math.min(ds.leftAt ?? periodEndMs, periodEndMs);
      if (to <= from) continue;
      const entry = out.get(ds.contributorId) ?? { tokens: 0n, weight: 0n };
      entry.weight += ds.tokens * BigInt(to - from);
      out.set(ds.contributorId, entry);
    }
    for (const [id, entry] of out) entry.tokens = this.tokens.get(id) ?? 0n;
    return out;
  }

  private change(ds: DatasetMembership, delta: bigint): void {
    if (!ds.contribution || ds.contributorId === undefined || delta === 0n) return;
    const next = (this.tokens.get(ds.contributorId) ?? 0n) + delta;
    if (next === 0n) this.tokens.delete(ds.contributorId);
    else this.tokens.set(ds.contributorId, next);
    this.total += delta;
  }

  private addAllocations(currency: string, allocations: RunAllocation[] | undefined): void {
    for (const a of allocations ?? []) {
      const amount = BigInt(a.amount);
      if (amount === 0n) continue;
      const m = this.allocated.get(a.contributorId) ?? new Map<string, bigint>();
      m.set(currency, (m.get(currency) ?? 0n) + amount);
      this.allocated.set(a.contributorId, m);
    }
  }
}

/** One allocation line as recorded in a payout run event (integers as decimal-digit strings). */
export interface RunAllocation {
  contributorId: string;
  tokens: string;
  /** The allocation weight: tokens (snapshot) or token-milliseconds (time-weighted). */
  weight: string;
  /** Minor units. */
  amount: string;
}
