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

  async reconcile(batchId: string, statementBody: Buffer, by: Principal): Promise<ReconciliationView> {
    const statement = parseBankStatement(statementBody);
    const { batch, currency } = await this.find(batchId);
    const settledLines = new Set<string>();
    const refusedLines = new Set<string>();
    // 1. Settle matched lines on the contributors' streams (idempotent per batch line), before the batch records the outcome.
    for (const line of batch.lines) {
      if (!(line.status === 'reserved' || line.status === 'held')) continue;
      const entry = statement.entries.get(line.endToEndId);
      if (reconcileLine({ amount: line.amount, currency }, entry).outcome !== 'settled') continue;
      try {
        await decideOnStream(
          this.events,
          streamNames.contributor(line.contributorId),
          contributorDecider,
          {
            type: 'SettlePayout',
            data: {
              contributorId: line.contributorId,
              amount: line.amount,
              currency,
              reference: entry?.reference ?? line.endToEndId,
              batchId,
              lineId: line.lineId,
            },
          },
          {
            context: async () => {
              await this.processor.catchUp();
              return { now: this.clock.now(), allocatedToDate: this.processor.pool.allocatedTo(line.contributorId, currency) };
            },
            actor: actorOf(by),
            correlationId: batchId,
            attempts: ATTEMPTS,
          },
        );
        settledLines.add(line.lineId);
      } catch (e) {
        if (e instanceof DomainError && (e.code === 'settlement-exceeds-payable' || e.code === 'settlement-reference-used')) {
          refusedLines.add(line.lineId);
        } else throw e;
      }
    }
    // 2. Record every open line's outcome on the batch stream.
    const decision = await decideOnStream(
      this.events,
      streamNames.payoutBatches(currency),
      payoutBatchDecider,
      {
        type: 'ReconcilePayoutBatch',
        data: { batchId, statementSha256: statement.sha256, statementFormat: statement.format, entries: statement.entries },
      },
      {
        context: () => ({ now: this.clock.now(), settledLines, refusedLines }),
        actor: actorOf(by),
        correlationId: batchId,
        attempts: ATTEMPTS,
      },
    );
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
