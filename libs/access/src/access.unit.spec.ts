import { ForbiddenError, NotFoundError } from '@1tt/domain-errors';
import {
  apiKeyMatches,
  assertConsumerAccess,
  assertContributorAccess,
  bearerToken,
  canSee,
  evolveApiKey,
  generateApiKey,
  hashApiKey,
  parseApiKeyId,
  type Principal,
} from './index';

const admin: Principal = { role: 'admin', subjectId: 'a', keyId: 'k0' };
const auditor: Principal = { role: 'auditor', subjectId: 'au', keyId: 'k1' };
const alice: Principal = { role: 'contributor', subjectId: 'alice', keyId: 'k2' };
const acme: Principal = { role: 'consumer', subjectId: 'acme', keyId: 'k3' };

describe('API keys', () => {
  it('generates 1tt_<16 hex>_<43 base64url> keys whose stored hash is SHA-256 of the key', () => {
    const k = generateApiKey();
    expect(k.apiKey).toMatch(/^1tt_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(parseApiKeyId(k.apiKey)).toBe(k.keyId);
    expect(k.keyHash).toBe(hashApiKey(k.apiKey));
    expect(k.keyHash).not.toContain(k.apiKey.slice(21));
  });

  it('never generates the same key twice', () => {
    const keys = new Set(Array.from({ length: 1000 }, () => generateApiKey().apiKey));
    expect(keys.size).toBe(1000);
  });

  it('matches only the exact key', () => {
    const k = generateApiKey();
    expect(apiKeyMatches(k.apiKey, k.keyHash)).toBe(true);
    const flipped = k.apiKey.slice(0, -1) + (k.apiKey.endsWith('A') ? 'B' : 'A');
    expect(apiKeyMatches(flipped, k.keyHash)).toBe(false);
    expect(apiKeyMatches(k.apiKey, 'abcd')).toBe(false);
  });

  it('parses only well-formed keys', () => {
    expect(parseApiKeyId('1tt_0123456789abcdef_short')).toBeUndefined();
    expect(parseApiKeyId('nope')).toBeUndefined();
  });

  it('reads bearer tokens', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer  abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
  });

  it('folds issue and revoke idempotently', () => {
    const issued = {
      type: 'ApiKeyIssued' as const,
      data: { keyId: 'k', role: 'consumer' as const, subjectId: 'acme', keyHash: 'h', issuedBy: 'admin:a' },
    };
    const revoked = { type: 'ApiKeyRevoked' as const, data: { keyId: 'k', revokedBy: 'admin:a' } };
    const at1 = { recordedAt: '2026-01-01T00:00:00.000Z', streamName: 'api-key-k' };
    const at2 = { recordedAt: '2026-01-02T00:00:00.000Z', streamName: 'api-key-k' };
    let s = evolveApiKey(undefined, issued, at1);
    s = evolveApiKey(s, issued, at2);
    expect(s).toMatchObject({ issuedAt: at1.recordedAt, streamName: 'api-key-k' });
    s = evolveApiKey(s, revoked, at2);
    s = evolveApiKey(s, revoked, at1);
    expect(s?.revokedAt).toBe(at2.recordedAt);
    expect(evolveApiKey(undefined, revoked, at1)).toBeUndefined();
  });
});

describe('scopes', () => {
  it('lets admin and auditor see everything, others only their audience or public', () => {
    const forAlice = { contributorIds: ['alice'] };
    expect(canSee(admin, {})).toBe(true);
    expect(canSee(auditor, forAlice)).toBe(true);
    expect(canSee(alice, forAlice)).toBe(true);
    expect(canSee({ ...alice, subjectId: 'bob' }, forAlice)).toBe(false);
    expect(canSee(acme, forAlice)).toBe(false);
    expect(canSee(acme, { consumerIds: ['acme'] })).toBe(true);
    expect(canSee(alice, { consumerIds: ['alice'] })).toBe(false);
    expect(canSee(acme, { public: true })).toBe(true);
  });

  it('answers 403, or 404 when existence is private', () => {
    expect(() => assertContributorAccess(alice, 'alice')).not.toThrow();
    expect(() => assertContributorAccess(alice, 'bob')).toThrow(ForbiddenError);
    expect(() => assertContributorAccess(acme, 'bob', { hideExistence: 'contributor-not-found' })).toThrow(NotFoundError);
    expect(() => assertConsumerAccess(acme, 'acme')).not.toThrow();
    expect(() => assertConsumerAccess(auditor, 'acme')).not.toThrow();
    expect(() => assertConsumerAccess(alice, 'acme')).toThrow(ForbiddenError);
  });
});
