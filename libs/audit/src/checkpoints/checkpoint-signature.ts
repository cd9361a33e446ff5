import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '@1tt/canonical-json';

export const CHECKPOINT_STREAM = 'checkpoint-log';
export const CHECKPOINT_EVENT_TYPE = 'LogCheckpointSigned';

/** The data of a LogCheckpointSigned event. */
export interface LogCheckpointSigned {
  /** The last position the checkpoint covers (the checkpoint event itself comes after it). */
  position: number;
  /** The rolling hash of the whole log up to and including `position` (see log-hash.ts). */
  logHash: string;
  /** The `hash` of the event at `position`, for readers who check one event only. */
  headHash: string;
  algorithm: 'Ed25519';
  /** sha256 (hex) of the public key's DER SubjectPublicKeyInfo: which key to verify with. */
  publicKeyFingerprint: string;
  /** Base64 Ed25519 signature over checkpointMessage(position, logHash, headHash). */
  signature: string;
  /** When it was signed (ISO-8601 UTC); not signed: the log's recordedAt is authoritative. */
  signedAt: string;
}

/** The exact bytes signed: canonical JSON, so any implementation can rebuild them. */
export function checkpointMessage(position: number, logHash: string, headHash: string): Buffer {
  return Buffer.from(canonicalJson({ format: '1tt-checkpoint', version: 1, position, logHash, headHash }), 'utf8');
}

export function publicKeyFingerprint(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256')
    .update(pub.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

export function loadPrivateKey(pem: string | Buffer): KeyObject {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new TypeError(`the checkpoint signing key must be Ed25519, got ${key.asymmetricKeyType}`);
  return key;
}

export function loadPublicKey(pem: string | Buffer): KeyObject {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new TypeError(`the checkpoint public key must be Ed25519, got ${key.asymmetricKeyType}`);
  return key;
}

export function generateCheckpointKeys(): { privateKeyPem: string; publicKeyPem: string; fingerprint: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    fingerprint: publicKeyFingerprint(publicKey),
  };
}

/** Signs `(position, logHash, headHash)`; the result is the data of a LogCheckpointSigned event. */
export function signCheckpoint(
  checkpoint: { position: number; logHash: string; headHash: string },
  privateKey: KeyObject,
  signedAt: Date = new Date(),
): LogCheckpointSigned {
  const signature = sign(null, checkpointMessage(checkpoint.position, checkpoint.logHash, checkpoint.headHash), privateKey).toString(
    'base64',
  );
  return {
    position: checkpoint.position,
    logHash: checkpoint.logHash,
    headHash: checkpoint.headHash,
    algorithm: 'Ed25519',
    publicKeyFingerprint: publicKeyFingerprint(privateKey),
    signature,
    signedAt: signedAt.toISOString(),
  };
}

/** True when the signature is valid for this key; says nothing about whether logHash matches the log. */
export function checkpointSignatureValid(data: LogCheckpointSigned, publicKey: KeyObject): boolean {
  if (typeof data?.signature !== 'string' || typeof data.logHash !== 'string' || typeof data.headHash !== 'string') return false;
  if (!Number.isSafeInteger(data.position)) return false;
  try {
    return verify(null, checkpointMessage(data.position, data.logHash, data.headHash), publicKey, Buffer.from(data.signature, 'base64'));
  } catch {
    return false;
  }
}
