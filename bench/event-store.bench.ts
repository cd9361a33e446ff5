/**
 * The event stores side by side in one run: the embedded SQLite store and,
 * when POSTGRES_URL is set, the PostgreSQL store (in a fresh schema of that
 * database, dropped afterwards). For each: appends of one event, appends
 * from 4 concurrent writers, batches of 100, read-all and catch-up
 * subscription throughput over the same log, and bytes stored per event.
 * SQLite's synchronous=FULL is its default and what is compared; NORMAL is
 * shown for SQLite alone (it may lose the last commits on power loss).
 * PostgreSQL runs with the server's settings as they are (synchronous_commit
 * is printed). "Per second of CPU time" is this process's CPU only: for
 * PostgreSQL the server's own work is not in it.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PostgresEventStore, SqliteEventStore, type EventStore, type NewEvent } from '@1tt/event-store';
import { peakRssMiB, quick, report, timed } from './bench-report';

const TOTAL = quick ? 20_000 : 1_000_000;
const BATCH = 100;
const SINGLE_SECONDS = quick ? 0.5 : 3;
const WRITERS = 4;

function event(i: number): NewEvent {
  return {
    type: 'DatasetTokensCounted',
    data: { datasetId: `dataset-${i % 5000}`, tokenizer: 'o200k_base', tokens: String(100_000 + i) },
    metadata: { actor: 'system:worker', correlationId: randomUUID(), schemaVersion: 1 },
  };
}

/** One column of the comparison: measure → figure. */
type Column = Map<string, { value: number; unit: string }>;

function record(column: Column, label: string, value: number, unit: string): void {
  column.set(label, { value, unit });
  report(label, value, unit);
}

/**
 * Events per second of this process's own CPU time. Printed next to the
 * wall-clock figures because this machine is shared: when other work keeps
 * the cores busy the wall clock measures the queue, not the store.
 */
async function cpuSeconds(fn: () => Promise<void>): Promise<number> {
  const before = process.cpuUsage();
  await fn();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e6;
}

/** Appends of one event each by `writers` concurrent callers for SINGLE_SECONDS; events per second. */
async function singleAppends(store: EventStore, writers: number): Promise<number> {
  let n = 0;
  const deadline = process.hrtime.bigint() + BigInt(Math.round(SINGLE_SECONDS * 1e9));
  const seconds = await timed(() =>
    Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        while (process.hrtime.bigint() < deadline) {
          const i = n++;
          await store.appendToStream(`single-${w}-${i % 1000}`, [event(i)], { expectedRevision: 'any' });
        }
      }),
    ),
  );
  return n / seconds;
}

async function batchAppends(store: EventStore, total: number): Promise<{ perSecond: number; perCpuSecond: number }> {
  let cpu = 0;
  const seconds = await timed(
    async () =>
      (cpu = await cpuSeconds(async () => {
        for (let i = 0; i < total; i += BATCH) {
          const batch = Array.from({ length: BATCH }, (_, k) => event(i + k));
          await store.appendToStream(`dataset-${(i / BATCH) % 5000}`, batch, { expectedRevision: 'any' });
        }
      })),
  );
  return { perSecond: total / seconds, perCpuSecond: total / cpu };
}

/**
 * The measures every store gets. `log` is an empty store for the big log;
 * `scratch` opens empty stores for the single-event appends (so they do not
 * change the big log's size).
 */
async function measure(
  column: Column,
  log: EventStore,
  scratch: () => Promise<EventStore>,
  bytesStored: () => Promise<number>,
): Promise<void> {
  const small = await scratch();
  try {
    record(column, 'append, 1 event per append', await singleAppends(small, 1), 'events/s');
    record(column, `append, 1 event per append, ${WRITERS} concurrent writers`, await singleAppends(small, WRITERS), 'events/s');
  } finally {
    await small.close();
  }

  const appended = await batchAppends(log, TOTAL);
  record(column, `append, batches of ${BATCH}, ${TOTAL.toLocaleString('en-US')} events`, appended.perSecond, 'events/s');
  record(column, '  append, per second of this process’s CPU time', appended.perCpuSecond, 'events/cpu-s');

  let read = 0;
  let readCpu = 0;
  const readSeconds = await timed(async () => {
    readCpu = await cpuSeconds(async () => {
      for await (const e of log.readAll()) if (e.position > 0) read += 1;
    });
  });
  if (read !== TOTAL) throw new Error(`readAll returned ${read} events, expected ${TOTAL}`);
  record(column, `readAll over ${TOTAL.toLocaleString('en-US')} events`, read / readSeconds, 'events/s');
  record(column, '  readAll, per second of this process’s CPU time', read / readCpu, 'events/cpu-s');

  let delivered = 0;
  const subSeconds = await timed(
    () =>
      new Promise<void>((resolve, reject) => {
        const sub = log.subscribeToAll({
          maxBatchSize: 1000,
          handler: (batch) => {
            delivered += batch.length;
          },
          onCaughtUp: () => void sub.stop().then(resolve, reject),
        });
        sub.done.catch(reject);
      }),
  );
  if (delivered !== TOTAL) throw new Error(`subscription delivered ${delivered} events, expected ${TOTAL}`);
  record(column, `catch-up subscription over ${TOTAL.toLocaleString('en-US')} events`, delivered / subSeconds, 'events/s');
  record(column, 'bytes stored per event (data, metadata, hashes, indexes)', (await bytesStored()) / TOTAL, 'bytes');
}

async function sqlite(column: Column, dir: string): Promise<void> {
  process.stdout.write('\n--- SQLite (embedded, better-sqlite3, synchronous=FULL, WAL)\n');
  const file = join(dir, 'events.db');
  const store = new SqliteEventStore({ path: file });
  let scratches = 0;
  try {
    await measure(
      column,
      store,
      async () => new SqliteEventStore({ path: join(dir, `single-${++scratches}.db`) }),
      async () => {
        store.database.pragma('wal_checkpoint(TRUNCATE)');
        const size = (f: string) => (existsSync(f) ? statSync(f).size : 0);
        return size(file) + size(`${file}-wal`);
      },
    );
  } finally {
    await store.close();
  }
  process.stdout.write('SQLite with synchronous=NORMAL, for comparison (may lose the last commits on power loss):\n');
  const normal = new SqliteEventStore({ path: join(dir, 'single-normal.db'), synchronous: 'NORMAL' });
  report('  append, 1 event per append (synchronous=NORMAL)', await singleAppends(normal, 1), 'events/s');
  await normal.close();
  const batchNormal = new SqliteEventStore({ path: join(dir, 'batch-normal.db'), synchronous: 'NORMAL' });
  const n = Math.min(TOTAL, 200_000);
  report(
    `  append, batches of ${BATCH} (synchronous=NORMAL), ${n.toLocaleString('en-US')}`,
    (await batchAppends(batchNormal, n)).perSecond,
    'events/s',
  );
  await batchNormal.close();
}

/** PostgreSQL in fresh schemas of POSTGRES_URL's database; the reason it was not measured otherwise. */
async function postgres(column: Column): Promise<string | undefined> {
  const url = process.env.POSTGRES_URL;
  if (!url) return 'POSTGRES_URL is not set (e.g. POSTGRES_URL=postgres://postgres@127.0.0.1:5432/1tt_test npm run bench -- event-store)';
  const admin = new pg.Client({ connectionString: url });
  try {
    await admin.connect();
  } catch (e) {
    return `no PostgreSQL server at POSTGRES_URL (${(e as Error).message})`;
  }
  const schemas: string[] = [];
  const inSchema = () => {
    const schema = `bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    schemas.push(schema);
    const u = new URL(url);
    u.searchParams.set('schema', schema);
    return u.toString();
  };
  try {
    const settings = await admin.query<{ v: string; s: string }>(
      `SELECT split_part(version(), ' ', 2) AS v, current_setting('synchronous_commit') AS s`,
    );
    const { v, s } = settings.rows[0];
    process.stdout.write(`\n--- PostgreSQL ${v} (node-postgres, synchronous_commit=${s}, one append at a time per schema)\n`);
    const store = new PostgresEventStore({ connectionString: inSchema() });
    try {
      await measure(
        column,
        store,
        async () => new PostgresEventStore({ connectionString: inSchema() }),
        async () => {
          const r = await admin.query<{ bytes: string }>(`SELECT pg_total_relation_size('"${store.schema}".events') AS bytes`);
          return Number(r.rows[0].bytes);
        },
      );
    } finally {
      await store.close();
    }
    return undefined;
  } finally {
    for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await admin.end();
  }
}

/** The comparison: one row per measure, one column per store. */
function table(columns: Array<[string, Column]>): void {
  const labels = [...new Set(columns.flatMap(([, c]) => [...c.keys()]))];
  const shown = (x?: { value: number; unit: string }) =>
    x === undefined ? '-' : `${x.value >= 100 ? Math.round(x.value).toLocaleString('en-US') : x.value.toFixed(2)} ${x.unit}`;
  process.stdout.write(`\n${''.padEnd(58)} ${columns.map(([name]) => name.padStart(20)).join(' ')}\n`);
  for (const label of labels)
    process.stdout.write(`${label.padEnd(58)} ${columns.map(([, c]) => shown(c.get(label)).padStart(20)).join(' ')}\n`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), '1tt-bench-es-'));
  try {
    const columns: Array<[string, Column]> = [['SQLite', new Map()]];
    await sqlite(columns[0][1], dir);
    const pgColumn: Column = new Map();
    const notRun = await postgres(pgColumn);
    if (notRun) process.stdout.write(`\n--- PostgreSQL: not measured: ${notRun}\n`);
    else columns.push(['PostgreSQL', pgColumn]);
    table(columns);
    report('peak RSS', peakRssMiB(), 'MiB');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
