import { EventEmitter } from 'node:events';
import type { SubscribeToAllOptions, Subscription } from '../event-store.port';
import { StoreUnavailable } from '../event-store.errors';
import { catchUpSubscription } from '../sql/catch-up-subscription';
import { mapStoreError } from './sqlite-store-errors';
import { toEvent, type SqliteStatements } from './sqlite-statements';

/**
 * In-process "something was appended" signal, per database file, so live
 * subscriptions of every adapter instance on the same file in this process
 * wake at once. Other processes are seen by polling.
 */
const appended = new EventEmitter();
appended.setMaxListeners(0);

/** Tells this process's subscriptions on `file` that an append committed. */
export function signalAppend(file: string): void {
  appended.emit(file);
}

/** The catch-up subscription over the embedded log: woken by signalAppend in this process, by polling for others. */
export function subscribeToSqliteLog(
  file: string,
  stmt: SqliteStatements,
  settings: { pollIntervalMs: number; closed: () => boolean },
  options: SubscribeToAllOptions,
  onStopped: () => void,
): Subscription {
  return catchUpSubscription(
    {
      head: () => stmt.head.get() ?? 0,
      after: (checkpoint, max) => stmt.page.all(checkpoint + 1, Number.MAX_SAFE_INTEGER, max).map(toEvent),
      onAppend: (listener) => {
        appended.on(file, listener);
        return () => appended.off(file, listener);
      },
      pollIntervalMs: settings.pollIntervalMs,
      // A busy or locked read is transient under WAL: wait for the next poll.
      isTransient: (e) => {
        const mapped = mapStoreError(e, 'subscription');
        return mapped instanceof StoreUnavailable && /SQLITE_(BUSY|LOCKED)/.test(mapped.message) && !settings.closed();
      },
      mapError: (e) => mapStoreError(e, 'subscription'),
    },
    options,
    onStopped,
  );
}
