import { Injectable } from '@nestjs/common';
import Decimal from 'decimal.js';
import { assertConsumerAccess, assertContributorAccess, canReadConsumer, seesEverything, type Principal } from '@1tt/access';
import { NotFoundError, ValidationError } from '@1tt/domain-errors';
import { InvalidPosition, type RecordedEvent } from '@1tt/event-store';
import { formatMinor, parseAlpha, parseNonNegativeAmount, payablePosition, poolAmountOf } from '@1tt/ledger';
import type { ReadModelDocument } from '@1tt/read-models';
import { CONTRIBUTOR_ACCOUNTS, CONTRIBUTOR_PAYOUTS, type ContributorAccountDoc, type ContributorPayoutDoc } from './accounts.projection';
import { AUDIT_TRAIL, type AuditTrailDoc } from './audit-trail.projection';
import { AuditVerifier } from './audit-verify/audit-verifier.service';
import { LedgerReadModels, type LedgerProjectionName } from './ledger-read-models.service';
import { formatMoney, minorOf } from './money-by-currency';
import { answerPosition, requestedPosition, type PointInTimeQuery } from './point-in-time.query';
import {
  POOL_CONTRIBUTORS,
  POOL_DATASETS,
  POOL_TOTALS,
  POOL_TOTALS_ID,
  type PoolContributorDoc,
  type PoolDatasetDoc,
  type PoolTotalsDoc,
} from './pool.projection';
import {
  allocationId,
  LATEST_REVENUE,
  PAYOUT_ALLOCATIONS,
  PAYOUT_RUNS,
  REVENUE_LOG,
  REVENUE_REPORTS,
  type LatestRevenueDoc,
  type PayoutAllocationDoc,
  type PayoutRunDoc,
  type RevenueReportDoc,
} from './revenue.projection';
import type {
  AuditEventsResponse,
  AuditTrailPage,
  AuditVerifyResponse,
  ContributorMetricsResponse,
  ContributorPayoutsPage,
  PayoutRunResponse,
  PoolResponse,
  RevenueListItem,
  RevenueListPage,
  RevenueResponse,
} from './ledger-queries.response.dto';

/** Ratios: decimal strings with this many decimals, rounded down (as the audit replay shows them). */
export const RATIO_DECIMALS = 12;

export function ratioOf(part: bigint | string, whole: bigint | string): string {
  if (BigInt(whole) === 0n) return '0';
  return new Decimal(part.toString()).div(whole.toString()).toDecimalPlaces(RATIO_DECIMALS, Decimal.ROUND_DOWN).toFixed();
}

export interface PageQuery {
  cursor?: string;
  limit?: string;
}

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

export function parseLimit(limit: string | undefined, fallback = DEFAULT_LIMIT): number {
  if (limit === undefined || limit === '') return fallback;
  if (!/^\d{1,4}$/.test(limit) || Number(limit) < 1 || Number(limit) > MAX_LIMIT) {
    throw new ValidationError('invalid-limit', `limit must be a whole number from 1 to ${MAX_LIMIT}`, {
      field: 'limit',
      hint: 'E.g. limit=100.',
    });
  }
  return Number(limit);
}

/**
 * The ledger's read side: every answer is read at ONE log position
 * (min(requested, the checkpoints of the read models it joins)), so
 * figures from different read models never mix two moments, and the
 * response says which position that was.
 */
@Injectable()
export class LedgerQueries {
  constructor(
    private readonly rm: LedgerReadModels,
    private readonly verifier: AuditVerifier,
  ) {}

  private get store() {
    return this.rm.store;
  }

  /** The position to read at for a request, after validating asOf/atPosition. */
  async positionFor(query: PointInTimeQuery, models: readonly LedgerProjectionName[]): Promise<number> {
    const requested = await requestedPosition(this.rm.events, query);
    return answerPosition(requested, await this.rm.readablePosition(models));
  }

  async pool(principal: Principal, query: PointInTimeQuery & PageQuery & { includeDatasets?: string }): Promise<PoolResponse> {
    const position = await this.positionFor(query, ['pool']);
    const at = { atPosition: position };
    const totals = await this.store.get<PoolTotalsDoc>(POOL_TOTALS, POOL_TOTALS_ID, at);
    const totalTokens = totals?.doc.totalTokens ?? '0';
    const page = await this.store.find<PoolContributorDoc>(POOL_CONTRIBUTORS, {
      ...at,
      after: query.cursor || undefined,
      limit: parseLimit(query.limit, MAX_LIMIT),
    });
    // Datasets: a contributor sees only their own; admin/auditor ask for them (includeDatasets=true) since they cost one query per entry.
    const showDatasets = (id: string): boolean =>
      (principal.role === 'contributor' && principal.subjectId === id) || (seesEverything(principal) && query.includeDatasets === 'true');
    const contributors = [];
    for (const { doc } of page.items) {
      contributors.push({
        contributorId: doc.contributorId,
        tokens: doc.tokens,
        ratio: ratioOf(doc.tokens, totalTokens),
        ...(showDatasets(doc.contributorId) ? { datasets: await this.poolDatasets(doc.contributorId, position) } : {}),
      });
    }
    return { position, totalTokens, contributorCount: totals?.doc.contributors ?? 0, contributors, nextCursor: page.nextCursor ?? null };
  }

  private async poolDatasets(contributorId: string, atPosition: number): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    let after: string | undefined;
    do {
      const page = await this.store.find<PoolDatasetDoc>(POOL_DATASETS, {
        where: { contributorId, status: 'accepted' },
        atPosition,
        after,
        limit: MAX_LIMIT,
      });
      for (const { doc } of page.items) out[doc.datasetId] = doc.tokens;
      after = page.nextCursor;
    } while (after);
    return out;
  }

  async metrics(principal: Principal, contributorId: string, query: PointInTimeQuery): Promise<ContributorMetricsResponse> {
    assertContributorAccess(principal, contributorId);
    const position = await this.positionFor(query, ['pool', 'revenue', 'accounts']);
    const at = { atPosition: position };
    const [mine, totals, account] = await Promise.all([
      this.store.get<PoolContributorDoc>(POOL_CONTRIBUTORS, contributorId, at),
      this.store.get<PoolTotalsDoc>(POOL_TOTALS, POOL_TOTALS_ID, at),
      this.store.get<ContributorAccountDoc>(CONTRIBUTOR_ACCOUNTS, contributorId, at),
    ]);
    const tokens = BigInt(mine?.doc.tokens ?? '0');
    const total = BigInt(totals?.doc.totalTokens ?? '0');
    const latest = await this.all<LatestRevenueDoc>(LATEST_REVENUE, position);
    const expectedByConsumer = latest.map((r) => {
      let amount = 0n;
      try {
        const pool = poolAmountOf(parseNonNegativeAmount(r.amount, r.currency), parseAlpha(r.alpha));
        // Exact share of R × α, floored to minor units (the allocation floors too before handing out leftovers).
        if (total > 0n) amount = (pool * tokens) / total;
      } catch {
        amount = 0n;
      }
      return {
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
      expectedPayoutByConsumer: expectedByConsumer.map((e) => ({
        consumerId: e.consumerId,
        revenueId: e.revenueId,
        currency: e.currency,
        alpha: e.alpha,
        revenueAmount: e.revenueAmount,
        amount: formatMinor(e.amountMinor, e.currency),
      })),
    };
  }

  async revenue(principal: Principal, revenueId: string, query: PointInTimeQuery): Promise<RevenueResponse> {
    const position = await this.positionFor(query, ['revenue']);
    const report = await this.store.get<RevenueReportDoc>(REVENUE_REPORTS, revenueId, { atPosition: position });
    // Another consumer's report answers exactly as a missing one: the same status, code and text, no owner id.
    if (!report || !canReadConsumer(principal, report.doc.consumerId))
      throw new NotFoundError(
        'revenue-not-found',
        `No revenue report ${revenueId}${query.asOf || query.atPosition ? ' at that point in time' : ''}`,
      );
    return { ...(await this.revenueItem(report.doc, position)), position };
  }

  /**
   * Revenue reports in the order they were reported. A consumer lists its
   * own (naming another consumer is a 403: the list is not a way to probe
   * who reports); auditor and admin list all, or one consumer's.
   */
  async revenueList(principal: Principal, query: PointInTimeQuery & PageQuery & { consumerId?: string }): Promise<RevenueListPage> {
    const consumerId = query.consumerId === '' ? undefined : query.consumerId;
    if (consumerId !== undefined && typeof consumerId !== 'string') {
      throw new ValidationError('invalid-consumer-id', 'consumerId must be given once', {
        field: 'consumerId',
        hint: 'E.g. consumerId=<id>.',
      });
    }
    if (principal.role === 'consumer') assertConsumerAccess(principal, consumerId ?? principal.subjectId, { resource: 'revenue reports' });
    const owner = principal.role === 'consumer' ? principal.subjectId : consumerId;
    const position = await this.positionFor(query, ['revenue']);
    const page = await this.store.find<RevenueReportDoc>(REVENUE_LOG, {
      where: owner === undefined ? undefined : { consumerId: owner },
      atPosition: position,
      after: query.cursor || undefined,
      limit: parseLimit(query.limit),
    });
    const items: RevenueListItem[] = [];
    for (const { doc } of page.items) items.push(await this.revenueItem(doc, position));
    return { position, items, nextCursor: page.nextCursor ?? null };
  }

  private async revenueItem(r: RevenueReportDoc, position: number): Promise<RevenueListItem> {
    const run = await this.store.get<PayoutRunDoc>(PAYOUT_RUNS, r.revenueId, { atPosition: position });
    return {
      revenueId: r.revenueId,
      consumerId: r.consumerId,
      status: r.status,
      amount: r.amount,
      currency: r.currency,
      alpha: r.alpha,
      periodStart: r.periodStart,
      periodEnd: r.periodEnd,
      recordedAt: r.recordedAt,
      reportPosition: r.position,
      payoutRun: run ? runSummary(run.doc) : null,
      currentAmount: r.correctedAmount ?? r.amount,
      corrections: (r.corrections ?? []).map((c) => ({
        correctionId: c.correctionId,
        previousAmount: c.previousAmount,
        amount: c.amount,
        reversal: c.reversal,
        reason: c.reason,
        position: c.position,
        recordedAt: c.recordedAt,
        adjustedAt: c.adjustedAt,
      })),
    };
  }

  async payoutRun(principal: Principal, revenueId: string, query: PointInTimeQuery & PageQuery): Promise<PayoutRunResponse> {
    const position = await this.positionFor(query, ['revenue']);
    const at = { atPosition: position };
    const run = await this.store.get<PayoutRunDoc>(PAYOUT_RUNS, revenueId, at);
    const notFound = (): never => {
      throw new NotFoundError(
        'payout-run-not-found',
        `No payout run for revenue ${revenueId}${query.asOf || query.atPosition ? ' at that point in time' : ' (yet)'}`,
        {
          hint: 'The run follows its revenue report; retry shortly.',
        },
      );
    };
    if (!run) return notFound();
    const doc = run.doc;
    let allocations: PayoutAllocationDoc[];
    let nextCursor: string | null = null;
    if (principal.role === 'contributor') {
      // A contributor sees the run's summary and only their own share: other contributors' amounts are theirs.
      const own = await this.store.get<PayoutAllocationDoc>(PAYOUT_ALLOCATIONS, allocationId(revenueId, principal.subjectId), at);
      allocations = own ? [own.doc] : [];
    } else {
      if (principal.role === 'consumer' && principal.subjectId !== doc.consumerId) return notFound();
      const page = await this.store.find<PayoutAllocationDoc>(PAYOUT_ALLOCATIONS, {
        where: { revenueId },
        atPosition: position,
        after: query.cursor || undefined,
        limit: parseLimit(query.limit),
      });
      allocations = page.items.map((i) => i.doc);
      nextCursor = page.nextCursor ?? null;
    }
    return {
      ...runSummary(doc),
      position,
      allocations: allocations.map((a) => ({
        contributorId: a.contributorId,
        tokens: a.tokens,
        ratio: ratioOf(a.tokens, doc.totalTokens),
        amount: formatMinor(BigInt(a.amountMinor), a.currency),
        netAmount: formatMinor(BigInt(a.netMinor ?? a.amountMinor), a.currency),
      })),
      adjustments: allocations.flatMap((a) =>
        (a.adjustments ?? []).map((x) => ({
          correctionId: x.correctionId,
          contributorId: a.contributorId,
          amount: formatMinor(BigInt(x.amountMinor), a.currency),
          position: x.position,
        })),
      ),
      net: doc.net
        ? {
            amount: doc.net.amount,
            poolAmount: formatMinor(BigInt(doc.net.poolAmountMinor), doc.currency),
            remainder: formatMinor(BigInt(doc.net.remainderMinor), doc.currency),
            unallocated: formatMinor(BigInt(doc.net.unallocatedMinor), doc.currency),
            allocated: formatMinor(BigInt(doc.net.allocatedMinor), doc.currency),
            rootHash: doc.net.rootHash,
            corrections: doc.net.corrections,
          }
        : null,
      nextCursor,
    };
  }

  async payouts(principal: Principal, contributorId: string, query: PointInTimeQuery & PageQuery): Promise<ContributorPayoutsPage> {
    assertContributorAccess(principal, contributorId);
    const position = await this.positionFor(query, ['accounts', 'revenue']);
    const page = await this.store.find<ContributorPayoutDoc>(CONTRIBUTOR_PAYOUTS, {
      where: { contributorId },
      atPosition: position,
      after: query.cursor || undefined,
      limit: parseLimit(query.limit),
    });
    const runs = new Map<string, PayoutRunDoc | undefined>();
    for (const item of page.items) {
      const id = item.doc.revenueId;
      // ΣT (for the ratio) is on the run's summary.
      if (item.doc.kind === 'allocation' && id && !runs.has(id))
        runs.set(id, (await this.store.get<PayoutRunDoc>(PAYOUT_RUNS, id, { atPosition: position }))?.doc);
    }
    return {
      contributorId,
      position,
      items: page.items.map(({ doc }) => ({
        kind: doc.kind,
        position: doc.position,
        recordedAt: doc.recordedAt,
        revenueId: doc.revenueId,
        consumerId: doc.consumerId,
        tokens: doc.tokens,
        ratio:
          doc.tokens !== null && doc.revenueId && runs.get(doc.revenueId)
            ? ratioOf(doc.tokens, runs.get(doc.revenueId)!.totalTokens)
            : null,
        amount: formatMinor(BigInt(doc.amountMinor), doc.currency),
        currency: doc.currency,
        reference: doc.reference,
        ...(doc.kind === 'adjustment' ? { correctionId: doc.correctionId ?? null } : {}),
      })),
      nextCursor: page.nextCursor ?? null,
    };
  }

  async auditTrail(principal: Principal, contributorId: string, query: PointInTimeQuery & PageQuery): Promise<AuditTrailPage> {
    assertContributorAccess(principal, contributorId);
    const position = await this.positionFor(query, ['auditTrail']);
    const page = await this.store.find<AuditTrailDoc>(AUDIT_TRAIL, {
      where: { contributorId },
      atPosition: position,
      after: query.cursor || undefined,
      limit: parseLimit(query.limit),
    });
    return {
      contributorId,
      position,
      items: page.items.map(({ doc }) => ({
        position: doc.position,
        type: doc.type,
        time: doc.time,
        streamName: doc.streamName,
        revision: doc.revision,
        eventId: doc.eventId,
        data: doc.data,
        dataComplete: doc.dataComplete,
        hash: doc.hash,
        prevHash: doc.prevHash,
      })),
      nextCursor: page.nextCursor ?? null,
    };
  }

  /** The raw log (auditor, admin): events from fromPosition up to the point in time asked for. */
  async auditEvents(query: PointInTimeQuery & { fromPosition?: string; limit?: string }): Promise<AuditEventsResponse> {
    const requested = await requestedPosition(this.rm.events, query);
    const head = await this.rm.events.headPosition();
    const position = requested === undefined ? head : Math.min(requested, head);
    if (query.fromPosition !== undefined && query.fromPosition !== '' && !/^\d{1,15}$/.test(query.fromPosition)) {
      throw new ValidationError('invalid-from-position', 'fromPosition must be a whole number', {
        field: 'fromPosition',
        hint: 'E.g. fromPosition=1.',
      });
    }
    const from = Math.max(1, Number(query.fromPosition || 1));
    const limit = parseLimit(query.limit);
    const items: AuditEventsResponse['items'] = [];
    // Positions are opaque cursors (gaps on EventStoreDB and PostgreSQL): the
    // next page starts at the position of the first event not on this page,
    // read one past the limit, never at "last + 1".
    let nextPosition: number | null = null;
    if (from <= position) {
      try {
        for await (const e of this.rm.events.readAll({
          fromPosition: from,
          toPosition: position,
          maxCount: limit + 1,
          pageSize: limit + 1,
        })) {
          if (items.length === limit) {
            nextPosition = e.position;
            break;
          }
          items.push(rawEvent(e));
        }
      } catch (e) {
        if (e instanceof InvalidPosition) {
          throw new ValidationError('invalid-from-position', `fromPosition ${from} is not the position of an event in this log`, {
            field: 'fromPosition',
            hint: 'Use 1 for the start, an event position, or the nextPosition of the previous page.',
          });
        }
        throw e;
      }
    }
    return { position, items, nextPosition };
  }

  /**
   * Verifies the log up to the point in time: every stream's hash chain and
   * every payout run recomputed from the events (the audit lib's ledger
   * audit, the same code the offline verifier runs), in one pass on a worker
   * thread, with bounded concurrency (AuditVerifier).
   */
  async verify(query: PointInTimeQuery): Promise<AuditVerifyResponse> {
    const requested = await requestedPosition(this.rm.events, query);
    const head = await this.rm.events.headPosition();
    const position = requested === undefined ? head : Math.min(requested, head);
    const result = await this.verifier.verify(this.rm.events, position);
    return { ok: result.ok, position, checkedEvents: result.checkedEvents, problems: result.problems, summary: result.summary };
  }

  private async all<T extends ReadModelDocument>(collection: string, atPosition: number): Promise<T[]> {
    const out: T[] = [];
    let after: string | undefined;
    do {
      const page = await this.store.find<T>(collection, { atPosition, after, limit: MAX_LIMIT });
      out.push(...page.items.map((i) => i.doc));
      after = page.nextCursor;
    } while (after);
    return out;
  }
}

function runSummary(doc: PayoutRunDoc) {
  return {
    revenueId: doc.revenueId,
    consumerId: doc.consumerId,
    status: doc.status,
    runPosition: doc.position,
    policy: doc.policy,
    totalWeight: doc.totalWeight,
    unallocated: doc.currency ? formatMinor(BigInt(doc.unallocatedMinor ?? '0'), doc.currency) : '0',
    completedAt: doc.completedAt,
    poolPosition: doc.poolPosition,
    totalTokens: doc.totalTokens,
    currency: doc.currency,
    poolAmount: doc.currency ? formatMinor(BigInt(doc.poolAmountMinor), doc.currency) : doc.poolAmountMinor,
    remainder: doc.currency ? formatMinor(BigInt(doc.remainderMinor), doc.currency) : doc.remainderMinor,
    rootHash: doc.rootHash,
    roundingRule: doc.roundingRule,
    allocationCount: doc.allocationCount,
  };
}

function rawEvent(e: RecordedEvent) {
  return {
    position: e.position,
    id: e.id,
    streamName: e.streamName,
    revision: e.revision,
    type: e.type,
    time: e.metadata.recordedAt,
    data: e.data,
    metadata: e.metadata as unknown as Record<string, unknown>,
    prevHash: e.prevHash,
    hash: e.hash,
  };
}
