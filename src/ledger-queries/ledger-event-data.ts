import type { RecordedEvent } from '@1tt/event-store';
import { parseNonNegativeAmount, parseSignedAmount } from '@1tt/ledger';

/**
 * Reading the fields the read side needs from ledger events. The same
 * fallbacks as the audit's fact reader (an id may come from the stream
 * name), so the read models and /v1/audit/verify read the log alike.
 * Projections never throw on a malformed body (that would stop the runner
 * for every reader): they skip what they cannot read, and the audit
 * route reports it.
 */
export type EventData = Record<string, unknown>;

export const dataOf = (e: RecordedEvent): EventData => (e.data && typeof e.data === 'object' ? (e.data as EventData) : {});

export function idOf(e: RecordedEvent, field: string, category: string): string | undefined {
  const v = dataOf(e)[field];
  if (typeof v === 'string' && v.length > 0) return v;
  return e.streamName.startsWith(`${category}-`) ? e.streamName.slice(category.length + 1) : undefined;
}

export function str(d: EventData, field: string): string | undefined {
  const v = d[field];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** A count or minor-unit amount: safe integer or digit string. */
export function int(d: EventData, field: string): bigint | undefined {
  const v = d[field];
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === 'string' && /^\d+$/.test(v)) return BigInt(v);
  return undefined;
}

/** Money as the catalogue records it: a decimal string in the currency ("150.00") → minor units. */
export function money(d: EventData, field: string, currency: string): bigint | undefined {
  const v = d[field];
  if (typeof v !== 'string') return undefined;
  try {
    return parseNonNegativeAmount(v, currency, field);
  } catch {
    return undefined;
  }
}

export interface AllocationData {
  contributorId: string;
  tokens: bigint;
  /** Minor units. */
  amount: bigint;
}

/** The allocation lines of a PayoutRunAllocationsRecorded event (tokens digit strings, amounts decimal strings). */
export function allocationsOf(d: EventData, currency: string): AllocationData[] {
  const raw = d.allocations;
  if (!Array.isArray(raw)) return [];
  const out: AllocationData[] = [];
  for (const a of raw as EventData[]) {
    const contributorId = a && str(a, 'contributorId');
    const tokens = a && int(a, 'tokens');
    const amount = a && money(a, 'amount', currency);
    if (contributorId && tokens !== undefined && amount !== undefined) out.push({ contributorId, tokens, amount });
  }
  return out;
}

/** A signed amount as adjustments record it ("-1.25") → minor units. */
export function signedMoney(d: EventData, field: string, currency: string): bigint | undefined {
  const v = d[field];
  if (typeof v !== 'string') return undefined;
  try {
    return parseSignedAmount(v, currency, field);
  } catch {
    return undefined;
  }
}

export interface AdjustmentData {
  contributorId: string;
  /** Signed minor units. */
  amount: bigint;
}

/** The lines of a PayoutRunAdjustmentsRecorded event. */
export function adjustmentsOf(d: EventData, currency: string): AdjustmentData[] {
  const raw = d.adjustments;
  if (!Array.isArray(raw)) return [];
  const out: AdjustmentData[] = [];
  for (const a of raw as EventData[]) {
    const contributorId = a && str(a, 'contributorId');
    const amount = a && signedMoney(a, 'amount', currency);
    if (contributorId && amount !== undefined) out.push({ contributorId, amount });
  }
  return out;
}
