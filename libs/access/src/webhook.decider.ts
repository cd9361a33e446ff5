import { ConflictError, NotFoundError, ValidationError } from '@1tt/domain-errors';
import { assertNever, type Decider } from '@1tt/ledger';
import type { WebhookDeletedData, WebhookEvent, WebhookRegisteredData, WebhookUpdatedData } from './webhook.events';

/** Register a webhook (url, event types and owner already checked by the caller; the secret already encrypted). */
export interface RegisterWebhook {
  type: 'RegisterWebhook';
  data: WebhookRegisteredData;
}
/** Change what a webhook receives; at least one of enabled, eventTypes, description. */
export interface UpdateWebhook {
  type: 'UpdateWebhook';
  data: WebhookUpdatedData;
}
/** Delete a webhook; deleting a deleted one decides nothing. */
export interface DeleteWebhook {
  type: 'DeleteWebhook';
  data: WebhookDeletedData;
}
export type WebhookCommand = RegisterWebhook | UpdateWebhook | DeleteWebhook;

/** What deciding needs of a webhook's stream (the record with delivery state is evolveWebhook's, in webhooks.db). */
export type WebhookState = { status: 'none' } | { status: 'registered'; webhookId: string } | { status: 'deleted'; webhookId: string };

/** Webhooks through the one command path: `webhook-<webhookId>` holds one registration, updates, and at most one deletion. */
export const webhookDecider: Decider<WebhookCommand, WebhookEvent, WebhookState, unknown> = {
  initialState: { status: 'none' },

  evolve(state, event) {
    switch (event.type) {
      case 'WebhookRegistered':
        return state.status === 'none' ? { status: 'registered', webhookId: event.data.webhookId } : state;
      case 'WebhookUpdated':
        return state;
      case 'WebhookDeleted':
        return state.status === 'registered' ? { status: 'deleted', webhookId: state.webhookId } : state;
      default:
        return assertNever(event, 'webhook event');
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'RegisterWebhook':
        if (state.status !== 'none') {
          throw new ConflictError('webhook-exists', `The stream already holds webhook ${state.webhookId}`, { field: 'webhookId' });
        }
        return [{ type: 'WebhookRegistered', data: command.data }];
      case 'UpdateWebhook': {
        const { webhookId, enabled, eventTypes, description } = command.data;
        if (state.status !== 'registered') throw notFound(webhookId);
        if (enabled === undefined && eventTypes === undefined && description === undefined) {
          throw new ValidationError('webhook-update-empty', 'The body changes nothing', {
            field: 'body',
            hint: 'Send at least one of enabled, eventTypes, description.',
          });
        }
        return [{ type: 'WebhookUpdated', data: command.data }];
      }
      case 'DeleteWebhook':
        if (state.status === 'deleted') return [];
        if (state.status !== 'registered') throw notFound(command.data.webhookId);
        return [{ type: 'WebhookDeleted', data: command.data }];
      default:
        return assertNever(command, 'webhook command');
    }
  },
};

function notFound(webhookId: string): NotFoundError {
  return new NotFoundError('webhook-not-found', `No webhook ${webhookId}`, {
    field: 'webhookId',
    hint: 'List your webhooks with GET /v1/webhooks.',
  });
}
