import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createEventStore, IncompatibleStore, SqliteEventStore, verifyChain, type RecordedEvent } from '@1tt/event-store';
import { eventStoreContract } from './event-store.contract';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), '1tt-es-'));
}

eventStoreContract('SQLite (embedded)', async () => {
  const dir = tempDir();
  const store = await createEventStore(`sqlite:${join(dir, 'events.db')}`, { pollIntervalMs: 20 });
  return {
    store,
    openWriter: (clock) => createEventStore(`sqlite:${join(dir, 'events.db')}`, { clock }),
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('SQLite event store specifics', () => {
  let dir: string;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a file that is not an SQLite database', () => {
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'hello, this is not a database'.repeat(100));
    expect(() => new SqliteEventStore({ path: file })).toThrow(IncompatibleStore);
    expect(() => new SqliteEventStore({ path: file })).toThrow(/not a 1TT event store/);
  });

  it('refuses an SQLite database of another application', () => {
    const file = join(dir, 'other.db');
    const db = new Database(file);
    db.exec('CREATE TABLE t (x)');
    db.close();
    expect(() => new SqliteEventStore({ path: file })).toThrow(/not a 1TT event store/);
  });

  it('refuses a store written by a newer schema version', async () => {
    const file = join(dir, 'events.db');
    const store = new SqliteEventStore({ path: file });
    await store.close();
    const db = new Database(file);
    db.pragma('user_version = 99');
    db.close();
    expect(() => new SqliteEventStore({ path: file })).toThrow(/newer version.*schema 99/);
  });

  it('uses WAL and synchronous=FULL by default', async () => {
    const store = new SqliteEventStore({ path: join(dir, 'events.db') });
    expect(store.database.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.database.pragma('synchronous', { simple: true })).toBe(2);
    await store.close();
  });

  it('verifyChain over the whole log names an event edited with raw SQL', async () => {
    const store = new SqliteEventStore({ path: join(dir, 'events.db') });
    await store.appendToStream('revenue-1', [{ type: 'RevenueReported', data: { amount: '100.00' } }], { expectedRevision: 'no-stream' });
    const target = await store.appendToStream('dataset-1', [{ type: 'DatasetTokensCounted', data: { tokens: '1000' } }], {
      expectedRevision: 'no-stream',
    });
    await store.appendToStream('dataset-1', [{ type: 'DatasetAccepted', data: {} }], { expectedRevision: 0 });
    expect((await verifyChain(store.readAll())).ok).toBe(true);
    store.database.prepare('UPDATE events SET data = ? WHERE position = ?').run(JSON.stringify({ tokens: '9000' }), target.position);
    const report = await verifyChain(store.readAll());
    expect(report.ok).toBe(false);
    expect(report.firstProblem).toMatchObject({ position: target.position, streamName: 'dataset-1', reason: 'hash-mismatch' });
    await store.close();
  });

  it('assigns recordedAt from its clock and never lets it go backwards', async () => {
    let now = new Date('2026-01-02T00:00:00.000Z');
    const store = new SqliteEventStore({ path: join(dir, 'events.db'), clock: () => now });
    await store.appendToStream('s-1', [{ type: 'A', data: {} }], { expectedRevision: 'any' });
    now = new Date('2026-01-01T00:00:00.000Z'); // the wall clock stepped back
    await store.appendToStream('s-1', [{ type: 'B', data: {} }], { expectedRevision: 'any' });
    const [a, b] = await store.readStream('s-1');
    expect(a.metadata.recordedAt).toBe('2026-01-02T00:00:00.000Z');
    expect(b.metadata.recordedAt).toBe('2026-01-02T00:00:00.000Z');
    await store.close();
  });

  it('a subscription sees appends made through another connection to the same file', async () => {
    const file = join(dir, 'events.db');
    const reader = new SqliteEventStore({ path: file, pollIntervalMs: 10 });
    const writer = new SqliteEventStore({ path: file });
    const seen: RecordedEvent[] = [];
    const sub = reader.subscribeToAll({ handler: (b) => void seen.push(...b) });
    for (let i = 0; i < 20; i++) await writer.appendToStream('s-x', [{ type: 'A', data: { i } }], { expectedRevision: 'any' });
    const deadline = Date.now() + 5000;
    while (seen.length < 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await sub.stop();
    expect(seen.map((e) => (e.data as { i: number }).i)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    await reader.close();
    await writer.close();
  });
});
