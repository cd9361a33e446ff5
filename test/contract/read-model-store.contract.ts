/**
 * The one behaviour every ReadModelStore adapter must have. Run by
 * read-model-store-sqlite.int.spec.ts (always) and
 * read-model-store-mongodb.int.spec.ts (when MONGODB_URL is set).
 */
import { ConflictError, ValidationError } from '@1tt/domain-errors';
import { ReadModelDocument, ReadModelStore, ReadModelTransaction } from '@1tt/read-models';

export interface ReadModelStoreFixture {
  store: ReadModelStore;
  /** Called after each test. */
  dispose(): Promise<void>;
}

async function allPages(store: ReadModelStore, collection: string, options: Parameters<ReadModelStore['find']>[1] = {}) {
  const seen: { id: string; doc: ReadModelDocument }[] = [];
  let after: string | undefined;
  let pages = 0;
  do {
    const page = await store.find(collection, { ...options, after });
    seen.push(...page.items.map((i) => ({ id: i.id, doc: i.doc })));
    after = page.nextCursor;
    pages += 1;
    if (pages > 1000) throw new Error('pagination does not end');
  } while (after);
  return seen;
}

export function readModelStoreContract(name: string, open: () => Promise<ReadModelStoreFixture>): void {
  describe(`ReadModelStore contract: ${name}`, () => {
    let fx: ReadModelStoreFixture;
    let store: ReadModelStore;
    beforeEach(async () => {
      fx = await open();
      store = fx.store;
    });
    afterEach(async () => {
      await fx.dispose();
    });

    const put = (collection: string, id: string, doc: ReadModelDocument, position: number, projection = 'p') =>
      store.transact(projection, (tx) => tx.put(collection, id, doc, position));

    it('stores a document at a position and gives it back with its version bounds', async () => {
      await put('things', 'a', { n: 1, name: 'first' }, 3);
      expect(await store.get('things', 'a')).toEqual({ id: 'a', doc: { n: 1, name: 'first' }, validFrom: 3, validTo: undefined });
      expect(await store.get('things', 'missing')).toBeUndefined();
      expect(await store.get('other', 'a')).toBeUndefined();
      expect(await store.getCheckpoint('p')).toBe(3);
    });

    it('answers as of any position, before and after later writes', async () => {
      await put('things', 'a', { v: 'one' }, 5);
      await put('things', 'a', { v: 'two' }, 9);
      await put('things', 'b', { v: 'b' }, 12);
      expect(await store.get('things', 'a', { atPosition: 0 })).toBeUndefined();
      expect(await store.get('things', 'a', { atPosition: 4 })).toBeUndefined();
      expect(await store.get('things', 'a', { atPosition: 5 })).toEqual({ id: 'a', doc: { v: 'one' }, validFrom: 5, validTo: 9 });
      expect((await store.get('things', 'a', { atPosition: 8 }))?.doc).toEqual({ v: 'one' });
      expect(await store.get('things', 'a', { atPosition: 9 })).toEqual({ id: 'a', doc: { v: 'two' }, validFrom: 9, validTo: undefined });
      expect((await store.get('things', 'a', { atPosition: 1_000_000 }))?.doc).toEqual({ v: 'two' });
      expect((await store.get('things', 'a'))?.doc).toEqual({ v: 'two' });
      expect((await store.find('things', { atPosition: 11 })).items.map((i) => i.id)).toEqual(['a']);
      expect((await store.find('things', { atPosition: 12 })).items.map((i) => [i.id, i.doc.v])).toEqual([
        ['a', 'two'],
        ['b', 'b'],
      ]);
      expect((await store.find('things', { atPosition: 6 })).items.map((i) => i.doc.v)).toEqual(['one']);
      expect((await store.find('things', { atPosition: 4 })).items).toEqual([]);
    });

    it('removes a document at a position: gone from then on, still there before, and can come back', async () => {
      await put('things', 'a', { v: 1 }, 3);
      await store.transact('p', (tx) => tx.remove('things', 'a', 7));
      expect((await store.get('things', 'a', { atPosition: 6 }))?.doc).toEqual({ v: 1 });
      expect(await store.get('things', 'a', { atPosition: 7 })).toBeUndefined();
      expect(await store.get('things', 'a')).toBeUndefined();
      expect((await store.find('things')).items).toEqual([]);
      expect((await store.find('things', { atPosition: 6 })).items.map((i) => i.id)).toEqual(['a']);
      await put('things', 'a', { v: 2 }, 10);
      expect((await store.get('things', 'a'))?.doc).toEqual({ v: 2 });
      expect(await store.get('things', 'a', { atPosition: 9 })).toBeUndefined();
      expect((await store.get('things', 'a', { atPosition: 3 }))?.validTo).toBe(7);
    });

    it('filters with where (indexed or not) and orders by id or a field, both directions', async () => {
      await store.ensureCollection('datasets', { indexes: ['owner', 'tokens'] });
      await store.transact('p', (tx) => {
        const rows: [string, string, number, boolean][] = [
          ['d1', 'alice', 30, true],
          ['d2', 'bob', 10, false],
          ['d3', 'alice', 20, true],
          ['d4', 'carol', 20, true],
          ['d5', 'alice', 50, false],
        ];
        rows.forEach(([id, owner, tokens, accepted], n) => tx.put('datasets', id, { owner, tokens, accepted, kind: 'txt' }, n + 1));
      });
      const ids = async (o: Parameters<ReadModelStore['find']>[1]) => (await store.find('datasets', o)).items.map((i) => i.id);
      expect(await ids({ where: { owner: 'alice' } })).toEqual(['d1', 'd3', 'd5']);
      expect(await ids({ where: { owner: 'alice', accepted: true } })).toEqual(['d1', 'd3']);
      expect(await ids({ where: { kind: 'txt', tokens: 20 } })).toEqual(['d3', 'd4']);
      expect(await ids({ where: { owner: 'nobody' } })).toEqual([]);
      expect(await ids({ orderBy: 'tokens' })).toEqual(['d2', 'd3', 'd4', 'd1', 'd5']);
      expect(await ids({ orderBy: 'tokens', direction: 'desc' })).toEqual(['d5', 'd1', 'd4', 'd3', 'd2']);
      expect(await ids({ direction: 'desc' })).toEqual(['d5', 'd4', 'd3', 'd2', 'd1']);
      expect(await ids({ orderBy: 'id' })).toEqual(['d1', 'd2', 'd3', 'd4', 'd5']);
      expect(await ids({ where: { owner: 'alice' }, atPosition: 3 })).toEqual(['d1', 'd3']);
      expect(await ids({ where: { owner: 'alice' }, orderBy: 'tokens', atPosition: 4 })).toEqual(['d3', 'd1']);
    });

    it('where and orderBy compare by JSON type first: booleans are not numbers, arrays are not their elements', async () => {
      // One order on every adapter: missing/null, numbers, strings, booleans, then arrays and objects by their JSON text.
      const docs: [string, unknown][] = [
        ['a', true],
        ['b', 1],
        ['c', '1'],
        ['d', [1, 2]],
        ['e', null],
        ['f', undefined],
        ['g', false],
        ['h', 0],
        ['i', { x: 1 }],
        ['j', 'b'],
        ['k', [0]],
        ['l', 2.5],
      ];
      await store.ensureCollection('typedix', { indexes: ['v'] });
      await store.transact('p', (tx) => {
        docs.forEach(([id, v], n) => {
          for (const c of ['typed', 'typedix']) tx.put(c, id, v === undefined ? { other: n } : { v, other: n }, n + 1);
        });
      });
      const expectedAsc = ['e', 'f', 'h', 'b', 'l', 'c', 'j', 'g', 'a', 'k', 'd', 'i'];
      for (const c of ['typed', 'typedix']) {
        const ids = async (o: Parameters<ReadModelStore['find']>[1]) => (await store.find(c, o)).items.map((i) => i.id);
        expect([c, await ids({ where: { v: true } })]).toEqual([c, ['a']]);
        expect([c, await ids({ where: { v: false } })]).toEqual([c, ['g']]);
        expect([c, await ids({ where: { v: 1 } })]).toEqual([c, ['b']]);
        expect([c, await ids({ where: { v: 0 } })]).toEqual([c, ['h']]);
        expect([c, await ids({ where: { v: '1' } })]).toEqual([c, ['c']]);
        expect([c, await ids({ where: { v: 2 } })]).toEqual([c, []]);
        expect([c, await ids({ where: { v: '[1,2]' } })]).toEqual([c, []]);
        expect([c, await ids({ where: { v: null } })]).toEqual([c, ['e', 'f']]);
        expect([c, await ids({ where: { v: 2.5 }, atPosition: 12 })]).toEqual([c, ['l']]);
        for (const limit of [1, 2, 5, 100]) {
          for (const atPosition of [undefined, 12]) {
            const asc = (await allPages(store, c, { orderBy: 'v', limit, atPosition })).map((x) => x.id);
            expect([c, limit, asc]).toEqual([c, limit, expectedAsc]);
            const desc = (await allPages(store, c, { orderBy: 'v', direction: 'desc', limit, atPosition })).map((x) => x.id);
            expect([c, limit, desc]).toEqual([c, limit, [...expectedAsc].reverse()]);
          }
        }
      }
    });

    it('stores documents whose keys MongoDB refuses (NUL byte, $-prefixed, dotted) and keeps projecting', async () => {
      const odd = { 'a\u0000b': 1, $set: { x: 2 }, 'x.y': 3, nested: { $k: 'v', 'p\u0000q': ['r\u0000'] }, plain: 'ok' };
      await store.transact('odd', (tx) => {
        tx.put('odd', 'one', odd, 1);
        tx.put('odd', 'two', { plain: 'ok' }, 2);
      });
      expect((await store.get('odd', 'one'))?.doc).toEqual(odd);
      expect(await store.getCheckpoint('odd')).toBe(2);
      expect((await store.find('odd', { where: { plain: 'ok' } })).items.map((i) => i.id)).toEqual(['one', 'two']);
      await store.transact('odd', (tx) => tx.put('odd', 'three', { n: 3 }, 3));
      expect(await store.getCheckpoint('odd')).toBe(3);
    });

    it('finds and orders strings and ids with NUL and U+0001 by their bytes', async () => {
      await store.transact('p', (tx) => {
        ['a\u0001', 'a\u0000b', 'a', 'a\u0000', 'a\u0002', 'a\u0001\u0001'].forEach((s, n) => tx.put('nuls', `n${n}`, { s }, n + 1));
      });
      const order = (await allPages(store, 'nuls', { orderBy: 's', limit: 2 })).map((x) => x.doc.s);
      expect(order).toEqual(['a', 'a\u0000', 'a\u0000b', 'a\u0001', 'a\u0001\u0001', 'a\u0002']);
      expect((await store.find('nuls', { where: { s: 'a\u0000' } })).items.map((i) => i.doc.s)).toEqual(['a\u0000']);
      expect((await store.find('nuls', { where: { s: 'a\u0001\u0001' } })).items.map((i) => i.doc.s)).toEqual(['a\u0001\u0001']);
      // Ids too (composite keys joined with NUL): kept, found and ordered by their bytes.
      const ids = ['k\u0001', 'k\u0000b', 'k', 'k\u0000', 'k\u0002'];
      await store.transact('p', (tx) => ids.forEach((id, n) => tx.put('nulids', id, { n }, 10 + n)));
      expect((await allPages(store, 'nulids', { limit: 2 })).map((x) => x.id)).toEqual(['k', 'k\u0000', 'k\u0000b', 'k\u0001', 'k\u0002']);
      expect((await allPages(store, 'nulids', { limit: 2, atPosition: 13, direction: 'desc' })).map((x) => x.id)).toEqual([
        'k\u0001',
        'k\u0000b',
        'k\u0000',
        'k',
      ]);
      expect(await store.get('nulids', 'k\u0000b')).toEqual({ id: 'k\u0000b', doc: { n: 1 }, validFrom: 11, validTo: undefined });
      await store.transact('p', (tx) => tx.remove('nulids', 'k\u0000', 20));
      expect(await store.get('nulids', 'k\u0000')).toBeUndefined();
      expect((await store.get('nulids', 'k\u0000', { atPosition: 19 }))?.doc).toEqual({ n: 3 });
    });

    it('where sees the value a field had at the position asked for', async () => {
      await put('datasets', 'd1', { status: 'uploaded' }, 1);
      await put('datasets', 'd1', { status: 'accepted' }, 2);
      expect((await store.find('datasets', { where: { status: 'uploaded' }, atPosition: 1 })).items.map((i) => i.id)).toEqual(['d1']);
      expect((await store.find('datasets', { where: { status: 'uploaded' } })).items).toEqual([]);
      expect((await store.find('datasets', { where: { status: 'accepted' } })).items.map((i) => i.id)).toEqual(['d1']);
      expect((await store.find('datasets', { where: { status: 'accepted' }, atPosition: 1 })).items).toEqual([]);
    });

    it('paginates with a cursor: every document exactly once, in order, for id and field ordering, with ties and nulls', async () => {
      await store.ensureCollection('many', { indexes: ['group'] });
      await store.transact('p', (tx) => {
        for (let n = 0; n < 257; n++) {
          const doc: ReadModelDocument = { n };
          if (n % 10 !== 0) doc.group = n % 7;
          tx.put('many', `id-${String(n).padStart(4, '0')}`, doc, 1 + n);
        }
      });
      const byId = await allPages(store, 'many', { limit: 50 });
      expect(byId.map((x) => x.doc.n)).toEqual([...Array(257).keys()]);
      const firstPage = await store.find('many', { limit: 50 });
      expect(firstPage.items).toHaveLength(50);
      expect(firstPage.nextCursor).toBeDefined();
      const exact = await store.find('many', { limit: 257 });
      expect(exact.items).toHaveLength(257);
      expect(exact.nextCursor).toBeUndefined();

      const key = (x: { id: string; doc: ReadModelDocument }) => [x.doc.group ?? null, x.id] as [number | null, string];
      const cmp = (a: [number | null, string], b: [number | null, string]) =>
        a[0] === b[0] ? (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) : a[0] === null ? -1 : b[0] === null ? 1 : a[0] - b[0];
      const expectedAsc = [...byId].sort((a, b) => cmp(key(a), key(b))).map((x) => x.id);
      for (const limit of [1, 7, 100]) {
        expect((await allPages(store, 'many', { orderBy: 'group', limit })).map((x) => x.id)).toEqual(expectedAsc);
        expect((await allPages(store, 'many', { orderBy: 'group', direction: 'desc', limit })).map((x) => x.id)).toEqual(
          [...expectedAsc].reverse(),
        );
      }
      expect((await allPages(store, 'many', { limit: 9, atPosition: 100 })).map((x) => x.doc.n)).toEqual([...Array(100).keys()]);
      expect((await allPages(store, 'many', { limit: 9, atPosition: 100, direction: 'desc' })).map((x) => x.doc.n)).toEqual(
        [...Array(100).keys()].reverse(),
      );
      const asOf = await allPages(store, 'many', { where: { group: 3 }, limit: 4, atPosition: 100 });
      expect(asOf.map((x) => x.doc.n)).toEqual([3, 17, 24, 31, 38, 45, 52, 59, 66, 73, 87, 94]);
      const nulls = await allPages(store, 'many', { where: { group: null }, limit: 5 });
      expect(nulls.map((x) => x.doc.n)).toEqual([
        0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 210, 220, 230, 240, 250,
      ]);
    });

    it('commits nothing and leaves the checkpoint when the transaction callback throws', async () => {
      await put('things', 'a', { v: 1 }, 1, 'proj');
      await expect(
        store.transact('proj', async (tx) => {
          tx.put('things', 'a', { v: 2 }, 2);
          tx.put('things', 'b', { v: 1 }, 3);
          tx.setCheckpoint(3);
          await new Promise((r) => setTimeout(r, 5));
          throw new Error('handler failed mid-batch');
        }),
      ).rejects.toThrow('handler failed mid-batch');
      expect((await store.get('things', 'a'))?.doc).toEqual({ v: 1 });
      expect(await store.get('things', 'b')).toBeUndefined();
      expect(await store.getCheckpoint('proj')).toBe(1);
      expect((await store.find('things')).items.map((i) => i.id)).toEqual(['a']);
    });

    it('lets a transaction read its own writes, and otherwise the store as of its checkpoint', async () => {
      await put('counters', 'c', { n: 1 }, 1, 'counting');
      let seen: unknown[] = [];
      const result = await store.transact('counting', async (tx) => {
        seen.push(tx.basePosition);
        seen.push(await tx.get('counters', 'c'));
        tx.put('counters', 'c', { n: 2 }, 2);
        seen.push(await tx.get('counters', 'c'));
        tx.remove('counters', 'c', 3);
        seen.push(await tx.get('counters', 'c'));
        seen.push(await tx.get('counters', 'never'));
      });
      expect(seen).toEqual([1, { n: 1 }, { n: 2 }, undefined, undefined]);
      expect(result).toEqual({
        previousCheckpoint: 1,
        checkpoint: 3,
        changes: [
          { collection: 'counters', id: 'c', position: 2, removed: false },
          { collection: 'counters', id: 'c', position: 3, removed: true },
        ],
      });
      seen = [];
      // Writes of another projection beyond this one's checkpoint are not what this one reads.
      await put('counters', 'x', { n: 10 }, 4, 'counting');
      await put('counters', 'x', { n: 99 }, 6, 'other');
      await store.transact('counting', async (tx) => {
        seen.push(await tx.get('counters', 'x'));
        tx.setCheckpoint(5);
      });
      expect(seen).toEqual([{ n: 10 }]);
    });

    it('moves the checkpoint forward only: explicitly, or to the highest write position', async () => {
      expect(await store.getCheckpoint('cp')).toBe(0);
      expect(await store.getProjectionState('cp')).toBeUndefined();
      await store.transact('cp', (tx) => tx.setCheckpoint(40));
      expect(await store.getCheckpoint('cp')).toBe(40);
      await store.transact('cp', (tx) => {
        tx.put('things', 'a', {}, 45);
        tx.setCheckpoint(42);
      });
      expect(await store.getCheckpoint('cp')).toBe(45);
      await expect(store.transact('cp', (tx) => tx.setCheckpoint(44))).rejects.toMatchObject({ code: 'checkpoint_backwards' });
      await expect(store.transact('cp', (tx) => tx.put('things', 'b', {}, 45))).rejects.toMatchObject({
        code: 'position_not_after_checkpoint',
      });
      await expect(
        store.transact('cp', (tx) => {
          tx.put('things', 'c', {}, 50);
          tx.put('things', 'c', {}, 49);
        }),
      ).rejects.toMatchObject({ code: 'position_out_of_order' });
      expect(await store.getCheckpoint('cp')).toBe(45);
      expect(await store.get('things', 'c')).toBeUndefined();
      expect((await store.getProjectionState('cp'))?.position).toBe(45);
      expect(await store.getCheckpoint('unrelated')).toBe(0);
    });

    it('collapses several writes to one document at one position into one version', async () => {
      const r = await store.transact('p', (tx) => {
        tx.put('things', 'a', { v: 1 }, 5);
        tx.put('things', 'a', { v: 2 }, 5);
        tx.remove('things', 'b', 5);
        tx.put('things', 'b', { v: 'b' }, 5);
      });
      expect(r.changes).toEqual([
        { collection: 'things', id: 'a', position: 5, removed: false },
        { collection: 'things', id: 'b', position: 5, removed: false },
      ]);
      expect(await store.get('things', 'a')).toEqual({ id: 'a', doc: { v: 2 }, validFrom: 5, validTo: undefined });
      expect((await store.get('things', 'b'))?.doc).toEqual({ v: 'b' });
      await store.transact('p', (tx) => {
        tx.put('things', 'a', { v: 3 }, 6);
        tx.remove('things', 'a', 6);
      });
      expect(await store.get('things', 'a')).toBeUndefined();
      expect((await store.get('things', 'a', { atPosition: 5 }))?.validTo).toBe(6);
    });

    it('copies a document at put time: mutating it afterwards changes nothing', async () => {
      const doc = { list: [1, 2] };
      await store.transact('p', async (tx) => {
        tx.put('things', 'a', doc, 1);
        doc.list.push(3);
        const read = await tx.get<{ list: number[] }>('things', 'a');
        read!.list.push(4);
        expect(await tx.get('things', 'a')).toEqual({ list: [1, 2] });
      });
      expect((await store.get('things', 'a'))?.doc).toEqual({ list: [1, 2] });
    });

    it('reset deletes the named collections, sets the checkpoint to 0 and records the version', async () => {
      await store.transact('proj', (tx) => {
        tx.put('mine', 'a', { v: 1 }, 1);
        tx.put('mine2', 'b', { v: 1 }, 2);
      });
      await put('theirs', 'a', { v: 1 }, 3, 'other');
      await store.reset('proj', ['mine', 'mine2'], { version: '2' });
      expect(await store.get('mine', 'a', { atPosition: 1 })).toBeUndefined();
      expect((await store.find('mine2')).items).toEqual([]);
      expect((await store.get('theirs', 'a'))?.doc).toEqual({ v: 1 });
      expect(await store.getProjectionState('proj')).toMatchObject({ position: 0, version: '2' });
      expect(await store.getCheckpoint('other')).toBe(3);
      await store.transact('proj', (tx) => tx.put('mine', 'a', { v: 'rebuilt' }, 1));
      expect(await store.get('mine', 'a')).toEqual({ id: 'a', doc: { v: 'rebuilt' }, validFrom: 1, validTo: undefined });
      expect((await store.getProjectionState('proj'))?.version).toBe('2');
    });

    it('re-applying a batch over the leftovers of a crashed attempt gives exactly the state of a clean run', async () => {
      // A batch: counter increments (read-modify-write), a removal and a re-creation.
      const batch =
        (collection: string) =>
        async (tx: ReadModelTransaction, upTo = Infinity, from = 0) => {
          const steps: [number, string, number | 'remove'][] = [
            [11, 'a', 1],
            [12, 'b', 5],
            [13, 'a', 2],
            [14, 'b', 'remove'],
            [15, 'a', 3],
            [16, 'b', 7],
          ];
          for (const [position, id, delta] of steps) {
            if (position > upTo) break;
            if (position < from) continue;
            if (delta === 'remove') tx.remove(collection, id, position);
            else {
              const cur = (await tx.get<{ n: number }>(collection, id))?.n ?? 0;
              tx.put(collection, id, { n: cur + delta }, position);
            }
          }
        };
      for (const c of ['clean', 'replayed']) {
        await store.transact(`proj-${c}`, (tx) => {
          tx.put(c, 'a', { n: 100 }, 10);
          tx.put(c, 'b', { n: 200 }, 10);
        });
      }
      await store.transact('proj-clean', (tx) => batch('clean')(tx));
      // The crashed attempt: versions written up to position 14, checkpoint never moved.
      await store.transact('crashed-attempt', (tx) => tx.setCheckpoint(10));
      await store.transact('crashed-attempt', (tx) => batch('replayed')(tx, 14));
      expect(await store.getCheckpoint('proj-replayed')).toBe(10);
      // Replayed in two deliveries; between them the latest answers never show a document twice.
      await store.transact('proj-replayed', (tx) => batch('replayed')(tx, 13));
      const latest = (await store.find('replayed')).items.map((i) => i.id);
      expect(latest).toEqual([...new Set(latest)]);
      expect(await store.get('replayed', 'b')).toBeUndefined();
      await store.transact('proj-replayed', (tx) => batch('replayed')(tx, Infinity, 14));
      for (let p = 0; p <= 17; p++) {
        for (const id of ['a', 'b']) {
          expect([p, id, await store.get('replayed', id, { atPosition: p })]).toEqual([
            p,
            id,
            await store.get('clean', id, { atPosition: p }),
          ]);
        }
        expect((await store.find('replayed', { atPosition: p })).items).toEqual((await store.find('clean', { atPosition: p })).items);
      }
      expect((await store.get('clean', 'a'))?.doc).toEqual({ n: 106 });
      expect((await store.get('clean', 'b'))?.doc).toEqual({ n: 7 });
      expect((await store.find('replayed')).items).toEqual((await store.find('clean')).items);
    });

    it('refuses a commit when another writer moved the checkpoint meanwhile', async () => {
      await put('things', 'a', { v: 1 }, 1, 'shared');
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const slow = store.transact('shared', async (tx) => {
        tx.put('things', 'a', { v: 'slow' }, 2);
        await gate;
      });
      await put('things', 'a', { v: 'fast' }, 2, 'shared');
      release();
      const err = await slow.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ConflictError);
      expect(err).toMatchObject({ code: 'checkpoint_moved' });
      expect((await store.get('things', 'a'))?.doc).toEqual({ v: 'fast' });
      expect(await store.getCheckpoint('shared')).toBe(2);
    });

    it('keeps unicode ids, keys and text intact and finds by them', async () => {
      const doc = { name: 'Zoë 🚀 数据集', ключ: 'значение', emoji: '👩‍👩‍👧‍👦', nul: 'a\u0000b', rtl: 'مرحبا' };
      await store.ensureCollection('uni', { indexes: ['name'] });
      await put('uni', 'données/😀/🇺🇦', doc, 1);
      expect((await store.get('uni', 'données/😀/🇺🇦'))?.doc).toEqual(doc);
      expect((await store.find('uni', { where: { name: 'Zoë 🚀 数据集' } })).items.map((i) => i.id)).toEqual(['données/😀/🇺🇦']);
    });

    it('stores large documents (about 2 MiB) and many-field documents', async () => {
      const big = { text: 'x'.repeat(2 * 1024 * 1024), list: Array.from({ length: 10_000 }, (_, n) => ({ n, s: `item ${n}` })) };
      await put('big', 'one', big, 1);
      expect((await store.get('big', 'one'))?.doc).toEqual(big);
      const wide = Object.fromEntries(Array.from({ length: 2000 }, (_, n) => [`f${n}`, n]));
      await put('big', 'wide', wide, 2);
      expect((await store.get('big', 'wide'))?.doc).toEqual(wide);
    });

    it('refuses malformed input with typed validation errors', async () => {
      const v = (p: Promise<unknown>, code: string) => expect(p).rejects.toMatchObject({ code, constructor: ValidationError });
      await v(store.get('bad name', 'a'), 'invalid_collection_name');
      await v(store.get('things', ''), 'invalid_document_id');
      await v(store.get('things', 'a', { atPosition: -1 }), 'invalid_position');
      await v(store.get('things', 'a', { atPosition: 1.5 }), 'invalid_position');
      await v(store.find('things', { limit: 0 }), 'invalid_limit');
      await v(store.find('things', { limit: 1001 }), 'invalid_limit');
      await v(store.find('things', { after: 'not a cursor' }), 'invalid_cursor');
      await v(store.find('things', { where: { 'a.b': 1 } }), 'invalid_field_name');
      await v(store.find('things', { where: { x: { $gt: 1 } as never } }), 'invalid_where_value');
      await v(store.find('things', { orderBy: "x'); DROP TABLE rm_versions; --" }), 'invalid_field_name');
      await v(store.ensureCollection('things', { indexes: ['bad-field'] }), 'invalid_field_name');
      await v(
        store.transact('p', (tx) => tx.put('things', 'a', [] as never, 1)),
        'invalid_document',
      );
      await v(
        store.transact('p', (tx) => tx.put('things', 'a', { n: 1n } as never, 1)),
        'invalid_document',
      );
      await v(
        store.transact('p', (tx) => tx.put('things', 'a', {}, 0)),
        'invalid_position',
      );
      await v(
        store.transact('bad projection!', () => undefined),
        'invalid_projection_name',
      );
      const page = await store.find('things', { orderBy: 'n', limit: 1 });
      expect(page.items).toEqual([]);
    });

    it('refuses to use a transaction after transact() has returned', async () => {
      let kept!: ReadModelTransaction;
      await store.transact('p', (tx) => {
        kept = tx;
      });
      expect(() => kept.put('things', 'a', {}, 1)).toThrow(/has ended/);
    });

    it('reports health', async () => {
      const h = await store.health();
      expect(h.ok).toBe(true);
      expect(typeof h.kind).toBe('string');
    });
  });
}
