import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { createReadModelStore, mongoDatabaseName, SqliteReadModelStore } from '@1tt/read-models';
import { readModelStoreContract } from './read-model-store.contract';

const dirs: string[] = [];
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), '1tt-rm-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

readModelStoreContract('SQLite', async () => {
  const store = SqliteReadModelStore.open({ path: path.join(tempDir(), 'read-models.db') });
  return { store, dispose: () => store.close() };
});

describe('SqliteReadModelStore specifics', () => {
  it('keeps versions and checkpoints across a reopen, in WAL mode', async () => {
    const file = path.join(tempDir(), 'rm.db');
    const a = SqliteReadModelStore.open({ path: file });
    await a.transact('p', (tx) => tx.put('things', 'a', { v: 1 }, 7));
    await a.close();
    const b = SqliteReadModelStore.open({ path: file });
    expect((await b.get('things', 'a'))?.doc).toEqual({ v: 1 });
    expect(await b.getCheckpoint('p')).toBe(7);
    await b.close();
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('refuses a file that is not a read-model store, and one written by a newer schema', () => {
    const foreign = path.join(tempDir(), 'events.db');
    const db = new Database(foreign);
    db.exec('CREATE TABLE events (position INTEGER PRIMARY KEY)');
    db.close();
    expect(() => SqliteReadModelStore.open({ path: foreign })).toThrow(expect.objectContaining({ code: 'not-a-read-model-store' }));

    const newer = path.join(tempDir(), 'newer.db');
    SqliteReadModelStore.open({ path: newer }).close();
    const raw = new Database(newer);
    raw.prepare("UPDATE rm_meta SET value = '99' WHERE key = 'schema_version'").run();
    raw.close();
    expect(() => SqliteReadModelStore.open({ path: newer })).toThrow(expect.objectContaining({ code: 'read-model-schema-too-new' }));
  });

  it('answers a point-in-time get with one index seek (query plan)', () => {
    const file = path.join(tempDir(), 'plan.db');
    SqliteReadModelStore.open({ path: file }).close();
    const raw = new Database(file, { readonly: true });
    const plan = raw
      .prepare(
        "EXPLAIN QUERY PLAN SELECT id, valid_from, valid_to, doc FROM rm_versions WHERE collection = 'c' AND id = 'x' AND valid_from <= 5 ORDER BY valid_from DESC LIMIT 1",
      )
      .all() as { detail: string }[];
    raw.close();
    expect(plan.map((p) => p.detail).join('\n')).toMatch(
      /SEARCH rm_versions USING INDEX rm_versions_key \(collection=\? AND id=\? AND valid_from<\?\)/,
    );
  });

  it('uses the declared field index for where at the latest position', async () => {
    // The type rank and value expressions exactly as the adapter writes them (an expression index matches the same text only).
    const rank = `(CASE json_type(doc, '$.owner') WHEN 'integer' THEN 1 WHEN 'real' THEN 1 WHEN 'text' THEN 2 WHEN 'true' THEN 3 WHEN 'false' THEN 3 WHEN 'array' THEN 4 WHEN 'object' THEN 4 ELSE 0 END)`;
    const file = path.join(tempDir(), 'ix.db');
    const store = SqliteReadModelStore.open({ path: file });
    await store.ensureCollection('datasets', { indexes: ['owner'] });
    await store.close();
    const raw = new Database(file, { readonly: true });
    const plan = raw
      .prepare(
        `EXPLAIN QUERY PLAN SELECT id FROM rm_versions WHERE collection = 'datasets' AND valid_to = 9007199254740991 AND ${rank} = 2 AND json_extract(doc, '$.owner') = 'alice' ORDER BY id LIMIT 10`,
      )
      .all() as { detail: string }[];
    raw.close();
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/USING (COVERING )?INDEX rm_field_owner_/);
  });
});

describe('createReadModelStore', () => {
  it('opens SQLite from sqlite:<path>, sqlite:///abs and a plain path; refuses unknown schemes', async () => {
    const d = tempDir();
    for (const url of [`sqlite:${path.join(d, 'a.db')}`, `sqlite://${path.join(d, 'b.db')}`, path.join(d, 'c.db')]) {
      const s = await createReadModelStore(url);
      expect(s).toBeInstanceOf(SqliteReadModelStore);
      await s.close();
    }
    expect(fs.existsSync(path.join(d, 'a.db')) && fs.existsSync(path.join(d, 'b.db')) && fs.existsSync(path.join(d, 'c.db'))).toBe(true);
    await expect(createReadModelStore('postgres://x/y')).rejects.toMatchObject({ code: 'unsupported-read-model-url' });
  });

  it('takes a mongodb:// URL to the MongoDB driver: with no server there, opening fails with the driver error', async () => {
    // Port 1 on loopback refuses at once; the driver gives up after serverSelectionTimeoutMS.
    await expect(createReadModelStore('mongodb://127.0.0.1:1/x?serverSelectionTimeoutMS=300')).rejects.toMatchObject({
      name: expect.stringMatching(/^Mongo/),
    });
  });

  it('takes the MongoDB database name from the URL path, default 1tt', () => {
    expect(mongoDatabaseName('mongodb://localhost:27017')).toBe('1tt');
    expect(mongoDatabaseName('mongodb://u:p@h1,h2/ledger?replicaSet=rs0')).toBe('ledger');
  });
});
