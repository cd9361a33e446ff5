import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHECKPOINT_EVENT_TYPE, generateCheckpointKeys, LOG_HASH_GENESIS, nextLogHash, type LogCheckpointSigned } from '@1tt/audit';
import { computeEventHash, GENESIS_HASH, type RecordedEvent } from '@1tt/event-store';
import { exportServiceLog, verifyEvents } from './support/service-log';
import { CheckpointPublishing } from '../../src/checkpoints/checkpoint.module';
import { startTestApp, type TestApp } from '../e2e/support/test-app';

/**
 * The forger who edits history and recomputes every hash (each stream's chain,
 * the rolling log hash inside every checkpoint) but has no signing key: the
 * chains and log hashes then agree, and only the Ed25519 signatures of the
 * checkpoints the service published give the edit away.
 */
describe('signed checkpoints on a log written by the real service', () => {
  let t: TestApp;
  let dir: string;
  let header: string;
  let log: RecordedEvent[];
  const keys = generateCheckpointKeys();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), '1tt-ckpt-audit-'));
    writeFileSync(join(dir, 'private.pem'), keys.privateKeyPem);
    writeFileSync(join(dir, 'public.pem'), keys.publicKeyPem);
    t = await startTestApp({ env: { CHECKPOINT_SIGNING_KEY_FILE: join(dir, 'private.pem') } });
    const publisher = t.get(CheckpointPublishing);
    for (const name of ['Ann', 'Ben']) await t.http.post('/v1/contributors').set(t.auth()).send({ displayName: name }).expect(201);
    expect(await publisher.publishNow()).toBeDefined();
    await t.http.post('/v1/contributors').set(t.auth()).send({ displayName: 'Cy' }).expect(201);
    expect(await publisher.publishNow()).toBeDefined();
    ({ header, log } = await exportServiceLog(t, dir));
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const verify = (events: RecordedEvent[], ...flags: string[]) => verifyEvents(dir, { header }, events, { flags, toPosition: 'header' });

  /** Re-seals every event after an edit: stream chains, then each checkpoint's log hash and head hash. */
  function reseal(events: RecordedEvent[]): RecordedEvent[] {
    const heads = new Map<string, string>();
    const hashAt = new Map<number, string>();
    let rolling = LOG_HASH_GENESIS;
    const rollingAt = new Map<number, string>();
    return events.map((original) => {
      const e = structuredClone(original);
      if (e.type === CHECKPOINT_EVENT_TYPE) {
        const data = e.data as LogCheckpointSigned;
        data.logHash = rollingAt.get(data.position)!;
        data.headHash = hashAt.get(data.position)!;
      }
      e.prevHash = heads.get(e.streamName) ?? GENESIS_HASH;
      e.hash = computeEventHash(e);
      heads.set(e.streamName, e.hash);
      hashAt.set(e.position, e.hash);
      rolling = nextLogHash(rolling, e.position, e.hash);
      rollingAt.set(e.position, rolling);
      return e;
    });
  }

  it('the intact log verifies with the public key, every checkpoint signature checked', async () => {
    expect(log.filter((e) => e.type === CHECKPOINT_EVENT_TYPE)).toHaveLength(2);
    const { code, report } = await verify(log, '--public-key', join(dir, 'public.pem'));
    expect(report.problems).toEqual([]);
    expect(code).toBe(0);
    // Re-sealing an untouched log reproduces it byte for byte: the forger's tool is faithful.
    expect(reseal(log)).toEqual(log);
  });

  it('an edit with every hash recomputed passes the chains but fails the first signed checkpoint after it', async () => {
    const edited = structuredClone(log);
    const victim = edited.find((e) => e.type === 'ContributorRegistered')!;
    (victim.data as { displayName: string }).displayName = 'Mallory';
    const forged = reseal(edited);
    const withoutKey = await verify(forged);
    expect(withoutKey.report.problems).toEqual([]);
    const withKey = await verify(forged, '--public-key', join(dir, 'public.pem'));
    expect(withKey.code).not.toBe(0);
    const firstCheckpoint = forged.find(
      (e) => e.type === CHECKPOINT_EVENT_TYPE && (e.data as LogCheckpointSigned).position >= victim.position,
    )!;
    expect(withKey.report.problems[0]).toMatchObject({ position: firstCheckpoint.position, streamName: 'checkpoint-log' });
  });
});
