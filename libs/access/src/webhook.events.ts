/**
 * Webhook registrations are events, like API keys: registering, changing and
 * deleting a webhook are facts an auditor may want to see ("who had events
 * of consumer X sent where, and since when?"). Stream: `webhook-<webhookId>`.
 *
 * The signing secret is in the registration only as AES-256-GCM ciphertext
 * (key in WEBHOOK_SECRET_KEY_FILE, never in the log), so every process that
 * has the key can sign and the log alone never reveals a secret.
 */
import type { Role } from './principal';

export const WEBHOOK_STREAM_PREFIX = 'webhook-';
export const webhookStream = (webhookId: string): string => `${WEBHOOK_STREAM_PREFIX}${webhookId}`;

export interface WebhookOwner {
  role: Role;
  subjectId: string;
}

export interface WebhookRegisteredData {
  webhookId: string;
  url: string;
  eventTypes: string[];
  description?: string;
  owner: WebhookOwner;
  /** base64url(iv ‖ tag ‖ ciphertext) of the signing secret. */
  secretCiphertext: string;
  /** First 16 hex characters of SHA-256 of the encryption key: which key file decrypts it. */
  secretKeyId: string;
  registeredBy: string;
}
export interface WebhookUpdatedData {
  webhookId: string;
  enabled?: boolean;
  eventTypes?: string[];
  description?: string;
  updatedBy: string;
}
export interface WebhookDeletedData {
  webhookId: string;
  deletedBy: string;
}

export type WebhookEvent =
  | { type: 'WebhookRegistered'; data: WebhookRegisteredData }
  | { type: 'WebhookUpdated'; data: WebhookUpdatedData }
  | { type: 'WebhookDeleted'; data: WebhookDeletedData };

export const WEBHOOK_EVENT_TYPES: readonly string[] = ['WebhookRegistered', 'WebhookUpdated', 'WebhookDeleted'];

export interface WebhookRecord {
  webhookId: string;
  url: string;
  eventTypes: string[];
  description?: string;
  owner: WebhookOwner;
  secretCiphertext: string;
  secretKeyId: string;
  enabled: boolean;
  deleted: boolean;
  registeredBy: string;
  registeredAt: string;
  /** Log position of the registration: the webhook receives events after it. */
  registeredPosition: number;
  /** Log position of the last event folded in. */
  position: number;
}

/** Pure fold of one webhook's events (idempotent: an event at or before `position` changes nothing). */
export function evolveWebhook(
  state: WebhookRecord | undefined,
  event: WebhookEvent,
  at: { recordedAt: string; position: number },
): WebhookRecord | undefined {
  if (state && at.position <= state.position) return state;
  switch (event.type) {
    case 'WebhookRegistered': {
      if (state) return state;
      const d = event.data;
      return {
        webhookId: d.webhookId,
        url: d.url,
        eventTypes: [...d.eventTypes],
        ...(d.description !== undefined ? { description: d.description } : {}),
        owner: { role: d.owner.role, subjectId: d.owner.subjectId },
        secretCiphertext: d.secretCiphertext,
        secretKeyId: d.secretKeyId,
        enabled: true,
        deleted: false,
        registeredBy: d.registeredBy,
        registeredAt: at.recordedAt,
        registeredPosition: at.position,
        position: at.position,
      };
    }
    case 'WebhookUpdated': {
      if (!state) return state;
      const d = event.data;
      return {
        ...state,
        ...(d.enabled !== undefined ? { enabled: d.enabled } : {}),
        ...(d.eventTypes !== undefined ? { eventTypes: [...d.eventTypes] } : {}),
        ...(d.description !== undefined ? { description: d.description } : {}),
        position: at.position,
      };
    }
    case 'WebhookDeleted':
      if (!state) return state;
      return { ...state, deleted: true, enabled: false, position: at.position };
  }
}
