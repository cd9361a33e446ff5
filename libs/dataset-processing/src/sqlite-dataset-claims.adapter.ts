import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import Database from 'better-sqlite3';
import { DatasetClaims, type ClaimsContext } from './dataset-claims.port';

export interface SqliteDatasetClaimsOptions {
  /** The claims file, e.g. DATA_DIR/claims.db (next to the embedded event store, never inside it). */
  path: string;
  /** A claim lapses this long after its last renewal. Default 30 s. */
  leaseSeconds?: number;
  /** Who holds a claim (logs and tests). Default host:pid:random. */
  owner?: string;
  /** Wall clock in ms (tests). Every process on the file must share one clock: the file is local, so they do. */
  now?: () => number;
}

/** An owner "host:pid:…" naming this host and a pid that is not running. */
export function isDeadLocalProcess(owner: string): boolean {
  const [host, pidText] = owner.split(':');
  const pid = Number(pidText);
  if (host !== os.hostname() || !Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** expires_at of a decided dataset: never claimable again. */
const DECIDED = Number.MAX_SAFE_INTEGER;

/**
 * Leases in a small SQLite file for several processes on the embedded
 * store. One row per dataset: its holder and when the claim lapses. A
 * process takes a dataset whose row is missing or lapsed, renews its rows
 * every third of the lease while it lives, hands them back on a graceful
 * stop, and marks a row decided (never claimable) once the log shows the
 * decision. A SIGKILLed process simply stops renewing: its datasets are
 * taken by another after the lease runs out.
 */
export class SqliteDatasetClaims extends DatasetClaims {
  readonly description: string;
  readonly retryClaimsEveryMs: number;
  readonly owner: string;
  private readonly leaseMs: number;
  private readonly now: () => number;
  private db?: Database.Database;
  private readonly held = new Set<string>();
  /** Datasets this process tried to claim and has not yet seen decided. */
  private readonly asked = new Set<string>();
  private renewTimer?: NodeJS.Timeout;
  private context?: ClaimsContext;

  constructor(private readonly options: SqliteDatasetClaimsOptions) {
    super();
    this.leaseMs = Math.round((options.leaseSeconds ?? 30) * 1000);
    this.owner = options.owner ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.now = options.now ?? (() => Date.now());
    // A lapsed lease is noticed within a few seconds, but without hammering the file.
    this.retryClaimsEveryMs = Math.min(2000, Math.max(100, Math.round(this.leaseMs / 4)));
    this.description = `SQLite leases (${options.path}, ${this.leaseMs / 1000} s)`;
  }

  async start(context: ClaimsContext): Promise<void> {
    this.context = context;
    const db = new Database(this.options.path, { timeout: 5000 });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(
      'CREATE TABLE IF NOT EXISTS dataset_claims (dataset_id TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at INTEGER NOT NULL, claimed_at INTEGER NOT NULL)',
    );
    this.db = db;
    this.renewTimer = setInterval(() => this.renew(), Math.max(50, Math.round(this.leaseMs / 3)));
    this.renewTimer.unref();
  }

  async tryClaim(datasetId: string): Promise<boolean> {
    const db = this.open();
    this.asked.add(datasetId);
    const now = this.now();
    const r = db
      .prepare(
        `INSERT INTO dataset_claims (dataset_id, owner, expires_at, claimed_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(dataset_id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at, claimed_at = excluded.claimed_at
         WHERE dataset_claims.expires_at <> ${DECIDED} AND (dataset_claims.expires_at < ? OR dataset_claims.owner = excluded.owner)`,
      )
      .run(datasetId, this.owner, now + this.leaseMs, now, now);
    let taken = r.changes === 1;
    if (!taken) taken = this.takeOverFromDeadProcess(datasetId, now);
    if (taken) this.held.add(datasetId);
    else this.held.delete(datasetId);
    return taken;
  }

  /**
   * A holder on this host whose process no longer exists (a crash, then a
   * restart with another pid) cannot renew: take its claim now instead of
   * after the lease, so a restarted single process resumes at once.
   */
  private takeOverFromDeadProcess(datasetId: string, now: number): boolean {
    const db = this.open();
    const row = db.prepare(`SELECT owner FROM dataset_claims WHERE dataset_id = ? AND expires_at <> ${DECIDED}`).get(datasetId) as
      { owner: string } | undefined;
    if (!row || !isDeadLocalProcess(row.owner)) return false;
    const r = db
      .prepare(`UPDATE dataset_claims SET owner = ?, expires_at = ?, claimed_at = ? WHERE dataset_id = ? AND owner = ?`)
      .run(this.owner, now + this.leaseMs, now, datasetId, row.owner);
    return r.changes === 1;
  }

  async decided(datasetId: string): Promise<void> {
    // Only datasets this process asked for: a process catching up with a long log must not write a row per old dataset.
    if (!this.db || !this.asked.delete(datasetId)) return;
    // Whoever sees the decision first closes the row, so no process takes the dataset again on a stale view of the log.
    this.db.prepare(`UPDATE dataset_claims SET expires_at = ${DECIDED} WHERE dataset_id = ?`).run(datasetId);
    this.held.delete(datasetId);
  }

  async release(datasetId: string): Promise<void> {
    this.held.delete(datasetId);
    this.db
      ?.prepare(`DELETE FROM dataset_claims WHERE dataset_id = ? AND owner = ? AND expires_at <> ${DECIDED}`)
      .run(datasetId, this.owner);
  }

  async stop(): Promise<void> {
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.renewTimer = undefined;
    if (!this.db) return;
    this.db.prepare(`DELETE FROM dataset_claims WHERE owner = ? AND expires_at <> ${DECIDED}`).run(this.owner);
    this.held.clear();
    this.db.close();
    this.db = undefined;
  }

  /** Holders and expiries (tests, diagnostics). */
  claims(): Array<{ datasetId: string; owner: string; expiresAt: number; decided: boolean }> {
    const rows = this.open().prepare('SELECT dataset_id, owner, expires_at FROM dataset_claims ORDER BY dataset_id').all() as Array<{
      dataset_id: string;
      owner: string;
      expires_at: number;
    }>;
    return rows.map((r) => ({ datasetId: r.dataset_id, owner: r.owner, expiresAt: r.expires_at, decided: r.expires_at === DECIDED }));
  }

  private renew(): void {
    if (!this.db || this.held.size === 0) return;
    try {
      const stmt = this.db.prepare(
        `UPDATE dataset_claims SET expires_at = ? WHERE dataset_id = ? AND owner = ? AND expires_at <> ${DECIDED}`,
      );
      const until = this.now() + this.leaseMs;
      this.db.transaction(() => {
        for (const id of this.held) stmt.run(until, id, this.owner);
      })();
    } catch (e) {
      // A busy file for longer than the timeout: the next renewal tries again; a lapse only costs duplicate work.
      this.context?.logError('dataset claims: lease renewal failed', e);
    }
  }

  private open(): Database.Database {
    if (!this.db) throw new Error('SqliteDatasetClaims is not started');
    return this.db;
  }
}
