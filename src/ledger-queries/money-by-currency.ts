import { formatMinor } from '@1tt/ledger';

/**
 * Amounts per currency as read models store them: integer minor units as
 * decimal-digit strings (JSON has no bigint; floats never hold money).
 */
export type MinorByCurrency = Record<string, string>;

/** The same amounts as the API shows them: the currency's decimal string ("EUR" → "12.34"). */
export type MoneyByCurrency = Record<string, string>;

export function addMinor(m: MinorByCurrency | undefined, currency: string, delta: bigint): MinorByCurrency {
  const out: MinorByCurrency = { ...(m ?? {}) };
  out[currency] = (BigInt(out[currency] ?? '0') + delta).toString();
  return sortedByCurrency(out);
}

export function minorOf(m: MinorByCurrency | undefined, currency: string): bigint {
  return BigInt(m?.[currency] ?? '0');
}

export function formatMoney(m: MinorByCurrency | Map<string, bigint> | undefined): MoneyByCurrency {
  const entries: Array<[string, bigint]> =
    m instanceof Map ? [...m.entries()] : Object.entries(m ?? {}).map(([c, v]): [string, bigint] => [c, BigInt(v)]);
  const out: MoneyByCurrency = {};
  for (const [c, v] of entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) out[c] = formatMinor(v, c);
  return out;
}

function sortedByCurrency(m: MinorByCurrency): MinorByCurrency {
  const out: MinorByCurrency = {};
  for (const k of Object.keys(m).sort()) out[k] = m[k];
  return out;
}
