/**
 * Read-model store figures (embedded SQLite): point-in-time get/find
 * latency with ~1,000,000 document versions in the store, and projection
 * throughput (events/s) of a simple projection fed by the SQLite event log.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createEventStore, NewEvent } from '@1tt/event-store';
import { Projection, ProjectionRunner, SqliteReadModelStore } from '@1tt/read-models';
import { latency as measureLatency, quick, report, timed } from './bench-report';
import { seededIntegers } from './seeded-random';

const DOCS = quick ? 1_000 : 10_000;
const VERSIONS_PER_DOC = quick ? 50 : 100;
const GROUPS = 100;
const QUERIES = quick ? 2_000 : 20_000;
const EVENTS = quick ? 5_000 : 100_000;

/** Deterministic pseudo-random integers in [0, n). */
const rng = seededIntegers;

const latency = (label: string, n: number, fn: (i: number) => Promise<unknown>) => measureLatency(label, n, fn, 'µs');

async function storeLatency(dir: string): Promise<void> {
  const store = SqliteReadModelStore.open({ path: path.join(dir, 'read-models.db') });
  await store.ensureCollection('metrics', { indexes: ['group'] });
  const total = DOCS * VERSIONS_PER_DOC;
  // Position p updates document p % DOCS: every document gets a version every DOCS positions.
  const perTx = 10_000;
  const seconds = await timed(async () => {
    for (let from = 1; from <= total; from += perTx) {
      await store.transact('bench', (tx) => {
        for (let p = from; p < from + perTx && p <= total; p++) {
          const d = p % DOCS;
          tx.put('metrics', `contributor-${String(d).padStart(6, '0')}`, { group: d % GROUPS, tokens: p, ratio: `0.${p}` }, p);
        }
      });
    }
  });
  report(`versions written (${(total / 1e6).toFixed(2)}M, ${perTx} per transaction)`, total / seconds, 'versions/s');
  report('bytes on disk per version', fs.statSync(path.join(dir, 'read-models.db')).size / total, 'B');

  const r = rng(42);
  const id = () => `contributor-${String(r(DOCS)).padStart(6, '0')}`;
  await latency('get latest', QUERIES, () => store.get('metrics', id()));
  await latency('get at a random position', QUERIES, () => store.get('metrics', id(), { atPosition: 1 + r(total) }));
  const findN = Math.max(200, QUERIES / 20);
  await latency(`find where group=g, latest (${DOCS / GROUPS} docs)`, findN, () =>
    store.find('metrics', { where: { group: r(GROUPS) }, limit: 100 }),
  );
  await latency('find where group=g, random position', findN, () =>
    store.find('metrics', { where: { group: r(GROUPS) }, limit: 100, atPosition: 1 + r(total) }),
  );
  await latency('find page of 100 by id, latest', findN, () => store.find('metrics', { limit: 100 }));
  await latency('find page of 100 by id, position in the last 10%', findN, () =>
    store.find('metrics', { limit: 100, atPosition: total - r(Math.floor(total / 10)) }),
  );
  await latency('find page of 100 by id, random position', Math.max(50, findN / 10), () =>
    store.find('metrics', { limit: 100, atPosition: 1 + r(total) }),
  );
  await store.close();
}

async function projectionThroughput(dir: string): Promise<void> {
  const events = await createEventStore(`sqlite:${path.join(dir, 'events.db')}`);
  const contributors = 1_000;
  const batch = 500;
  for (let n = 0; n < EVENTS; n += batch) {
    const list: NewEvent[] = [];
    for (let k = n; k < Math.min(EVENTS, n + batch); k++) {
      list.push({ type: 'DatasetTokensCounted', data: { contributorId: `c${k % contributors}`, tokens: 1000 + (k % 97) } });
    }
    await events.appendToStream(`bench-${n / batch}`, list, { expectedRevision: 'no-stream' });
  }
  const store = SqliteReadModelStore.open({ path: path.join(dir, 'projection.db') });
  const projection: Projection = {
    name: 'tokens',
    version: 1,
    collections: ['contributor_tokens', 'pool'],
    handles: ['DatasetTokensCounted'],
    async apply(tx, event) {
      const { contributorId, tokens } = event.data as { contributorId: string; tokens: number };
      const mine = (await tx.get<{ tokens: number }>('contributor_tokens', contributorId))?.tokens ?? 0;
      tx.put('contributor_tokens', contributorId, { tokens: mine + tokens });
      const pool = (await tx.get<{ tokens: number }>('pool', 'pool'))?.tokens ?? 0;
      tx.put('pool', 'pool', { tokens: pool + tokens });
    },
  };
  const runner = new ProjectionRunner(store, events, projection);
  const head = await events.headPosition();
  const seconds = await timed(async () => {
    await runner.start();
    if (!(await runner.waitFor(head, 600_000))) throw new Error('projection did not catch up');
  });
  report(`projection catch-up, ${EVENTS.toLocaleString('en-US')} events (2 docs written per event)`, EVENTS / seconds, 'events/s');
  await runner.stop();
  await store.close();
  await events.close();
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), '1tt-rm-bench-'));
  try {
    await storeLatency(dir);
    await projectionThroughput(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
