import { ConflictError, NotFoundError } from '@1tt/domain-errors';
import { assertNever, type Decider } from '@1tt/ledger';
import type { ApiKeyEvent, ApiKeyIssuedData, ApiKeyRevokedData } from './api-key.events';

/** Issue a key whose secret the caller generated (only its hash is recorded). */
export interface IssueApiKey {
  type: 'IssueApiKey';
  data: ApiKeyIssuedData;
}
/** Revoke a key; revoking a revoked key decides nothing. */
export interface RevokeApiKey {
  type: 'RevokeApiKey';
  data: ApiKeyRevokedData;
}
export type ApiKeyCommand = IssueApiKey | RevokeApiKey;

/** What deciding needs of a key's stream (the full record, for reads, is evolveApiKey's). */
export type ApiKeyState = { status: 'none' } | { status: 'issued'; keyId: string; revoked: boolean };

/**
 * API keys through the one command path: a key stream (`api-key-<keyId>`,
 * or `api-key-bootstrap` for the generated first admin key) holds one
 * issuance and at most one revocation.
 */
export const apiKeyDecider: Decider<ApiKeyCommand, ApiKeyEvent, ApiKeyState, unknown> = {
  initialState: { status: 'none' },

  evolve(state, event) {
    switch (event.type) {
      case 'ApiKeyIssued':
        return state.status === 'none' ? { status: 'issued', keyId: event.data.keyId, revoked: false } : state;
      case 'ApiKeyRevoked':
        return state.status === 'issued' && state.keyId === event.data.keyId ? { ...state, revoked: true } : state;
      default:
        return assertNever(event, 'API key event');
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'IssueApiKey':
        if (state.status !== 'none') {
          throw new ConflictError('api-key-exists', `The stream already holds API key ${state.keyId}`, { field: 'keyId' });
        }
        return [{ type: 'ApiKeyIssued', data: command.data }];
      case 'RevokeApiKey': {
        const { keyId } = command.data;
        if (state.status !== 'issued' || state.keyId !== keyId) {
          throw new NotFoundError('api-key-not-found', `No API key ${keyId}`, { field: 'keyId' });
        }
        if (state.revoked) return [];
        return [{ type: 'ApiKeyRevoked', data: command.data }];
      }
      default:
        return assertNever(command, 'API key command');
    }
  },
};
