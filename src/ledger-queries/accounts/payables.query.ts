import { Injectable } from '@nestjs/common';
import { ValidationError } from '@1tt/domain-errors';
import { currencyExponent, formatMinor, payablePosition } from '@1tt/ledger';
import { parseCursor, parseLimit, type PageQuery, type PointInTimeQuery } from '../../http/point-in-time.params';
import { LedgerReadModels } from '../ledger-read-models.service';
import { minorOf } from '../money-by-currency';
import { CONTRIBUTOR_ACCOUNTS, type ContributorAccountDoc } from './accounts.projection';
import type { PayableRowDto, PayablesPage } from './accounts.response.dto';

export interface PayablesQueryParams extends PointInTimeQuery, PageQuery {
  currency?: string;
  /** "true": also contributors whose balance is zero in every currency (settled in full). */
  includeSettled?: string;
}

/**
 * GET /v1/payables: who is owed what. Each contributor's account (accounts
 * read model) per currency: allocated (payout runs, net of corrections),
 * paid out (settlements), balance = allocated − paid out, reserved (in
 * payout batches the bank has not answered for), payable =
 * max(0, balance) − reserved (what is owed and in no batch: never shown
 * twice), recoverable = max(0, −balance), at one position. Pages
 * follow the accounts in contributor id order; a filter keeps the rows of a
 * page that match, so a page may hold fewer than `limit` rows while
 * nextCursor still says more follow.
 */
@Injectable()
export class PayablesQuery {
  constructor(private readonly rm: LedgerReadModels) {}

  async page(query: PayablesQueryParams): Promise<PayablesPage> {
    const currency = parseCurrencyFilter(query.currency);
    const includeSettled = query.includeSettled === 'true';
    const position = await this.rm.positionFor(query, ['accounts']);
    const page = await this.rm.store.find<ContributorAccountDoc>(CONTRIBUTOR_ACCOUNTS, {
      atPosition: position,
      after: parseCursor(query.cursor),
      limit: parseLimit(query.limit),
    });
    const items: PayableRowDto[] = [];
    for (const { doc } of page.items) {
      const row = rowOf(doc, currency);
      if (row.currencies.length > 0 && (includeSettled || row.currencies.some((c) => !isZero(c.balance)))) items.push(row);
    }
    return { position, items, nextCursor: page.nextCursor ?? null };
  }

  /** Every row (all pages) at one position, for the CSV export. */
  async all(query: PayablesQueryParams): Promise<PayablesPage> {
    const position = await this.rm.positionFor(query, ['accounts']);
    const items: PayableRowDto[] = [];
    let cursor: string | undefined;
    do {
      const p = await this.page({ ...query, asOf: undefined, atPosition: String(position), cursor, limit: '1000' });
      items.push(...p.items);
      cursor = p.nextCursor ?? undefined;
    } while (cursor);
    return { position, items, nextCursor: null };
  }
}

const isZero = (amount: string): boolean => /^-?0(\.0+)?$/.test(amount);

function rowOf(doc: ContributorAccountDoc, only: string | undefined): PayableRowDto {
  const currencies = [...new Set([...Object.keys(doc.allocated ?? {}), ...Object.keys(doc.paidOut ?? {})])]
    .filter((c) => only === undefined || c === only)
    .sort()
    .map((c) => {
      const allocated = minorOf(doc.allocated, c);
      const paid = minorOf(doc.paidOut, c);
      const balance = allocated - paid;
      const p = payablePosition(balance);
      const reserved = minorOf(doc.reserved, c);
      const unreserved = p.payable - reserved;
      return {
        currency: c,
        allocated: formatMinor(allocated, c),
        paidOut: formatMinor(paid, c),
        balance: formatMinor(balance, c),
        payable: formatMinor(unreserved > 0n ? unreserved : 0n, c),
        reserved: formatMinor(reserved, c),
        recoverable: formatMinor(p.recoverable, c),
      };
    });
  return { contributorId: doc.contributorId, currencies };
}

function parseCurrencyFilter(currency: unknown): string | undefined {
  if (currency === undefined || currency === '') return undefined;
  if (typeof currency !== 'string') {
    throw new ValidationError('currency-unknown', 'currency must be given once', { field: 'currency', hint: 'E.g. currency=EUR.' });
  }
  currencyExponent(currency.toUpperCase(), 'currency');
  return currency.toUpperCase();
}

export const PAYABLES_CSV_COLUMNS = [
  'contributorId',
  'displayName',
  'currency',
  'allocated',
  'paidOut',
  'balance',
  'payable',
  'recoverable',
  'reserved',
] as const;

/** RFC 4180 with a header row, one row per contributor and currency; names a spreadsheet could run as formulas are defused. */
export function payablesCsv(page: PayablesPage, names: ReadonlyMap<string, string | null>): string {
  const field = (v: string): string => {
    const safe = /^[=+\-@\t\r]/.test(v) && !/^-?\d+(\.\d+)?$/.test(v) ? `'${v}` : v;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const rows: string[][] = [[...PAYABLES_CSV_COLUMNS]];
  for (const r of page.items)
    for (const c of r.currencies)
      rows.push([
        r.contributorId,
        names.get(r.contributorId) ?? '',
        c.currency,
        c.allocated,
        c.paidOut,
        c.balance,
        c.payable,
        c.recoverable,
        c.reserved,
      ]);
  return rows.map((r) => r.map(field).join(',')).join('\r\n') + '\r\n';
}
