import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PostgresEventStore, type RecordedEvent } from '@1tt/event-store';
import { eventStoreContract } from './event-store.contract';

const url = process.env.POSTGRES_URL;

/** A fresh schema per store, dropped afterwards: suites share one database without seeing each other's events. */
async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
}
const withSchema = (schema: string): string => `${url}${url!.includes('?') ? '&' : '?'}schema=${schema}`;
const freshSchema = (): string => `es_${randomBytes(6).toString('hex')}`;

if (url) {
  eventStoreContract(`PostgreSQL at ${url.replace(/\/\/[^@/]*@/, '//')}`, async () => {
    const schema = freshSchema();
    const store = new PostgresEventStore({ connectionString: withSchema(schema), pollIntervalMs: 200 });
    return {
      store,
      openWriter: async (clock) => new PostgresEventStore({ connectionString: withSchema(schema), clock }),
      cleanup: async () => {
        await store.close();
        await dropSchema(schema);
      },
    };
  });

  describe('PostgreSQL event store specifics', () => {
    let schema: string;
    const stores: PostgresEventStore[] = [];
    const open = (options: Partial<ConstructorParameters<typeof PostgresEventStore>[0]> = {}): PostgresEventStore => {
      const s = new PostgresEventStore({ connectionString: withSchema(schema), pollIntervalMs: 5000, ...options });
      stores.push(s);
      return s;
    };
    beforeEach(() => (schema = freshSchema()));
    afterEach(async () => {
      for (const s of stores.splice(0)) await s.close();
      await dropSchema(schema);
    });

    it('a subscription never skips an event that commits after a higher position: many appenders on several pools, commits held open at random', async () => {
      // Each append waits a random moment between writing its rows and COMMIT: without the append lock a later
      // position would regularly commit first and a live reader would move past the earlier one for good.
      const jitter = async (): Promise<void> => new Promise((r) => setTimeout(r, Math.random() * 8));
      const writers = [
        open({ beforeCommit: jitter, poolSize: 4 }),
        open({ beforeCommit: jitter, poolSize: 4 }),
        open({ beforeCommit: jitter, poolSize: 4 }),
      ];
      const reader = open({ pollIntervalMs: 1 });
      await writers[0].headPosition();
      const seen: RecordedEvent[] = [];
      const sub = reader.subscribeToAll({ maxBatchSize: 3, handler: (b) => void seen.push(...b) });
      const perAppender = 15;
      await Promise.all(
        writers.flatMap((w, wi) =>
          Array.from({ length: 4 }, (_, ai) =>
            (async () => {
              for (let i = 0; i < perAppender; i++) {
                await w.appendToStream(
                  `load-${wi}-${ai}`,
                  [
                    { type: 'E', data: { i } },
                    { type: 'E', data: { i, second: true } },
                  ],
                  {
                    expectedRevision: 'any',
                  },
                );
              }
            })(),
          ),
        ),
      );
      const total = 3 * 4 * perAppender * 2;
      const deadline = Date.now() + 20_000;
      while (seen.length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await sub.stop();
      const all: RecordedEvent[] = [];
      for await (const e of reader.readAll()) all.push(e);
      expect(all).toHaveLength(total);
      expect(seen.map((e) => e.id)).toEqual(all.map((e) => e.id));
      // Every stream's chain is intact and recordedAt never decreases with position.
      for (let i = 1; i < all.length; i++) expect(all[i].metadata.recordedAt >= all[i - 1].metadata.recordedAt).toBe(true);
    }, 60_000);

    it('LISTEN/NOTIFY wakes a live subscription long before its poll interval', async () => {
      const reader = open({ pollIntervalMs: 60_000 });
      const writer = open();
      await writer.appendToStream('s-1', [{ type: 'A', data: {} }], { expectedRevision: 'no-stream' });
      const seen: RecordedEvent[] = [];
      let caughtUp = false;
      const sub = reader.subscribeToAll({ handler: (b) => void seen.push(...b), onCaughtUp: () => (caughtUp = true) });
      while (!caughtUp) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 300)); // the LISTEN connection is up
      const t0 = Date.now();
      await writer.appendToStream('s-1', [{ type: 'B', data: {} }], { expectedRevision: 0 });
      while (seen.length < 2 && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 5));
      await sub.stop();
      expect(seen.map((e) => e.type)).toEqual(['A', 'B']);
      expect(Date.now() - t0).toBeLessThan(5_000);
    });

    it('refuses a schema that holds another application’s events table', async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`CREATE SCHEMA "${schema}"; CREATE TABLE "${schema}".events (x int)`);
      await client.end();
      await expect(open().headPosition()).rejects.toThrow(/not a 1TT event store/);
    });

    it('an unreachable server is StoreUnavailable, naming PostgreSQL', async () => {
      const store = new PostgresEventStore({ connectionString: 'postgres://postgres@127.0.0.1:1/none' });
      await expect(store.headPosition()).rejects.toMatchObject({
        name: 'StoreUnavailable',
        message: expect.stringMatching(/PostgreSQL unavailable/),
      });
      await store.close();
    });
  });
} else {
  describe.skip('EventStore contract: PostgreSQL (skipped: no server; set POSTGRES_URL=postgres://postgres@127.0.0.1:5432/1tt_test to run)', () => {
    it('runs the shared event-store contract suite against PostgreSQL', () => undefined);
  });
}
