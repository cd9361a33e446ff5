/**
 * Display formatting. Money stays a decimal string end to end (grouping is
 * done on the digits); only ratios, which are not money, are turned into a
 * number, and only to print a percentage.
 */
import type { MoneyField } from './api/contract';

export function groupDigits(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const s = String(value);
  const m = /^(-?)(\d+)(\.\d+)?$/.exec(s);
  if (!m) return s;
  return `${m[1]}${m[2].replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${m[3] ?? ''}`;
}

export function percent(ratio: string | null | undefined, digits = 4): string {
  if (ratio === null || ratio === undefined || ratio === '') return '—';
  const n = Number(ratio);
  if (!Number.isFinite(n)) return ratio;
  return `${(n * 100).toFixed(digits)} %`;
}

export interface MoneyLine {
  currency: string;
  amount: string;
}

/** The per-currency lines of a money field, in currency order (stable for tests and readers). */
export function moneyLines(field: MoneyField, currency?: string): MoneyLine[] {
  if (field === null || field === undefined) return [];
  if (typeof field === 'string') return [{ currency: currency ?? '', amount: field }];
  return Object.keys(field)
    .sort()
    .map((c) => ({ currency: c, amount: field[c] }));
}

export function moneyText(field: MoneyField, currency?: string): string {
  const lines = moneyLines(field, currency);
  if (lines.length === 0) return '0';
  return lines.map((l) => `${groupDigits(l.amount)} ${l.currency}`.trim()).join(' · ');
}

/** A stable string of a value for data-value attributes (sorted keys), so tests compare exactly. */
export function canonical(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'object') return String(value);
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
          )
        : v;
  return JSON.stringify(sort(value));
}

export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

export function shortHash(h: string | undefined | null, n = 12): string {
  if (!h) return '—';
  return h.length > n ? `${h.slice(0, n)}…` : h;
}

export function timeText(iso: string | undefined | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, 'Z');
}

export function reasonLabel(reason: string): string {
  return reason.replace(/[_-]+/g, ' ');
}
