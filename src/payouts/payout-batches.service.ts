import { Inject, Injectable } from '@nestjs/common';
import { actorOf, type Principal } from '@1tt/access';
import type { AppConfig } from '@1tt/config';
import { ConflictError, DomainError, NotFoundError } from '@1tt/domain-errors';
import { EventStore } from '@1tt/event-store';
import {
  contributorDecider,
  CURRENCIES,
  currencyExponent,
  parseAmount,
  payoutBatchDecider,
  reconcileLine,
  streamNames,
  type BatchState,
  type PayoutBatchesState,
  type PayoutBatchReconciled,
  type SettlePayout,
  type StatementEntry,
} from '@1tt/ledger';
import { APP_CONFIG } from '../config/app-config.token';
import { Clock, IdGenerator } from '../ledger/clock';
import { decideOnStream, readStreamSnapshot } from '@1tt/command-path';
import { PayoutProcessor } from '../ledger/payout/payout-processor';
import { parseBankStatement } from './bank-statement';
import { renderPain001 } from './pain001';
import { PayoutDetailsService } from './payout-details.service';

/** A batch as the API shows it. */
export interface PayoutBatchView {
  batchId: string;
  currency: string;
  minAmount: string;
  total: string;
  lineCount: number;
  createdAt: string;
  reconciliations: number;
  /** Per status: reserved (sent, no answer yet), settled, released (failed or missing: payable again), held (disputed, still reserved). */
  counts: Record<'reserved' | 'settled' | 'released' | 'held', number>;
  lines: Array<{
    lineId: string;
    endToEndId: string;
    contributorId: string;
    amount: string;
    status: string;
    reason?: string;
    bankReference?: string;
  }>;
}

export interface ReconciliationView {
  batchId: string;
  statementSha256: string;
  statementFormat: string;
  lines: PayoutBatchReconciled['data']['lines'];
  /** Statement entries whose end-to-end id is not a line of this batch (ignored). */
  unknownEntries: string[];
  batch: PayoutBatchView;
}

const ATTEMPTS = 5;

/**
 * Payout batches: POST /v1/payout-batches reserves, per currency, every
 * contributor's unreserved payable balance ≥ minAmount (those with payout
 * details), on the one stream `batches-<currency>` so two batches never
 * reserve the same money. The export renders the lines as CSV or pain.001;
 * reconciliation reads the bank's statement, settles matched lines on the
 * contributors' streams (PayoutSettled with the bank reference, batch and
 * line), then records every line's outcome (PayoutBatchReconciled).
 */
@Injectable()
export class PayoutBatchesService {
  constructor(
    private readonly events: EventStore,
    private readonly processor: PayoutProcessor,
    private readonly details: PayoutDetailsService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(input: { currency: string; minAmount: string }, by: Principal): Promise<PayoutBatchView> {
    currencyExponent(input.currency);
    parseAmount(input.minAmount, input.currency, 'minAmount');
    const batchId = this.ids.next();
    const decision = await decideOnStream(
      this.events,
      streamNames.payoutBatches(input.currency),
      payoutBatchDecider,
      { type: 'CreatePayoutBatch', data: { batchId, currency: input.currency, minAmount: input.minAmount } },
      {
        context: async () => ({ now: this.clock.now(), payable: await this.payableWithDetails(input.currency) }),
        actor: actorOf(by),
        correlationId: batchId,
        attempts: ATTEMPTS,
      },
    );
    const state = decision.decided.reduce((s, e) => payoutBatchDecider.evolve(s, e), decision.state);
    return viewOf(state.batches.get(batchId)!);
  }

  async list(): Promise<PayoutBatchView[]> {
    const out: PayoutBatchView[] = [];
    for (const currency of Object.keys(CURRENCIES)) {
      const state = await this.stateOf(currency);
      for (const b of state.batches.values()) out.push(viewOf(b));
    }
    return out.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  }

  async get(batchId: string): Promise<PayoutBatchView> {
    return viewOf((await this.find(batchId)).batch);
  }

  /** Minor units of a contributor's balance in open batch lines (what a manual settlement may not take). */
  async reservedFor(contributorId: string, currency: string): Promise<bigint> {
    const state = await this.stateOf(currency);
    let sum = 0n;
    for (const b of state.batches.values())
      for (const l of b.lines)
        if (l.contributorId === contributorId && (l.status === 'reserved' || l.status === 'held')) sum += parseAmount(l.amount, currency);
    return sum;
  }

  async exportFile(batchId: string, format: 'csv' | 'pain.001'): Promise<{ body: string; contentType: string; fileName: string }> {
    const { batch } = await this.find(batchId);
    const lines = batch.lines.filter((l) => l.status === 'reserved');
    const payees = [];
    for (const l of lines) payees.push({ line: l, details: (await this.details.read(l.contributorId)).details });
    const remittance = (lineId: string) => `1TT payout ${batch.createdAt.slice(0, 10)} batch ${batch.batchId.slice(0, 8)} line ${lineId}`;
    if (format === 'csv') {
      const rows = [['endToEndId', 'contributorId', 'amount', 'currency', 'holderName', 'method', 'account', 'country', 'remittance']];
      for (const p of payees)
        rows.push([
          p.line.endToEndId,
          p.line.contributorId,
          p.line.amount,
          batch.currency,
          p.details.holderName,
          p.details.method,
          p.details.method === 'iban' ? p.details.iban : p.details.email,
          p.details.country,
          remittance(p.line.lineId),
        ]);
      return {
        body: rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n',
        contentType: 'text/csv; charset=utf-8; header=present',
        fileName: `payout-batch-${batch.batchId}.csv`,
      };
    }
    const { debtorName, debtorIban, debtorBic } = this.config.payouts;
    const noIban = payees.filter((p) => p.details.method !== 'iban').map((p) => p.line.lineId);
    if (batch.currency !== 'EUR' || noIban.length > 0 || !debtorName || !debtorIban) {
      throw new ConflictError(
        'payment-file-unsupported',
        batch.currency !== 'EUR'
          ? `A pain.001 SEPA credit transfer file is in EUR; batch ${batch.batchId} is in ${batch.currency}`
          : noIban.length > 0
            ? `Lines ${noIban.join(', ')} are paid by e-mail, not to an IBAN`
            : 'The debtor account is not configured (PAYOUT_DEBTOR_NAME, PAYOUT_DEBTOR_IBAN)',
        { hint: 'Export format=csv for this batch, or configure the debtor account.', context: { linesWithoutIban: noIban } },
      );
    }
    const body = renderPain001(
      {
        batchId: batch.batchId,
        currency: batch.currency,
        createdAt: batch.createdAt,
        lines: payees.map((p) => ({
          endToEndId: p.line.endToEndId,
          amount: p.line.amount,
          creditorName: p.details.holderName,
          creditorIban: p.details.method === 'iban' ? p.details.iban : '',
          remittance: remittance(p.line.lineId),
        })),
      },
      { name: debtorName, iban: debtorIban, bic: debtorBic },
    );
    return { body, contentType: 'application/xml; charset=utf-8', fileName: `payout-batch-${batch.batchId}.pain.001.xml` };
  }

  /**
   * All or nothing: the statement is parsed and checked as a whole, every
   * open line's outcome decided, every settlement decided on its
   * contributor's stream and the batch's own decision made, all before the
   * first event is written. A statement any line of which is refused
   * (malformed, a reference a settlement cannot carry, a contributor whose
   * stream refuses the settlement for another reason than a reduced balance
   * or a used reference, a batch already reconciled) changes nothing. Then
   * the settlements are appended, then the batch's outcome. The log has no
   * append across streams, so a crash (or a lost store) between those
   * appends leaves settled lines whose batch still shows them open; the
   * same statement uploaded again completes it (settling a batch line is
   * idempotent).
   */
  async reconcile(batchId: string, statementBody: Buffer, by: Principal): Promise<ReconciliationView> {
    const statement = parseBankStatement(statementBody);
    const { batch, currency } = await this.find(batchId);
    const settlements = await this.planSettlements(batch, currency, statement.entries);
    const refusedLines = new Set(settlements.filter((s) => s.refused).map((s) => s.line.lineId));
    const toSettle = settlements.filter((s) => !s.refused);
    const reconcileCommand = {
      type: 'ReconcilePayoutBatch' as const,
      data: { batchId, statementSha256: statement.sha256, statementFormat: statement.format, entries: statement.entries },
    };
    // The batch's decision, tried before any settlement is written (it throws for a batch with nothing open, a foreign statement, …).
    payoutBatchDecider.decide(reconcileCommand, await this.stateOf(currency), {
      now: this.clock.now(),
      settledLines: new Set(toSettle.map((s) => s.line.lineId)),
      refusedLines,
    });
    const settledLines = new Set<string>();
    // 1. Settle matched lines on the contributors' streams (idempotent per batch line), before the batch records the outcome.
    for (const { line, command } of toSettle) {
      try {
        await decideOnStream(this.events, streamNames.contributor(line.contributorId), contributorDecider, command, {
          context: () => this.settlementContext(line.contributorId, currency),
          actor: actorOf(by),
          correlationId: batchId,
          attempts: ATTEMPTS,
        });
        settledLines.add(line.lineId);
      } catch (e) {
        // The balance changed between the check and the append (a correction clawed it back): held, as the check would have said.
        if (isRefusedSettlement(e)) refusedLines.add(line.lineId);
        else throw e;
      }
    }
    // 2. Record every open line's outcome on the batch stream.
    const decision = await decideOnStream(this.events, streamNames.payoutBatches(currency), payoutBatchDecider, reconcileCommand, {
      context: () => ({ now: this.clock.now(), settledLines, refusedLines }),
      actor: actorOf(by),
      correlationId: batchId,
      attempts: ATTEMPTS,
    });
    const reconciled = (decision.decided[0] as PayoutBatchReconciled).data;
    const state = decision.decided.reduce((s, e) => payoutBatchDecider.evolve(s, e), decision.state);
    const known = new Set(batch.lines.map((l) => l.endToEndId));
    return {
      batchId,
      statementSha256: reconciled.statementSha256,
      statementFormat: reconciled.statementFormat,
      lines: reconciled.lines,
      unknownEntries: [...statement.entries.keys()].filter((id) => !known.has(id)),
      batch: viewOf(state.batches.get(batchId)!),
    };
  }

  /**
   * The settlement each open line the statement matches would make, decided
   * on the contributor's stream as it is now without appending: `refused`
   * when the stream refuses it for a reason that holds the line
   * (payable-reduced); any other refusal refuses the whole statement.
   */
  private async planSettlements(
    batch: BatchState,
    currency: string,
    entries: ReadonlyMap<string, StatementEntry>,
  ): Promise<Array<{ line: BatchState['lines'][number]; command: SettlePayout; refused: boolean }>> {
    const out: Array<{ line: BatchState['lines'][number]; command: SettlePayout; refused: boolean }> = [];
    for (const line of batch.lines) {
      if (!(line.status === 'reserved' || line.status === 'held')) continue;
      const entry = entries.get(line.endToEndId);
      if (reconcileLine({ amount: line.amount, currency }, entry).outcome !== 'settled') continue;
      const command: SettlePayout = {
        type: 'SettlePayout',
        data: {
          contributorId: line.contributorId,
          amount: line.amount,
          currency,
          reference: entry?.reference ?? line.endToEndId,
          batchId: batch.batchId,
          lineId: line.lineId,
        },
      };
      const snapshot = await readStreamSnapshot(this.events, streamNames.contributor(line.contributorId));
      const state = snapshot.events.reduce((s, e) => contributorDecider.evolve(s, e as never), contributorDecider.initialState);
      let refused = false;
      try {
        contributorDecider.decide(command, state, await this.settlementContext(line.contributorId, currency));
      } catch (e) {
        if (isRefusedSettlement(e)) refused = true;
        else if (e instanceof DomainError) {
          throw new ConflictError(
            'reconciliation-line-refused',
            `Line ${line.lineId} (${line.endToEndId}) of payout batch ${batch.batchId} cannot be settled: ${e.message}. Nothing was reconciled.`,
            {
              field: `lines.${line.lineId}`,
              hint: 'Correct the statement (or the contributor) and upload it again; no line of it was settled.',
              context: { lineId: line.lineId, endToEndId: line.endToEndId, cause: e.code },
            },
          );
        } else throw e;
      }
      out.push({ line, command, refused });
    }
    return out;
  }

  private async settlementContext(contributorId: string, currency: string): Promise<{ now: Date; allocatedToDate: bigint }> {
    await this.processor.catchUp();
    return { now: this.clock.now(), allocatedToDate: this.processor.pool.allocatedTo(contributorId, currency) };
  }

  /** Contributors with readable payout details and a positive payable balance in the currency, after catching up with the log. */
  private async payableWithDetails(currency: string): Promise<Array<{ contributorId: string; payable: bigint }>> {
    await this.processor.catchUp();
    const out: Array<{ contributorId: string; payable: bigint }> = [];
    for (const b of this.processor.pool.balances.all()) {
      if (b.currency !== currency || b.amount <= 0n) continue;
      const m = /^contributor:(.+):payable$/.exec(b.account);
      if (!m) continue;
      const state = await this.details.state(m[1]);
      if (this.details.payable(m[1], state)) out.push({ contributorId: m[1], payable: b.amount });
    }
    return out;
  }

  private async stateOf(currency: string): Promise<PayoutBatchesState> {
    const snapshot = await readStreamSnapshot(this.events, streamNames.payoutBatches(currency));
    return snapshot.events.reduce((s, e) => payoutBatchDecider.evolve(s, e as never), payoutBatchDecider.initialState);
  }

  private async find(batchId: string): Promise<{ batch: BatchState; currency: string }> {
    for (const currency of Object.keys(CURRENCIES)) {
      const batch = (await this.stateOf(currency)).batches.get(batchId);
      if (batch) return { batch, currency };
    }
    throw new NotFoundError('payout-batch-not-found', `Payout batch ${batchId} does not exist`, { field: 'batchId' });
  }
}

/** A settlement the contributor's stream refuses because the balance no longer covers it or the reference was used: the line is held. */
function isRefusedSettlement(e: unknown): boolean {
  return e instanceof DomainError && (e.code === 'settlement-exceeds-payable' || e.code === 'settlement-reference-used');
}

function csvCell(v: string): string {
  // Quote everything that could be read as a formula or break the row (RFC 4180; spreadsheets' formula injection).
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n']/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function viewOf(b: BatchState): PayoutBatchView {
  const counts = { reserved: 0, settled: 0, released: 0, held: 0 };
  for (const l of b.lines) counts[l.status] += 1;
  return {
    batchId: b.batchId,
    currency: b.currency,
    minAmount: b.minAmount,
    total: b.total,
    lineCount: b.lines.length,
    createdAt: b.createdAt,
    reconciliations: b.reconciliations,
    counts,
    lines: b.lines.map((l) => ({
      lineId: l.lineId,
      endToEndId: l.endToEndId,
      contributorId: l.contributorId,
      amount: l.amount,
      status: l.status,
      ...(l.reason ? { reason: l.reason } : {}),
      ...(l.bankReference ? { bankReference: l.bankReference } : {}),
    })),
  };
}
