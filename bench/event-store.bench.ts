/**
 * The embedded event store (SQLite): append throughput with one event per
 * transaction and in batches of 100, read-all and catch-up subscription
 * throughput over 1,000,000 events, and bytes on disk per event.
 * synchronous=FULL is the default and what is measured first; NORMAL is
 * shown for comparison only (it may lose the last commits on power loss).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, type NewEvent } from '@1tt/event-store';
import { peakRssMiB, quick, report, timed } from './bench-report';

const TOTAL = quick ? 20_000 : 1_000_000;
const BATCH = 100;
const SINGLE_SECONDS = quick ? 0.5 : 3;

function event(i: number): NewEvent {
  return {
    type: 'DatasetTokensCounted',
    data: { datasetId: `dataset-${i % 5000}`, tokenizer: 'o200k_base', tokens: String(100_000 + i) },
    metadata: { actor: 'system:worker', correlationId: randomUUID(), schemaVersion: 1 },
  };
}

async function singleAppends(dir: string, synchronous: 'FULL' | 'NORMAL'): Promise<void> {
  const store = new SqliteEventStore({ path: join(dir, `single-${synchronous}.db`), synchronous });
  let n = 0;
  const deadline = process.hrtime.bigint() + BigInt(Math.round(SINGLE_SECONDS * 1e9));
  const seconds = await timed(async () => {
    while (process.hrtime.bigint() < deadline) {
      await store.appendToStream(`dataset-${n % 1000}`, [event(n)], { expectedRevision: 'any' });
      n += 1;
    }
  });
  report(`append, 1 event per transaction (synchronous=${synchronous})`, n / seconds, 'events/s');
  await store.close();
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

async function batchAppends(store: SqliteEventStore, total: number, label: string): Promise<void> {
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
  report(label, total / seconds, 'events/s');
  report(`  same, per second of CPU time`, total / cpu, 'events/cpu-s');
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), '1tt-bench-es-'));
  try {
    await singleAppends(dir, 'FULL');
    await singleAppends(dir, 'NORMAL');

    const normal = new SqliteEventStore({ path: join(dir, 'batch-normal.db'), synchronous: 'NORMAL' });
    await batchAppends(normal, Math.min(TOTAL, 200_000), `append, batches of ${BATCH} (synchronous=NORMAL)`);
    await normal.close();

    const file = join(dir, 'events.db');
    const store = new SqliteEventStore({ path: file });
    await batchAppends(store, TOTAL, `append, batches of ${BATCH} (synchronous=FULL), ${TOTAL.toLocaleString('en-US')} events`);

    let read = 0;
    let readCpu = 0;
    const readSeconds = await timed(async () => {
      readCpu = await cpuSeconds(async () => {
        for await (const e of store.readAll()) if (e.position > 0) read += 1;
      });
    });
    if (read !== TOTAL) throw new Error(`readAll returned ${read} events, expected ${TOTAL}`);
    report(`readAll over ${TOTAL.toLocaleString('en-US')} events`, read / readSeconds, 'events/s');
    report(`  same, per second of CPU time`, read / readCpu, 'events/cpu-s');

    let delivered = 0;
    const subSeconds = await timed(
      () =>
        new Promise<void>((resolve, reject) => {
          const sub = store.subscribeToAll({
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
    report(`catch-up subscription over ${TOTAL.toLocaleString('en-US')} events`, delivered / subSeconds, 'events/s');

    store.database.pragma('wal_checkpoint(TRUNCATE)');
    await store.close();
    const size = (f: string) => (existsSync(f) ? statSync(f).size : 0);
    const bytes = size(file) + size(`${file}-wal`);
    report('bytes on disk per event (data, metadata, hashes, indexes)', bytes / TOTAL, 'bytes');
    report('peak RSS', peakRssMiB(), 'MiB');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
