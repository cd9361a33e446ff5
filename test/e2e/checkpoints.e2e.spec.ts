import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHECKPOINT_STREAM, checkpointSignatureValid, generateCheckpointKeys, loadPublicKey, type LogCheckpointSigned } from '@1tt/audit';
import { EventStore } from '@1tt/event-store';
import { CheckpointPublishing } from '../../src/checkpoints/checkpoint.module';
import { startTestApp, type TestApp } from './support/test-app';

describe.each([
  ['SQLite event store', false],
  ['SQLite event store with gapped positions', true],
])('signed checkpoints published by the service (%s)', (_name, gappedPositions) => {
  let t: TestApp;
  const keys = generateCheckpointKeys();
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), '1tt-ckpt-'));
    writeFileSync(join(dir, 'private.pem'), keys.privateKeyPem);
    t = await startTestApp({
      gappedPositions,
      env: { CHECKPOINT_SIGNING_KEY_FILE: join(dir, 'private.pem'), CHECKPOINT_INTERVAL_SECONDS: '3600' },
    });
  });
  afterAll(() => t.close());

  it('signs the head of the log with the configured key, verifiable with the public key', async () => {
    const events = t.get(EventStore);
    await t.http.post('/v1/contributors').set(t.auth()).send({ displayName: 'Ada' }).expect(201);
    const signedHead = await events.headPosition();
    const published = await t.get(CheckpointPublishing).publishNow();
    expect(published).toBeDefined();
    const [checkpoint] = await events.readStream(CHECKPOINT_STREAM, { direction: 'backwards', maxCount: 1 });
    const data = checkpoint.data as LogCheckpointSigned;
    expect(data.position).toBe(signedHead);
    expect(checkpointSignatureValid(data, loadPublicKey(keys.publicKeyPem))).toBe(true);
    expect(checkpointSignatureValid({ ...data, logHash: '0'.repeat(64) }, loadPublicKey(keys.publicKeyPem))).toBe(false);

    // Nothing new: no checkpoint. New events: the next checkpoint continues after the signed position.
    expect(await t.get(CheckpointPublishing).publishNow()).toBeUndefined();
    await t.http.post('/v1/contributors').set(t.auth()).send({ displayName: 'Grace' }).expect(201);
    const secondHead = await events.headPosition();
    const second = await t.get(CheckpointPublishing).publishNow();
    expect(second).toMatchObject({ position: secondHead });
    expect(second?.logHash).not.toBe(data.logHash);
    expect(await events.readStream(CHECKPOINT_STREAM)).toHaveLength(2);
  });

  it('refuses to start with a key file that does not exist, naming the variable', async () => {
    await expect(startTestApp({ env: { CHECKPOINT_SIGNING_KEY_FILE: '/nonexistent/private.pem' } })).rejects.toThrow(
      /CHECKPOINT_SIGNING_KEY_FILE/,
    );
  });
});
