import pg from 'pg';
import { StoreUnavailable } from '../event-store.errors';

/** int8 (bigint) columns come back as strings from pg: positions and revisions are safe integers or refused. */
function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new StoreUnavailable(`PostgreSQL returned ${text}, past the safe integer range`);
  return n;
}

const INT8_OID = 20;
export const postgresTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? parseInt8 : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export interface PostgresLocation {
  /** The connection string without the `schema` parameter (pg would send it to the server as a setting). */
  connectionString: string;
  /** Schema holding the tables (default public). */
  schema: string;
}

/** Reads `postgres://…?schema=name`: the schema parameter is ours, not the server's. */
export function parsePostgresUrl(url: string): PostgresLocation {
  const u = new URL(url);
  const schema = u.searchParams.get('schema') ?? 'public';
  u.searchParams.delete('schema');
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new TypeError(
      `schema "${schema}" in the PostgreSQL URL: use lower-case letters, digits and _ (at most 63, not starting with a digit)`,
    );
  }
  return { connectionString: u.toString(), schema };
}

/** SQLSTATE classes and socket errors that mean "the server cannot serve now", not "this request is wrong". */
export function isPostgresUnavailable(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown } | null;
  const code = typeof err?.code === 'string' ? err.code : '';
  return (
    /^(08|53|57P0|58)/.test(code) ||
    code === '40001' ||
    code === '40P01' ||
    /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH)$/.test(code) ||
    /Connection terminated|connection timeout|Client has encountered a connection error|Cannot use a pool after calling end/i.test(
      String(err?.message ?? ''),
    )
  );
}

/** Store errors become StoreUnavailable; our typed errors and bugs pass through. */
export function mapPostgresError(e: unknown, what: string): unknown {
  if (e instanceof StoreUnavailable) return e;
  if (isPostgresUnavailable(e)) return new StoreUnavailable(`PostgreSQL unavailable during ${what}: ${(e as Error).message}`, e);
  return e;
}

/** A quoted identifier: "name" with inner quotes doubled. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A 32-bit key from a name (FNV-1a), for the two-int advisory lock functions. */
export function lockKey(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}
