/**
 * Bank statements of executed payments, as uploaded for reconciliation:
 *  - CSV (RFC 4180, UTF-8, header row): endToEndId,amount,currency,status[,reference]
 *    status: executed | booked | paid (the transfer left) or failed |
 *    rejected | returned (it did not, or came back);
 *  - camt.053 (ISO 20022 BankToCustomerStatement, any version): each <Ntry>
 *    with its <EndToEndId>, <Amt Ccy>, <CdtDbtInd> and <RvslInd>; a debit
 *    booked is executed, a reversal or a credit (a return) is failed.
 * Each end-to-end id may appear once.
 */
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { ValidationError } from '@1tt/domain-errors';
import { MAX_SETTLEMENT_REFERENCE_LENGTH, type StatementEntry } from '@1tt/ledger';

export interface ParsedStatement {
  format: 'csv' | 'camt.053';
  sha256: string;
  entries: Map<string, StatementEntry>;
}

const EXECUTED = new Set(['executed', 'booked', 'paid', 'book', 'acsc']);
const FAILED = new Set(['failed', 'rejected', 'returned', 'rjct', 'rtrn']);
const AMOUNT = /^[0-9]{1,18}(\.[0-9]{1,5})?$/;

function malformed(message: string, line?: number): never {
  throw new ValidationError('statement-malformed', message, {
    field: line === undefined ? 'statement' : `statement.line.${line}`,
    hint: 'Upload a CSV with the header endToEndId,amount,currency,status[,reference], or a camt.053 XML statement.',
  });
}

/**
 * The bank's reference as a settlement records it: trimmed, absent when
 * empty; longer than a settlement reference may be, or with control
 * characters, the statement is refused here (before anything is settled)
 * rather than by the settlement of that one line after others were.
 */
function referenceOf(raw: string | undefined, line?: number): string | undefined {
  const reference = raw?.trim();
  if (!reference) return undefined;
  if (/\p{Cc}/u.test(reference)) malformed('A reference contains control characters', line);
  if (reference.length > MAX_SETTLEMENT_REFERENCE_LENGTH)
    malformed(`A reference is longer than ${MAX_SETTLEMENT_REFERENCE_LENGTH} characters`, line);
  return reference;
}

function add(entries: Map<string, StatementEntry>, e: StatementEntry, line?: number): void {
  if (!e.endToEndId || e.endToEndId.length > 35) malformed('An entry has no end-to-end id (or one longer than 35 characters)', line);
  if (!AMOUNT.test(e.amount)) malformed(`Amount ${JSON.stringify(e.amount)} is not a decimal amount`, line);
  if (!/^[A-Z]{3}$/.test(e.currency)) malformed(`Currency ${JSON.stringify(e.currency)} is not an ISO 4217 code`, line);
  if (entries.has(e.endToEndId)) malformed(`End-to-end id ${e.endToEndId} appears twice`, line);
  entries.set(e.endToEndId, e);
}

export function parseBankStatement(body: Buffer): ParsedStatement {
  const sha256 = createHash('sha256').update(body).digest('hex');
  const text = body.toString('utf8').replace(/^\uFEFF/, '');
  const entries = new Map<string, StatementEntry>();
  if (/^\s*</.test(text)) {
    if (!/urn:iso:std:iso:20022:tech:xsd:camt\.053\./.test(text)) malformed('The XML is not a camt.053 statement');
    const ntries = text.match(/<(?:\w+:)?Ntry>[\s\S]*?<\/(?:\w+:)?Ntry>/g) ?? [];
    for (const [i, n] of ntries.entries()) {
      const tag = (name: string) => new RegExp(`<(?:\\w+:)?${name}(?:\\s[^>]*)?>([^<]*)</(?:\\w+:)?${name}>`).exec(n)?.[1]?.trim();
      const amt = /<(?:\w+:)?Amt\s+Ccy="([A-Z]{3})"\s*>([^<]*)</.exec(n);
      const endToEndId = tag('EndToEndId') ?? '';
      const reversal = tag('RvslInd') === 'true';
      const credit = tag('CdtDbtInd') === 'CRDT';
      const status = (tag('Cd') ?? tag('Sts') ?? 'BOOK').toLowerCase();
      // Entries are numbered from 1 in `field` (statement.line.N) for a camt.053 statement.
      add(
        entries,
        {
          endToEndId,
          amount: amt?.[2]?.trim() ?? '',
          currency: amt?.[1] ?? '',
          status: reversal || credit || FAILED.has(status) ? 'failed' : 'executed',
          reference: referenceOf(tag('AcctSvcrRef') || tag('TxId'), i + 1),
        },
        i + 1,
      );
    }
    return { format: 'camt.053', sha256, entries };
  }
  let rows: string[][];
  try {
    rows = parse(text, { relax_column_count: false, skip_empty_lines: true, trim: true }) as string[][];
  } catch (e) {
    malformed(`The CSV cannot be read: ${(e as Error).message}`);
  }
  const header = (rows[0] ?? []).map((h) => h.toLowerCase());
  const col = (name: string) => header.indexOf(name.toLowerCase());
  const [iE, iA, iC, iS, iR] = [col('endToEndId'), col('amount'), col('currency'), col('status'), col('reference')];
  if (iE < 0 || iA < 0 || iC < 0 || iS < 0) malformed('The CSV header must name endToEndId, amount, currency and status', 1);
  rows.slice(1).forEach((r, i) => {
    const line = i + 2;
    const status = (r[iS] ?? '').toLowerCase();
    if (!EXECUTED.has(status) && !FAILED.has(status))
      malformed(`Status ${JSON.stringify(r[iS])} is not executed, booked, paid, failed, rejected or returned`, line);
    const reference = iR >= 0 ? referenceOf(r[iR], line) : undefined;
    add(
      entries,
      {
        endToEndId: r[iE] ?? '',
        amount: r[iA] ?? '',
        currency: (r[iC] ?? '').toUpperCase(),
        status: EXECUTED.has(status) ? 'executed' : 'failed',
        reference,
      },
      line,
    );
  });
  return { format: 'csv', sha256, entries };
}
