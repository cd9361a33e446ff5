import type { RecordedEvent } from '@1tt/event-store';
import { accounts, Balances, PoolState, type LoggedEvent, type RevenueReported } from '@1tt/ledger';

/**
 * What the payout processor folds from the log, strictly in position order:
 * the ledger's PoolState (the pool as of any position) and its Balances
 * (double-entry postings), from which a settlement learns how much was ever
 * allocated to a contributor.
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
  readonly balances = new Balances();
  /** Every report folded so far, with its position: a correction is re-allocated at its report's position. */
  readonly reports = new Map<string, { report: RevenueReported['data']; position: number }>();

  get position(): number {
    return this.state.lastPosition;
  }

  apply(e: RecordedEvent): void {
    if (e.position <= this.state.lastPosition) return;
    const d = (e.data ?? {}) as Record<string, unknown>;
    switch (e.type) {
      case 'DatasetUploaded':
        this.uploads.set(String(d.datasetId), {
          kind: String(d.kind ?? 'contribution'),
          contributorId: d.contributorId as string | undefined,
          consumerId: d.consumerId as string | undefined,
        });
        break;
      case 'DatasetTokensCounted': {
        const u = this.uploads.get(String(d.datasetId));
        if (u) u.tokens = String(d.tokens);
        break;
      }
      case 'DatasetAccepted':
        if (d.kind === undefined || d.tokens === undefined) {
          const u = this.uploads.get(String(d.datasetId));
          const completed = asLogged(e, {
            ...d,
            kind: u?.kind ?? 'reference',
            contributorId: u?.contributorId,
            consumerId: u?.consumerId,
            tokens: u?.tokens ?? '0',
          });
          this.state.apply(completed);
          this.balances.apply(completed);
          return;
        }
        break;
      case 'RevenueReported': {
        const report = e.data as RevenueReported['data'];
        if (typeof report?.revenueId === 'string' && !this.reports.has(report.revenueId))
          this.reports.set(report.revenueId, { report, position: e.position });
        break;
      }
      case 'DatasetRejected':
      case 'DatasetWithdrawn':
        this.uploads.delete(String(d.datasetId));
        break;
      default:
        break;
    }
    this.state.apply(e);
    this.balances.apply(e);
  }

  /** Minor units ever allocated to a contributor in a currency (payable + already paid), by the runs folded so far. */
  allocatedTo(contributorId: string, currency: string): bigint {
    return (
      this.balances.balance(accounts.contributorPayable(contributorId), currency) +
      this.balances.balance(accounts.contributorPaid(contributorId), currency)
    );
  }
}

function asLogged(e: RecordedEvent, data: unknown): LoggedEvent {
  return { type: e.type, data, position: e.position, metadata: { recordedAt: e.metadata.recordedAt } };
}
