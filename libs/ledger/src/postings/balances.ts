import { LoggedEvent } from '../events/ledger-event';
import { postingsFor } from './postings';

export interface Balance {
  account: string;
  currency: string;
  /** Minor units, signed (see postingsFor for the convention). */
  amount: bigint;
}

/**
 * Running balances per (account, currency), folded from the log in order.
 * Balances as of position P = a Balances fed the events with position ≤ P
 * (`Balances.at`); a read model stores the rows per position instead of
 * replaying.
 */
export class Balances {
  private readonly rows = new Map<string, Balance>();
  private last = 0;

  static fromEvents(events: Iterable<LoggedEvent>, upToPosition = Number.MAX_SAFE_INTEGER): Balances {
    const b = new Balances();
    for (const e of events) {
      if (e.position > upToPosition) break;
      b.apply(e);
    }
    return b;
  }

  /** Balances as of position P over a log given in order. */
  static at(events: Iterable<LoggedEvent>, position: number): Balances {
    return Balances.fromEvents(events, position);
  }

  get lastPosition(): number {
    return this.last;
  }

  apply(event: LoggedEvent): this {
    if (event.position <= this.last)
      throw new Error(`Balances: event at position ${event.position} after ${this.last}: apply each event once, in log order`);
    this.last = event.position;
    for (const p of postingsFor(event)) {
      const key = `${p.currency}\u0000${p.account}`;
      const row = this.rows.get(key);
      if (row) row.amount += p.amount;
      else this.rows.set(key, { account: p.account, currency: p.currency, amount: p.amount });
    }
    return this;
  }

  balance(account: string, currency: string): bigint {
    return this.rows.get(`${currency}\u0000${account}`)?.amount ?? 0n;
  }

  /** Every (account, currency) ever posted to, with its balance, sorted by currency then account. */
  all(): Balance[] {
    return [...this.rows.values()]
      .map((r) => ({ ...r }))
      .sort((a, b) => (a.currency + '\u0000' + a.account < b.currency + '\u0000' + b.account ? -1 : 1));
  }

  /** Σ of all balances per currency: always 0 for a consistent log. */
  totals(): Map<string, bigint> {
    const t = new Map<string, bigint>();
    for (const r of this.rows.values()) t.set(r.currency, (t.get(r.currency) ?? 0n) + r.amount);
    return t;
  }
}
