/**
 * AuditVerifier (issue #20): verification runs on a worker thread, at most
 * AUDIT_VERIFY_CONCURRENCY at once with AUDIT_VERIFY_QUEUE waiting; one more
 * is refused 503 `audit-verify-busy` with Retry-After. The log readers here
 * are held open by a gate, so the admission order is exact (no timing).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '@1tt/config';
import { createEventStore, type EventStore, type RecordedEvent } from '@1tt/event-store';
import { LimitReached } from '../../http/limit-reached.error';
import { AuditVerifier } from './audit-verifier.service';

function gatedStore(events: RecordedEvent[]): { store: EventStore; open(): void; started: Promise<void> } {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  let started!: () => void;
  const startedP = new Promise<void>((r) => (started = r));
  const store = {
    async *readAll() {
      started();
      await gate;
      yield* events;
    },
  } as unknown as EventStore;
  return { store, open, started: startedP };
}

describe('AuditVerifier', () => {
  let dir: string;
  let events: EventStore;
  let log: RecordedEvent[];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), '1tt-verify-'));
    events = await createEventStore(`sqlite:${path.join(dir, 'events.db')}`);
    for (let s = 0; s < 5; s++)
      await events.appendToStream(
        `thing-${s}`,
        Array.from({ length: 40 }, (_, i) => ({ type: 'ThingHappened', data: { i } })),
        { expectedRevision: 'no-stream' },
      );
    log = [];
    for await (const e of events.readAll()) log.push(e);
  });
  afterAll(async () => {
    await events.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const verifier = (concurrency: number, queue: number) =>
    new AuditVerifier({ ...loadConfig({}, { cwd: dir }), auditVerifyConcurrency: concurrency, auditVerifyQueue: queue });

  it('verifies a real log on a worker thread, in batches, and names the first broken link', async () => {
    const v = verifier(2, 0);
    const ok = await v.verify(events, log.length);
    expect(ok).toMatchObject({ ok: true, checkedEvents: 200, problems: [] });
    const tampered = log.map((e, i) => (i === 150 ? { ...e, data: { i: 999 } } : e));
    const { store, open } = gatedStore(tampered);
    open();
    const bad = await v.verify(store, log.length);
    expect(bad.ok).toBe(false);
    expect(bad.checkedEvents).toBe(151);
    expect(bad.problems[0]).toMatchObject({ kind: 'hash-chain', position: log[150].position, code: 'hash-mismatch' });
  });

  it('runs AUDIT_VERIFY_CONCURRENCY at once, queues AUDIT_VERIFY_QUEUE, refuses one more 503 with Retry-After', async () => {
    const v = verifier(1, 1);
    const a = gatedStore(log);
    const b = gatedStore(log);
    const first = v.verify(a.store, log.length);
    await a.started;
    const second = v.verify(b.store, log.length);
    expect(v.load).toEqual({ running: 1, waiting: 1 });
    const third = await v.verify(gatedStore(log).store, log.length).catch((e: unknown) => e);
    expect(third).toBeInstanceOf(LimitReached);
    expect(third).toMatchObject({ status: 503, code: 'audit-verify-busy' });
    expect((third as LimitReached).retryAfterSeconds).toBeGreaterThan(0);
    a.open();
    expect(await first).toMatchObject({ ok: true, checkedEvents: 200 });
    await b.started;
    b.open();
    expect(await second).toMatchObject({ ok: true, checkedEvents: 200 });
    expect(v.load).toEqual({ running: 0, waiting: 0 });
  });
});
