/**
 * Keys are security state kept as events: issuing and revoking are facts an
 * auditor may want to see ("who could act as consumer X on day D?"), and the
 * log already replicates across processes and back ends (SQLite, EventStoreDB).
 * Only hashes go into the log. Stream: `api-key-<keyId>` (`api-key-bootstrap`
 * for the generated first admin key).
 */
import type { Role } from './principal';

export const API_KEY_STREAM_PREFIX = 'api-key-';
export const apiKeyStream = (keyId: string): string => `${API_KEY_STREAM_PREFIX}${keyId}`;
/**
 * The generated first admin key is issued into this stream with `no-stream`,
 * so exactly one process (and one start) ever generates it.
 */
export const ADMIN_BOOTSTRAP_STREAM = 'api-key-bootstrap';

export interface ApiKeyIssuedData {
  keyId: string;
  role: Role;
  subjectId: string;
  keyHash: string;
  label?: string;
  issuedBy: string;
}
export interface ApiKeyRevokedData {
  keyId: string;
  revokedBy: string;
  reason?: string;
}

export type ApiKeyEvent = { type: 'ApiKeyIssued'; data: ApiKeyIssuedData } | { type: 'ApiKeyRevoked'; data: ApiKeyRevokedData };

export const API_KEY_EVENT_TYPES: readonly string[] = ['ApiKeyIssued', 'ApiKeyRevoked'];

export interface ApiKeyRecord {
  keyId: string;
  role: Role;
  subjectId: string;
  keyHash: string;
  label?: string;
  issuedBy: string;
  issuedAt: string;
  /** Stream holding the key's events (revocations are appended there). */
  streamName: string;
  revokedAt?: string;
  revokedBy?: string;
}

/** Pure fold of one key's events (idempotent: a replayed event changes nothing). */
export function evolveApiKey(
  state: ApiKeyRecord | undefined,
  event: ApiKeyEvent,
  at: { recordedAt: string; streamName: string },
): ApiKeyRecord | undefined {
  switch (event.type) {
    case 'ApiKeyIssued':
      return state ?? { ...event.data, issuedAt: at.recordedAt, streamName: at.streamName };
    case 'ApiKeyRevoked':
      if (!state || state.revokedAt) return state;
      return { ...state, revokedAt: at.recordedAt, revokedBy: event.data.revokedBy };
  }
}
