import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GappedEventStore, InvalidPosition, SqliteEventStore, type RecordedEvent } from '@1tt/event-store';
import { eventStoreContract } from './event-store.contract';

/**
 * The contract on a store whose positions have gaps and which refuses a
 * computed cursor, as EventStoreDB does: nothing in the port's promises may
 * depend on positions being consecutive.
 */
eventStoreContract('SQLite with gapped positions', async () => {
  const dir = mkdtempSync(join(tmpdir(), '1tt-es-gap-'));
  const store = new GappedEventStore(new SqliteEventStore({ path: join(dir, 'events.db'), pollIntervalMs: 20 }));
  return {
    store,
    openWriter: async (clock) => new GappedEventStore(new SqliteEventStore({ path: join(dir, 'events.db'), clock })),
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('GappedEventStore', () => {
  let dir: string;
  let store: GappedEventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), '1tt-es-gap-'));
    store = new GappedEventStore(new SqliteEventStore({ path: join(dir, 'events.db') }));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function collect(it: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    for await (const e of it) out.push(e);
    return out;
  }

  it('hands out increasing positions that are neither consecutive nor evenly spaced', async () => {
    const { events } = await store.appendToStream(
      's-1',
      [1, 2, 3, 4].map((i) => ({ type: 'A', data: { i } })),
      {
        expectedRevision: 'no-stream',
      },
    );
    const p = events.map((e) => e.position);
    const steps = p.slice(1).map((x, i) => x - p[i]);
    expect(steps.every((d) => d > 1)).toBe(true);
    expect(new Set(steps).size).toBeGreaterThan(1);
  });

  it('refuses a computed cursor (p + 1, p - 1) like EventStoreDB, and accepts the positions it handed out', async () => {
    const { events } = await store.appendToStream(
      's-1',
      [
        { type: 'A', data: {} },
        { type: 'B', data: {} },
      ],
      {
        expectedRevision: 'no-stream',
      },
    );
    const [a, b] = events.map((e) => e.position);
    await expect(collect(store.readAll({ afterPosition: a + 1 }))).rejects.toBeInstanceOf(InvalidPosition);
    await expect(collect(store.readAll({ fromPosition: b - 1 }))).rejects.toBeInstanceOf(InvalidPosition);
    await expect(store.subscribeToAll({ checkpoint: a - 1, handler: () => undefined }).done).rejects.toBeInstanceOf(InvalidPosition);
    expect((await collect(store.readAll({ afterPosition: a }))).map((e) => e.type)).toEqual(['B']);
    expect((await collect(store.readAll({ fromPosition: b }))).map((e) => e.type)).toEqual(['B']);
    // An upper bound is a bound, not a cursor: any number is fine.
    expect((await collect(store.readAll({ toPosition: b - 1 }))).map((e) => e.type)).toEqual(['A']);
    expect(await store.positionAt(new Date('2000-01-01T00:00:00Z'))).toBe(0);
    expect(await store.headPosition()).toBe(b);
  });
});
