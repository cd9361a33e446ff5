/**
 * Delivery state in its own SQLite file, DATA_DIR/webhooks.db (WAL,
 * synchronous=FULL: a SIGKILL loses nothing acknowledged). Shared by every
 * API process on the DATA_DIR:
 *  - `webhooks`: the registrations folded from the log (plus their failing
 *    state), so the routes and the dispatcher read one table;
 *  - `deliveries`: one row per (webhook, event), created by the fan-out in
 *    log order in the same transaction as the fan-out checkpoint, so after a
 *    crash the fan-out resumes exactly where its last commit ended (an event
 *    is never skipped; a re-read one is ignored by the unique key);
 *  - `attempts`: every attempt (status, latency, error, ≤ 1 KiB of answer);
 *  - `leases`: who fans out, and who delivers for each webhook (one process
 *    per webhook at a time, so its events go out in order).
 */
import * as os from 'node:os';
import Database from 'better-sqlite3';
import type { AttemptResult } from './webhook-sender';
import type { WebhookRecord } from '@1tt/access';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'cancelled';

export interface NewDelivery {
  deliveryId: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  position: number;
  body: string;
}

export interface DeliveryRow {
  seq: number;
  deliveryId: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  position: number;
  body: string;
  status: DeliveryStatus;
  attempts: number;
  firstAttemptAt?: number;
  nextAttemptAt: number;
  lastStatusCode?: number;
  lastError?: string;
  lastLatencyMs?: number;
  completedAt?: number;
  createdAt: number;
}

export interface AttemptRow {
  at: number;
  statusCode?: number;
  latencyMs: number;
  error?: string;
  responseBody?: string;
  outcome: string;
}

export interface WebhookStateRow {
  record: WebhookRecord;
  failingSince?: number;
  failingReason?: string;
  lastError?: string;
  lastDeliveredAt?: number;
  pending: number;
}

/** What an attempt leads to for its delivery. */
export type AttemptVerdict =
  { status: 'delivered' } | { status: 'pending'; nextAttemptAt: number } | { status: 'failed'; markFailing?: string };

interface RawDelivery {
  seq: number;
  delivery_id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  position: number;
  body: string;
  status: DeliveryStatus;
  attempts: number;
  first_attempt_at: number | null;
  next_attempt_at: number;
  last_status_code: number | null;
  last_error: string | null;
  last_latency_ms: number | null;
  completed_at: number | null;
  created_at: number;
}

const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

function toDelivery(r: RawDelivery): DeliveryRow {
  return {
    seq: r.seq,
    deliveryId: r.delivery_id,
    webhookId: r.webhook_id,
    eventId: r.event_id,
    eventType: r.event_type,
    position: r.position,
    body: r.body,
    status: r.status,
    attempts: r.attempts,
    firstAttemptAt: opt(r.first_attempt_at),
    nextAttemptAt: r.next_attempt_at,
    lastStatusCode: opt(r.last_status_code),
    lastError: opt(r.last_error),
    lastLatencyMs: opt(r.last_latency_ms),
    completedAt: opt(r.completed_at),
    createdAt: r.created_at,
  };
}

/** An owner "host:pid:…" naming this host and a pid that is not running (its leases may be taken at once). */
function isDeadLocalProcess(owner: string): boolean {
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

export class WebhookDeliveryStore {
  private readonly db: Database.Database;

  constructor(path: string) {
    const db = new Database(path, { timeout: 5000 });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(`
      CREATE TABLE IF NOT EXISTS webhooks (
        webhook_id TEXT PRIMARY KEY, record TEXT NOT NULL, position INTEGER NOT NULL,
        owner_role TEXT NOT NULL, owner_subject TEXT NOT NULL,
        failing_since INTEGER, failing_reason TEXT, last_error TEXT, last_delivered_at INTEGER);
      CREATE TABLE IF NOT EXISTS deliveries (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, delivery_id TEXT NOT NULL UNIQUE, webhook_id TEXT NOT NULL,
        event_id TEXT NOT NULL, event_type TEXT NOT NULL, position INTEGER NOT NULL, body TEXT NOT NULL,
        status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, first_attempt_at INTEGER, next_attempt_at INTEGER NOT NULL,
        last_status_code INTEGER, last_error TEXT, last_latency_ms INTEGER, completed_at INTEGER, created_at INTEGER NOT NULL,
        UNIQUE (webhook_id, event_id));
      CREATE INDEX IF NOT EXISTS deliveries_by_status ON deliveries (status, webhook_id, seq);
      CREATE INDEX IF NOT EXISTS deliveries_by_webhook ON deliveries (webhook_id, seq);
      CREATE TABLE IF NOT EXISTS attempts (
        attempt_id INTEGER PRIMARY KEY AUTOINCREMENT, delivery_id TEXT NOT NULL, at INTEGER NOT NULL, status_code INTEGER,
        latency_ms INTEGER NOT NULL, error TEXT, response_body TEXT, outcome TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS attempts_by_delivery ON attempts (delivery_id, attempt_id);
      CREATE TABLE IF NOT EXISTS checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS leases (name TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at INTEGER NOT NULL);
    `);
    this.db = db;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  checkpoint(): number {
    const row = this.db.prepare(`SELECT position FROM checkpoints WHERE name = 'fan-out'`).get() as { position: number } | undefined;
    return row?.position ?? 0;
  }

  /** Newer registrations replace older ones; an older view (a stale writer) changes nothing. */
  private upsertStmt(): Database.Statement {
    return this.db.prepare(
      `INSERT INTO webhooks (webhook_id, record, position, owner_role, owner_subject) VALUES (@id, @record, @position, @role, @subject)
       ON CONFLICT(webhook_id) DO UPDATE SET record = excluded.record, position = excluded.position WHERE excluded.position > webhooks.position`,
    );
  }

  upsertWebhook(record: WebhookRecord): void {
    this.db.transaction(() => {
      this.upsert(this.upsertStmt(), record);
    })();
  }

  private upsert(stmt: Database.Statement, record: WebhookRecord): void {
    stmt.run({
      id: record.webhookId,
      record: JSON.stringify(record),
      position: record.position,
      role: record.owner.role,
      subject: record.owner.subjectId,
    });
    if (record.deleted) {
      this.db
        .prepare(`UPDATE deliveries SET status = 'cancelled', completed_at = ? WHERE webhook_id = ? AND status = 'pending'`)
        .run(Date.now(), record.webhookId);
    }
  }

  /** One fan-out commit: registrations seen, deliveries created and the checkpoint, all or nothing. */
  commitFanOut(records: WebhookRecord[], deliveries: NewDelivery[], position: number, now: number): void {
    const upsert = this.upsertStmt();
    const insert = this.db.prepare(
      `INSERT OR IGNORE INTO deliveries (delivery_id, webhook_id, event_id, event_type, position, body, status, next_attempt_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
    );
    const cp = this.db.prepare(
      `INSERT INTO checkpoints (name, position) VALUES ('fan-out', ?) ON CONFLICT(name) DO UPDATE SET position = MAX(position, excluded.position)`,
    );
    this.db.transaction(() => {
      for (const r of records) this.upsert(upsert, r);
      for (const d of deliveries) insert.run(d.deliveryId, d.webhookId, d.eventId, d.eventType, d.position, d.body, now, now);
      cp.run(position);
    })();
  }

  webhooks(): WebhookRecord[] {
    return (this.db.prepare('SELECT record FROM webhooks').all() as Array<{ record: string }>).map(
      (r) => JSON.parse(r.record) as WebhookRecord,
    );
  }

  webhook(webhookId: string): WebhookStateRow | undefined {
    const r = this.db.prepare('SELECT * FROM webhooks WHERE webhook_id = ?').get(webhookId) as Record<string, unknown> | undefined;
    return r ? this.toState(r) : undefined;
  }

  listWebhooks(owner?: { role: string; subjectId: string }): WebhookStateRow[] {
    const rows = (
      owner
        ? this.db
            .prepare('SELECT * FROM webhooks WHERE owner_role = ? AND owner_subject = ? ORDER BY rowid')
            .all(owner.role, owner.subjectId)
        : this.db.prepare('SELECT * FROM webhooks ORDER BY rowid').all()
    ) as Array<Record<string, unknown>>;
    return rows.map((r) => this.toState(r)).filter((s) => !s.record.deleted);
  }

  private toState(r: Record<string, unknown>): WebhookStateRow {
    const pending = this.db
      .prepare(`SELECT COUNT(*) AS n FROM deliveries WHERE webhook_id = ? AND status = 'pending'`)
      .get(r.webhook_id) as { n: number };
    return {
      record: JSON.parse(r.record as string) as WebhookRecord,
      failingSince: opt(r.failing_since as number | null),
      failingReason: opt(r.failing_reason as string | null),
      lastError: opt(r.last_error as string | null),
      lastDeliveredAt: opt(r.last_delivered_at as number | null),
      pending: pending.n,
    };
  }

  /** Enabled webhooks with a pending delivery due by `now` (a disabled one's deliveries wait). */
  dueWebhookIds(now: number): string[] {
    return (
      this.db
        .prepare(
          `SELECT d.webhook_id, MIN(d.next_attempt_at) AS due FROM deliveries d JOIN webhooks w ON w.webhook_id = d.webhook_id
           WHERE d.status = 'pending' AND json_extract(w.record, '$.enabled') = 1 GROUP BY d.webhook_id HAVING due <= ?`,
        )
        .all(now) as Array<{ webhook_id: string }>
    ).map((r) => r.webhook_id);
  }

  /** The earliest pending delivery in log order: the only one that may be attempted. */
  head(webhookId: string): DeliveryRow | undefined {
    const r = this.db
      .prepare(`SELECT * FROM deliveries WHERE webhook_id = ? AND status = 'pending' ORDER BY seq LIMIT 1`)
      .get(webhookId) as RawDelivery | undefined;
    return r ? toDelivery(r) : undefined;
  }

  delivery(webhookId: string, deliveryId: string): DeliveryRow | undefined {
    const r = this.db.prepare('SELECT * FROM deliveries WHERE webhook_id = ? AND delivery_id = ?').get(webhookId, deliveryId) as
      RawDelivery | undefined;
    return r ? toDelivery(r) : undefined;
  }

  /** Newest first. */
  deliveries(webhookId: string, limit: number): DeliveryRow[] {
    return (
      this.db.prepare('SELECT * FROM deliveries WHERE webhook_id = ? ORDER BY seq DESC LIMIT ?').all(webhookId, limit) as RawDelivery[]
    ).map(toDelivery);
  }

  /** Oldest first. */
  attempts(deliveryId: string): AttemptRow[] {
    return (
      this.db
        .prepare(
          'SELECT at, status_code, latency_ms, error, response_body, outcome FROM attempts WHERE delivery_id = ? ORDER BY attempt_id',
        )
        .all(deliveryId) as Array<{
        at: number;
        status_code: number | null;
        latency_ms: number;
        error: string | null;
        response_body: string | null;
        outcome: string;
      }>
    ).map((a) => ({
      at: a.at,
      statusCode: opt(a.status_code),
      latencyMs: a.latency_ms,
      error: opt(a.error),
      responseBody: opt(a.response_body),
      outcome: a.outcome,
    }));
  }

  /** The attempt, its delivery's next state and the webhook's health, in one transaction. */
  recordAttempt(d: DeliveryRow, at: number, result: AttemptResult, verdict: AttemptVerdict): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          'INSERT INTO attempts (delivery_id, at, status_code, latency_ms, error, response_body, outcome) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          d.deliveryId,
          at,
          result.statusCode ?? null,
          result.latencyMs,
          result.error ?? null,
          result.responseBody ?? null,
          verdict.status,
        );
      this.db
        .prepare(
          `UPDATE deliveries SET attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, ?), status = ?, next_attempt_at = ?,
           last_status_code = ?, last_error = ?, last_latency_ms = ?, completed_at = ? WHERE delivery_id = ? AND status = 'pending'`,
        )
        .run(
          at,
          verdict.status,
          verdict.status === 'pending' ? verdict.nextAttemptAt : d.nextAttemptAt,
          result.statusCode ?? null,
          result.error ?? null,
          result.latencyMs,
          verdict.status === 'pending' ? null : at,
          d.deliveryId,
        );
      if (verdict.status === 'delivered') {
        this.db
          .prepare('UPDATE webhooks SET failing_since = NULL, failing_reason = NULL, last_delivered_at = ? WHERE webhook_id = ?')
          .run(at, d.webhookId);
      } else {
        this.db.prepare('UPDATE webhooks SET last_error = ? WHERE webhook_id = ?').run(result.error ?? null, d.webhookId);
        if (verdict.status === 'failed' && verdict.markFailing) {
          this.db
            .prepare('UPDATE webhooks SET failing_since = COALESCE(failing_since, ?), failing_reason = ? WHERE webhook_id = ?')
            .run(at, verdict.markFailing, d.webhookId);
        }
      }
    })();
  }

  /** Manual retry: the delivery is pending again, due now, with a fresh retry window. */
  retry(webhookId: string, deliveryId: string, now: number): DeliveryRow | undefined {
    this.db
      .prepare(
        `UPDATE deliveries SET status = 'pending', next_attempt_at = ?, first_attempt_at = NULL, completed_at = NULL WHERE webhook_id = ? AND delivery_id = ?`,
      )
      .run(now, webhookId, deliveryId);
    return this.delivery(webhookId, deliveryId);
  }

  /** Take or renew a lease: free, lapsed, already ours, or held by a dead process on this host. */
  tryLease(name: string, owner: string, leaseMs: number, now: number): boolean {
    const r = this.db
      .prepare(
        `INSERT INTO leases (name, owner, expires_at) VALUES (?, ?, ?)
         ON CONFLICT(name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
         WHERE leases.expires_at < ? OR leases.owner = excluded.owner`,
      )
      .run(name, owner, now + leaseMs, now);
    if (r.changes === 1) return true;
    const row = this.db.prepare('SELECT owner FROM leases WHERE name = ?').get(name) as { owner: string } | undefined;
    if (!row || !isDeadLocalProcess(row.owner)) return false;
    return (
      this.db.prepare('UPDATE leases SET owner = ?, expires_at = ? WHERE name = ? AND owner = ?').run(owner, now + leaseMs, name, row.owner)
        .changes === 1
    );
  }

  releaseLeases(owner: string): void {
    if (this.db.open) this.db.prepare('DELETE FROM leases WHERE owner = ?').run(owner);
  }

  releaseLease(name: string, owner: string): void {
    this.db.prepare('DELETE FROM leases WHERE name = ? AND owner = ?').run(name, owner);
  }
}
