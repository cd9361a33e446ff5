import { EventEmitter } from 'node:events';
import pg from 'pg';
import {
  AppendOptions,
  AppendResult,
  EventMetadata,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StoreHealth,
  SubscribeToAllOptions,
  Subscription,
} from '../event-store.port';
import { DuplicateEventId, StreamNotFound } from '../event-store.errors';
import { assertEventsFit, storedEventBytes } from '../append-size';
import { GENESIS_HASH } from '../hash-chain';
import { sealEventForStorage, validateStreamName } from '../new-event';
import { catchUpSubscription } from '../sql/catch-up-subscription';
import { assertAppendable, assertOneLowerBound, checkExpected } from '../sql/expected-revision';
import { ident, isPostgresUnavailable, lockKey, mapPostgresError, parsePostgresUrl, postgresTypes } from './postgres-connection';
import { ensurePostgresSchema, LOCK_CLASS } from './postgres-schema';

export interface PostgresEventStoreOptions {
  /** postgres://user@host:5432/db, optionally with ?schema=name (default public). */
  connectionString: string;
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** Source of recordedAt (default: the system clock). */
  clock?: () => Date;
  /** Fallback poll of a live subscription when no notification arrives (default 500 ms). */
  pollIntervalMs?: number;
  /** Events per page when reading the log (default 2000). */
  pageSize?: number;
  /**
   * Called inside every append transaction after its rows are written and
   * before COMMIT. For tests that stretch the window in which an append is
   * written but not committed (the window in which a store without an append
   * lock lets a later position commit first).
   */
  beforeCommit?: () => Promise<void>;
}

type Row = [number, string, number, string, string, string, string, string, string];
const COLUMNS = 'position, stream_name, revision, id, type, data, metadata, prev_hash, hash';

function toEvent(r: Row): RecordedEvent {
  return {
    id: r[3],
    streamName: r[1],
    type: r[4],
    data: JSON.parse(r[5]),
    metadata: JSON.parse(r[6]) as EventMetadata,
    revision: r[2],
    position: r[0],
    prevHash: r[7],
    hash: r[8],
  };
}

/**
 * The event log in PostgreSQL (node-postgres). One table, `events`, whose
 * identity column is the global position.
 *
 * Why a subscription never skips an event that commits later with a lower
 * position (the bug Marten fixed in 9.16.1): a sequence hands out values at
 * insert, not at commit, so two concurrent appends may commit in the other
 * order, and a reader that saw position 12 committed while 11 was still in
 * flight would move its cursor past 11 for good. Here every append takes one
 * transaction-level advisory lock (pg_advisory_xact_lock) before it reads the
 * stream's tip and inserts, and holds it until its COMMIT has completed (xact
 * locks are released after the commit is visible). Positions are therefore
 * handed out in commit order: whoever inserts the next rows does so after
 * every earlier append has committed or rolled back, so a reader that sees
 * position p already sees every position below p. The lock also makes the
 * expected-revision check, the hash chain's tip read and the monotonic
 * recordedAt race-free across processes, as SQLite's write lock does for the
 * embedded store. The price is one append at a time per database (the
 * benchmark shows what that costs); readers never wait for it.
 *
 * Live subscriptions are woken by LISTEN/NOTIFY (the append notifies in its
 * transaction, delivered at commit) with a slow poll as a fallback.
 */
export class PostgresEventStore extends EventStore {
  readonly schema: string;
  private readonly pool: pg.Pool;
  private readonly connectionString: string;
  private readonly clock: () => Date;
  private readonly pollIntervalMs: number;
  private readonly pageSize: number;
  private readonly t: string;
  private readonly channel: string;
  private readonly appendLock: string;
  private readonly subscriptions = new Set<Subscription>();
  private readonly appended = new EventEmitter();
  private listener?: pg.Client;
  private listening?: Promise<void>;
  private ready?: Promise<void>;
  private closed = false;

  constructor(private readonly options: PostgresEventStoreOptions) {
    super();
    const location = parsePostgresUrl(options.connectionString);
    this.connectionString = location.connectionString;
    this.schema = location.schema;
    this.clock = options.clock ?? (() => new Date());
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.pageSize = options.pageSize ?? 2000;
    this.t = `${ident(this.schema)}.events`;
    this.channel = `1tt_events_${this.schema}`;
    this.appendLock = `SELECT pg_advisory_xact_lock(${LOCK_CLASS}, ${lockKey(`append:${this.schema}`)})`;
    this.appended.setMaxListeners(0);
    this.pool = new pg.Pool({ connectionString: this.connectionString, max: options.poolSize ?? 10, types: postgresTypes });
    // An idle client that loses its connection emits here; without a listener it would crash the process.
    this.pool.on('error', () => undefined);
  }

  /** Creates or checks the schema once; every operation waits for it. */
  private init(): Promise<void> {
    this.ready ??= (async () => {
      const client = await this.pool.connect();
      try {
        await ensurePostgresSchema(client, this.schema);
      } finally {
        client.release();
      }
    })().catch((e: unknown) => {
      this.ready = undefined;
      throw mapPostgresError(e, 'schema check');
    });
    return this.ready;
  }

  private async query<R extends unknown[]>(text: string, values: unknown[], what: string): Promise<R[]> {
    await this.init();
    try {
      return (await this.pool.query<R>({ text, values, rowMode: 'array' })).rows;
    } catch (e) {
      throw mapPostgresError(e, what);
    }
  }

  async appendToStream(streamName: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult> {
    validateStreamName(streamName);
    assertAppendable(streamName, events, options?.expectedRevision);
    await this.init();
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      throw mapPostgresError(e, `append to "${streamName}"`);
    }
    let broken: unknown;
    try {
      await client.query(`BEGIN; ${this.appendLock}`);
      const result = await this.appendLocked(client, streamName, events, options.expectedRevision);
      if (this.options.beforeCommit) await this.options.beforeCommit();
      await client.query('COMMIT');
      return result;
    } catch (e) {
      if (isPostgresUnavailable(e)) broken = e;
      else await client.query('ROLLBACK').catch((r: unknown) => (broken = r));
      if ((e as { code?: string }).code === '23505' && (e as { constraint?: string }).constraint === 'events_id_unique') {
        const ids = events.map((x) => x.id).filter((id): id is string => id !== undefined);
        const taken = await this.pool
          .query<[string]>({ text: `SELECT id FROM ${this.t} WHERE id = ANY($1) LIMIT 1`, values: [ids], rowMode: 'array' })
          .then((r) => r.rows[0]?.[0])
          .catch(() => undefined);
        throw new DuplicateEventId(taken ?? ids.join(', '));
      }
      throw mapPostgresError(e, `append to "${streamName}"`);
    } finally {
      // A connection that failed mid-transaction is destroyed, not handed to the next caller.
      client.release(broken instanceof Error ? broken : undefined);
    }
  }

  /** The revision check, tip read and insert; the caller holds the append lock. */
  private async appendLocked(
    client: pg.PoolClient,
    streamName: string,
    events: NewEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    const tip = await client.query<[number | null, string | null, string | null]>({
      text: `SELECT t.revision, t.hash, (SELECT recorded_at FROM ${this.t} ORDER BY position DESC LIMIT 1)
             FROM (SELECT 1) AS one
             LEFT JOIN LATERAL (SELECT revision, hash FROM ${this.t} WHERE stream_name = $1 ORDER BY revision DESC LIMIT 1) AS t ON true`,
      values: [streamName],
      rowMode: 'array',
    });
    const [currentRevision, tipHash, lastRecordedAt] = tip.rows[0];
    const current = currentRevision ?? undefined;
    checkExpected(streamName, expected, current);
    // recordedAt never goes backwards in the log, whatever the clocks of the writing processes (the lock makes this exact).
    const now = this.clock().toISOString();
    const recordedAt = lastRecordedAt !== null && lastRecordedAt > now ? lastRecordedAt : now;
    let revision = current === undefined ? 0 : current + 1;
    let prevHash = tipHash ?? GENESIS_HASH;
    const sealed: Array<Omit<RecordedEvent, 'position'>> = [];
    const cols: [number[], string[], string[], string[], string[], string[], string[]] = [[], [], [], [], [], [], []];
    let bytes = 0;
    for (const event of events) {
      const { event: s, dataJson, metadataJson } = sealEventForStorage(streamName, event, revision, prevHash, recordedAt);
      bytes += storedEventBytes(s.type, dataJson, metadataJson);
      assertEventsFit(streamName, [bytes]);
      sealed.push(s);
      cols[0].push(s.revision);
      cols[1].push(s.id);
      cols[2].push(s.type);
      cols[3].push(dataJson);
      cols[4].push(metadataJson);
      cols[5].push(s.prevHash);
      cols[6].push(s.hash);
      revision += 1;
      prevHash = s.hash;
    }
    const inserted = await client.query<[number, number]>({
      text: `WITH ins AS (
               INSERT INTO ${this.t} (stream_name, revision, id, type, data, metadata, prev_hash, hash, recorded_at)
               SELECT $1, u.r, u.i, u.t, u.d, u.m, u.p, u.h, $9
               FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) AS u(r, i, t, d, m, p, h)
               ORDER BY u.r
               RETURNING position, revision)
             SELECT position, revision FROM ins, pg_notify($10, '') ORDER BY revision`,
      values: [streamName, ...cols, recordedAt, this.channel],
      rowMode: 'array',
    });
    const positions = new Map(inserted.rows.map(([position, rev]) => [rev, position]));
    const recorded = sealed.map((s) => ({ ...s, position: positions.get(s.revision)! }));
    const last = recorded[recorded.length - 1];
    return { nextExpectedRevision: last.revision, position: last.position, events: recorded };
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const limit = options.maxCount ?? null;
    const rows =
      options.direction === 'backwards'
        ? await this.query<Row>(
            `SELECT ${COLUMNS} FROM ${this.t} WHERE stream_name = $1 AND revision <= $2 ORDER BY revision DESC LIMIT $3`,
            [streamName, options.fromRevision ?? Number.MAX_SAFE_INTEGER, limit],
            `read of "${streamName}"`,
          )
        : await this.query<Row>(
            `SELECT ${COLUMNS} FROM ${this.t} WHERE stream_name = $1 AND revision >= $2 ORDER BY revision LIMIT $3`,
            [streamName, options.fromRevision ?? 0, limit],
            `read of "${streamName}"`,
          );
    if (rows.length === 0 && (await this.streamRevision(streamName)) === undefined) throw new StreamNotFound(streamName);
    return rows.map(toEvent);
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    assertOneLowerBound(options);
    // Inside the adapter positions are integers: "from p" is "after the largest integer below p".
    let after = options.afterPosition ?? Math.max(0, (options.fromPosition ?? 1) - 1);
    const to = options.toPosition ?? (await this.headPosition());
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    const pageSize = Math.max(1, options.pageSize ?? this.pageSize);
    while (remaining > 0 && after < to) {
      const rows = await this.query<Row>(
        `SELECT ${COLUMNS} FROM ${this.t} WHERE position > $1 AND position <= $2 ORDER BY position LIMIT $3`,
        [after, to, Math.min(pageSize, remaining)],
        'readAll',
      );
      if (rows.length === 0) return;
      for (const r of rows) yield toEvent(r);
      remaining -= rows.length;
      after = rows[rows.length - 1][0];
    }
  }

  subscribeToAll(options: SubscribeToAllOptions): Subscription {
    void this.listen();
    const subscription = catchUpSubscription(
      {
        head: () => this.headPosition(),
        after: async (checkpoint, max) =>
          (
            await this.query<Row>(
              `SELECT ${COLUMNS} FROM ${this.t} WHERE position > $1 ORDER BY position LIMIT $2`,
              [checkpoint, max],
              'subscription',
            )
          ).map(toEvent),
        onAppend: (listener) => {
          this.appended.on('append', listener);
          return () => this.appended.off('append', listener);
        },
        pollIntervalMs: this.pollIntervalMs,
        // A lost connection is waited out (the poll retries), as EventStoreDB's client resubscribes.
        isTransient: (e) => !this.closed && isPostgresUnavailable((e as { cause?: unknown }).cause ?? e),
        mapError: (e) => mapPostgresError(e, 'subscription'),
      },
      options,
      () => this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  /** One LISTEN connection per store; re-established on the next subscription or poll after it drops. */
  private listen(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.listening ??= (async () => {
      await this.init();
      const client = new pg.Client({ connectionString: this.connectionString, types: postgresTypes });
      const drop = (): void => {
        if (this.listener === client) this.listener = undefined;
        this.listening = undefined;
        // Appends may have happened while nobody listened: wake everyone to read.
        this.appended.emit('append');
      };
      client.on('error', drop);
      client.on('end', drop);
      client.on('notification', () => this.appended.emit('append'));
      await client.connect();
      await client.query(`LISTEN ${ident(this.channel)}`);
      if (this.closed) {
        await client.end().catch(() => undefined);
        return;
      }
      this.listener = client;
    })().catch(() => {
      // No LISTEN connection now: subscriptions still poll; the next subscribe tries again.
      this.listening = undefined;
    });
    return this.listening;
  }

  async streamRevision(streamName: string): Promise<number | undefined> {
    const rows = await this.query<[number]>(
      `SELECT revision FROM ${this.t} WHERE stream_name = $1 ORDER BY revision DESC LIMIT 1`,
      [streamName],
      `revision of "${streamName}"`,
    );
    return rows[0]?.[0];
  }

  async headPosition(): Promise<number> {
    const rows = await this.query<[number | null]>(`SELECT max(position) FROM ${this.t}`, [], 'headPosition');
    return rows[0]?.[0] ?? 0;
  }

  async positionAt(time: Date): Promise<number> {
    const rows = await this.query<[number]>(
      `SELECT position FROM ${this.t} WHERE recorded_at <= $1 ORDER BY recorded_at DESC, position DESC LIMIT 1`,
      [time.toISOString()],
      'positionAt',
    );
    return rows[0]?.[0] ?? 0;
  }

  async health(): Promise<StoreHealth> {
    try {
      return { ok: true, kind: 'postgres', detail: `schema ${this.schema}`, headPosition: await this.headPosition() };
    } catch (e) {
      return { ok: false, kind: 'postgres', detail: (e as Error).message };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await this.listening?.catch(() => undefined);
    await this.listener?.end().catch(() => undefined);
    await this.pool.end();
  }
}
