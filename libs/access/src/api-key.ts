/**
 * API key format and hashing. A key is `1tt_<keyId>_<secret>`:
 *  - keyId: 16 hex characters (64 random bits), public, names the key in
 *    logs, the revocation route and the event log;
 *  - secret: 32 random bytes, base64url (43 characters) = 256 bits.
 * Only SHA-256(whole key) is stored. A fast hash is right here (unlike for
 * passwords): the input already has 256 bits of entropy, so there is nothing
 * to brute-force, and every request pays the hash.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const API_KEY_PREFIX = '1tt_';
const KEY_PATTERN = /^1tt_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface GeneratedApiKey {
  keyId: string;
  /** Shown to the caller once; never stored, never logged. */
  apiKey: string;
  /** Hex SHA-256 of apiKey: the only thing that is stored. */
  keyHash: string;
}

export function generateApiKey(): GeneratedApiKey {
  const keyId = randomBytes(8).toString('hex');
  const apiKey = `${API_KEY_PREFIX}${keyId}_${randomBytes(32).toString('base64url')}`;
  return { keyId, apiKey, keyHash: hashApiKey(apiKey) };
}

export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex');
}

/** The keyId of a well-formed 1tt_ key, or undefined (the caller answers 401 either way). */
export function parseApiKeyId(apiKey: string): string | undefined {
  return KEY_PATTERN.exec(apiKey)?.[1];
}

/** Constant-time comparison of a presented key with a stored hex hash. */
export function apiKeyMatches(apiKey: string, keyHash: string): boolean {
  const presented = createHash('sha256').update(apiKey, 'utf8').digest();
  const stored = Buffer.from(keyHash, 'hex');
  return stored.length === presented.length && timingSafeEqual(presented, stored);
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const m = /^Bearer[ ]+([\x21-\x7e]+)\s*$/i.exec(header);
  return m?.[1];
}
