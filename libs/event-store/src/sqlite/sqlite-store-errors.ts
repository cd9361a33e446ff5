import { StoreUnavailable } from '../event-store.errors';

/** The SQLITE_* code of a better-sqlite3 error (duck-typed: instanceof fails across module registries such as Jest's). */
export function sqliteCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/**
 * Errors that mean "the store cannot serve now" become StoreUnavailable;
 * everything else (our typed errors, bugs) passes through unchanged.
 */
export function mapStoreError(e: unknown, what: string): unknown {
  const code = sqliteCode(e);
  if (code) {
    if (/^SQLITE_(BUSY|LOCKED|IOERR|READONLY|FULL|CANTOPEN|CORRUPT|NOTADB|PROTOCOL|NOMEM|PERM)/.test(code)) {
      return new StoreUnavailable(`Event store unavailable during ${what}: ${code}: ${(e as Error).message}`, e);
    }
    return e;
  }
  // By message, not instanceof: the native addon's TypeError is not the one of a Jest sandbox.
  if (/database connection is not open/i.test(String((e as Error | null)?.message))) {
    return new StoreUnavailable(`Event store is closed (${what})`, e);
  }
  return e;
}
