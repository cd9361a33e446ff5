import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import pg from 'pg';
import { parsePostgresUrl, postgresTypes } from '@1tt/event-store';
import { DatasetClaims, type ClaimsContext } from './dataset-claims.port';
import { isDeadLocalProcess } from './sqlite-dataset-claims.adapter';

/** First key of the claims' advisory lock ("1TTC"). */
const CLAIMS_LOCK_CLASS = 0x31545443;

export interface PostgresDatasetClaimsOptions {
  /** The event store's URL (postgres://…?schema=name): the claims table lives next to the events. */
  connectionString: string;
  /** A claim lapses this long after its last renewal. Default 30 s. */
  leaseSeconds?: number;
  /** Who holds a claim (logs and tests). Default host:pid:random. */
  owner?: string;
  /** Clock in ms (tests). Default: the database server's clock, which every process shares whatever its own clock says. */
  now?: () => number;
}

/**
 * Leases in a PostgreSQL table for worker and API processes on a PostgreSQL
 * event store, on any number of hosts. One row per dataset: its holder, when
 * the claim lapses, whether the dataset is decided. A process takes a
 * dataset whose row is missing (INSERT … ON CONFLICT DO NOTHING) or whose
 * lease lapsed (UPDATE of the row selected FOR UPDATE SKIP LOCKED: a row
 * another process is taking right now is skipped, not waited for, so
 * claimers never queue behind each other), renews its rows every third of
 * the lease, hands them back on a graceful stop, and marks a row decided
 * once the log shows the decision. A SIGKILLed process stops renewing and
 * its datasets go to another after the lease. Expiry is measured on the
 * database server's clock, so hosts with skewed clocks agree.
 */
export class PostgresDatasetClaims extends DatasetClaims {
  readonly description: string;
  readonly retryClaimsEveryMs: number;
  readonly owner: string;
  private readonly leaseMs: number;
  private readonly table: string;
  private readonly schema: string;
  private readonly connectionString: string;
  private pool?: pg.Pool;
  private readonly held = new Set<string>();
  private readonly asked = new Set<string>();
  private renewTimer?: NodeJS.Timeout;
  private context?: ClaimsContext;

  constructor(private readonly options: PostgresDatasetClaimsOptions) {
    super();
    const location = parsePostgresUrl(options.connectionString);
    this.schema = location.schema;
    this.connectionString = location.connectionString;
    this.table = `"${this.schema}".dataset_claims`;
    this.leaseMs = Math.round((options.leaseSeconds ?? 30) * 1000);
    this.owner = options.owner ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.retryClaimsEveryMs = Math.min(2000, Math.max(100, Math.round(this.leaseMs / 4)));
    this.description = `PostgreSQL leases (schema ${this.schema}, ${this.leaseMs / 1000} s, FOR UPDATE SKIP LOCKED)`;
  }

  /** $n as "now in ms": the test clock when given, else the server's. */
  private nowSql(n: number): string {
    return `COALESCE($${n}::bigint, (extract(epoch from clock_timestamp()) * 1000)::bigint)`;
  }

  private clock(): number | null {
    return this.options.now ? this.options.now() : null;
  }

  async start(context: ClaimsContext): Promise<void> {
    this.context = context;
    const pool = new pg.Pool({ connectionString: this.connectionString, max: 4, types: postgresTypes });
    pool.on('error', (e) => context.logError('dataset claims: idle PostgreSQL connection failed', e));
    // Processes starting at once would race on CREATE TABLE IF NOT EXISTS (a unique violation in pg_type): one at a time.
    await pool.query(
      `BEGIN;
       SELECT pg_advisory_xact_lock(${CLAIMS_LOCK_CLASS}, hashtext('${this.schema}'));
       CREATE SCHEMA IF NOT EXISTS "${this.schema}";
       CREATE TABLE IF NOT EXISTS ${this.table} (
         dataset_id text PRIMARY KEY, owner text NOT NULL, expires_at bigint NOT NULL, claimed_at bigint NOT NULL,
         decided boolean NOT NULL DEFAULT false);
       COMMIT;`,
    );
    this.pool = pool;
    this.renewTimer = setInterval(() => void this.renew(), Math.max(50, Math.round(this.leaseMs / 3)));
    this.renewTimer.unref();
  }

  async tryClaim(datasetId: string): Promise<boolean> {
    const pool = this.open();
    this.asked.add(datasetId);
    const now = this.clock();
    const inserted = await pool.query(
      `INSERT INTO ${this.table} (dataset_id, owner, expires_at, claimed_at)
       SELECT $1, $2, t.now + $3, t.now FROM (SELECT ${this.nowSql(4)} AS now) AS t
       ON CONFLICT (dataset_id) DO NOTHING`,
      [datasetId, this.owner, this.leaseMs, now],
    );
    let taken = inserted.rowCount === 1;
    if (!taken) {
      const updated = await pool.query(
        `UPDATE ${this.table} AS c SET owner = $2, expires_at = t.now + $3, claimed_at = t.now
         FROM (SELECT ${this.nowSql(4)} AS now) AS t
         WHERE c.dataset_id = (
           SELECT dataset_id FROM ${this.table}
           WHERE dataset_id = $1 AND NOT decided AND (expires_at < ${this.nowSql(4)} OR owner = $2)
           FOR UPDATE SKIP LOCKED)`,
        [datasetId, this.owner, this.leaseMs, now],
      );
      taken = updated.rowCount === 1;
    }
    if (!taken) taken = await this.takeOverFromDeadProcess(datasetId, now);
    if (taken) this.held.add(datasetId);
    else this.held.delete(datasetId);
    return taken;
  }

  /** A holder on this host whose process is gone cannot renew: take its claim now rather than after the lease. */
  private async takeOverFromDeadProcess(datasetId: string, now: number | null): Promise<boolean> {
    const pool = this.open();
    const row = await pool.query<{ owner: string }>(`SELECT owner FROM ${this.table} WHERE dataset_id = $1 AND NOT decided`, [datasetId]);
    const owner = row.rows[0]?.owner;
    if (!owner || !isDeadLocalProcess(owner)) return false;
    const r = await pool.query(
      `UPDATE ${this.table} AS c SET owner = $2, expires_at = t.now + $3, claimed_at = t.now
       FROM (SELECT ${this.nowSql(4)} AS now) AS t WHERE c.dataset_id = $1 AND c.owner = $5 AND NOT c.decided`,
      [datasetId, this.owner, this.leaseMs, now, owner],
    );
    return r.rowCount === 1;
  }

  async decided(datasetId: string): Promise<void> {
    if (!this.pool || !this.asked.delete(datasetId)) return;
    await this.pool.query(`UPDATE ${this.table} SET decided = true WHERE dataset_id = $1`, [datasetId]);
    this.held.delete(datasetId);
  }

  async release(datasetId: string): Promise<void> {
    this.held.delete(datasetId);
    await this.pool?.query(`DELETE FROM ${this.table} WHERE dataset_id = $1 AND owner = $2 AND NOT decided`, [datasetId, this.owner]);
  }

  async stop(): Promise<void> {
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.renewTimer = undefined;
    const pool = this.pool;
    if (!pool) return;
    this.pool = undefined;
    await pool.query(`DELETE FROM ${this.table} WHERE owner = $1 AND NOT decided`, [this.owner]).catch(() => undefined);
    this.held.clear();
    await pool.end();
  }

  /** Holders and expiries (tests, diagnostics). */
  async claims(): Promise<Array<{ datasetId: string; owner: string; expiresAt: number; decided: boolean }>> {
    const r = await this.open().query<{ dataset_id: string; owner: string; expires_at: number; decided: boolean }>(
      `SELECT dataset_id, owner, expires_at, decided FROM ${this.table} ORDER BY dataset_id`,
    );
    return r.rows.map((x) => ({ datasetId: x.dataset_id, owner: x.owner, expiresAt: x.expires_at, decided: x.decided }));
  }

  private async renew(): Promise<void> {
    if (!this.pool || this.held.size === 0) return;
    try {
      await this.pool.query(
        `UPDATE ${this.table} AS c SET expires_at = t.now + $3
         FROM (SELECT ${this.nowSql(4)} AS now) AS t WHERE c.dataset_id = ANY($1) AND c.owner = $2 AND NOT c.decided`,
        [[...this.held], this.owner, this.leaseMs, this.clock()],
      );
    } catch (e) {
      // The next renewal tries again; a lapse only costs duplicate work (the decision append admits one decider).
      this.context?.logError('dataset claims: lease renewal failed', e);
    }
  }

  private open(): pg.Pool {
    if (!this.pool) throw new Error('PostgresDatasetClaims is not started');
    return this.pool;
  }
}
