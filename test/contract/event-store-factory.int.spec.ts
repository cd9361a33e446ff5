import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createEventStore, EventStoreDbEventStore, PostgresEventStore, SqliteEventStore } from '@1tt/event-store';

describe('createEventStore (EVENT_STORE_URL)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), '1tt-factory-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('sqlite:<relative path> resolves against the working directory and creates missing parent directories', async () => {
    const file = join(dir, 'nested', 'deeper', 'events.db');
    const store = await createEventStore(`sqlite:${relative(process.cwd(), file)}`);
    expect(store).toBeInstanceOf(SqliteEventStore);
    await store.appendToStream('s-1', [{ type: 'A', data: {} }], { expectedRevision: 'no-stream' });
    expect(existsSync(file)).toBe(true);
    expect((await store.health()).ok).toBe(true);
    await store.close();
  });

  it('esdb:// and kurrentdb:// give the EventStoreDB adapter (no connection is made until used)', async () => {
    for (const url of ['esdb://localhost:2113?tls=false', 'kurrentdb://localhost:2113?tls=false']) {
      const store = await createEventStore(url);
      expect(store).toBeInstanceOf(EventStoreDbEventStore);
      await store.close();
    }
  });

  it('postgres:// and postgresql:// give the PostgreSQL adapter (no connection is made until used)', async () => {
    for (const url of ['postgres://nobody@127.0.0.1:1/x?schema=s1', 'postgresql://nobody@127.0.0.1:1/x']) {
      const store = await createEventStore(url);
      expect(store).toBeInstanceOf(PostgresEventStore);
      await store.close();
    }
  });

  it('refuses any other scheme, naming the variable', async () => {
    await expect(createEventStore('mysql://x')).rejects.toThrow(/EVENT_STORE_URL/);
    await expect(createEventStore('sqlite:')).rejects.toThrow(/EVENT_STORE_URL/);
  });
});
