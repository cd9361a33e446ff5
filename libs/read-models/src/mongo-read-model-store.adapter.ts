import { AnyBulkWriteOperation, ClientSession, Collection, Db, Document, Filter, MongoClient, MongoServerError, Sort } from 'mongodb';
import { ConflictError } from '@1tt/domain-errors';
import {
  checkCollection,
  checkField,
  checkId,
  encodeCursor,
  findQuery,
  FindQuery,
  isFieldName,
  orderKey,
  orderValue,
  readPosition,
} from './read-model-input';
import {
  CollectionOptions,
  FindOptions,
  FindPage,
  OPEN_VERSION,
  ProjectionState,
  ReadModelDocument,
  ReadModelStore,
  ReadModelStoreHealth,
  ReadModelTransaction,
  ReadModelVersion,
  ReadOptions,
  ResetOptions,
  TransactResult,
} from './read-model-store.port';
import { BufferedReadModelTransaction, WritePlan } from './read-model-write-buffer';
import { checkProjectionName } from './projection-name';

export interface MongoReadModelStoreOptions {
  db: Db;
  /** Closed by close() when given (the store owns the connection). */
  client?: MongoClient;
  /** Prefix of every MongoDB collection this store uses. Default `rm_`. */
  prefix?: string;
  /**
   * Commit inside a multi-document transaction. `auto` (default): when the
   * server supports them (replica set or mongos). Without, commits rely on
   * idempotence (see the class comment).
   */
  transactions?: 'auto' | boolean;
}

/**
 * One version: i = document id, f = valid from, t = valid to (OPEN_VERSION
 * while current), j = the document as JSON text, and for `where` and
 * `orderBy` each queryable top-level field's order key: r.<field> = its
 * rank, k.<field> = its value (both absent for missing and null; see
 * orderKey). The document is kept as text because MongoDB refuses keys
 * with a NUL byte (and FerretDB on PostgreSQL any NUL in a string), and
 * JSON text round-trips every read-model document exactly.
 */
interface VersionDoc {
  i: string;
  f: number;
  t: number;
  j: string;
  k?: Record<string, string | number | boolean>;
  r?: Record<string, number>;
}

interface CheckpointDoc {
  _id: string;
  position: number;
  version?: string | null;
  updatedAt: string;
}

/**
 * Read models in MongoDB: one MongoDB collection `<prefix>v_<collection>` of
 * versions per read-model collection, and `<prefix>checkpoints`.
 *
 * Why a crash cannot skip or double-apply an event without transactions
 * (standalone server):
 *  - the checkpoint is written LAST, after every version of the batch, so a
 *    crash leaves the checkpoint at the previous batch and the batch is
 *    delivered again;
 *  - every write is idempotent: a version is upserted by (id, validFrom) with
 *    the same content and validTo (computed from the batch alone; a
 *    document's last version in the batch keeps the validTo the leftovers
 *    gave it), the version it follows is closed at the same position only if
 *    still open,
 *    so replaying a batch over its own half-written remains converges to
 *    exactly the state a clean run gives;
 *  - reads inside the transaction see the store as of the checkpoint (plus
 *    the transaction's own writes), so a handler replayed after a partial
 *    write reads what it read the first time, not its own leftovers;
 *  - the checkpoint update is conditional on the checkpoint read at the
 *    start, so a second process projecting concurrently gets ConflictError
 *    instead of moving it twice.
 * Readers at a position <= the checkpoint never see a half-written batch:
 * leftovers only have validFrom > checkpoint, and closing a version at
 * P > checkpoint does not change what it is at positions < P.
 * When the server supports transactions the same writes also commit inside
 * one (atomic visibility at the latest position as well).
 */
export class MongoReadModelStore extends ReadModelStore {
  private readonly prefix: string;
  private readonly checkpoints: Collection<CheckpointDoc>;
  private readonly indexed = new Set<string>();

  private constructor(
    private readonly options: MongoReadModelStoreOptions,
    private readonly useTransactions: boolean,
  ) {
    super();
    this.prefix = options.prefix ?? 'rm_';
    this.checkpoints = options.db.collection<CheckpointDoc>(`${this.prefix}checkpoints`);
  }

  static async open(options: MongoReadModelStoreOptions): Promise<MongoReadModelStore> {
    let useTransactions = options.transactions === true;
    if (options.transactions === undefined || options.transactions === 'auto') {
      const hello = await options.db.admin().command({ hello: 1 });
      useTransactions = typeof hello.setName === 'string' || hello.msg === 'isdbgrid';
    }
    return new MongoReadModelStore(options, useTransactions);
  }

  /** Whether commits run inside a MongoDB transaction. */
  get transactional(): boolean {
    return this.useTransactions;
  }

  override async ensureCollection(collection: string, options: CollectionOptions = {}): Promise<void> {
    const c = this.versions(checkCollection(collection));
    await this.ensureBaseIndexes(collection);
    for (const field of options.indexes ?? []) {
      checkField(field, 'indexes');
      await c.createIndex({ [`r.${field}`]: 1, [`k.${field}`]: 1, t: 1, i: 1 }, { name: `rm_typed_${field}` });
    }
  }

  override async get<T extends ReadModelDocument = ReadModelDocument>(
    collection: string,
    id: string,
    options: ReadOptions = {},
  ): Promise<ReadModelVersion<T> | undefined> {
    const v = await this.versionAt(checkCollection(collection), checkId(id), readPosition(options.atPosition));
    return v ? toVersion<T>(v) : undefined;
  }

  override async find<T extends ReadModelDocument = ReadModelDocument>(
    collection: string,
    options: FindOptions = {},
  ): Promise<FindPage<T>> {
    checkCollection(collection);
    const q = findQuery(options);
    const docs = await this.versions(collection)
      .find(findFilter(q), { sort: findSort(q), limit: q.limit + 1, projection: { _id: 0, k: 0, r: 0 } })
      .toArray();
    const items = docs.slice(0, q.limit).map((d) => toVersion<T>(d));
    const last = items[items.length - 1];
    return {
      items,
      nextCursor: docs.length > q.limit && last ? encodeCursor(orderValue(last.doc, q.orderBy), last.id) : undefined,
    };
  }

  override async transact(projection: string, fn: (tx: ReadModelTransaction) => Promise<void> | void): Promise<TransactResult> {
    checkProjectionName(projection);
    const base = (await this.checkpoints.findOne({ _id: projection }))?.position ?? 0;
    const tx = new BufferedReadModelTransaction(projection, base, async (c, id, at) => {
      const v = await this.versionAt(c, id, at);
      return v?.j;
    });
    let plan: WritePlan;
    try {
      await fn(tx);
    } finally {
      plan = tx.seal();
    }
    if (plan.documents.length > 0 || plan.checkpoint !== base) {
      for (const c of new Set(plan.documents.map((d) => d.collection))) await this.ensureBaseIndexes(c);
      if (this.useTransactions) {
        const session = this.options.client?.startSession() ?? this.options.db.client.startSession();
        try {
          await session.withTransaction(() => this.commit(projection, base, plan, session));
        } finally {
          await session.endSession();
        }
      } else {
        await this.commit(projection, base, plan);
      }
    }
    return { previousCheckpoint: base, checkpoint: plan.checkpoint, changes: plan.changes };
  }

  override async getCheckpoint(projection: string): Promise<number> {
    return (await this.checkpoints.findOne({ _id: checkProjectionName(projection) }))?.position ?? 0;
  }

  override async getProjectionState(projection: string): Promise<ProjectionState | undefined> {
    const cp = await this.checkpoints.findOne({ _id: checkProjectionName(projection) });
    return cp ? { position: cp.position, version: cp.version ?? undefined, updatedAt: cp.updatedAt } : undefined;
  }

  /**
   * Checkpoint to 0 first, then delete: a crash in between leaves a
   * checkpoint of 0 over stale versions, which the projection runner clears
   * by resetting again whenever it starts from 0.
   */
  override async reset(projection: string, collections: readonly string[], options: ResetOptions = {}): Promise<void> {
    checkProjectionName(projection);
    collections.forEach(checkCollection);
    await this.checkpoints.updateOne(
      { _id: projection },
      { $set: { position: 0, version: options.version ?? null, updatedAt: new Date().toISOString() } },
      { upsert: true },
    );
    for (const c of collections) await this.versions(c).deleteMany({});
  }

  override async health(): Promise<ReadModelStoreHealth> {
    try {
      await this.options.db.command({ ping: 1 });
      return { ok: true, kind: 'mongodb', detail: this.options.db.databaseName };
    } catch (e) {
      return { ok: false, kind: 'mongodb', detail: (e as Error).message };
    }
  }

  override async close(): Promise<void> {
    await this.options.client?.close();
  }

  private async commit(projection: string, base: number, plan: WritePlan, session?: ClientSession): Promise<void> {
    const current = (await this.checkpoints.findOne({ _id: projection }, { session }))?.position ?? 0;
    if (current !== base) throw checkpointMoved(projection, base, current);
    const byCollection = new Map<string, AnyBulkWriteOperation<VersionDoc>[]>();
    for (const d of plan.documents) {
      let ops = byCollection.get(d.collection);
      if (!ops) byCollection.set(d.collection, (ops = []));
      const first = d.versions[0].position;
      ops.push({ updateMany: { filter: { i: storedValue(d.id), t: { $gt: first }, f: { $lt: first } }, update: { $set: { t: first } } } });
      d.versions.forEach((v, n) => {
        if (v.json === undefined) ops.push({ deleteOne: { filter: { i: storedValue(d.id), f: v.position } } });
        else {
          const next = d.versions[n + 1]?.position;
          const body = versionBody(v.json);
          // The document's last version in the batch keeps a validTo set by leftovers of a crashed attempt.
          const update = next === undefined ? { $set: body, $setOnInsert: { t: OPEN_VERSION } } : { $set: { t: next, ...body } };
          ops.push({ updateOne: { filter: { i: storedValue(d.id), f: v.position }, update, upsert: true } });
        }
      });
    }
    // Ordered, so that a crash leaves a prefix of each document's writes.
    for (const [c, ops] of byCollection) {
      // Two processes projecting the same batch upsert the same (id, validFrom) at once; the
      // slower insert fails on the unique key. The writes are idempotent, so they are applied
      // again (each retry gets past what the other process wrote); a writer that keeps
      // colliding gives way as on a moved checkpoint (the runner re-reads and continues).
      for (let attempt = 1; ; attempt++) {
        try {
          await this.versions(c).bulkWrite(ops, { ordered: true, session });
          break;
        } catch (e) {
          if (!(e instanceof MongoServerError && e.code === 11000) || session) throw e;
          if (attempt === 5) {
            throw checkpointMoved(projection, base, (await this.checkpoints.findOne({ _id: projection }))?.position ?? 0);
          }
        }
      }
    }
    try {
      await this.checkpoints.updateOne(
        { _id: projection, position: base },
        { $set: { position: plan.checkpoint, updatedAt: new Date().toISOString() } },
        { upsert: true, session },
      );
    } catch (e) {
      if (e instanceof MongoServerError && e.code === 11000) {
        throw checkpointMoved(projection, base, (await this.checkpoints.findOne({ _id: projection }))?.position ?? 0);
      }
      throw e;
    }
  }

  private async versionAt(collection: string, id: string, position: number): Promise<VersionDoc | undefined> {
    const v = await this.versions(collection).findOne(
      { i: storedValue(id), f: { $lte: position } },
      { sort: { f: -1 }, projection: { _id: 0, k: 0, r: 0 } },
    );
    return v && v.t > position ? v : undefined;
  }

  private async ensureBaseIndexes(collection: string): Promise<void> {
    if (this.indexed.has(collection)) return;
    // One at a time: FerretDB v1.24 drops the connection on a createIndexes of several indexes that all exist already
    // (a second process starting on the same store); one existing index at a time is a no-op on both servers.
    const c = this.versions(collection);
    await c.createIndex({ i: 1, f: 1 }, { name: 'rm_key', unique: true });
    await c.createIndex({ i: 1, t: 1 }, { name: 'rm_span' });
    await c.createIndex({ t: 1, i: 1 }, { name: 'rm_live' });
    this.indexed.add(collection);
  }

  private versions(collection: string): Collection<VersionDoc> {
    return this.options.db.collection<VersionDoc>(`${this.prefix}v_${collection}`);
  }
}

function findFilter(q: FindQuery): Filter<VersionDoc> {
  const conds: Document[] = [q.latest ? { t: OPEN_VERSION } : { t: { $gt: q.position }, f: { $lte: q.position } }];
  for (const [field, key] of q.where) {
    conds.push(
      key.rank === 0 ? { [`r.${field}`]: { $exists: false } } : { [`r.${field}`]: key.rank, [`k.${field}`]: storedValue(key.value) },
    );
  }
  if (q.after) {
    const { key } = q.after;
    const id = storedValue(q.after.id);
    if (q.orderBy === undefined) conds.push({ i: q.descending ? { $lt: id } : { $gt: id } });
    else {
      const [r, k] = [`r.${q.orderBy}`, `k.${q.orderBy}`];
      const cmp = q.descending ? '$lt' : '$gt';
      const missing = { [r]: { $exists: false } };
      if (key.rank === 0)
        conds.push(q.descending ? { ...missing, i: { $lt: id } } : { $or: [{ [r]: { $exists: true } }, { i: { $gt: id } }] });
      else {
        const v = storedValue(key.value);
        const later: Document[] = [
          { [r]: { [cmp]: key.rank } },
          { [r]: key.rank, [k]: { [cmp]: v } },
          { [r]: key.rank, [k]: v, i: { [cmp]: id } },
        ];
        // Comparison operators only match values of their own type: missing (rank 0) is named.
        if (q.descending) later.push(missing);
        conds.push({ $or: later });
      }
    }
  }
  return { $and: conds } as Filter<VersionDoc>;
}

function findSort(q: FindQuery): Sort {
  const dir = q.descending ? -1 : 1;
  return q.orderBy === undefined ? { i: dir } : { [`r.${q.orderBy}`]: dir, [`k.${q.orderBy}`]: dir, i: dir };
}

/** What a version stores besides its bounds: the JSON text and the order keys of its queryable fields. */
function versionBody(json: string): Pick<VersionDoc, 'j' | 'k' | 'r'> {
  const doc = JSON.parse(json) as ReadModelDocument;
  const k: Record<string, string | number | boolean> = {};
  const r: Record<string, number> = {};
  for (const [field, value] of Object.entries(doc)) {
    if (!isFieldName(field)) continue;
    const key = orderKey(value);
    if (key.rank === 0) continue;
    r[field] = key.rank;
    k[field] = storedValue(key.value as string | number | boolean);
  }
  return { j: json, k, r };
}

/**
 * Strings as stored in i and k: NUL (refused by FerretDB on PostgreSQL) becomes
 * U+0001 U+0001 and U+0001 becomes U+0001 U+0002. The mapping is injective
 * and keeps the byte order of strings, so equality and ordering hold.
 */
function storedValue<T extends string | number | boolean | null>(v: T): T {
  if (typeof v !== 'string' || !(v.includes('\u0000') || v.includes('\u0001'))) return v;
  return v.split('\u0001').join('\u0001\u0002').split('\u0000').join('\u0001\u0001') as T;
}

/** The inverse of storedValue. */
function loadedValue(v: string): string {
  if (!v.includes('\u0001')) return v;
  let out = '';
  for (let n = 0; n < v.length; n++) {
    if (v[n] === '\u0001') out += v[++n] === '\u0001' ? '\u0000' : '\u0001';
    else out += v[n];
  }
  return out;
}

function toVersion<T extends ReadModelDocument>(v: VersionDoc): ReadModelVersion<T> {
  return { id: loadedValue(v.i), doc: JSON.parse(v.j) as T, validFrom: v.f, validTo: v.t >= OPEN_VERSION ? undefined : v.t };
}

function checkpointMoved(projection: string, base: number, current: number): ConflictError {
  return new ConflictError('checkpoint_moved', `Checkpoint of ${projection} moved from ${base} to ${current} during the transaction`, {
    hint: 'Another process is projecting into the same store; re-read the checkpoint and continue from there.',
    context: { projection, expected: base, actual: current },
  });
}
