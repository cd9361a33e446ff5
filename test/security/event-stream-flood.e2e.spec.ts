/**
 * Issue #20 H1 and M1: /v1/events against a hostile key. Streams are bounded
 * per key and per process (429/503 problem+json with Retry-After), a client
 * that stops reading is cut off instead of having its messages buffered
 * without bound, a reader that keeps up still gets every message, and a
 * revoked key's open streams end.
 */
import type { Server } from 'node:http';
import * as net from 'node:net';
import { EventStore } from '@1tt/event-store';
import { ChangeFeed } from '../../src/change-feed/change-feed.service';
import { openSse, waitForText, type SseConnection } from '../e2e/support/sse-client';
import { startTestApp, type TestApp } from '../e2e/support/test-app';

/** A client that opens a stream, reads its first bytes (the headers), then never reads again. */
interface UnreadStream {
  status: number;
  /** Starts reading again; resolves with the bytes received in all and whether the server ended the stream. */
  drain(timeoutMs: number): Promise<{ bytes: number; ended: boolean }>;
  destroy(): void;
}

function openUnread(baseUrl: string, apiKey: string): Promise<UnreadStream> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let bytes = 0;
    let ended = false;
    socket.on('error', () => undefined);
    socket.on('end', () => (ended = true));
    socket.on('close', () => (ended = true));
    socket.once('connect', () =>
      socket.write(`GET /v1/events HTTP/1.1\r\nHost: ${hostname}\r\nAccept: text/event-stream\r\nAuthorization: Bearer ${apiKey}\r\n\r\n`),
    );
    socket.once('data', (first: Buffer) => {
      socket.pause();
      bytes += first.length;
      socket.on('data', (chunk: Buffer) => (bytes += chunk.length));
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(first.toString('latin1'))?.[1] ?? 0);
      resolve({
        status,
        drain: (timeoutMs) =>
          new Promise((ok) => {
            const timer = setTimeout(() => ok({ bytes, ended }), timeoutMs);
            socket.once('close', () => {
              clearTimeout(timer);
              ok({ bytes, ended: true });
            });
            socket.resume();
          }),
        destroy: () => socket.destroy(),
      });
    });
    socket.once('error', reject);
  });
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('event stream limits (H1)', () => {
  let t: TestApp;
  afterEach(async () => t?.close());

  it('refuses a stream past the per-key limit with 429 and past the process limit with 503, both problem+json with Retry-After', async () => {
    t = await startTestApp({ env: { SSE_MAX_STREAMS_PER_KEY: '3', SSE_MAX_STREAMS: '5' } });
    const alice = await t.issueKey('contributor', 'alice');
    const bob = await t.issueKey('contributor', 'bob');
    const open: SseConnection[] = [];
    try {
      for (let i = 0; i < 3; i++) open.push(await openSse(`${t.baseUrl}/v1/events`, t.auth(alice.apiKey)));
      expect(open.map((c) => c.status)).toEqual([200, 200, 200]);

      const overKey = await t.http.get('/v1/events').set(t.auth(alice.apiKey));
      expect(overKey.status).toBe(429);
      expect(overKey.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(overKey.headers['retry-after']).toMatch(/^\d+$/);
      expect(overKey.body).toMatchObject({ status: 429, code: 'too-many-streams' });
      expect(overKey.body.hint).toEqual(expect.any(String));

      // Another key still gets streams, up to the process limit.
      for (let i = 0; i < 2; i++) open.push(await openSse(`${t.baseUrl}/v1/events`, t.auth(bob.apiKey)));
      expect(open.map((c) => c.status)).toEqual([200, 200, 200, 200, 200]);
      const overProcess = await t.http.get('/v1/events').set(t.auth());
      expect(overProcess.status).toBe(503);
      expect(overProcess.headers['retry-after']).toMatch(/^\d+$/);
      expect(overProcess.body).toMatchObject({ status: 503, code: 'streams-at-capacity' });

      // A closed stream frees its place.
      open.shift()!.close();
      const until = Date.now() + 5000;
      let again: SseConnection | undefined;
      while (Date.now() < until) {
        again = await openSse(`${t.baseUrl}/v1/events`, t.auth(alice.apiKey));
        if (again.status === 200) break;
        again.close();
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(again?.status).toBe(200);
      open.push(again!);
    } finally {
      for (const c of open) c.close();
    }
  });

  it('cuts off clients that stop reading (their unread bytes stay bounded) while a reader that keeps up gets every message', async () => {
    t = await startTestApp({ env: { SSE_MAX_STREAMS_PER_KEY: '40', SSE_MAX_BUFFERED_BYTES: '256KiB' } });
    const auditor = await t.issueKey('auditor', 'eve');
    const UNREAD = 24;
    const MESSAGES = 8000;
    const pad = 'x'.repeat(1000);
    const unread: UnreadStream[] = [];
    for (let i = 0; i < UNREAD; i++) unread.push(await openUnread(t.baseUrl, auditor.apiKey));
    expect(unread.every((u) => u.status === 200)).toBe(true);
    const reader = await openSse(`${t.baseUrl}/v1/events`, t.auth(auditor.apiKey));
    try {
      await waitForText(reader, ': connected');
      const feed = t.get(ChangeFeed);
      const rssBefore = process.memoryUsage().rss;
      for (let p = 1; p <= MESSAGES; p++) {
        feed.publish({ type: 'pool.changed', data: { pad }, audience: { public: true }, position: p });
        if (p % 20 === 0) await tick();
      }
      await reader.next((m) => m.id === String(MESSAGES), 30_000);
      const rssGrowthMiB = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
      console.log(`H1: ${UNREAD} unread streams × ${MESSAGES} messages of 1 KB: RSS grew ${rssGrowthMiB.toFixed(1)} MiB`);

      // The reader that kept up got every message, in order, on one stream.
      expect(reader.messages.length).toBe(MESSAGES);
      expect(reader.messages.every((m, i) => m.id === String(i + 1))).toBe(true);

      // Each unread stream was ended by the server well before the ~8 MB it would otherwise have been sent.
      const total = MESSAGES * (pad.length + 60);
      const drained = await Promise.all(unread.map((u) => u.drain(10_000)));
      for (const d of drained) {
        expect(d.ended).toBe(true);
        expect(d.bytes).toBeLessThan(total * 0.75);
      }
    } finally {
      reader.close();
      for (const u of unread) u.destroy();
    }
  });

  it('messages published together leave in one socket write per stream, not one each (the flood cost is the writes)', async () => {
    t = await startTestApp();
    const auditor = await t.issueKey('auditor', 'eve');
    let writes = 0;
    (t.app.getHttpServer() as Server).once('connection', (socket: net.Socket) => {
      const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
      socket.write = ((...args: unknown[]) => {
        writes++;
        return write(...args);
      }) as typeof socket.write;
    });
    const reader = await openSse(`${t.baseUrl}/v1/events`, t.auth(auditor.apiKey));
    try {
      await waitForText(reader, ': connected');
      writes = 0;
      const feed = t.get(ChangeFeed);
      for (let p = 1; p <= 50; p++) feed.publish({ type: 'pool.changed', data: { p }, audience: { public: true }, position: p });
      await reader.next((m) => m.id === '50', 10_000);
      expect(reader.messages.map((m) => m.id)).toEqual(Array.from({ length: 50 }, (_, i) => String(i + 1)));
      // One chunk of the chunked encoding is at most a few socket writes (size, data, CRLF); 50 messages written one by one were 50 chunks.
      expect(writes).toBeLessThanOrEqual(4);
    } finally {
      reader.close();
    }
  });

  it('answers /health while streams are flooded', async () => {
    t = await startTestApp({ env: { SSE_MAX_STREAMS_PER_KEY: '40' } });
    const auditor = await t.issueKey('auditor', 'eve');
    const unread: UnreadStream[] = [];
    for (let i = 0; i < 30; i++) unread.push(await openUnread(t.baseUrl, auditor.apiKey));
    try {
      const feed = t.get(ChangeFeed);
      const pad = 'y'.repeat(1000);
      const flood = (async () => {
        for (let p = 1; p <= 4000; p++) {
          feed.publish({ type: 'pool.changed', data: { pad }, audience: { public: true }, position: p });
          if (p % 20 === 0) await tick();
        }
      })();
      const health = await t.http.get('/health');
      expect(health.status).toBe(200);
      await flood;
    } finally {
      for (const u of unread) u.destroy();
    }
  });
});

describe('revoked keys lose their streams (M1)', () => {
  let t: TestApp;
  afterEach(async () => t?.close());

  it('ends the open streams of a key when an admin revokes it, and they receive nothing after', async () => {
    t = await startTestApp();
    const alice = await t.issueKey('contributor', 'alice');
    const keep = await t.issueKey('contributor', 'alice', 'kept');
    const doomed = [
      await openSse(`${t.baseUrl}/v1/events`, t.auth(alice.apiKey)),
      await openSse(`${t.baseUrl}/v1/events`, t.auth(alice.apiKey)),
    ];
    const kept = await openSse(`${t.baseUrl}/v1/events`, t.auth(keep.apiKey));
    try {
      await Promise.all([...doomed, kept].map((c) => waitForText(c, ': connected')));
      await t.http.delete(`/v1/api-keys/${alice.keyId}`).set(t.auth()).expect(204);
      for (const c of doomed) await expect(c.next(() => false, 5000)).rejects.toThrow(/ended/);
      t.get(ChangeFeed).publish({ type: 'pool.changed', data: {}, audience: { public: true }, position: 1 });
      await kept.next((m) => m.id === '1');
      for (const c of doomed) expect(c.messages).toEqual([]);
    } finally {
      for (const c of [...doomed, kept]) c.close();
    }
  });

  it('ends the stream when the revocation arrives through the log (another API process revoked the key)', async () => {
    t = await startTestApp();
    const alice = await t.issueKey('contributor', 'alice');
    const conn = await openSse(`${t.baseUrl}/v1/events`, t.auth(alice.apiKey));
    try {
      await waitForText(conn, ': connected');
      await t
        .get(EventStore)
        .appendToStream(
          `api-key-${alice.keyId}`,
          [{ type: 'ApiKeyRevoked', data: { keyId: alice.keyId, revokedBy: 'admin:elsewhere' }, metadata: { actor: 'admin:elsewhere' } }],
          { expectedRevision: 'exists' },
        );
      await expect(conn.next(() => false, 5000)).rejects.toThrow(/ended/);
    } finally {
      conn.close();
    }
  });
});
