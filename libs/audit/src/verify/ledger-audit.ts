import type { RecordedEvent } from '@1tt/event-store';
import { formatMinor, ROUNDING_RULE_VERSION } from '@1tt/ledger';
import { readFact } from '../replay/ledger-facts';
import { LedgerReplay, type RevenueState } from '../replay/ledger-replay';
import type { EventAudit } from './log-verifier';
import type { VerifyProblem } from './verify-problem';

/**
 * Recomputes the ledger from the events alone and compares it with what the
 * log recorded: every payout run (pool position, ΣT, pool amount,
 * remainder, each allocation, root hash, rounding rule) from the pool as of
 * its revenue report; each report against the agreement in effect; each
 * settlement against the payable balance. Runs are produced by a processor
 * that follows the log in order, so a report left unpaid while a later
 * report was paid is itself evidence (typically of an inserted report).
 */
export function createLedgerAudit(replay = new LedgerReplay()): EventAudit & { replay: LedgerReplay } {
  const unpaid = new Map<string, RevenueState>();
  let runsChecked = 0;
  let reports = 0;
  let settlements = 0;

  function onEvent(e: RecordedEvent, line: number, report: (p: VerifyProblem) => void): void {
    const at = { position: e.position, streamName: e.streamName, revision: e.revision, eventType: e.type, eventId: e.id, line };
    let fact;
    try {
      fact = readFact(e);
    } catch (err) {
      report({ ...at, code: 'malformed-event', message: (err as Error).message });
      return;
    }
    if (!fact) return;
    try {
      if (fact.kind === 'revenue-reported') {
        reports += 1;
        if (replay.revenue.has(fact.revenueId)) {
          report({ ...at, code: 'revenue-duplicate', message: `revenue ${fact.revenueId} is reported a second time` });
          return;
        }
        const agreement = replay.agreementAt(fact.consumerId, e.metadata.recordedAt);
        if (!agreement) {
          report({ ...at, code: 'revenue-without-agreement', message: `consumer ${fact.consumerId} had no revenue-share agreement in effect at ${e.metadata.recordedAt}` });
        } else if (agreement.alpha !== fact.alpha || agreement.currency !== fact.currency) {
          report({
            ...at,
            code: 'revenue-agreement-mismatch',
            message: `the report uses α ${fact.alpha} ${fact.currency} but the agreement in effect (position ${agreement.position}) says α ${agreement.alpha} ${agreement.currency}`,
            expected: { alpha: agreement.alpha, currency: agreement.currency },
            actual: { alpha: fact.alpha, currency: fact.currency },
          });
        }
      }
      if (fact.kind === 'payout-run-completed') {
        const r = replay.revenue.get(fact.revenueId);
        if (!r) {
          report({ ...at, code: 'payout-run-without-revenue', message: `payout run for revenue ${fact.revenueId}, which no earlier event reports` });
        } else if (r.paid) {
          report({ ...at, code: 'payout-run-duplicate', message: `revenue ${fact.revenueId} is paid out a second time` });
        } else {
          runsChecked += 1;
          for (const earlier of unpaid.values()) {
            if (earlier.position >= r.position) break;
            report({
              position: earlier.position,
              code: 'revenue-never-paid',
              message: `revenue report ${earlier.revenueId} was never paid out although the later report ${r.revenueId} (position ${r.position}) was: it was inserted after the fact, or its payout run was removed`,
            });
            unpaid.delete(earlier.revenueId);
          }
          unpaid.delete(r.revenueId);
          const diff = compareRun(fact, r);
          if (diff) report({ ...at, ...diff });
        }
      }
      if (fact.kind === 'payout-settled') {
        settlements += 1;
        const payable = replay.payable(fact.contributorId, fact.currency);
        if (fact.amount > payable) {
          report({
            ...at,
            code: 'settlement-exceeds-payable',
            message: `settles ${formatMinor(fact.amount, fact.currency)} ${fact.currency} to ${fact.contributorId} whose payable balance was ${formatMinor(payable, fact.currency)}`,
            expected: `<= ${formatMinor(payable, fact.currency)}`,
            actual: formatMinor(fact.amount, fact.currency),
          });
        }
      }
      replay.apply(e);
      if (fact.kind === 'revenue-reported') {
        const r = replay.revenue.get(fact.revenueId);
        if (r) unpaid.set(r.revenueId, r);
      }
    } catch (err) {
      report({ ...at, code: 'malformed-event', message: (err as Error).message });
    }

    function compareRun(f: Extract<ReturnType<typeof readFact>, { kind: 'payout-run-completed' }>, r: RevenueState): Omit<VerifyProblem, 'position'> | undefined {
      const x = replay.expectedRun(r);
      const c = r.currency;
      const m = (v: bigint): string => `${formatMinor(v, c)} ${c}`;
      const what = `payout run for revenue ${r.revenueId}`;
      if (f.currency !== c) return { code: 'payout-currency-differs', message: `${what}: currency ${f.currency}, the report's is ${c}`, expected: c, actual: f.currency };
      if (f.poolPosition !== x.poolPosition) return { code: 'payout-pool-position-differs', message: `${what}: pool position ${f.poolPosition}, but the report is at position ${x.poolPosition}`, expected: x.poolPosition, actual: f.poolPosition };
      if (f.totalTokens !== x.totalTokens) return { code: 'payout-total-tokens-differs', message: `${what}: ΣT ${f.totalTokens}, recomputed ${x.totalTokens} from the pool at position ${x.poolPosition}`, expected: x.totalTokens.toString(), actual: f.totalTokens.toString() };
      if (f.poolAmount !== x.poolAmount) return { code: 'payout-pool-amount-differs', message: `${what}: pool amount ${m(f.poolAmount)}, recomputed ${m(x.poolAmount)} (R × α)`, expected: m(x.poolAmount), actual: m(f.poolAmount) };
      if (f.remainder !== x.remainder) return { code: 'payout-remainder-differs', message: `${what}: remainder ${m(f.remainder)}, recomputed ${m(x.remainder)}`, expected: m(x.remainder), actual: m(f.remainder) };
      const recorded = new Map(f.allocations.map((a) => [a.contributorId, a]));
      for (const a of x.allocations) {
        const got = recorded.get(a.contributorId);
        if (!got) return { code: 'payout-allocation-missing', message: `${what}: no allocation for contributor ${a.contributorId}, recomputed ${m(a.amount)} for ${a.tokens} tokens`, expected: a.amount.toString(), actual: null };
        if (got.tokens !== a.tokens) return { code: 'payout-allocation-tokens-differ', message: `${what}: contributor ${a.contributorId} has ${got.tokens} tokens in the run, recomputed ${a.tokens}`, expected: a.tokens.toString(), actual: got.tokens.toString() };
        if (got.amount !== a.amount) return { code: 'payout-allocation-amount-differs', message: `${what}: contributor ${a.contributorId} gets ${m(got.amount)}, recomputed ${m(a.amount)}`, expected: m(a.amount), actual: m(got.amount) };
        recorded.delete(a.contributorId);
      }
      for (const extra of recorded.values()) {
        return { code: 'payout-allocation-unexpected', message: `${what}: allocates ${m(extra.amount)} to ${extra.contributorId}, who had no tokens in the pool`, expected: null, actual: extra.amount.toString() };
      }
      if (f.roundingRule !== ROUNDING_RULE_VERSION) return { code: 'payout-rounding-rule-unknown', message: `${what}: rounding rule ${f.roundingRule}; this tool recomputes ${ROUNDING_RULE_VERSION}`, expected: ROUNDING_RULE_VERSION, actual: f.roundingRule };
      if (f.rootHash !== x.rootHash) return { code: 'payout-root-hash-differs', message: `${what}: allocation root hash differs from the one recomputed over the allocations`, expected: x.rootHash, actual: f.rootHash };
      return undefined;
    }
  }

  return {
    replay,
    onEvent,
    finish: () => undefined,
    summary: () => ({
      revenueReports: reports,
      payoutRunsRecomputed: runsChecked,
      settlements,
      revenueAwaitingPayout: unpaid.size,
    }),
  };
}
