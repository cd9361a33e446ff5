import type { RecordedEvent } from '@1tt/event-store';
import { parseNonNegativeAmount, PoolState, type LoggedEvent, type PayoutRunAllocationsRecorded } from '@1tt/ledger';

/**
 * What the payout processor folds from the log, strictly in position order:
 * the ledger's PoolState (the pool as of any position) and the minor units
 * allocated to each contributor by the runs recorded so far (what a
 * settlement may pay off).
 *
 * The upload pipeline (@1tt/dataset-processing) records DatasetAccepted
 * with the dataset id only; the ledger's catalogue has it carry the owner
 * and the tokens. Both shapes are accepted: a thin DatasetAccepted is
 * completed from the DatasetUploaded and DatasetTokensCounted events of the
 * same dataset before it reaches PoolState.
 */
export class PayoutPool {
  readonly state = new PoolState();
  private readonly uploads = new Map<string, { kind: string; contributorId?: string; consumerId?: string; tokens?: string }>();
  private readonly allocated = new Map<string, Map<string, bigint>>();

  get position(): number {
    return this.state.lastPosition;
  }

  apply(e: RecordedEvent): void {
    if (e.position <= this.state.lastPosition) return;
    const d = (e.data ?? {}) as Record<string, unknown>;
    switch (e.type) {
      case 'DatasetUploaded':
        this.uploads.set(String(d.datasetId), { kind: String(d.kind ?? 'contribution'), contributorId: d.contributorId as string | undefined, consumerId: d.consumerId as string | undefined });
        break;
      case 'DatasetTokensCounted': {
        const u = this.uploads.get(String(d.datasetId));
        if (u) u.tokens = String(d.tokens);
        break;
      }
      case 'DatasetAccepted':
        if (d.kind === undefined || d.tokens === undefined) {
          const u = this.uploads.get(String(d.datasetId));
          this.state.apply(asLogged(e, { ...d, kind: u?.kind ?? 'reference', contributorId: u?.contributorId, consumerId: u?.consumerId, tokens: u?.tokens ?? '0' }));
          return;
        }
        break;
      case 'DatasetRejected':
      case 'DatasetWithdrawn':
        this.uploads.delete(String(d.datasetId));
        break;
      case 'PayoutRunAllocationsRecorded':
        this.addAllocations(d as unknown as PayoutRunAllocationsRecorded['data']);
        break;
      default:
        break;
    }
    this.state.apply(e);
  }

  /** Minor units allocated to a contributor in a currency by every run folded so far. */
  allocatedTo(contributorId: string, currency: string): bigint {
    return this.allocated.get(contributorId)?.get(currency) ?? 0n;
  }

  private addAllocations(chunk: PayoutRunAllocationsRecorded['data']): void {
    for (const a of chunk.allocations ?? []) {
      const amount = parseNonNegativeAmount(a.amount, chunk.currency);
      if (amount === 0n) continue;
      const m = this.allocated.get(a.contributorId) ?? new Map<string, bigint>();
      m.set(chunk.currency, (m.get(chunk.currency) ?? 0n) + amount);
      this.allocated.set(a.contributorId, m);
    }
  }
}

function asLogged(e: RecordedEvent, data: unknown): LoggedEvent {
  return { type: e.type, data, position: e.position, metadata: { recordedAt: e.metadata.recordedAt } };
}
