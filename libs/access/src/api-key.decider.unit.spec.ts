import { ConflictError, NotFoundError } from '@1tt/domain-errors';
import { given } from '@1tt/ledger';
import { apiKeyDecider } from './api-key.decider';
import type { ApiKeyEvent } from './api-key.events';

const issued: ApiKeyEvent = {
  type: 'ApiKeyIssued',
  data: { keyId: 'k1', role: 'consumer', subjectId: 'llm-corp', keyHash: 'h', issuedBy: 'admin:a', label: 'ci' },
};
const revoked: ApiKeyEvent = { type: 'ApiKeyRevoked', data: { keyId: 'k1', revokedBy: 'admin:a', reason: 'leaked' } };

describe('API key decider', () => {
  it('issues a key on an empty stream, hash and all as given', () => {
    given(apiKeyDecider).when({ type: 'IssueApiKey', data: issued.data }, undefined).then([issued]);
  });
  it('refuses a second key on a stream that holds one (e.g. a second first-start admin key)', () => {
    given(apiKeyDecider, [issued])
      .when({ type: 'IssueApiKey', data: { ...issued.data, keyId: 'k2' } }, undefined)
      .thenThrows(ConflictError, 'api-key-exists');
  });
  it('revokes an issued key once; revoking it again decides nothing', () => {
    given(apiKeyDecider, [issued]).when({ type: 'RevokeApiKey', data: revoked.data }, undefined).then([revoked]);
    given(apiKeyDecider, [issued, revoked])
      .when({ type: 'RevokeApiKey', data: { keyId: 'k1', revokedBy: 'admin:b' } }, undefined)
      .thenNothing();
  });
  it('refuses to revoke a key the stream does not hold', () => {
    given(apiKeyDecider).when({ type: 'RevokeApiKey', data: revoked.data }, undefined).thenThrows(NotFoundError, 'api-key-not-found');
    given(apiKeyDecider, [issued])
      .when({ type: 'RevokeApiKey', data: { keyId: 'k9', revokedBy: 'admin:a' } }, undefined)
      .thenThrows(NotFoundError, 'api-key-not-found');
  });
});
