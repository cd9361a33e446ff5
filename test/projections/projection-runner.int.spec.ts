/**
 * The projection runner on real embedded stores: the SQLite event log and
 * the SQLite read-model store, in temporary files.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { createEventStore, EventStore, NewEvent, RecordedEvent } from '@1tt/event-store';
import { Projection, ProjectionRunner, ReadModelChange, ReadModelStore, SqliteReadModelStore } from '@1tt/read-models';

interface Counted {
  contributorId: string;
  datasetId: string;
  tokens: number;
}

/** A small pool projection: tokens per contributor and dataset, and the pool total. */
function poolProjection(options: { version?: number; failAt?: () => number | undefined; multiplier?: number } = {}): Projection {
  const k = options.multiplier ?? 1;
  return {
    name: 'pool',
    version: options.version ?? 1,
    collections: [{ name: 'contributors', indexes: ['tokens'] }, 'datasets', 'totals'],
    handles: ['DatasetTokensCounted', 'DatasetWithdrawn'],
    async apply(tx, event: RecordedEvent) {
      if (options.failAt?.() === event.position) throw new Error(`poison event at ${event.position}`);
      const e = event.data as Counted;
      const sign = event.type === 'DatasetWithdrawn' ? -1 : 1;
      const c = (await tx.get<{ tokens: number; datasets: number }>('contributors', e.contributorId)) ?? { tokens: 0, datasets: 0 };
      tx.put('contributors', e.contributorId, { tokens: c.tokens + sign * k * e.tokens, datasets: c.datasets + sign });
      if (sign > 0) tx.put('datasets', e.datasetId, { contributorId: e.contributorId, tokens: k * e.tokens });
      else tx.remove('datasets', e.datasetId);
      const t = (await tx.get<{ tokens: number }>('totals', 'pool'))?.tokens ?? 0;
      tx.put('totals', 'pool', { tokens: t + sign * k * e.tokens });
    },
  };
}

const counted = (n: number): NewEvent => ({
  type: 'DatasetTokensCounted',
  data: { contributorId: `c${n % 3}`, datasetId: `d${n}`, tokens: 100 + n },
});

/** Everything a read model shows: every version of every document, read at every position. */
async function history(store: ReadModelStore, upTo: number): Promise<unknown[]> {
  const out: unknown[] = [];
  for (let p = 0; p <= upTo; p++) {
    for (const c of ['contributors', 'datasets', 'totals']) out.push([p, c, (await store.find(c, { atPosition: p, limit: 1000 })).items]);
  }
  return out;
}

describe('ProjectionRunner on SQLite event log and SQLite read models', () => {
  let dir: string;
  let events: EventStore;
  let store: SqliteReadModelStore;
  let storeFile: string;
  const runners: ProjectionRunner[] = [];
  const runner = (projection: Projection, maxBatchSize?: number) => {
    const r = new ProjectionRunner(store, events, projection, { maxBatchSize });
    runners.push(r);
    return r;
  };

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), '1tt-projections-'));
    events = await createEventStore(`sqlite:${path.join(dir, 'events.db')}`);
    storeFile = path.join(dir, 'read-models.db');
    store = SqliteReadModelStore.open({ path: storeFile });
  });
  afterEach(async () => {
    for (const r of runners.splice(0)) await r.stop();
    await store.close();
    await events.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function append(from: number, count: number, stream = `dataset-batch${from}`): Promise<number> {
    const list = Array.from({ length: count }, (_, i) => counted(from + i));
    return (await events.appendToStream(stream, list, { expectedRevision: 'any' })).position;
  }
  const total = async (atPosition?: number) => (await store.get<{ tokens: number }>('totals', 'pool', { atPosition }))?.doc.tokens;
  const expectedTotal = (n: number) => Array.from({ length: n }, (_, i) => 100 + i).reduce((a, b) => a + b, 0);

  it('catches up with the log, turns live, and answers as of every position on the way', async () => {
    for (let n = 0; n < 30; n += 10) await append(n, 10);
    await events.appendToStream('other-1', [{ type: 'SomethingElse', data: {} }], { expectedRevision: 'no-stream' });
    const r = runner(poolProjection(), 7);
    await r.start();
    expect(await r.waitFor(31, 20_000)).toBe(true);
    expect(r.position).toBe(31);
    expect(await store.getCheckpoint('pool')).toBe(31);
    expect(await total()).toBe(expectedTotal(30));
    for (let p = 1; p <= 30; p++) expect(await total(p)).toBe(expectedTotal(p));
    expect((await store.get('contributors', 'c1'))?.doc).toEqual({
      tokens: [1, 4, 7, 10, 13, 16, 19, 22, 25, 28].reduce((a, n) => a + 100 + n, 0),
      datasets: 10,
    });
    expect((await store.find('datasets', { where: { contributorId: 'c2' } })).items).toHaveLength(10);

    const seen: ReadModelChange[] = [];
    const sub = r.changes.subscribe((c) => seen.push(c));
    const head = await append(30, 3);
    expect(await r.waitFor(head, 20_000)).toBe(true);
    expect(r.status).toBe('live');
    expect(await total()).toBe(expectedTotal(33));
    expect(await total(31)).toBe(expectedTotal(30));
    const touched = seen.flatMap((c) => c.changes.map((x) => `${x.collection}/${x.id}@${x.position}`));
    expect(touched).toEqual(expect.arrayContaining(['datasets/d30@32', 'totals/pool@34', 'contributors/c2@34']));
    expect(seen[seen.length - 1]).toMatchObject({ projection: 'pool', position: head });
    expect(seen[0].previousPosition).toBe(31);
    expect(new Set(seen.flatMap((c) => c.collections))).toEqual(new Set(['contributors', 'datasets', 'totals']));
    sub.unsubscribe();
  });

  it('an error inside apply mid-batch leaves nothing of the batch and the checkpoint; a restart applies it exactly once', async () => {
    await append(0, 10);
    let poison: number | undefined;
    const failing = runner(poolProjection({ failAt: () => poison }), 500);
    await failing.start();
    expect(await failing.waitFor(10, 20_000)).toBe(true);
    const before = await history(store, 10);

    poison = 15; // the 5th event of the next append, which arrives as one batch
    const waiting = failing.waitFor(20, 20_000);
    const head = await append(10, 10);
    expect(head).toBe(20);
    await expect(waiting).rejects.toThrow('poison event at 15');
    expect(failing.status).toBe('failed');
    expect(failing.error?.message).toBe('poison event at 15');
    expect(await store.getCheckpoint('pool')).toBe(10);
    expect(await total()).toBe(expectedTotal(10));
    for (const p of [11, 14, 15, 20]) expect(await total(p)).toBe(expectedTotal(10));
    expect(await store.get('datasets', 'd10')).toBeUndefined();
    expect(await history(store, 10)).toEqual(before);

    poison = undefined;
    const restarted = runner(poolProjection(), 500);
    await restarted.start();
    expect(await restarted.waitFor(20, 20_000)).toBe(true);
    expect(await total()).toBe(expectedTotal(20));
    for (let p = 1; p <= 20; p++) expect(await total(p)).toBe(expectedTotal(p));
    expect((await store.get('contributors', 'c0'))?.doc.datasets).toBe(7);
  });

  it('a failed runner retries from its checkpoint with a growing delay and heals by itself once the cause is gone', async () => {
    await append(0, 5);
    let poison: number | undefined = 3;
    const errors: string[] = [];
    const r = new ProjectionRunner(store, events, poolProjection({ failAt: () => poison }), {
      retryDelayMs: 10,
      onError: (e) => errors.push(e.message),
    });
    runners.push(r);
    await r.start();
    await expect(r.waitFor(5, 20_000)).rejects.toThrow('poison event at 3');
    expect(r.status).toBe('failed');
    // It keeps trying (and failing) while the poison is there: each failure is reported.
    while (errors.length < 3) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await store.getCheckpoint('pool')).toBe(0);

    poison = undefined; // e.g. a store that was unreachable is back
    let healed = false;
    while (!healed) {
      // While failed, waitFor rejects at once: wait for the next retry.
      healed = await r.waitFor(5, 20_000).catch(() => new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 10)));
    }
    expect(r.status).not.toBe('failed');
    expect(r.error).toBeUndefined();
    expect(await total()).toBe(expectedTotal(5));
    for (let p = 1; p <= 5; p++) expect(await total(p)).toBe(expectedTotal(p));
  });

  it('re-applying a batch whose writes landed but whose checkpoint did not (MongoDB crash) changes nothing', async () => {
    await append(0, 12);
    await events.appendToStream('dataset-d3', [{ type: 'DatasetWithdrawn', data: { contributorId: 'c0', datasetId: 'd3', tokens: 103 } }], {
      expectedRevision: 'any',
    });
    await append(12, 8);
    const first = runner(poolProjection(), 6);
    await first.start();
    expect(await first.waitFor(21, 20_000)).toBe(true);
    await first.stop();
    const applied = await history(store, 22);

    // The state a crash between the version writes and the checkpoint write leaves on MongoDB.
    const raw = new Database(storeFile);
    raw.prepare("UPDATE rm_checkpoints SET position = 9 WHERE projection = 'pool'").run();
    raw.close();
    expect(await store.getCheckpoint('pool')).toBe(9);

    const replay = runner(poolProjection(), 5);
    await replay.start();
    expect(await replay.waitFor(21, 20_000)).toBe(true);
    expect(await history(store, 22)).toEqual(applied);
    expect(await total()).toBe(expectedTotal(20) - 103);
  });

  it('a rebuild from position 0 gives exactly the live read model, history included', async () => {
    const r = runner(poolProjection(), 4);
    await r.start();
    for (let n = 0; n < 24; n += 6) {
      await append(n, 6);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await events.appendToStream('dataset-d5', [{ type: 'DatasetWithdrawn', data: { contributorId: 'c2', datasetId: 'd5', tokens: 105 } }], {
      expectedRevision: 'any',
    });
    expect(await r.waitFor(25, 20_000)).toBe(true);
    const live = await history(store, 26);
    expect(await store.get('datasets', 'd5')).toBeUndefined();

    await r.rebuild();
    expect(await r.waitFor(25, 20_000)).toBe(true);
    expect(await history(store, 26)).toEqual(live);
    expect(await store.getProjectionState('pool')).toMatchObject({ position: 25, version: '1' });
  });

  it('rebuilds automatically from 0 when the projection version changes', async () => {
    await append(0, 5);
    const v1 = runner(poolProjection({ version: 1 }));
    await v1.start();
    expect(await v1.waitFor(5, 20_000)).toBe(true);
    await v1.stop();
    expect(await total()).toBe(expectedTotal(5));

    const v2 = runner(poolProjection({ version: 2, multiplier: 2 }));
    await v2.start();
    expect(await v2.waitFor(5, 20_000)).toBe(true);
    expect(await total()).toBe(2 * expectedTotal(5));
    expect(await total(3)).toBe(2 * expectedTotal(3));
    expect((await store.getProjectionState('pool'))?.version).toBe('2');
  });

  it('waitFor: true at once for a reached position, true when it arrives later, false after the timeout or on stop', async () => {
    await append(0, 3);
    const r = runner(poolProjection());
    await r.start();
    expect(await r.waitFor(3, 20_000)).toBe(true);
    expect(await r.waitFor(1, 0)).toBe(true);
    expect(await r.waitFor(1000, 20)).toBe(false);
    const later = r.waitFor(4, 20_000);
    await append(3, 1);
    expect(await later).toBe(true);
    const pending = r.waitFor(1000, 60_000);
    await r.stop();
    expect(await pending).toBe(false);
    expect(r.status).toBe('stopped');
  });

  it('fails loudly when a projection writes a collection it does not own', async () => {
    await append(0, 2);
    const rogue: Projection = {
      name: 'rogue',
      version: 1,
      collections: ['mine'],
      apply(tx) {
        tx.put('someone_elses', 'x', {});
      },
    };
    const r = runner(rogue);
    await r.start();
    await expect(r.waitFor(2, 20_000)).rejects.toMatchObject({ code: 'collection-not-owned' });
    expect(await store.getCheckpoint('rogue')).toBe(0);
    expect(await store.get('someone_elses', 'x')).toBeUndefined();
  });

  it('two runners of one projection on one store apply every event once (the loser of a commit resubscribes)', async () => {
    await append(0, 20);
    const a = runner(poolProjection(), 3);
    const b = runner(poolProjection(), 5);
    await a.start();
    await b.start();
    await append(20, 10);
    expect(await a.waitFor(30, 20_000)).toBe(true);
    expect(await b.waitFor(30, 20_000)).toBe(true);
    expect(a.status).not.toBe('failed');
    expect(b.status).not.toBe('failed');
    expect(await total()).toBe(expectedTotal(30));
    for (let p = 1; p <= 30; p++) expect(await total(p)).toBe(expectedTotal(p));
  });
});
