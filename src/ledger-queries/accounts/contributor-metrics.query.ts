import { Injectable } from '@nestjs/common';
import { assertContributorAccess, type Principal } from '@1tt/access';
import { ratioOf } from '@1tt/audit';
import {
  formatMinor,
  parseAlpha,
  parseNonNegativeAmount,
  payablePosition,
  poolAmountOf,
  type ConsumerScope,
  type PoolState,
} from '@1tt/ledger';
import { EligiblePool } from '../eligible-pool/eligible-pool.service';
import type { PointInTimeQuery } from '../../http/point-in-time.params';
import { LedgerReadModels } from '../ledger-read-models.service';
import { formatMoney, minorOf } from '../money-by-currency';
import { POOL_CONTRIBUTORS, POOL_TOTALS, POOL_TOTALS_ID, type PoolContributorDoc, type PoolTotalsDoc } from '../pool/pool.projection';
import { LATEST_REVENUE, type LatestRevenueDoc } from '../revenue/revenue.projection';
import { CONTRIBUTOR_ACCOUNTS, type ContributorAccountDoc } from './accounts.projection';
import { RevenueVisibilityPolicy } from '../revenue-visibility.policy';
import type { ContributorMetricsResponse } from './accounts.response.dto';

/**
 * GET /v1/contributors/{id}/metrics: the contributor's account (accounts
 * read model) joined with their pool share (pool) and the latest revenue per
 * consumer (revenue), all at one position.
 */
@Injectable()
export class ContributorMetricsQuery {
  constructor(
    private readonly rm: LedgerReadModels,
    private readonly visibility: RevenueVisibilityPolicy,
    private readonly eligible: EligiblePool,
  ) {}

  async metrics(principal: Principal, contributorId: string, query: PointInTimeQuery): Promise<ContributorMetricsResponse> {
    assertContributorAccess(principal, contributorId);
    const position = await this.rm.positionFor(query, ['pool', 'revenue', 'accounts']);
    const at = { atPosition: position };
    const [mine, totals, account] = await Promise.all([
      this.rm.store.get<PoolContributorDoc>(POOL_CONTRIBUTORS, contributorId, at),
      this.rm.store.get<PoolTotalsDoc>(POOL_TOTALS, POOL_TOTALS_ID, at),
      this.rm.store.get<ContributorAccountDoc>(CONTRIBUTOR_ACCOUNTS, contributorId, at),
    ]);
    const tokens = BigInt(mine?.doc.tokens ?? '0');
    const total = BigInt(totals?.doc.totalTokens ?? '0');
    const latest = await this.rm.all<LatestRevenueDoc>(LATEST_REVENUE, position);
    const seesGross = this.visibility.forPrincipal(principal);
    // Issue #14: each consumer pays for what its scope covers: the share is taken of its eligible pool (no scope: the whole pool).
    const shares = await this.sharesByConsumer(
      contributorId,
      latest.map((r) => r.consumerId),
      position,
      query,
    );
    const expectedByConsumer = latest.map((r) => {
      let amount = 0n;
      let pool = 0n;
      const share = shares.get(r.consumerId) ?? { tokens, totalTokens: total };
      try {
        pool = poolAmountOf(parseNonNegativeAmount(r.amount, r.currency), parseAlpha(r.alpha));
        // Exact share of R × α, floored to minor units (the allocation floors too before handing out leftovers).
        if (share.totalTokens > 0n) amount = (pool * share.tokens) / share.totalTokens;
      } catch {
        amount = 0n;
        pool = 0n;
      }
      return {
        poolMinor: pool,
        consumerId: r.consumerId,
        revenueId: r.revenueId,
        revenueAmount: r.amount,
        alpha: r.alpha,
        currency: r.currency,
        amountMinor: amount,
      };
    });
    const expected = new Map<string, bigint>();
    for (const e of expectedByConsumer) expected.set(e.currency, (expected.get(e.currency) ?? 0n) + e.amountMinor);
    const allocated = account?.doc.allocated ?? {};
    const paid = account?.doc.paidOut ?? {};
    const balance = new Map<string, bigint>();
    for (const c of new Set([...Object.keys(allocated), ...Object.keys(paid)])) balance.set(c, minorOf(allocated, c) - minorOf(paid, c));
    const currencies = [...new Set([...Object.keys(allocated), ...Object.keys(paid), ...expected.keys()])].sort();
    return {
      contributorId,
      position,
      contributionRatio: ratioOf(tokens, total),
      tokens: tokens.toString(),
      totalTokens: total.toString(),
      currentRevenue: formatMoney(allocated),
      expectedPayout: formatMoney(expected),
      paidOut: formatMoney(paid),
      balance: formatMoney(balance),
      payable: formatMoney(new Map([...balance].map(([c, v]) => [c, payablePosition(v).payable]))),
      recoverable: formatMoney(new Map([...balance].map(([c, v]) => [c, payablePosition(v).recoverable]))),
      currencies: currencies.map((c) => ({
        currency: c,
        currentRevenue: formatMinor(minorOf(allocated, c), c),
        expectedPayout: formatMinor(expected.get(c) ?? 0n, c),
        paidOut: formatMinor(minorOf(paid, c), c),
        balance: formatMinor(balance.get(c) ?? 0n, c),
        payable: formatMinor(payablePosition(balance.get(c) ?? 0n).payable, c),
        recoverable: formatMinor(payablePosition(balance.get(c) ?? 0n).recoverable, c),
      })),
      byConsumer: expectedByConsumer.map((e) => {
        const share = shares.get(e.consumerId) ?? { tokens, totalTokens: total, scope: undefined };
        return {
          consumerId: e.consumerId,
          scope: share.scope ?? null,
          eligibleTokens: share.tokens.toString(),
          totalEligibleTokens: share.totalTokens.toString(),
          contributionRatio: ratioOf(share.tokens, share.totalTokens),
          currency: e.currency,
          expectedPayout: formatMinor(e.amountMinor, e.currency),
        };
      }),
      expectedPayoutByConsumer: await Promise.all(
        expectedByConsumer.map(async (e) => {
          // A contributor sees R and α only where the consumer's agreement says revenueVisibility: gross; the pool amount always.
          const gross = await seesGross(e.consumerId);
          return {
            consumerId: e.consumerId,
            revenueId: e.revenueId,
            currency: e.currency,
            alpha: gross ? e.alpha : null,
            revenueAmount: gross ? e.revenueAmount : null,
            poolAmount: formatMinor(e.poolMinor, e.currency),
            amount: formatMinor(e.amountMinor, e.currency),
          };
        }),
      ),
    };
  }

  /**
   * The contributor's eligible tokens and ΣT_c for each consumer, under the
   * scope of its agreement in force, from the payout processor's pool fold
   * (the one its runs use). Unscoped consumers are left out: their share is
   * the pool read model's.
   */
  private async sharesByConsumer(
    contributorId: string,
    consumerIds: readonly string[],
    position: number,
    query: PointInTimeQuery,
  ): Promise<Map<string, { tokens: bigint; totalTokens: bigint; scope?: ConsumerScope }>> {
    const out = new Map<string, { tokens: bigint; totalTokens: bigint; scope?: ConsumerScope }>();
    const time = query.asOf ? new Date(query.asOf) : new Date();
    let pool: PoolState | undefined;
    for (const consumerId of consumerIds) {
      const terms = await this.eligible.termsOf(consumerId, position, time);
      if (!terms.scope) continue;
      pool ??= await this.eligible.at(position);
      out.set(consumerId, { ...pool.shareAt(position, contributorId, terms.scope), scope: terms.scope });
    }
    return out;
  }
}
