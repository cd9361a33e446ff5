import type { RecordedEvent } from '@1tt/event-store';
import {
  formatMinor,
  parseNonNegativeAmount,
  parseSignedAmount,
  payablePosition,
  type PayoutRunAdjusted,
  type PayoutRunCompleted,
  type PayoutSettled,
} from '@1tt/ledger';
import { LedgerReplay, ratioOf } from '../replay/ledger-replay';
import { LogNames, placeAfter } from './log-names';

/** One money movement on a contributor's account, in log order. */
export interface PeriodStatementLine {
  kind: 'allocation' | 'adjustment' | 'settlement';
  position: number;
  recordedAt: string;
  currency: string;
  /** Signed decimal string: allocations and settlements are positive amounts; a settlement lowers the balance. */
  amount: string;
  /** allocation / adjustment: the revenue report and the consumer who funded it. */
  revenueId: string | null;
  consumerId: string | null;
  /** The consumer's display name, from its registration in the log (null when not registered there). */
  consumerDisplayName?: string | null;
  /** allocation: tokens, ΣT at the run's pool position, the share (weight ÷ ΣW) and the revenue amount reported. */
  tokens: string | null;
  totalTokens: string | null;
  ratio: string | null;
  revenueAmount: string | null;
  /** allocation / adjustment: the pool amount floor(R × α) the line is a share of (after the correction, for an adjustment). */
  poolAmount: string | null;
  /** adjustment: the correction. */
  correctionId: string | null;
  /** settlement: the payment reference. */
  reference: string | null;
}

export interface PeriodStatementTotals {
  currency: string;
  /** Balance (allocated + adjusted − settled) before `from`. */
  opening: string;
  allocated: string;
  adjusted: string;
  settled: string;
  /** opening + allocated + adjusted − settled. */
  closing: string;
  /** max(0, closing) and max(0, −closing) (clawback). */
  payable: string;
  recoverable: string;
}

export interface PeriodStatement {
  contributorId: string;
  /** The contributor's display name, from the registration in the log. */
  contributorDisplayName?: string | null;
  /** [from, to) by recordedAt; null: open-ended. */
  from: string | null;
  to: string | null;
  /** The last log position the statement read. */
  position: number;
  lines: PeriodStatementLine[];
  currencies: PeriodStatementTotals[];
}

/**
 * A contributor's statement for a period, recomputed from the events alone
 * with the ledger's own code (LedgerReplay): the opening balance per
 * currency (everything recorded before `from`), each allocation of a payout
 * run, each adjustment of a revenue correction and each settlement recorded
 * in [from, to), and the closing balance. The service answers
 * GET /v1/contributors/{id}/statements with this very function over its log,
 * and `1tt audit statement --from --to` over an export: one implementation,
 * the same numbers.
 */
/** One money movement of the contributor: which total it adds to, and its statement line. */
export interface StatementMovement {
  field: 'allocated' | 'adjusted' | 'settled';
  /** Signed minor units added to the balance (a settlement is negative). */
  delta: bigint;
  line: PeriodStatementLine;
}

const NO_DETAILS = {
  revenueId: null,
  consumerId: null,
  tokens: null,
  totalTokens: null,
  ratio: null,
  revenueAmount: null,
  poolAmount: null,
  correctionId: null,
  reference: null,
};

/** The allocation line of a completed run (position and time: the run's PayoutRunCompleted). */
export function allocationMovement(
  completed: { position: number; recordedAt: string; data: PayoutRunCompleted['data'] },
  allocation: { amount: string; tokens: string; weight: string },
  revenueAmount: string | undefined,
): StatementMovement {
  const c = completed.data;
  const amount = parseNonNegativeAmount(allocation.amount, c.currency);
  return {
    field: 'allocated',
    delta: amount,
    line: {
      ...NO_DETAILS,
      kind: 'allocation',
      position: completed.position,
      recordedAt: completed.recordedAt,
      currency: c.currency,
      amount: formatMinor(amount, c.currency),
      revenueId: c.revenueId,
      consumerId: c.consumerId,
      tokens: allocation.tokens,
      totalTokens: c.totalTokens,
      ratio: ratioOf(allocation.weight, c.totalWeight),
      revenueAmount: revenueAmount ?? c.amount,
      poolAmount: c.poolAmount,
    },
  };
}

/** The adjustment line of a completed correction (position and time: its PayoutRunAdjusted). */
export function adjustmentMovement(
  adjusted: { position: number; recordedAt: string; data: PayoutRunAdjusted['data'] },
  adjustment: { amount: string },
): StatementMovement {
  const d = adjusted.data;
  const amount = parseSignedAmount(adjustment.amount, d.currency);
  return {
    field: 'adjusted',
    delta: amount,
    line: {
      ...NO_DETAILS,
      kind: 'adjustment',
      position: adjusted.position,
      recordedAt: adjusted.recordedAt,
      currency: d.currency,
      amount: formatMinor(amount, d.currency),
      revenueId: d.revenueId,
      consumerId: d.consumerId,
      revenueAmount: d.amount,
      poolAmount: d.poolAmount,
      correctionId: d.correctionId,
    },
  };
}

export function settlementMovement(settled: { position: number; recordedAt: string; data: PayoutSettled['data'] }): StatementMovement {
  const d = settled.data;
  const amount = parseNonNegativeAmount(d.amount, d.currency);
  return {
    field: 'settled',
    delta: -amount,
    line: {
      ...NO_DETAILS,
      kind: 'settlement',
      position: settled.position,
      recordedAt: settled.recordedAt,
      currency: d.currency,
      amount: formatMinor(amount, d.currency),
      reference: d.reference ?? null,
    },
  };
}

/**
 * The statement from the contributor's movements in log order (everything
 * up to the statement's position, recorded before `to`): movements recorded
 * before `from` make the opening balance, the rest are the lines. Shared by
 * the full-log replay below and the service's indexed read, so both give
 * the same numbers.
 */
export function assemblePeriodStatement(
  contributorId: string,
  movements: Iterable<StatementMovement>,
  options: { from?: string; to?: string; position: number; names?: (id: string | null) => string | null },
): PeriodStatement {
  const from = options.from === undefined ? undefined : new Date(options.from).toISOString();
  const to = options.to === undefined ? undefined : new Date(options.to).toISOString();
  const lines: PeriodStatementLine[] = [];
  const sums = new Map<string, { opening: bigint; allocated: bigint; adjusted: bigint; settled: bigint }>();
  const sum = (currency: string) => {
    let s = sums.get(currency);
    if (!s) sums.set(currency, (s = { opening: 0n, allocated: 0n, adjusted: 0n, settled: 0n }));
    return s;
  };
  for (const f of movements) {
    const s = sum(f.line.currency);
    if (from !== undefined && f.line.recordedAt < from) s.opening += f.delta;
    else {
      if (f.field === 'settled') s.settled -= f.delta;
      else s[f.field] += f.delta;
      lines.push(f.line);
    }
  }
  const currencies = [...sums.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([currency, s]): PeriodStatementTotals => {
      const closing = s.opening + s.allocated + s.adjusted - s.settled;
      const p = payablePosition(closing);
      const f = (v: bigint) => formatMinor(v, currency);
      return {
        currency,
        opening: f(s.opening),
        allocated: f(s.allocated),
        adjusted: f(s.adjusted),
        settled: f(s.settled),
        closing: f(closing),
        payable: f(p.payable),
        recoverable: f(p.recoverable),
      };
    });
  const names = options.names ?? (() => null);
  return {
    contributorId,
    contributorDisplayName: names(contributorId),
    from: from ?? null,
    to: to ?? null,
    position: options.position,
    lines: lines.map((l) => placeAfter(l, 'consumerId', 'consumerDisplayName', names(l.consumerId))),
    currencies,
  };
}

/**
 * A contributor's statement for a period, recomputed from the events alone
 * with the ledger's own code (LedgerReplay): the opening balance per
 * currency (everything recorded before `from`), each allocation of a payout
 * run, each adjustment of a revenue correction and each settlement recorded
 * in [from, to), and the closing balance. `1tt audit statement --from --to`
 * runs it over an export; the service assembles the same movements from its
 * per-contributor index (assemblePeriodStatement): one rule, the same numbers.
 */
export async function buildPeriodStatement(
  events: AsyncIterable<RecordedEvent> | Iterable<RecordedEvent>,
  contributorId: string,
  options: { from?: string; to?: string; atPosition?: number } = {},
): Promise<PeriodStatement> {
  const to = options.to === undefined ? undefined : new Date(options.to).toISOString();
  const replay = new LedgerReplay();
  const logNames = new LogNames();
  const movements: StatementMovement[] = [];
  for await (const e of events) {
    if (options.atPosition !== undefined && e.position > options.atPosition) break;
    if (to !== undefined && e.metadata.recordedAt >= to) break;
    logNames.note(e);
    const recorded = replay.apply(e);
    if (recorded) {
      const report = replay.revenue.get(recorded.completed.data.revenueId)?.report;
      for (const chunk of recorded.chunks) {
        const a = chunk.data.allocations.find((x) => x.contributorId === contributorId);
        if (a) movements.push(allocationMovement({ ...recorded.completed, recordedAt: e.metadata.recordedAt }, a, report?.amount));
      }
    }
    const adjustment = replay.completedAdjustment;
    if (adjustment) {
      for (const chunk of adjustment.chunks) {
        const x = chunk.data.adjustments.find((l) => l.contributorId === contributorId);
        if (x) movements.push(adjustmentMovement({ ...adjustment.adjusted, recordedAt: e.metadata.recordedAt }, x));
      }
    }
    if (e.type === 'PayoutSettled' && (e.data as PayoutSettled['data']).contributorId === contributorId) {
      movements.push(
        settlementMovement({ position: e.position, recordedAt: e.metadata.recordedAt, data: e.data as PayoutSettled['data'] }),
      );
    }
  }
  return assemblePeriodStatement(contributorId, movements, {
    from: options.from,
    to: options.to,
    position: replay.position,
    names: (id) => logNames.of(id),
  });
}

export const STATEMENT_CSV_COLUMNS = [
  'kind',
  'recordedAt',
  'position',
  'currency',
  'amount',
  'revenueId',
  'consumerId',
  'tokens',
  'totalTokens',
  'ratio',
  'revenueAmount',
  'correctionId',
  'reference',
  'poolAmount',
] as const;

const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF,
 * quotes doubled. Text a spreadsheet would run as a formula (starting with
 * =, +, -, @, tab or CR) gets a leading apostrophe, unless it is a plain
 * number such as "-54.00" (a negative amount must stay a number).
 */
export function csvField(value: string | number | null): string {
  let v = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(v) && !PLAIN_NUMBER.test(v)) v = `'${v}`;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/**
 * The statement as CSV (RFC 4180, CRLF line ends, a header row): one row per
 * line, then one "opening" and one "closing" row per currency (amount = the
 * balance), so a spreadsheet can sum the lines and check the closing.
 */
export function renderPeriodStatementCsv(s: PeriodStatement): string {
  const rows: Array<Array<string | number | null>> = [[...STATEMENT_CSV_COLUMNS]];
  const empty = (kind: string, currency: string, amount: string, recordedAt: string | null) =>
    STATEMENT_CSV_COLUMNS.map((k) => ({ kind, recordedAt, currency, amount })[k as string] ?? null);
  for (const c of s.currencies) rows.push(empty('opening', c.currency, c.opening, s.from));
  for (const l of s.lines) rows.push(STATEMENT_CSV_COLUMNS.map((k) => (l as unknown as Record<string, string | number | null>)[k] ?? null));
  for (const c of s.currencies) {
    rows.push(empty('closing', c.currency, c.closing, s.to));
    if (c.recoverable !== formatMinor(0n, c.currency)) rows.push(empty('recoverable', c.currency, c.recoverable, s.to));
  }
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
