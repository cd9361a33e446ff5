import type { ReadModelChange, ReadModelStore } from '@1tt/read-models';
import type { ChangeMessage } from '../change-feed/change-feed.service';
import { AUDIT_TRAIL } from './audit-trail/audit-trail.projection';
import { CONTRIBUTOR_ACCOUNTS, LEDGER_BALANCES } from './accounts/accounts.projection';
import { POOL_CONTRIBUTORS, POOL_TOTALS } from './pool/pool.projection';
import { LATEST_REVENUE, PAYOUT_ALLOCATIONS, PAYOUT_RUNS, REVENUE_REPORTS, type RevenueReportDoc } from './revenue/revenue.projection';

/** Beyond this many contributors touched in one batch, one message to all replaces one per contributor (clients re-read anyway). */
const MAX_PER_CONTRIBUTOR = 200;

const prefixOf = (id: string): string => id.split('\u0000')[0];
const suffixOf = (id: string): string => id.split('\u0000')[1] ?? '';

/**
 * SSE messages for one committed batch of a ledger projection. Scoping:
 * pool-wide totals (and the expected-payout basis) go to everyone; a
 * contributor's metrics, payouts and audit trail to that contributor; a
 * revenue report and its payout run to the consumer who funded it and to
 * the contributors it allocated to; ledger balances to admin and auditor.
 * Messages carry ids and positions only: clients re-read what they show.
 */
export async function changeMessages(store: ReadModelStore, change: ReadModelChange): Promise<ChangeMessage[]> {
  const position = change.position;
  const out: ChangeMessage[] = [];
  const ids = (collection: string): string[] => [...new Set(change.changes.filter((c) => c.collection === collection).map((c) => c.id))];
  const perContributor = (type: string, contributorIds: string[]): void => {
    if (contributorIds.length === 0) return;
    if (contributorIds.length > MAX_PER_CONTRIBUTOR) {
      out.push({ type, data: { contributorId: null }, audience: { public: true }, position });
      return;
    }
    for (const contributorId of contributorIds)
      out.push({ type, data: { contributorId }, audience: { contributorIds: [contributorId] }, position });
  };

  if (ids(POOL_TOTALS).length > 0 || ids(POOL_CONTRIBUTORS).length > 0) {
    out.push({ type: 'pool.changed', data: {}, audience: { public: true }, position });
    perContributor('contributor.metrics.changed', ids(POOL_CONTRIBUTORS));
  }
  if (ids(LATEST_REVENUE).length > 0) out.push({ type: 'expected-payout.changed', data: {}, audience: { public: true }, position });
  for (const revenueId of ids(REVENUE_REPORTS)) {
    const report = await store.get<RevenueReportDoc>(REVENUE_REPORTS, revenueId, { atPosition: position });
    out.push({ type: 'revenue.changed', data: { revenueId }, audience: { consumerIds: report ? [report.doc.consumerId] : [] }, position });
  }
  const allocated = ids(PAYOUT_ALLOCATIONS);
  for (const revenueId of ids(PAYOUT_RUNS)) {
    const report = await store.get<RevenueReportDoc>(REVENUE_REPORTS, revenueId, { atPosition: position });
    const contributorIds = allocated.filter((id) => prefixOf(id) === revenueId).map(suffixOf);
    out.push({
      type: 'payout-run.completed',
      data: { revenueId },
      audience: { consumerIds: report ? [report.doc.consumerId] : [], contributorIds },
      position,
    });
  }
  perContributor('contributor.metrics.changed', ids(CONTRIBUTOR_ACCOUNTS));
  perContributor('contributor.audit-trail.changed', [...new Set(ids(AUDIT_TRAIL).map(prefixOf))]);
  if (ids(LEDGER_BALANCES).length > 0) out.push({ type: 'balances.changed', data: {}, audience: {}, position });
  return out;
}
