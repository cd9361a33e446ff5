import { canonicalJson, sha256Hex } from '@1tt/canonical-json';
import { eventHash, GENESIS_HASH, verifyChain } from './hash-chain';
import { sealEvent, sealEventForStorage, uuidV7 } from './new-event';
import type { RecordedEvent } from './event-store.port';

const at = '2026-01-01T00:00:00.000Z';

function chain(streamName: string, n: number, firstPosition: number, step = 1): RecordedEvent[] {
  const out: RecordedEvent[] = [];
  let prev = GENESIS_HASH;
  for (let r = 0; r < n; r++) {
    const s = sealEvent(streamName, { id: `${streamName}-${r}`, type: 'T', data: { r } }, r, prev, at);
    out.push({ ...s, position: firstPosition + r * step });
    prev = s.hash;
  }
  return out;
}

describe('hash chain', () => {
  it('hashes the canonical JSON of the event fields and prevHash, not the position', () => {
    const [e] = chain('s-1', 1, 1);
    const expected = sha256Hex(
      canonicalJson({
        streamName: 's-1',
        revision: 0,
        id: 's-1-0',
        type: 'T',
        data: { r: 0 },
        metadata: e.metadata,
        prevHash: GENESIS_HASH,
      }),
    );
    expect(e.hash).toBe(expected);
    expect(eventHash({ ...e, position: 999 } as RecordedEvent)).toBe(expected);
    expect(GENESIS_HASH).toBe('0'.repeat(64));
  });

  it('verifies interleaved streams of a whole log', async () => {
    const a = chain('a-1', 3, 1, 2);
    const b = chain('b-1', 3, 2, 2);
    const log = [a[0], b[0], a[1], b[1], a[2], b[2]];
    expect(await verifyChain(log)).toEqual({ ok: true, checked: 6 });
  });

  it('names the first event whose data, link or revision is wrong', async () => {
    const a = chain('a-1', 4, 1);
    expect((await verifyChain([a[0], { ...a[1], data: { r: 42 } }, a[2]])).firstProblem).toEqual({
      position: 2,
      streamName: 'a-1',
      revision: 1,
      id: 'a-1-1',
      reason: 'hash-mismatch',
    });
    // A consistent rewrite of one event (new hash) breaks the link from the next one.
    const forged = { ...a[1], data: { r: 42 } };
    forged.hash = eventHash(forged);
    expect(await verifyChain([a[0], forged, a[2], a[3]])).toMatchObject({
      ok: false,
      checked: 3,
      firstProblem: { position: 3, reason: 'prev-hash-mismatch' },
    });
    expect((await verifyChain([a[0], a[2]])).firstProblem).toMatchObject({ position: 3, reason: 'revision-gap' });
    expect((await verifyChain([a[1]])).firstProblem).toMatchObject({ reason: 'revision-gap' });
  });

  it('accepts an async iterable', async () => {
    const a = chain('a-1', 2, 1);
    async function* gen() {
      yield* a;
    }
    expect(await verifyChain(gen())).toEqual({ ok: true, checked: 2 });
  });
});

describe('sealing', () => {
  it('the stored canonical text reads back to the sealed value, and the hash is eventHash of it', () => {
    const inputs: unknown[] = [
      { n: 12345678901234567890n, nested: { z: 1, a: [1, 'x', null, { b: true }] }, u: undefined },
      'plain string',
      [1, 2, 3],
      null,
      { text: 'Grüße 👩‍💻 数据 \u2028 "q" \\', when: new Date('2026-01-01T00:00:00Z') },
    ];
    for (const data of inputs) {
      const { event, dataJson, metadataJson } = sealEventForStorage(
        's-1',
        { type: 'T', data, metadata: { actor: 'admin:a' } },
        3,
        'f'.repeat(64),
        at,
      );
      expect(JSON.parse(dataJson)).toEqual(event.data);
      expect(dataJson).toBe(canonicalJson(event.data));
      expect(JSON.parse(metadataJson)).toEqual(event.metadata);
      expect(event.hash).toBe(eventHash({ ...event, data: JSON.parse(dataJson), metadata: JSON.parse(metadataJson) }));
    }
  });
  it('fills id and actor defaults even when the caller passes undefined members', () => {
    const { event } = sealEventForStorage(
      's-1',
      { id: 'e-1', type: 'T', data: {}, metadata: { correlationId: undefined } },
      0,
      GENESIS_HASH,
      at,
    );
    expect(event.metadata).toEqual({ correlationId: 'e-1', causationId: 'e-1', actor: 'system', recordedAt: at });
  });
  it('records the schemaVersion it is given and invents none', () => {
    const seal = (metadata: { schemaVersion?: number }) =>
      sealEventForStorage('s-1', { id: 'e-1', type: 'T', data: {}, metadata }, 0, GENESIS_HASH, at);
    expect(seal({ schemaVersion: 7 }).event.metadata.schemaVersion).toBe(7);
    expect('schemaVersion' in seal({}).event.metadata).toBe(false);
  });
  it('generates time-ordered version 7 ids', () => {
    const a = uuidV7(1_000);
    const b = uuidV7(2_000);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a < b).toBe(true);
  });
  it('draws fresh random bits for every id, across refills of the entropy pool', () => {
    // 1,000 ids in the same millisecond take 10,000 random bytes: more than two refills of the 4 KiB pool.
    const ids = Array.from({ length: 1000 }, () => uuidV7(5_000));
    expect(new Set(ids).size).toBe(1000);
    const randomParts = new Set(ids.map((id) => id.replace(/-/g, '').slice(12)));
    expect(randomParts.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^00000000-1388-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
