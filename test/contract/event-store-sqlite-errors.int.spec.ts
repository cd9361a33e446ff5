import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventStore, StoreUnavailable } from '@1tt/event-store';

describe('SQLite event store: unavailable is a typed error', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), '1tt-es-err-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a write lock held past the busy timeout gives StoreUnavailable, and the append goes through once the lock is gone', async () => {
    const file = join(dir, 'events.db');
    const store = new SqliteEventStore({ path: file, busyTimeoutMs: 50 });
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    const err = await store.appendToStream('s-1', [{ type: 'A', data: {} }], { expectedRevision: 'no-stream' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreUnavailable);
    expect((err as Error).message).toMatch(/SQLITE_BUSY/);
    other.exec('ROLLBACK');
    other.close();
    await expect(store.appendToStream('s-1', [{ type: 'A', data: {} }], { expectedRevision: 'no-stream' })).resolves.toMatchObject({
      position: 1,
    });
    await store.close();
  });

  it('a closed store answers StoreUnavailable and reports itself unhealthy', async () => {
    const store = new SqliteEventStore({ path: join(dir, 'events.db') });
    await store.close();
    await expect(store.headPosition()).rejects.toBeInstanceOf(StoreUnavailable);
    await expect(store.appendToStream('s-1', [{ type: 'A', data: {} }], { expectedRevision: 'any' })).rejects.toBeInstanceOf(
      StoreUnavailable,
    );
    expect(await store.health()).toMatchObject({ ok: false, kind: 'sqlite' });
  });
});
