import { generateKeyPairSync } from 'node:crypto';
import type { RecordedEvent } from '@1tt/event-store';
import { CHECKPOINT_EVENT_TYPE, CHECKPOINT_STREAM, signCheckpoint } from '../checkpoints/checkpoint-signature';
import { LOG_HASH_GENESIS, nextLogHash } from '../checkpoints/log-hash';
import type { LogLine } from '../log-format/log-file.reader';
import type { LogHeader } from '../log-format/log-header';
import { GENESIS_HASH, recomputeEventHash } from './event-hash';
import { verifyLog } from './log-verifier';

const header = (toPosition: number): LogHeader => ({
  format: '1tt-log',
  version: 1,
  exportedAt: '2025-01-01T00:00:00.000Z',
  fromPosition: 1,
  toPosition,
  contiguousPositions: true,
});

/** A correctly chained log: stream names and data in order; positions 1…n, one second apart. */
function chain(specs: Array<{ stream: string; type?: string; data?: unknown }>): RecordedEvent[] {
  const heads = new Map<string, { revision: number; hash: string }>();
  return specs.map((s, i) => rehash({ stream: s.stream, type: s.type ?? 'Something', data: s.data ?? { i } }, i + 1, heads));
}

function rehash(
  s: { stream: string; type: string; data: unknown; id?: string; recordedAt?: string },
  position: number,
  heads: Map<string, { revision: number; hash: string }>,
): RecordedEvent {
  const head = heads.get(s.stream);
  const e: RecordedEvent = {
    id: s.id ?? `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
    streamName: s.stream,
    type: s.type,
    data: s.data,
    metadata: {
      correlationId: 'c',
      causationId: 'c',
      actor: 'system:test',
      schemaVersion: 1,
      recordedAt: s.recordedAt ?? new Date(Date.UTC(2025, 0, 1) + position * 1000).toISOString(),
    },
    revision: head ? head.revision + 1 : 0,
    position,
    prevHash: head ? head.hash : GENESIS_HASH,
    hash: '',
  };
  e.hash = recomputeEventHash(e);
  heads.set(s.stream, { revision: e.revision, hash: e.hash });
  return e;
}

/** Recomputes every chain after an edit, as an attacker without the signing key would. */
function rechain(events: RecordedEvent[]): RecordedEvent[] {
  const heads = new Map<string, { revision: number; hash: string }>();
  return events.map((e, i) =>
    rehash({ stream: e.streamName, type: e.type, data: e.data, id: e.id, recordedAt: e.metadata.recordedAt }, i + 1, heads),
  );
}

async function* lines(events: RecordedEvent[]): AsyncGenerator<LogLine> {
  let line = 1;
  for (const event of events) yield { line: ++line, event: structuredClone(event) };
}

const base = (): RecordedEvent[] =>
  chain([
    { stream: 'dataset-a', data: { tokens: 10 } },
    { stream: 'dataset-b', data: { tokens: 20 } },
    { stream: 'dataset-a', data: { tokens: 11 } },
    { stream: 'revenue-r1', data: { amount: '10.00' } },
    { stream: 'dataset-b', data: { tokens: 21 } },
    { stream: 'dataset-a', data: { tokens: 12 } },
  ]);

describe('verifyLog: hash chains and positions', () => {
  it('passes an intact log', async () => {
    const r = await verifyLog(header(6), lines(base()));
    expect(r.problems).toEqual([]);
    expect(r).toMatchObject({ ok: true, events: 6, streams: 3, lastPosition: 6 });
  });

  it('names an edited event by its hash', async () => {
    const log = base();
    (log[3].data as { amount: string }).amount = '1000.00';
    const r = await verifyLog(header(6), lines(log));
    expect(r.ok).toBe(false);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ code: 'hash-mismatch', position: 4, streamName: 'revenue-r1', revision: 0 });
    expect(r.firstProblem).toMatch(/^position 4, stream revenue-r1 revision 0/);
  });

  it('names a dropped event by the hole it leaves', async () => {
    const log = base();
    log.splice(2, 1);
    const r = await verifyLog(header(6), lines(log));
    expect(r.problems[0]).toMatchObject({ code: 'position-missing', position: 3 });
    expect(r.problems.map((p) => p.code)).toContain('revision-missing');
  });

  it('names a dropped last event as a truncation', async () => {
    const r = await verifyLog(header(6), lines(base().slice(0, 5)));
    expect(r.problems[0]).toMatchObject({ code: 'log-truncated', position: 6 });
  });

  it('names swapped events', async () => {
    const log = base();
    [log[1], log[2]] = [log[2], log[1]];
    const r = await verifyLog(header(6), lines(log));
    // Line 3 holds position 3 where 2 was due, then position 2 comes after 3.
    expect(r.problems[0]).toMatchObject({ code: 'position-missing', position: 2, line: 3 });
    expect(r.problems[1]).toMatchObject({ code: 'position-out-of-order', position: 2, streamName: 'dataset-b', line: 4 });
  });

  it('names swapped events of one stream even when positions are renumbered', async () => {
    const log = base();
    [log[0], log[2]] = [log[2], log[0]];
    log.forEach((e, i) => (e.position = i + 1));
    const r = await verifyLog(header(6), lines(log));
    expect(r.problems[0]).toMatchObject({ code: 'revision-missing', position: 1, streamName: 'dataset-a' });
    expect(r.problems[0].message).toMatch(/starts at revision 1/);
  });

  it('names an inserted event numbered in place', async () => {
    const log = base();
    const heads = new Map<string, { revision: number; hash: string }>();
    const forged = rehash(
      { stream: 'revenue-forged', type: 'RevenueReported', data: { amount: '99.00' }, recordedAt: log[2].metadata.recordedAt },
      3,
      heads,
    );
    log.splice(3, 0, forged);
    const r = await verifyLog(header(6), lines(log));
    expect(r.problems[0]).toMatchObject({ code: 'position-out-of-order', position: 3, streamName: 'revenue-forged' });
  });
});

describe('verifyLog: signed checkpoints', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const other = generateKeyPairSync('ed25519');

  function withCheckpoint(events: RecordedEvent[], key = privateKey): RecordedEvent[] {
    let logHash = LOG_HASH_GENESIS;
    for (const e of events) logHash = nextLogHash(logHash, e.position, e.hash);
    const last = events[events.length - 1];
    const data = signCheckpoint({ position: last.position, logHash, headHash: last.hash }, key, new Date('2025-01-02T00:00:00Z'));
    return [...events, rehash({ stream: CHECKPOINT_STREAM, type: CHECKPOINT_EVENT_TYPE, data }, last.position + 1, new Map())];
  }

  it('verifies a checkpoint with the right key', async () => {
    const r = await verifyLog(header(7), lines(withCheckpoint(base())), { publicKey });
    expect(r.problems).toEqual([]);
    expect(r.checkpoints).toEqual({ total: 1, verified: 1, lastVerifiedPosition: 6, lastVerifiedCheckpointAt: 7, signaturesChecked: true });
  });

  it('catches an edit whose hash chains were all recomputed, naming the signed range', async () => {
    const log = withCheckpoint(base());
    (log[1].data as { tokens: number }).tokens = 2000;
    const forged = rechain(log);
    // Without a key the chains look fine; the checkpoint's log hash does not.
    const r = await verifyLog(header(7), lines(forged), { publicKey });
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatchObject({ code: 'checkpoint-log-hash-mismatch', position: 7, streamName: CHECKPOINT_STREAM });
    expect(r.problems[0].message).toMatch(/from 1 to 6/);
    expect(r.problems.map((p) => p.code)).not.toContain('hash-mismatch');
  });

  it('refuses a checkpoint re-signed with another key, and a forged signature', async () => {
    const log = withCheckpoint(base(), other.privateKey);
    expect((await verifyLog(header(7), lines(log), { publicKey })).problems[0]).toMatchObject({
      code: 'checkpoint-unknown-key',
      position: 7,
    });

    const tampered = withCheckpoint(base());
    const cp = tampered[6].data as { signature: string; publicKeyFingerprint: string };
    const sig = Buffer.from(cp.signature, 'base64');
    sig[0] ^= 1;
    cp.signature = sig.toString('base64');
    const r = await verifyLog(header(7), lines(rechain(tampered)), { publicKey });
    expect(r.problems[0]).toMatchObject({ code: 'checkpoint-signature-invalid', position: 7 });
  });

  it('says so when a key is given but the log has no checkpoint', async () => {
    const r = await verifyLog(header(6), lines(base()), { publicKey });
    expect(r.problems[0]).toMatchObject({ code: 'no-checkpoint' });
  });
});
