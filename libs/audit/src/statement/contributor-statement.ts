import type { RecordedEvent } from '@1tt/event-store';
import { formatMinor, parseNonNegativeAmount, parseSignedAmount, payablePosition, type PayoutSettled } from '@1tt/ledger';
import { LedgerReplay, ratioOf } from '../replay/ledger-replay';
import type { MoneyByCurrency } from '../replay/ledger-snapshot';
import { LogNames, placeAfter } from './log-names';

export interface StatementLine {
  revenueId: string;
  consumerId: string;
  /** The consumer's display name, from its registration in the log. */
  consumerDisplayName?: string | null;
  /** Position of the payout run event. */
  position: number;
  recordedAt: string;
  /** Position of the pool the run used (its revenue report). */
  poolPosition: number;
  policy: string;
  currency: string;
  tokens: string;
  totalTokens: string;
  /** weight ÷ ΣW: the share of the pool amount this run paid (= tokens ÷ ΣT for snapshot runs). */
  ratio: string;
  /** The allocation weight (tokens for snapshot runs, token-milliseconds for time-weighted ones) and ΣW. */
  weight: string;
  totalWeight: string;
  amount: string;
}

export interface SettlementLine {
  position: number;
  recordedAt: string;
  currency: string;
  amount: string;
  reference?: string;
}

/** A correction's signed change of one of the contributor's allocations. */
export interface AdjustmentLine {
  correctionId: string;
  revenueId: string;
  /** Position of the PayoutRunAdjusted event. */
  position: number;
  recordedAt: string;
  currency: string;
  /** Signed ("-54.00": taken back). */
  amount: string;
  /** The revenue amount before and after the correction. */
  previousRevenueAmount: string;
  revenueAmount: string;
}

export interface ContributorStatement {
  contributorId: string;
  /** The contributor's display name, from the registration in the log. */
  contributorDisplayName?: string | null;
  /** The log position the statement is as of. */
  position: number;
  generatedFrom: { toPosition: number; recordedAt?: string };
  runs: StatementLine[];
  adjustments: AdjustmentLine[];
  settlements: SettlementLine[];
  totals: {
    /** Allocations of runs plus adjustments of corrections. */
    allocated: MoneyByCurrency;
    adjusted: MoneyByCurrency;
    paidOut: MoneyByCurrency;
    balance: MoneyByCurrency;
    /** max(0, balance) and max(0, −balance) (clawback: recovered from the next allocations). */
    payable: MoneyByCurrency;
    recoverable: MoneyByCurrency;
    runs: number;
    tokensNow: string;
  };
}

/** Folds the log and lists every payout run (and settlement) that concerns one contributor. */
export async function buildStatement(
  events: AsyncIterable<RecordedEvent> | Iterable<RecordedEvent>,
  contributorId: string,
  options: { atPosition?: number } = {},
): Promise<ContributorStatement> {
  const replay = new LedgerReplay();
  const names = new LogNames();
  const runs: StatementLine[] = [];
  const settlements: SettlementLine[] = [];
  const adjustments: AdjustmentLine[] = [];
  const adjusted = new Map<string, bigint>();
  const allocated = new Map<string, bigint>();
  const paid = new Map<string, bigint>();
  for await (const e of events) {
    if (options.atPosition !== undefined && e.position > options.atPosition) break;
    names.note(e);
    const recorded = replay.apply(e);
    const adjustment = replay.completedAdjustment;
    if (adjustment) {
      const a = adjustment.adjusted.data;
      for (const chunk of adjustment.chunks) {
        const line = chunk.data.adjustments.find((x) => x.contributorId === contributorId);
        if (!line) continue;
        const amount = parseSignedAmount(line.amount, a.currency);
        adjustments.push({
          correctionId: a.correctionId,
          revenueId: a.revenueId,
          position: adjustment.adjusted.position,
          recordedAt: e.metadata.recordedAt,
          currency: a.currency,
          amount: formatMinor(amount, a.currency),
          previousRevenueAmount: a.previousAmount,
          revenueAmount: a.amount,
        });
        allocated.set(a.currency, (allocated.get(a.currency) ?? 0n) + amount);
        adjusted.set(a.currency, (adjusted.get(a.currency) ?? 0n) + amount);
      }
    } else if (recorded) {
      const c = recorded.completed.data;
      for (const chunk of recorded.chunks) {
        const a = chunk.data.allocations.find((x) => x.contributorId === contributorId);
        if (!a) continue;
        const amount = parseNonNegativeAmount(a.amount, c.currency);
        runs.push({
          revenueId: c.revenueId,
          consumerId: c.consumerId,
          position: recorded.completed.position,
          recordedAt: e.metadata.recordedAt,
          poolPosition: c.poolPosition,
          policy: c.policy,
          currency: c.currency,
          tokens: a.tokens,
          totalTokens: c.totalTokens,
          ratio: ratioOf(a.weight, c.totalWeight),
          weight: a.weight,
          totalWeight: c.totalWeight,
          amount: formatMinor(amount, c.currency),
        });
        allocated.set(c.currency, (allocated.get(c.currency) ?? 0n) + amount);
      }
    } else if (e.type === 'PayoutSettled' && (e.data as PayoutSettled['data']).contributorId === contributorId) {
      const d = e.data as PayoutSettled['data'];
      const amount = parseNonNegativeAmount(d.amount, d.currency);
      settlements.push({
        position: e.position,
        recordedAt: e.metadata.recordedAt,
        currency: d.currency,
        amount: formatMinor(amount, d.currency),
        ...(d.reference ? { reference: d.reference } : {}),
      });
      paid.set(d.currency, (paid.get(d.currency) ?? 0n) + amount);
    }
  }
  const fmt = (m: Map<string, bigint>): MoneyByCurrency =>
    Object.fromEntries([...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([c, v]) => [c, formatMinor(v, c)]));
  const balance = new Map(allocated);
  for (const [c, v] of paid) balance.set(c, (balance.get(c) ?? 0n) - v);
  return {
    contributorId,
    contributorDisplayName: names.of(contributorId),
    position: replay.position,
    generatedFrom: { toPosition: replay.position, ...(replay.recordedAt ? { recordedAt: replay.recordedAt } : {}) },
    runs: runs.map((r) => placeAfter(r, 'consumerId', 'consumerDisplayName', names.of(r.consumerId))),
    adjustments,
    settlements,
    totals: {
      allocated: fmt(allocated),
      adjusted: fmt(adjusted),
      paidOut: fmt(paid),
      balance: fmt(balance),
      payable: fmt(new Map([...balance].map(([c, v]) => [c, payablePosition(v).payable]))),
      recoverable: fmt(new Map([...balance].map(([c, v]) => [c, payablePosition(v).recoverable]))),
      runs: runs.length,
      tokensNow: (replay.pool.at(replay.position).contributors.get(contributorId) ?? 0n).toString(),
    },
  };
}

function money(m: MoneyByCurrency): string {
  const parts = Object.entries(m).map(([c, v]) => `${v} ${c}`);
  return parts.length ? parts.join(', ') : '0';
}

export function renderStatementText(s: ContributorStatement): string {
  const rows = s.runs.map((r) => [
    r.recordedAt.slice(0, 19).replace('T', ' '),
    r.revenueId,
    String(r.poolPosition),
    r.tokens,
    r.totalTokens,
    r.ratio,
    `${r.amount} ${r.currency}`,
  ]);
  const head = ['run recorded (UTC)', 'revenue', 'pool position', 'tokens', 'ΣT', 'ratio', 'amount'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i >= 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  const out = [
    `Payout statement for contributor ${s.contributorDisplayName ? `${s.contributorDisplayName} (${s.contributorId})` : s.contributorId}`,
    `as of log position ${s.position}${s.generatedFrom.recordedAt ? ` (${s.generatedFrom.recordedAt})` : ''}`,
    '',
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
  ];
  if (s.adjustments.length) {
    out.push('Adjustments (revenue corrections):');
    for (const a of s.adjustments)
      out.push(
        `  ${a.recordedAt.slice(0, 19).replace('T', ' ')}  position ${a.position}  revenue ${a.revenueId} ${a.previousRevenueAmount} → ${a.revenueAmount}  ${a.amount} ${a.currency}`,
      );
    out.push('');
  }
  if (s.settlements.length) {
    out.push('Settlements:');
    for (const p of s.settlements)
      out.push(
        `  ${p.recordedAt.slice(0, 19).replace('T', ' ')}  position ${p.position}  ${p.amount} ${p.currency}${p.reference ? `  ref ${p.reference}` : ''}`,
      );
    out.push('');
  }
  out.push(
    `Payout runs: ${s.totals.runs}`,
    `Allocated:   ${money(s.totals.allocated)}`,
    `Paid out:    ${money(s.totals.paidOut)}`,
    `Balance:     ${money(s.totals.balance)}`,
    ...(Object.values(s.totals.recoverable).some((v) => !/^0(\.0+)?$/.test(v)) ? [`Recoverable: ${money(s.totals.recoverable)}`] : []),
    `Tokens in the pool now: ${s.totals.tokensNow}`,
  );
  return out.join('\n') + '\n';
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A self-contained HTML page (no scripts, no external resources), printable. */
export function renderStatementHtml(s: ContributorStatement): string {
  const rows = s.runs
    .map(
      (r) =>
        `<tr><td>${esc(r.recordedAt)}</td><td><code>${esc(r.revenueId)}</code></td><td>${esc(r.consumerDisplayName ?? r.consumerId)}</td><td class="n">${r.poolPosition}</td><td class="n">${esc(r.tokens)}</td><td class="n">${esc(r.totalTokens)}</td><td class="n">${esc(r.ratio)}</td><td class="n">${esc(r.amount)} ${esc(r.currency)}</td></tr>`,
    )
    .join('\n');
  const adjustments = s.adjustments
    .map(
      (a) =>
        `<tr><td>${esc(a.recordedAt)}</td><td><code>${esc(a.revenueId)}</code></td><td class="n">${esc(a.previousRevenueAmount)} → ${esc(a.revenueAmount)}</td><td class="n">${esc(a.amount)} ${esc(a.currency)}</td></tr>`,
    )
    .join('\n');
  const settlements = s.settlements
    .map(
      (p) =>
        `<tr><td>${esc(p.recordedAt)}</td><td class="n">${p.position}</td><td class="n">${esc(p.amount)} ${esc(p.currency)}</td><td>${esc(p.reference ?? '')}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Payout statement ${esc(s.contributorId)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;margin:1rem 0}td,th{border-bottom:1px solid #ddd;padding:.3rem .6rem;text-align:left}.n{text-align:right;font-variant-numeric:tabular-nums}dt{font-weight:600}</style>
</head><body>
<h1>Payout statement</h1>
<p>Contributor ${s.contributorDisplayName ? `${esc(s.contributorDisplayName)} ` : ''}<code>${esc(s.contributorId)}</code>, as of log position ${s.position}${s.generatedFrom.recordedAt ? ` (${esc(s.generatedFrom.recordedAt)})` : ''}. Recomputable with <code>1tt audit verify</code> on the same export.</p>
<h2>Payout runs</h2>
<table><thead><tr><th>recorded</th><th>revenue</th><th>consumer</th><th class="n">pool position</th><th class="n">tokens</th><th class="n">ΣT</th><th class="n">ratio</th><th class="n">amount</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<h2>Adjustments (revenue corrections)</h2>
<table><thead><tr><th>recorded</th><th>revenue</th><th class="n">revenue amount</th><th class="n">adjustment</th></tr></thead>
<tbody>
${adjustments}
</tbody></table>
<h2>Settlements</h2>
<table><thead><tr><th>recorded</th><th class="n">position</th><th class="n">amount</th><th>reference</th></tr></thead>
<tbody>
${settlements}
</tbody></table>
<h2>Totals</h2>
<dl><dt>Payout runs</dt><dd>${s.totals.runs}</dd><dt>Allocated</dt><dd>${esc(money(s.totals.allocated))}</dd><dt>Paid out</dt><dd>${esc(money(s.totals.paidOut))}</dd><dt>Balance</dt><dd>${esc(money(s.totals.balance))}</dd><dt>Recoverable</dt><dd>${esc(money(s.totals.recoverable))}</dd><dt>Tokens in the pool now</dt><dd>${esc(s.totals.tokensNow)}</dd></dl>
</body></html>
`;
}
