import type { RecordedEvent } from '@1tt/event-store';
import { canonicalJson } from '@1tt/canonical-json';
import {
  formatMinor,
  parseNonNegativeAmount,
  type PayoutRunEvent,
  type PayoutSettled,
  type RecordedAllocation,
  type RevenueReported,
} from '@1tt/ledger';
import { LedgerReplay, type Positioned, type RecordedRun, type RevenueState } from '../replay/ledger-replay';
import type { EventAudit } from './log-verifier';
import type { VerifyProblem } from './verify-problem';

type Report = (p: VerifyProblem) => void;
type Where = Pick<VerifyProblem, 'position' | 'streamName' | 'revision' | 'eventType' | 'eventId' | 'line'>;

const kebab = (field: string): string => field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Completed fields in the order an auditor reads them: the first that differs is the one named. */
const RUN_FIELDS = [
  'revenueId',
  'consumerId',
  'poolPosition',
  'policy',
  'currency',
  'amount',
  'alpha',
  'periodStart',
  'periodEnd',
  'totalTokens',
  'totalWeight',
  'poolAmount',
  'remainder',
  'unallocated',
  'allocated',
  'allocationCount',
  'chunkCount',
  'roundingRuleVersion',
  'rootHash',
];

/**
 * Recomputes the ledger from the events alone, with @1tt/ledger's own code
 * (LedgerReplay), and compares it with what the log recorded:
 *  - every revenue report against the agreement in force when it was made
 *    (α, currency, policy, effectiveFrom copied into the report);
 *  - every DatasetAccepted's tokens against its DatasetTokensCounted;
 *  - every payout run (PayoutRunStarted, each PayoutRunAllocationsRecorded
 *    chunk, PayoutRunCompleted), field by field and allocation by
 *    allocation, against computePayoutRun over the pool as of its report
 *    (snapshot or time-weighted, α remainder, unallocated, root hash);
 *  - every settlement against the contributor's payable balance;
 *  - a report left unpaid while a later report was paid (the processor
 *    follows the log in order: typically an inserted report).
 * The first difference of a run is reported at the event that holds it.
 */
export function createLedgerAudit(replay = new LedgerReplay()): EventAudit & { replay: LedgerReplay } {
  const unpaid = new Map<string, RevenueState>();
  let runsChecked = 0;
  let allocationsChecked = 0;
  let reports = 0;
  let settlements = 0;

  function onEvent(e: RecordedEvent, line: number, report: Report): void {
    const at: Where = { position: e.position, streamName: e.streamName, revision: e.revision, eventType: e.type, eventId: e.id, line };
    if (e.position <= replay.position) return; // out of order: the chain checks name it
    const d = (e.data ?? {}) as Record<string, unknown>;
    try {
      switch (e.type) {
        case 'RevenueReported':
          reports += 1;
          checkRevenue(e.data as RevenueReported['data'], at, report);
          break;
        case 'DatasetAccepted': {
          const counted = replay.countedTokens.get(String(d.datasetId));
          if (counted === undefined) {
            report({
              ...at,
              code: 'dataset-accepted-uncounted',
              message: `dataset ${String(d.datasetId)} is accepted with ${String(d.tokens)} tokens but no token count was recorded for it before`,
            });
          } else if (counted !== d.tokens) {
            report({
              ...at,
              code: 'dataset-tokens-differ',
              message: `dataset ${String(d.datasetId)} enters the pool with ${String(d.tokens)} tokens, but its DatasetTokensCounted says ${counted}`,
              expected: counted,
              actual: d.tokens,
            });
          }
          break;
        }
        case 'PayoutRunStarted':
          if (!replay.revenue.has(String(d.revenueId))) {
            report({
              ...at,
              code: 'payout-run-without-revenue',
              message: `payout run for revenue ${String(d.revenueId)}, which no earlier event reports`,
            });
          } else if (replay.runs.has(String(d.revenueId)) || replay.inProgress.has(String(d.revenueId))) {
            report({ ...at, code: 'payout-run-duplicate', message: `revenue ${String(d.revenueId)} is paid out a second time` });
          }
          break;
        case 'PayoutRunAllocationsRecorded':
        case 'PayoutRunCompleted':
          if (!replay.inProgress.get(String(d.revenueId))?.started) {
            report({
              ...at,
              code: 'payout-run-not-started',
              message: `${e.type} for revenue ${String(d.revenueId)} without a PayoutRunStarted before it (in its stream)`,
            });
          }
          break;
        case 'PayoutSettled': {
          settlements += 1;
          const s = e.data as PayoutSettled['data'];
          const amount = parseNonNegativeAmount(s.amount, s.currency);
          const payable = replay.payable(s.contributorId, s.currency);
          if (amount > payable) {
            report({
              ...at,
              code: 'settlement-exceeds-payable',
              message: `settles ${s.amount} ${s.currency} to ${s.contributorId} whose payable balance was ${formatMinor(payable, s.currency)} ${s.currency}`,
              expected: `<= ${formatMinor(payable, s.currency)}`,
              actual: s.amount,
            });
          }
          break;
        }
      }
      const alreadyPaid = e.type === 'PayoutRunCompleted' && replay.revenue.get(String(d.revenueId))?.paid === true;
      const recorded = replay.apply(e);
      if (e.type === 'RevenueReported') {
        const r = replay.revenue.get(String(d.revenueId));
        if (r && r.position === e.position) unpaid.set(r.revenueId, r);
      }
      if (recorded && !alreadyPaid) checkRun(recorded, report);
    } catch (err) {
      report({ ...at, code: 'malformed-event', message: `the ledger cannot read this ${e.type}: ${(err as Error).message}` });
    }
  }

  function checkRevenue(r: RevenueReported['data'], at: Where, report: Report): void {
    if (replay.revenue.has(r.revenueId)) {
      report({ ...at, code: 'revenue-duplicate', message: `revenue ${r.revenueId} is reported a second time` });
      return;
    }
    if (!replay.consumers.has(r.consumerId)) {
      report({
        ...at,
        code: 'revenue-unknown-consumer',
        message: `revenue reported for consumer ${r.consumerId}, who is not registered before it`,
      });
      return;
    }
    const agreement = replay.agreementAt(r.consumerId, r.reportedAt);
    if (!agreement) {
      report({
        ...at,
        code: 'revenue-without-agreement',
        message: `consumer ${r.consumerId} had no revenue-share agreement in force at ${r.reportedAt}`,
      });
      return;
    }
    const expected = {
      alpha: agreement.alpha,
      currency: agreement.currency,
      policy: agreement.policy,
      agreementEffectiveFrom: agreement.effectiveFrom,
    };
    const actual = { alpha: r.alpha, currency: r.currency, policy: r.policy, agreementEffectiveFrom: r.agreementEffectiveFrom };
    for (const k of Object.keys(expected) as Array<keyof typeof expected>) {
      if (expected[k] !== actual[k]) {
        report({
          ...at,
          code: 'revenue-agreement-mismatch',
          message: `the report's ${k} is ${String(actual[k])} but the agreement in force at ${r.reportedAt} (position ${agreement.position}) says ${expected[k]}`,
          expected,
          actual,
        });
        return;
      }
    }
  }

  function checkRun(recorded: RecordedRun, report: Report): void {
    const c = recorded.completed;
    const where = (p: Positioned<unknown>): Where => ({
      position: p.position,
      streamName: p.streamName,
      revision: p.revision,
      eventType: p.type,
      eventId: p.id,
    });
    const r = replay.revenue.get(c.data.revenueId);
    if (!r) return; // reported at PayoutRunStarted
    runsChecked += 1;
    for (const earlier of unpaid.values()) {
      if (earlier.position >= r.position) break;
      report({
        position: earlier.position,
        streamName: `revenue-${earlier.revenueId}`,
        eventType: 'RevenueReported',
        code: 'revenue-never-paid',
        message: `revenue report ${earlier.revenueId} was never paid out although the later report ${r.revenueId} (position ${r.position}) was: it was inserted after the fact, or its payout run was removed`,
      });
      unpaid.delete(earlier.revenueId);
    }
    unpaid.delete(r.revenueId);

    const x = replay.expectedRun(r);
    const what = `payout run for revenue ${r.revenueId}`;
    const cur = x.completed.currency;
    const started = x.events[0] as Extract<PayoutRunEvent, { type: 'PayoutRunStarted' }>;
    if (recorded.started) {
      const diff = firstFieldDifference(started.data, recorded.started.data, Object.keys(started.data));
      if (diff) {
        report({
          ...where(recorded.started),
          code: `payout-${kebab(diff.field)}-differs`,
          message: `${what}: ${diff.field} ${diff.actual}, recomputed from the log ${diff.expected}`,
          ...diff.values,
        });
        return;
      }
    }

    // Allocations, in the recorded order, against the recomputed list (both in contributorId order).
    const expected: RecordedAllocation[] = [];
    for (const ev of x.events) if (ev.type === 'PayoutRunAllocationsRecorded') for (const a of ev.data.allocations) expected.push(a);
    let i = 0;
    for (const chunk of recorded.chunks) {
      for (const a of chunk.data.allocations ?? []) {
        allocationsChecked += 1;
        const want = expected[i];
        if (!want || want.contributorId !== a.contributorId) {
          const listed = expected.find((w) => w.contributorId === a.contributorId);
          report({
            ...where(chunk),
            code: listed ? 'payout-allocation-order-differs' : 'payout-allocation-unexpected',
            message: listed
              ? `${what}: contributor ${a.contributorId} is listed out of place (recomputed order has ${want?.contributorId ?? 'nothing'} here)`
              : `${what}: allocates ${a.amount} ${cur} to ${a.contributorId}, who had no weight in the pool at position ${r.position}`,
            expected: want ?? null,
            actual: a,
          });
          return;
        }
        for (const field of ['tokens', 'weight', 'amount'] as const) {
          if (want[field] !== a[field]) {
            const unit = field === 'amount' ? ` ${cur}` : '';
            report({
              ...where(chunk),
              code: `payout-allocation-${field}-differs`,
              message: `${what}: contributor ${a.contributorId} has ${field} ${a[field]}${unit}, recomputed ${want[field]}${unit} from the pool as of position ${r.position}`,
              expected: `${want[field]}${unit}`,
              actual: `${a[field]}${unit}`,
            });
            return;
          }
        }
        i += 1;
      }
    }
    if (i < expected.length) {
      const missing = expected[i];
      report({
        ...where(c),
        code: 'payout-allocation-missing',
        message: `${what}: no allocation for contributor ${missing.contributorId}, recomputed ${missing.amount} ${cur} for weight ${missing.weight}`,
        expected: missing,
        actual: null,
      });
      return;
    }
    const diff = firstFieldDifference(x.completed, c.data, [...RUN_FIELDS, ...Object.keys(x.completed)]);
    if (diff) {
      report({
        ...where(c),
        code: `payout-${kebab(diff.field)}-differs`,
        message: `${what}: ${diff.field} ${diff.actual}, recomputed from the log ${diff.expected}`,
        ...diff.values,
      });
      return;
    }
    // Same allocations and totals: what is left is how they were cut into chunks, or a field the ledger does not know.
    const chunksWant = x.events.filter((ev) => ev.type === 'PayoutRunAllocationsRecorded');
    for (let k = 0; k < Math.max(chunksWant.length, recorded.chunks.length); k++) {
      const got = recorded.chunks[k];
      const want = chunksWant[k];
      if (!got || !want || canonicalJson(got.data) !== canonicalJson(want.data)) {
        report({
          ...where(got ?? c),
          code: 'payout-chunk-differs',
          message: `${what}: allocation chunk ${k} differs from its recomputation (chunk boundaries or extra fields)`,
        });
        return;
      }
    }
    if (recorded.started && canonicalJson(recorded.started.data) !== canonicalJson(started.data)) {
      report({
        ...where(recorded.started),
        code: 'payout-started-differs',
        message: `${what}: PayoutRunStarted has fields its recomputation has not`,
      });
    } else if (canonicalJson(c.data) !== canonicalJson(x.completed)) {
      report({
        ...where(c),
        code: 'payout-completed-differs',
        message: `${what}: PayoutRunCompleted has fields its recomputation has not`,
      });
    }
  }

  return {
    replay,
    onEvent,
    finish: () => undefined,
    summary: () => ({
      revenueReports: reports,
      payoutRunsRecomputed: runsChecked,
      allocationsRecomputed: allocationsChecked,
      settlements,
      revenueAwaitingPayout: unpaid.size,
    }),
  };
}

function firstFieldDifference(
  expected: object,
  actual: object,
  fields: readonly string[],
): { field: string; expected: string; actual: string; values: { expected: unknown; actual: unknown } } | undefined {
  const want = expected as Record<string, unknown>;
  const got = actual as Record<string, unknown>;
  for (const field of fields) {
    if (canonicalJson(want[field] ?? null) !== canonicalJson(got[field] ?? null)) {
      const show = (v: unknown): string => (v === undefined ? '(absent)' : typeof v === 'string' ? v : JSON.stringify(v));
      return {
        field,
        expected: show(want[field]),
        actual: show(got[field]),
        values: { expected: want[field] ?? null, actual: got[field] ?? null },
      };
    }
  }
  return undefined;
}
