import type { RecordedEvent } from '@1tt/event-store';
import { canonicalJson } from '@1tt/canonical-json';
import {
  DataRequestBook,
  correctionIdFor,
  correctionInputHash,
  endToEndIdOf,
  parseAmount,
  reconcileLine,
  type PayoutBatchCreated,
  type PayoutBatchReconciled,
  formatMinor,
  parseNonNegativeAmount,
  type RevenueCorrected,
  type RecordedAdjustment,
  type PayoutRunEvent,
  type PayoutSettled,
  type RecordedAllocation,
  type RevenueReported,
  recordedUses,
} from '@1tt/ledger';
import { LedgerReplay, type Positioned, type RecordedAdjustmentRun, type RecordedRun, type RevenueState } from '../replay/ledger-replay';
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
  'scope',
  'eligibleTokens',
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

/** PayoutRunAdjusted fields in reading order. */
const ADJUSTMENT_FIELDS = [
  'revenueId',
  'consumerId',
  'correctionId',
  'currency',
  'poolPosition',
  'policy',
  'alpha',
  'previousAmount',
  'amount',
  'poolAmount',
  'remainder',
  'unallocated',
  'allocated',
  'adjusted',
  'retainedAdjustment',
  'adjustmentCount',
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
 *    follows the log in order: typically an inserted report);
 *  - every correction (RevenueCorrected): its report exists, it replaces the
 *    amount then in force, its id, input hash and reversal flag are what
 *    the ledger derives, it is made by the reporting consumer or an admin;
 *  - every correction's adjustment postings (PayoutRunAdjustmentsRecorded,
 *    PayoutRunAdjusted) line by line and field by field against
 *    computeRunAdjustment over the pool as of the original report;
 *  - a correction left unadjusted while a later one was adjusted;
 *  - every data-request credit (DatasetAccepted requestCredit) against
 *    DataRequestBook (issue #15).
 * The first difference of a run is reported at the event that holds it.
 */
export function createLedgerAudit(replay = new LedgerReplay()): EventAudit & { replay: LedgerReplay } {
  const unpaid = new Map<string, RevenueState>();
  let runsChecked = 0;
  let allocationsChecked = 0;
  let reports = 0;
  let settlements = 0;
  let correctionsSeen = 0;
  let adjustmentsChecked = 0;
  let adjustmentLinesChecked = 0;
  let batchesChecked = 0;
  let reconciliationsChecked = 0;
  const unadjusted = new Map<string, Positioned<RevenueCorrected['data']>>();
  /** Data requests and their credits (issue #15), recomputed by the one rule. */
  const requests = new DataRequestBook();
  let requestCreditsChecked = 0;

  /**
   * A dataset's recorded data-request credit (DatasetAccepted requestCredit)
   * against DataRequestBook's: the request its upload answers and
   * min(matching tokens, what is left of the target), in log order. Also a
   * requestMatch recorded for an upload that answers no open request.
   */
  function checkRequestCredit(e: RecordedEvent, d: Record<string, unknown>, at: Where, report: Report): void {
    const datasetId = String(d.datasetId);
    if (e.type === 'DatasetPreprocessed' && d.requestMatch !== undefined) {
      const m = d.requestMatch as { requestId?: unknown };
      if (requests.answeredBy(datasetId)?.requestId !== m.requestId)
        report({
          ...at,
          code: 'request-credit-differs',
          message: `dataset ${datasetId} records matching tokens for data request ${String(m.requestId)}, which its upload does not answer`,
        });
      return;
    }
    if (e.type !== 'DatasetAccepted') return;
    const expected = requests.creditFor(datasetId);
    const recorded = d.requestCredit;
    if (expected === undefined && recorded === undefined) return;
    requestCreditsChecked += 1;
    if (canonicalJson(expected ?? null) !== canonicalJson(recorded ?? null))
      report({
        ...at,
        code: 'request-credit-differs',
        message: `dataset ${datasetId} records data-request credit ${canonicalJson(recorded ?? null)}, the rule gives ${canonicalJson(expected ?? null)}`,
        expected: expected ?? null,
        actual: recorded ?? null,
      });
  }

  /** Contributions, for the owner's changes (issue #14): owner, whether in the pool, documents excluded. */
  const datasets = new Map<string, { owner: string; status: 'uploaded' | 'accepted' | 'closed'; excluded: Set<number> }>();
  let consentChanges = 0;

  /**
   * A consent change or an exclusion (issue #14) is the owner's own act on an
   * accepted contribution: made by `contributor:<owner>`, naming that owner,
   * with known uses; an exclusion's documents are distinct, not excluded
   * before, and its tokens are their sum. What it does to money is checked
   * by recomputing every later run.
   */
  function checkOwnersChange(e: RecordedEvent, at: Where, report: Report): void {
    const d = (e.data ?? {}) as Record<string, unknown>;
    const what = `${e.type} of dataset ${String(d.datasetId)}`;
    const problem = (code: string, message: string, expected?: unknown, actual?: unknown): void =>
      report({ ...at, code, message, ...(expected !== undefined ? { expected, actual } : {}) });
    const known = datasets.get(String(d.datasetId));
    if (!known || known.status !== 'accepted')
      return problem('owner-change-not-in-pool', `${what}: the dataset is not an accepted contribution here`);
    if (e.streamName !== `dataset-${String(d.datasetId)}`)
      return problem('owner-change-stream-differs', `${what} is in stream ${e.streamName}`);
    const actor = typeof e.metadata.actor === 'string' ? e.metadata.actor : '';
    if (d.contributorId !== known.owner || actor !== `contributor:${known.owner}`)
      return problem(
        'owner-change-not-by-owner',
        `${what} is made by ${actor || '(no actor)'} for ${String(d.contributorId)}; only its owner ${known.owner} may`,
        `contributor:${known.owner}`,
        actor,
      );
    if (e.type === 'DatasetConsentChanged') {
      const uses = d.uses;
      if (!Array.isArray(uses) || uses.length === 0 || canonicalJson(recordedUses(uses)) !== canonicalJson(uses))
        problem('consent-uses-invalid', `${what}: uses ${JSON.stringify(uses)} are not a canonical list of known uses`);
      return;
    }
    const documents = Array.isArray(d.documents) ? (d.documents as Array<{ index?: unknown; tokens?: unknown }>) : [];
    let sum = 0n;
    for (const doc of documents) {
      const index = Number(doc.index);
      if (!Number.isSafeInteger(index) || index < 0 || known.excluded.has(index))
        return problem('exclusion-document-repeated', `${what}: document ${String(doc.index)} is invalid or excluded twice`);
      known.excluded.add(index);
      sum += BigInt(Number.isSafeInteger(doc.tokens) && (doc.tokens as number) >= 0 ? (doc.tokens as number) : 0);
    }
    if (documents.length === 0 || String(d.tokens) !== sum.toString())
      problem('exclusion-tokens-differ', `${what}: tokens ${String(d.tokens)}, its documents sum to ${sum}`, sum.toString(), d.tokens);
  }

  function onEvent(e: RecordedEvent, line: number, report: Report): void {
    const at: Where = { position: e.position, streamName: e.streamName, revision: e.revision, eventType: e.type, eventId: e.id, line };
    if (e.position <= replay.position) return; // out of order: the chain checks name it
    const d = (e.data ?? {}) as Record<string, unknown>;
    try {
      checkRequestCredit(e, d, at, report);
      requests.apply(e);
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
        case 'DatasetUploaded':
          if (d.kind === 'contribution')
            datasets.set(String(d.datasetId), { owner: String(d.contributorId), status: 'uploaded', excluded: new Set() });
          break;
        case 'DatasetConsentChanged':
        case 'DatasetDocumentsExcluded':
          consentChanges += 1;
          checkOwnersChange(e, at, report);
          break;
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
        case 'RevenueCorrected':
          correctionsSeen += 1;
          checkCorrection(e, at, report);
          break;
        case 'PayoutRunAdjustmentsRecorded':
        case 'PayoutRunAdjusted': {
          const known = replay.corrections.get(String(d.correctionId));
          if (!known) {
            report({
              ...at,
              code: 'adjustment-without-correction',
              message: `adjustment postings for correction ${String(d.correctionId)}, which no earlier event records`,
            });
          } else if (known.adjusted) {
            report({ ...at, code: 'adjustment-duplicate', message: `correction ${String(d.correctionId)} is adjusted a second time` });
          }
          break;
        }
        case 'PayoutBatchCreated':
          batchesChecked += 1;
          checkBatch(e.data as PayoutBatchCreated['data'], at, report);
          break;
        case 'PayoutBatchReconciled':
          reconciliationsChecked += 1;
          checkReconciliation(e.data as PayoutBatchReconciled['data'], at, report);
          break;
        case 'PayoutSettled': {
          settlements += 1;
          const s = e.data as PayoutSettled['data'];
          if (s.batchId !== undefined || s.lineId !== undefined) checkBatchSettlement(s, at, report);
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
      if (e.type === 'DatasetAccepted' || e.type === 'DatasetWithdrawn' || e.type === 'DatasetRejected') {
        const known = datasets.get(String(d.datasetId));
        if (known) known.status = e.type === 'DatasetAccepted' ? 'accepted' : 'closed';
      }
      const alreadyPaid = e.type === 'PayoutRunCompleted' && replay.revenue.get(String(d.revenueId))?.paid === true;
      const adjustable = e.type === 'PayoutRunAdjusted' && replay.corrections.get(String(d.correctionId))?.adjusted === false;
      const recorded = replay.apply(e);
      if (e.type === 'RevenueReported') {
        const r = replay.revenue.get(String(d.revenueId));
        if (r && r.position === e.position) unpaid.set(r.revenueId, r);
      }
      if (e.type === 'RevenueCorrected') {
        const c = replay.corrections.get(String(d.correctionId));
        if (c && c.correction.position === e.position) unadjusted.set(String(d.correctionId), c.correction);
      }
      if (recorded && !alreadyPaid) checkRun(recorded, report);
      if (adjustable && replay.completedAdjustment) checkAdjustment(replay.completedAdjustment, report);
    } catch (err) {
      report({ ...at, code: 'malformed-event', message: `the ledger cannot read this ${e.type}: ${(err as Error).message}` });
    }
  }

  /**
   * A batch line is at most the contributor's payable balance minus what
   * open lines already reserve, at least minAmount, for a contributor who
   * set payout details; ids follow the ledger's numbering; total and count
   * are the lines'. (The service takes the whole unreserved balance; a run
   * landing between its read and its append only makes the line smaller
   * than the balance, so "at most" is the rule checked.)
   */
  function checkBatch(b: PayoutBatchCreated['data'], at: Where, report: Report): void {
    const what = `payout batch ${b.batchId}`;
    if (replay.batch(b.batchId)) return report({ ...at, code: 'batch-duplicate', message: `${what} is created a second time` });
    if (at.streamName !== `batches-${b.currency}`)
      return report({ ...at, code: 'batch-stream-differs', message: `${what} in ${b.currency} is in stream ${at.streamName}` });
    const min = parseAmount(b.minAmount, b.currency, 'minAmount');
    const seen = new Set<string>();
    let total = 0n;
    b.lines.forEach((l, i) => {
      const amount = parseAmount(l.amount, b.currency);
      total += amount;
      const line = `${what} line ${l.lineId} (${l.contributorId})`;
      if (l.lineId !== String(i + 1) || l.endToEndId !== endToEndIdOf(b.batchId, l.lineId))
        report({
          ...at,
          code: 'batch-line-id-differs',
          message: `${line}: ids must be ${i + 1} / ${endToEndIdOf(b.batchId, String(i + 1))}`,
        });
      if (seen.has(l.contributorId)) report({ ...at, code: 'batch-line-duplicate', message: `${line}: the contributor has two lines` });
      seen.add(l.contributorId);
      if (!replay.payoutDetails.has(l.contributorId))
        report({ ...at, code: 'batch-line-without-details', message: `${line}: the contributor set no payout details before` });
      if (amount < min)
        report({
          ...at,
          code: 'batch-line-below-minimum',
          message: `${line}: ${l.amount} is below minAmount ${b.minAmount}`,
          expected: `>= ${b.minAmount}`,
          actual: l.amount,
        });
      const available = replay.payable(l.contributorId, b.currency) - replay.reserved(l.contributorId, b.currency);
      if (amount > available)
        report({
          ...at,
          code: 'batch-line-exceeds-payable',
          message: `${line}: reserves ${l.amount} ${b.currency} but only ${formatMinor(available > 0n ? available : 0n, b.currency)} was payable and not reserved`,
          expected: `<= ${formatMinor(available, b.currency)}`,
          actual: l.amount,
        });
    });
    if (total !== parseAmount(b.total, b.currency) || b.lineCount !== b.lines.length)
      report({
        ...at,
        code: 'batch-total-differs',
        message: `${what}: records ${b.lineCount} lines totalling ${b.total}, its lines are ${b.lines.length} totalling ${formatMinor(total, b.currency)}`,
        expected: { total: formatMinor(total, b.currency), lineCount: b.lines.length },
        actual: { total: b.total, lineCount: b.lineCount },
      });
  }

  /** A batch line's settlement pays exactly that open line, once, to its contributor. */
  function checkBatchSettlement(s: PayoutSettled['data'], at: Where, report: Report): void {
    const b = s.batchId === undefined ? undefined : replay.batch(s.batchId);
    const line = b?.lines.find((l) => l.lineId === s.lineId);
    const what = `settlement of batch ${String(s.batchId)} line ${String(s.lineId)}`;
    if (!b || !line) return report({ ...at, code: 'batch-settlement-differs', message: `${what}: no such batch line before it` });
    if (replay.settledBatchLines.has(`${b.batchId}/${line.lineId}`) || line.status === 'settled')
      return report({ ...at, code: 'batch-settlement-duplicate', message: `${what} is paid a second time` });
    if (line.status === 'released')
      return report({ ...at, code: 'batch-settlement-differs', message: `${what}: the line was released (the bank did not pay it)` });
    if (
      line.contributorId !== s.contributorId ||
      s.currency !== b.currency ||
      parseAmount(s.amount, s.currency) !== parseAmount(line.amount, b.currency)
    )
      report({
        ...at,
        code: 'batch-settlement-differs',
        message: `${what} pays ${s.amount} ${s.currency} to ${s.contributorId}; the line is ${line.amount} ${b.currency} to ${line.contributorId}`,
        expected: { contributorId: line.contributorId, amount: line.amount, currency: b.currency },
        actual: { contributorId: s.contributorId, amount: s.amount, currency: s.currency },
      });
  }

  /** Each line's outcome is the reconciliation rule applied to what the bank said, and a settled line was settled before. */
  function checkReconciliation(r: PayoutBatchReconciled['data'], at: Where, report: Report): void {
    const b = replay.batch(r.batchId);
    if (!b)
      return report({
        ...at,
        code: 'batch-reconciliation-differs',
        message: `reconciliation of batch ${r.batchId}, which no earlier event creates`,
      });
    for (const rl of r.lines) {
      const line = b.lines.find((l) => l.lineId === rl.lineId);
      const what = `batch ${r.batchId} line ${rl.lineId}`;
      if (
        !line ||
        line.contributorId !== rl.contributorId ||
        line.amount !== rl.amount ||
        !(line.status === 'reserved' || line.status === 'held')
      ) {
        report({ ...at, code: 'batch-reconciliation-differs', message: `${what}: not an open line of that contributor and amount` });
        continue;
      }
      const entry =
        rl.bankStatus === 'missing'
          ? undefined
          : {
              endToEndId: line.endToEndId,
              status: rl.bankStatus === 'failed' ? ('failed' as const) : ('executed' as const),
              amount: rl.bankAmount ?? '',
              currency: rl.bankCurrency ?? '',
            };
      const expected = reconcileLine({ amount: line.amount, currency: b.currency }, entry);
      const settled = replay.settledBatchLines.has(`${r.batchId}/${rl.lineId}`);
      const refusedOk = expected.outcome === 'settled' && rl.outcome === 'held' && rl.reason === 'payable-reduced' && !settled;
      if (!refusedOk && (expected.outcome !== rl.outcome || expected.reason !== rl.reason)) {
        report({
          ...at,
          code: 'batch-reconciliation-differs',
          message: `${what}: the bank says ${rl.bankStatus}${rl.bankAmount ? ` ${rl.bankAmount} ${rl.bankCurrency}` : ''} for ${line.amount} ${b.currency}, so the line is ${expected.outcome} (${expected.reason}), not ${rl.outcome} (${rl.reason})`,
          expected,
          actual: { outcome: rl.outcome, reason: rl.reason },
        });
      } else if ((rl.outcome === 'settled') !== settled) {
        report({
          ...at,
          code: 'batch-settlement-missing',
          message:
            rl.outcome === 'settled'
              ? `${what} is settled but no PayoutSettled pays it before`
              : `${what} is ${rl.outcome} but a PayoutSettled paid it`,
        });
      }
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
    if (canonicalJson(agreement.scope ?? null) !== canonicalJson(r.scope ?? null)) {
      report({
        ...at,
        code: 'revenue-scope-mismatch',
        message: `the report's scope is ${JSON.stringify(r.scope ?? null)} but the agreement in force at ${r.reportedAt} (position ${agreement.position}) says ${JSON.stringify(agreement.scope ?? null)}`,
        expected: agreement.scope ?? null,
        actual: r.scope ?? null,
      });
      return;
    }
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

  function checkCorrection(e: RecordedEvent, at: Where, report: Report): void {
    const c = e.data as RevenueCorrected['data'];
    const problem = (code: string, message: string, expected?: unknown, actual?: unknown): void =>
      report({ ...at, code, message, ...(expected !== undefined ? { expected, actual } : {}) });
    const what = `correction ${c.correctionId} of revenue ${c.revenueId}`;
    if (replay.corrections.has(c.correctionId)) return problem('correction-duplicate', `${what} is recorded a second time`);
    const r = replay.revenue.get(c.revenueId);
    if (!r) return problem('correction-without-revenue', `${what}: no earlier event reports that revenue`);
    if (e.streamName !== `revenue-${c.revenueId}`)
      return problem('correction-stream-differs', `${what} is in stream ${e.streamName}, not in its report's`);
    if (c.consumerId !== r.consumerId || c.currency !== r.report.currency) {
      return problem(
        'correction-report-mismatch',
        `${what} names consumer ${c.consumerId} / ${c.currency}, the report ${r.consumerId} / ${r.report.currency}`,
        { consumerId: r.consumerId, currency: r.report.currency },
        { consumerId: c.consumerId, currency: c.currency },
      );
    }
    const actor = typeof e.metadata.actor === 'string' ? e.metadata.actor : '';
    if (actor !== `consumer:${c.consumerId}` && !actor.startsWith('admin:')) {
      return problem(
        'correction-actor-not-allowed',
        `${what} was made by ${actor || '(nobody)'}; only the reporting consumer or an admin may correct a report`,
        `consumer:${c.consumerId} or admin:…`,
        actor,
      );
    }
    if (c.correctionId !== correctionIdFor(c.revenueId, c.idempotencyKey)) {
      return problem(
        'correction-id-differs',
        `${what}: the id is not the one derived from its Idempotency-Key`,
        correctionIdFor(c.revenueId, c.idempotencyKey),
        c.correctionId,
      );
    }
    if (c.previousAmount !== r.amount) {
      return problem(
        'correction-previous-amount-differs',
        `${what} replaces ${c.previousAmount} ${c.currency}, but the amount in force was ${r.amount} ${c.currency}`,
        r.amount,
        c.previousAmount,
      );
    }
    const minor = parseNonNegativeAmount(c.amount, c.currency);
    if (c.amount !== formatMinor(minor, c.currency) || c.amount === c.previousAmount || (minor === 0n) !== (c.reversal === true)) {
      return problem(
        'correction-amount-invalid',
        `${what}: amount ${c.amount} with reversal ${String(c.reversal)} is not a correction the ledger makes`,
      );
    }
    const hash = correctionInputHash({ revenueId: c.revenueId, amount: c.amount, reversal: c.reversal, reason: c.reason });
    if (c.inputHash !== hash)
      return problem('correction-input-hash-differs', `${what}: inputHash does not match its fields`, hash, c.inputHash);
  }

  function checkAdjustment(recorded: RecordedAdjustmentRun, report: Report): void {
    const a = recorded.adjusted;
    const state = replay.corrections.get(a.data.correctionId);
    const r = state && replay.revenue.get(state.correction.data.revenueId);
    if (!state || !r) return; // reported at the event
    adjustmentsChecked += 1;
    for (const earlier of unadjusted.values()) {
      if (earlier.position >= state.correction.position) break;
      report({
        ...where(earlier),
        code: 'correction-never-adjusted',
        message: `correction ${earlier.data.correctionId} has no adjustment postings although the later correction ${a.data.correctionId} has`,
      });
      unadjusted.delete(earlier.data.correctionId);
    }
    unadjusted.delete(a.data.correctionId);
    const what = `adjustment for correction ${a.data.correctionId}`;
    if (a.streamName !== `adjustment-${a.data.correctionId}`) {
      report({ ...where(a), code: 'adjustment-stream-differs', message: `${what} is in stream ${a.streamName}` });
      return;
    }
    const x = replay.expectedAdjustment(r, state.correction.data);
    const cur = x.adjusted.currency;
    const expected: RecordedAdjustment[] = [];
    for (const ev of x.events) if (ev.type === 'PayoutRunAdjustmentsRecorded') expected.push(...ev.data.adjustments);
    const d = firstLineDifference(
      recorded.chunks.map((chunk) => chunk.data.adjustments),
      expected,
      ['amount'],
      () => (adjustmentLinesChecked += 1),
    );
    if (d?.kind === 'missing') {
      report({
        ...where(a),
        code: 'adjustment-line-missing',
        message: `${what}: no adjustment for contributor ${d.want.contributorId}, recomputed ${d.want.amount} ${cur}`,
        expected: d.want,
        actual: null,
      });
      return;
    }
    if (d?.kind === 'field') {
      report({
        ...where(recorded.chunks[d.chunk]),
        code: 'adjustment-line-amount-differs',
        message: `${what}: contributor ${d.line.contributorId} is adjusted by ${d.line.amount} ${cur}, recomputed ${d.want.amount} ${cur} at pool position ${r.position}`,
        expected: `${d.want.amount} ${cur}`,
        actual: `${d.line.amount} ${cur}`,
      });
      return;
    }
    if (d) {
      report({
        ...where(recorded.chunks[d.chunk]),
        code: d.kind === 'out-of-place' ? 'adjustment-line-order-differs' : 'adjustment-line-unexpected',
        message:
          d.kind === 'out-of-place'
            ? `${what}: contributor ${d.line.contributorId} is listed out of place`
            : `${what}: adjusts ${d.line.amount} ${cur} for ${d.line.contributorId}, whose allocation the correction does not change`,
        expected: d.want ?? null,
        actual: d.line,
      });
      return;
    }
    reportTotalsOrChunks(
      {
        prefix: 'adjustment',
        what,
        totals: a,
        expected: x.adjusted,
        fields: [...ADJUSTMENT_FIELDS, ...Object.keys(x.adjusted), ...Object.keys(a.data)],
        chunks: recorded.chunks,
        recomputedChunks: x.events.filter((ev) => ev.type === 'PayoutRunAdjustmentsRecorded'),
        chunkName: 'adjustment',
      },
      report,
    );
  }

  function checkRun(recorded: RecordedRun, report: Report): void {
    const c = recorded.completed;
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
    const d = firstLineDifference(
      recorded.chunks.map((chunk) => chunk.data.allocations),
      expected,
      ['tokens', 'weight', 'amount'],
      () => (allocationsChecked += 1),
    );
    if (d?.kind === 'missing') {
      report({
        ...where(c),
        code: 'payout-allocation-missing',
        message: `${what}: no allocation for contributor ${d.want.contributorId}, recomputed ${d.want.amount} ${cur} for weight ${d.want.weight}`,
        expected: d.want,
        actual: null,
      });
      return;
    }
    if (d?.kind === 'field') {
      const { field, line, want } = d;
      const unit = field === 'amount' ? ` ${cur}` : '';
      report({
        ...where(recorded.chunks[d.chunk]),
        code: `payout-allocation-${field}-differs`,
        message: `${what}: contributor ${line.contributorId} has ${field} ${line[field]}${unit}, recomputed ${want[field]}${unit} from the pool as of position ${r.position}`,
        expected: `${want[field]}${unit}`,
        actual: `${line[field]}${unit}`,
      });
      return;
    }
    if (d) {
      report({
        ...where(recorded.chunks[d.chunk]),
        code: d.kind === 'out-of-place' ? 'payout-allocation-order-differs' : 'payout-allocation-unexpected',
        message:
          d.kind === 'out-of-place'
            ? `${what}: contributor ${d.line.contributorId} is listed out of place (recomputed order has ${d.want?.contributorId ?? 'nothing'} here)`
            : `${what}: allocates ${d.line.amount} ${cur} to ${d.line.contributorId}, who had no weight in the pool at position ${r.position}`,
        expected: d.want ?? null,
        actual: d.line,
      });
      return;
    }
    const differs = reportTotalsOrChunks(
      {
        prefix: 'payout',
        what,
        totals: c,
        expected: x.completed,
        fields: [...RUN_FIELDS, ...Object.keys(x.completed)],
        chunks: recorded.chunks,
        recomputedChunks: x.events.filter((ev) => ev.type === 'PayoutRunAllocationsRecorded'),
        chunkName: 'allocation',
      },
      report,
    );
    if (differs) return;
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
      batchesChecked,
      reconciliationsChecked,
      revenueAwaitingPayout: unpaid.size,
      /** Runs begun (PayoutRunStarted, some chunks) whose PayoutRunCompleted is not in the log yet: written in several appends, or interrupted and to be completed by the processor. */
      payoutRunsInProgress: replay.inProgress.size,
      corrections: correctionsSeen,
      consentChangesAndExclusions: consentChanges,
      correctionsRecomputed: adjustmentsChecked,
      adjustmentLinesRecomputed: adjustmentLinesChecked,
      correctionsAwaitingAdjustment: unadjusted.size,
      requestCreditsRecomputed: requestCreditsChecked,
      /** Adjustments begun (some PayoutRunAdjustmentsRecorded) whose PayoutRunAdjusted is not in the log yet: written in several appends, or interrupted and to be completed by the processor. */
      adjustmentsInProgress: replay.adjustmentsInProgress.size,
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

function where(p: Positioned<unknown>): Where {
  return { position: p.position, streamName: p.streamName, revision: p.revision, eventType: p.type, eventId: p.id };
}

/**
 * After the lines matched: the closing event's fields (a run's totals, an
 * adjustment's), then how the lines were cut into chunks, or a field the
 * ledger does not know. Reports the first difference; true when there was one.
 */
function reportTotalsOrChunks(
  o: {
    prefix: 'payout' | 'adjustment';
    what: string;
    totals: Positioned<object>;
    expected: object;
    fields: readonly string[];
    chunks: ReadonlyArray<Positioned<unknown>>;
    recomputedChunks: ReadonlyArray<{ data: unknown }>;
    chunkName: 'allocation' | 'adjustment';
  },
  report: Report,
): boolean {
  const diff = firstFieldDifference(o.expected, o.totals.data, o.fields);
  if (diff) {
    report({
      ...where(o.totals),
      code: `${o.prefix}-${kebab(diff.field)}-differs`,
      message: `${o.what}: ${diff.field} ${diff.actual}, recomputed from the log ${diff.expected}`,
      ...diff.values,
    });
    return true;
  }
  const k = firstChunkDifference(o.chunks, o.recomputedChunks);
  if (k === undefined) return false;
  report({
    ...where(o.chunks[k] ?? o.totals),
    code: `${o.prefix}-chunk-differs`,
    message: `${o.what}: ${o.chunkName} chunk ${k} differs from its recomputation (chunk boundaries or extra fields)`,
  });
  return true;
}

/** Where recorded lines (allocations, adjustments) first part from their recomputation. */
type LineDifference<L> =
  /** A recorded line whose contributor the recomputation lists elsewhere (out-of-place) or not at all (unexpected). */
  | { kind: 'out-of-place' | 'unexpected'; chunk: number; line: L; want: L | undefined }
  /** The right contributor with a field that differs. */
  | { kind: 'field'; chunk: number; line: L; want: L; field: keyof L & string }
  /** Every recorded line matched, but the recomputation has more. */
  | { kind: 'missing'; want: L };

/**
 * The one walk of recorded lines (payout allocations, adjustment postings),
 * chunk by chunk in recorded order, against their recomputation (both in
 * contributorId order): the first line out of place, unexpected or with a
 * field that differs, or the first recomputed line never recorded.
 * `seen` is told of each recorded line looked at (the audit's counters).
 */
function firstLineDifference<L extends { contributorId: string }>(
  chunks: ReadonlyArray<readonly L[] | undefined>,
  expected: readonly L[],
  fields: ReadonlyArray<keyof L & string>,
  seen: () => void,
): LineDifference<L> | undefined {
  let i = 0;
  for (let chunk = 0; chunk < chunks.length; chunk++) {
    for (const line of chunks[chunk] ?? []) {
      seen();
      const want = expected[i];
      if (!want || want.contributorId !== line.contributorId) {
        const listed = expected.some((w) => w.contributorId === line.contributorId);
        return { kind: listed ? 'out-of-place' : 'unexpected', chunk, line, want };
      }
      for (const field of fields) if (want[field] !== line[field]) return { kind: 'field', chunk, line, want, field };
      i += 1;
    }
  }
  return i < expected.length ? { kind: 'missing', want: expected[i] } : undefined;
}

/** The index of the first recorded chunk that is not its recomputation (missing, extra or different), or undefined when all match. */
function firstChunkDifference(
  recorded: ReadonlyArray<{ data: unknown }>,
  recomputed: ReadonlyArray<{ data: unknown }>,
): number | undefined {
  for (let k = 0; k < Math.max(recorded.length, recomputed.length); k++) {
    const got = recorded[k];
    const want = recomputed[k];
    if (!got || !want || canonicalJson(got.data) !== canonicalJson(want.data)) return k;
  }
  return undefined;
}
