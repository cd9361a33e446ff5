import { randomUUID } from 'node:crypto';
import {
  AppendTooLarge,
  EventStore,
  GENESIS_HASH,
  MAX_APPEND_BYTES,
  splitIntoAppends,
  RecordedEvent,
  StreamNotFound,
  verifyChain,
  WrongExpectedRevision,
} from '@1tt/event-store';

export interface EventStoreFixture {
  store: EventStore;
  cleanup: () => Promise<void>;
  /** Another writer on the same log (another process, as far as the store can tell) whose clock is `clock`; the caller closes it. */
  openWriter: (clock: () => Date) => Promise<EventStore>;
}

const ev = (type: string, data: unknown = {}) => ({ type, data });
const uniq = (prefix: string) => `${prefix}-${randomUUID()}`;

async function collect(it: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

/**
 * The one contract every EventStore adapter passes. Streams get unique names
 * so the suite also runs against a shared server that already holds data.
 */
export function eventStoreContract(name: string, makeStore: () => Promise<EventStoreFixture>): void {
  describe(`EventStore contract: ${name}`, () => {
    let fx: EventStoreFixture;
    let store: EventStore;
    beforeEach(async () => {
      fx = await makeStore();
      store = fx.store;
    });
    afterEach(async () => fx.cleanup());

    describe('expected revision', () => {
      it('no-stream creates a stream once, then refuses with the actual revision', async () => {
        const s = uniq('test');
        const r = await store.appendToStream(s, [ev('A'), ev('B')], { expectedRevision: 'no-stream' });
        expect(r.nextExpectedRevision).toBe(1);
        const err = await store.appendToStream(s, [ev('C')], { expectedRevision: 'no-stream' }).catch((e) => e);
        expect(err).toBeInstanceOf(WrongExpectedRevision);
        expect(err).toMatchObject({ streamName: s, expected: 'no-stream', actual: 1 });
      });
      it('exists refuses a missing stream and accepts an existing one', async () => {
        const s = uniq('test');
        await expect(store.appendToStream(s, [ev('A')], { expectedRevision: 'exists' })).rejects.toMatchObject({
          expected: 'exists',
          actual: 'no-stream',
        });
        await store.appendToStream(s, [ev('A')], { expectedRevision: 'any' });
        await expect(store.appendToStream(s, [ev('B')], { expectedRevision: 'exists' })).resolves.toMatchObject({
          nextExpectedRevision: 1,
        });
      });
      it('a number must equal the current revision', async () => {
        const s = uniq('test');
        await store.appendToStream(s, [ev('A')], { expectedRevision: 'no-stream' });
        await expect(store.appendToStream(s, [ev('B')], { expectedRevision: 5 })).rejects.toMatchObject({ expected: 5, actual: 0 });
        await expect(store.appendToStream(s, [ev('B')], { expectedRevision: 0 })).resolves.toMatchObject({ nextExpectedRevision: 1 });
        await expect(store.appendToStream(uniq('test'), [ev('B')], { expectedRevision: 0 })).rejects.toBeInstanceOf(WrongExpectedRevision);
      });
      it('two concurrent writers with the same expected revision: exactly one wins', async () => {
        const s = uniq('test');
        await store.appendToStream(s, [ev('A')], { expectedRevision: 'no-stream' });
        const results = await Promise.allSettled(
          Array.from({ length: 10 }, (_, i) => store.appendToStream(s, [ev('W', { i })], { expectedRevision: 0 })),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results.filter((x) => x.status === 'rejected'))
          expect((r as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevision);
        expect(await store.readStream(s)).toHaveLength(2);
      });
    });

    describe('batches and ordering', () => {
      it('a batch is atomic: a refused batch writes nothing', async () => {
        const s = uniq('test');
        await store.appendToStream(s, [ev('A')], { expectedRevision: 'no-stream' });
        const head = await store.headPosition();
        await expect(store.appendToStream(s, [ev('B'), ev('C'), ev('D')], { expectedRevision: 7 })).rejects.toBeInstanceOf(
          WrongExpectedRevision,
        );
        expect(await store.headPosition()).toBe(head);
        expect((await store.readStream(s)).map((e) => e.type)).toEqual(['A']);
      });
      it('a batch whose data cannot be stored writes nothing', async () => {
        const s = uniq('test');
        const circular: Record<string, unknown> = {};
        circular.self = circular;
        await expect(store.appendToStream(s, [ev('A'), ev('B', circular)], { expectedRevision: 'any' })).rejects.toThrow();
        expect(await store.streamExists(s)).toBe(false);
      });
      it('revisions are consecutive and positions strictly increase in append order', async () => {
        const s1 = uniq('test');
        const s2 = uniq('test');
        await store.appendToStream(s1, [ev('A'), ev('B')], { expectedRevision: 'any' });
        await store.appendToStream(s2, [ev('C')], { expectedRevision: 'any' });
        await store.appendToStream(s1, [ev('D')], { expectedRevision: 1 });
        const e1 = await store.readStream(s1);
        expect(e1.map((e) => e.revision)).toEqual([0, 1, 2]);
        const [c] = await store.readStream(s2);
        expect(e1[1].position).toBeLessThan(c.position);
        expect(c.position).toBeLessThan(e1[2].position);
        expect(e1[0].position).toBeLessThanOrEqual(e1[1].position);
      });
      it('fills metadata and links the hash chain', async () => {
        const s = uniq('test');
        const { events } = await store.appendToStream(
          s,
          [{ type: 'A', data: { n: 1n }, metadata: { actor: 'admin:x', correlationId: 'c1', schemaVersion: 1 } }, ev('B')],
          {
            expectedRevision: 'no-stream',
          },
        );
        const [a, b] = await store.readStream(s);
        expect(a.data).toEqual({ n: '1' });
        expect(a.metadata).toMatchObject({ actor: 'admin:x', correlationId: 'c1', schemaVersion: 1 });
        expect(typeof a.metadata.recordedAt).toBe('string');
        expect(a.prevHash).toBe(GENESIS_HASH);
        expect(b.prevHash).toBe(a.hash);
        expect(a.hash).toBe(events[0].hash);
        expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
      });
    });

    describe('reading', () => {
      it('reads a stream forwards, backwards, from a revision, with a max count', async () => {
        const s = uniq('test');
        await store.appendToStream(
          s,
          ['A', 'B', 'C', 'D', 'E'].map((t) => ev(t)),
          { expectedRevision: 'no-stream' },
        );
        const types = (es: RecordedEvent[]) => es.map((e) => e.type).join('');
        expect(types(await store.readStream(s))).toBe('ABCDE');
        expect(types(await store.readStream(s, { fromRevision: 2 }))).toBe('CDE');
        expect(types(await store.readStream(s, { fromRevision: 1, maxCount: 2 }))).toBe('BC');
        expect(types(await store.readStream(s, { direction: 'backwards' }))).toBe('EDCBA');
        expect(types(await store.readStream(s, { direction: 'backwards', fromRevision: 2, maxCount: 2 }))).toBe('CB');
      });
      it('a missing stream is StreamNotFound; existence and revision', async () => {
        const s = uniq('test');
        await expect(store.readStream(s)).rejects.toBeInstanceOf(StreamNotFound);
        expect(await store.streamExists(s)).toBe(false);
        expect(await store.streamRevision(s)).toBeUndefined();
        await store.appendToStream(s, [ev('A'), ev('B')], { expectedRevision: 'no-stream' });
        expect(await store.streamExists(s)).toBe(true);
        expect(await store.streamRevision(s)).toBe(1);
      });
      it('reads the whole log in a position range', async () => {
        const s = uniq('test');
        const first = await store.appendToStream(s, [ev('A')], { expectedRevision: 'no-stream' });
        await store.appendToStream(s, [ev('B')], { expectedRevision: 0 });
        const last = await store.appendToStream(s, [ev('C')], { expectedRevision: 1 });
        const range = await collect(store.readAll({ fromPosition: first.position, toPosition: last.position }));
        expect(range.filter((e) => e.streamName === s).map((e) => e.type)).toEqual(['A', 'B', 'C']);
        const limited = await collect(store.readAll({ fromPosition: first.position, maxCount: 2 }));
        expect(limited).toHaveLength(2);
        const upTo = await collect(store.readAll({ fromPosition: first.position, toPosition: first.position }));
        expect(upTo.map((e) => e.type)).toEqual(['A']);
        expect(await store.headPosition()).toBeGreaterThanOrEqual(last.position);
      });
      it('continues strictly after a position it handed out, page by page, without arithmetic on positions', async () => {
        const s = uniq('test');
        const before = await store.headPosition();
        await store.appendToStream(
          s,
          ['A', 'B', 'C', 'D', 'E'].map((t) => ev(t)),
          { expectedRevision: 'no-stream' },
        );
        const pages: string[][] = [];
        let after = before;
        for (;;) {
          const page = await collect(store.readAll({ afterPosition: after, maxCount: 2 }));
          if (page.length === 0) break;
          pages.push(page.filter((e) => e.streamName === s).map((e) => e.type));
          after = page[page.length - 1].position;
        }
        expect(pages.flat()).toEqual(['A', 'B', 'C', 'D', 'E']);
        expect(await collect(store.readAll({ afterPosition: await store.headPosition() }))).toEqual([]);
        const all = await collect(store.readAll({ afterPosition: 0, maxCount: 1 }));
        expect(all).toHaveLength(1);
      });
    });

    describe('catch-up subscription', () => {
      it('catches up, turns live under concurrent appends, never skips or repeats', async () => {
        const s = uniq('test');
        const start = await store.headPosition();
        await store.appendToStream(
          s,
          Array.from({ length: 50 }, (_, i) => ev('Pre', { i })),
          { expectedRevision: 'any' },
        );
        const seen: RecordedEvent[] = [];
        let caughtUp = false;
        const sub = store.subscribeToAll({
          checkpoint: start,
          maxBatchSize: 7,
          handler: async (batch) => {
            seen.push(...batch);
          },
          onCaughtUp: () => {
            caughtUp = true;
          },
        });
        const writers = Array.from({ length: 5 }, (_, w) =>
          (async () => {
            for (let i = 0; i < 20; i++) await store.appendToStream(`${s}-w${w}`, [ev('Live', { w, i })], { expectedRevision: 'any' });
          })(),
        );
        await Promise.all(writers);
        const head = await store.headPosition();
        const deadline = Date.now() + 10_000;
        while ((seen.length === 0 || seen[seen.length - 1].position < head) && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 20));
        await sub.stop();
        expect(caughtUp).toBe(true);
        const expected = await collect(store.readAll({ afterPosition: start, toPosition: head }));
        expect(seen.map((e) => e.id)).toEqual(expected.map((e) => e.id));
        expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
        expect(seen.filter((e) => e.streamName.startsWith(s))).toHaveLength(150);
      });
      it('resumes strictly after a checkpoint', async () => {
        const s = uniq('test');
        const a = await store.appendToStream(s, [ev('A'), ev('B'), ev('C')], { expectedRevision: 'no-stream' });
        const bPosition = a.events[1].position;
        const got: RecordedEvent[] = [];
        const sub = store.subscribeToAll({ checkpoint: bPosition, handler: (b) => void got.push(...b) });
        const deadline = Date.now() + 5000;
        while (!got.some((e) => e.streamName === s && e.type === 'C') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
        await sub.stop();
        expect(got.filter((e) => e.streamName === s).map((e) => e.type)).toEqual(['C']);
      });
      it('a failing handler ends the subscription with the error', async () => {
        const s = uniq('test');
        await store.appendToStream(s, [ev('A')], { expectedRevision: 'no-stream' });
        const sub = store.subscribeToAll({
          handler: () => {
            throw new Error('projection bug');
          },
        });
        await expect(sub.done).rejects.toThrow('projection bug');
        await sub.stop();
      });
    });

    describe('content', () => {
      it('refuses an append over the one-append limit (EventStoreDB default: 1 MiB) with AppendTooLarge, writing nothing', async () => {
        const s = uniq('test');
        const half = 'y'.repeat(MAX_APPEND_BYTES / 2);
        const err = await store
          .appendToStream(s, [ev('Half', { half }), ev('Half', { half })], { expectedRevision: 'any' })
          .catch((e) => e);
        expect(err).toBeInstanceOf(AppendTooLarge);
        expect(err).toMatchObject({ streamName: s, limit: MAX_APPEND_BYTES });
        expect(await store.streamExists(s)).toBe(false);
        // The same events in appends that each fit (splitIntoAppends) are stored.
        const quarter = 'y'.repeat(MAX_APPEND_BYTES / 4);
        const groups = splitIntoAppends(
          s,
          Array.from({ length: 6 }, (_, i) => ev('Quarter', { i, quarter })),
        );
        expect(groups.length).toBeGreaterThan(1);
        for (const g of groups) await store.appendToStream(s, g, { expectedRevision: 'any' });
        expect((await store.readStream(s)).map((e) => (e.data as { i: number }).i)).toEqual([0, 1, 2, 3, 4, 5]);
      });
      it('stores an event as large as one append may hold (just under 1 MiB) and unicode exactly', async () => {
        const s = uniq('test');
        const big = 'x'.repeat(MAX_APPEND_BYTES - 2048);
        const text = 'Grüße 👩‍💻 数据 — العربية \u2028 "quotes" \\ backslash';
        await store.appendToStream(s, [ev('Big', { big })], { expectedRevision: 'no-stream' });
        await store.appendToStream(s, [ev('Unicode', { text, [text]: text })], { expectedRevision: 0 });
        const [b, u] = await store.readStream(s);
        expect((b.data as { big: string }).big).toBe(big);
        expect(u.data).toEqual({ text, [text]: text });
        expect((await verifyChain(await store.readStream(s))).ok).toBe(true);
      });
      it('keeps many streams apart', async () => {
        const prefix = uniq('many');
        await Promise.all(
          Array.from({ length: 300 }, (_, i) =>
            store.appendToStream(`${prefix}_${i}`, [ev('A', { i }), ev('B', { i })], { expectedRevision: 'no-stream' }),
          ),
        );
        for (const i of [0, 150, 299]) {
          const es = await store.readStream(`${prefix}_${i}`);
          expect(es.map((e) => [e.type, (e.data as { i: number }).i])).toEqual([
            ['A', i],
            ['B', i],
          ]);
        }
      });
    });

    describe('time', () => {
      it('recordedAt never decreases with position and positionAt maps a time to the last position at or before it', async () => {
        const s = uniq('test');
        const a = await store.appendToStream(s, [ev('A')], { expectedRevision: 'no-stream' });
        await new Promise((r) => setTimeout(r, 15));
        const b = await store.appendToStream(s, [ev('B')], { expectedRevision: 0 });
        const [ea, eb] = await store.readStream(s);
        expect(eb.metadata.recordedAt >= ea.metadata.recordedAt).toBe(true);
        expect(await store.positionAt(new Date(ea.metadata.recordedAt))).toBeGreaterThanOrEqual(a.position);
        expect(await store.positionAt(new Date(ea.metadata.recordedAt))).toBeLessThan(b.position);
        expect(await store.positionAt(new Date(Date.parse(eb.metadata.recordedAt) + 1))).toBeGreaterThanOrEqual(b.position);
        expect(await store.positionAt(new Date('2000-01-01T00:00:00Z'))).toBe(0);
      });
    });

    describe('time across writers', () => {
      it('recordedAt never decreases in the log when a writer with a slower clock appends to another stream after a faster one', async () => {
        const ahead = await fx.openWriter(() => new Date(Date.now() + 60_000));
        const behind = await fx.openWriter(() => new Date(Date.now() - 60_000));
        try {
          const a = await ahead.appendToStream(uniq('ahead'), [ev('A')], { expectedRevision: 'no-stream' });
          const b = await behind.appendToStream(uniq('behind'), [ev('B')], { expectedRevision: 'no-stream' });
          const c = await store.appendToStream(uniq('now'), [ev('C')], { expectedRevision: 'no-stream' });
          const [ea, eb, ec] = [a.events[0], b.events[0], c.events[0]];
          expect(b.position).toBeGreaterThan(a.position);
          expect(eb.metadata.recordedAt >= ea.metadata.recordedAt).toBe(true);
          expect(ec.metadata.recordedAt >= eb.metadata.recordedAt).toBe(true);
          // So a time maps to one prefix of the log: the position at A's time already holds A, and B and C are not before it.
          expect(await store.positionAt(new Date(ea.metadata.recordedAt))).toBeGreaterThanOrEqual(a.position);
          const ours = new Set([ea.id, eb.id, ec.id]);
          const inLog = (await collect(store.readAll({ fromPosition: a.position, toPosition: c.position }))).filter((e) => ours.has(e.id));
          expect(inLog.map((e) => e.id)).toEqual([ea.id, eb.id, ec.id]);
        } finally {
          await ahead.close();
          await behind.close();
        }
      });
    });

    describe('tamper evidence', () => {
      it('verifyChain passes on an untouched log and names an edited event', async () => {
        const s = uniq('test');
        await store.appendToStream(s, [ev('A', { amount: '10.00' }), ev('B', { amount: '5.00' }), ev('C')], {
          expectedRevision: 'no-stream',
        });
        const events = await store.readStream(s);
        expect(await verifyChain(events)).toEqual({ ok: true, checked: 3 });
        const edited = events.map((e, i) => (i === 1 ? { ...e, data: { amount: '500.00' } } : e));
        expect((await verifyChain(edited)).firstProblem).toMatchObject({ position: events[1].position, reason: 'hash-mismatch' });
        const dropped = events.filter((_, i) => i !== 1);
        expect((await verifyChain(dropped)).firstProblem).toMatchObject({ position: events[2].position, reason: 'revision-gap' });
      });
    });
  });
}
