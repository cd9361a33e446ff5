import { ConflictError, NotFoundError, ValidationError } from '@1tt/domain-errors';
import { given } from '@1tt/ledger';
import { webhookDecider } from './webhook.decider';
import type { WebhookEvent } from './webhook.events';

const registered: WebhookEvent = {
  type: 'WebhookRegistered',
  data: {
    webhookId: 'w1',
    url: 'https://receiver.example/hook',
    eventTypes: ['RevenueReported'],
    owner: { role: 'consumer', subjectId: 'llm-corp' },
    secretCiphertext: 'c',
    secretKeyId: '0123456789abcdef',
    registeredBy: 'consumer:llm-corp',
  },
};
const disabled: WebhookEvent = { type: 'WebhookUpdated', data: { webhookId: 'w1', enabled: false, updatedBy: 'consumer:llm-corp' } };
const deleted: WebhookEvent = { type: 'WebhookDeleted', data: { webhookId: 'w1', deletedBy: 'admin:a' } };

describe('webhook decider', () => {
  it('registers a webhook on an empty stream, as given', () => {
    given(webhookDecider).when({ type: 'RegisterWebhook', data: registered.data }, undefined).then([registered]);
  });
  it('refuses a second registration on the same stream', () => {
    given(webhookDecider, [registered])
      .when({ type: 'RegisterWebhook', data: registered.data }, undefined)
      .thenThrows(ConflictError, 'webhook-exists');
  });
  it('updates a registered webhook, also after earlier updates', () => {
    given(webhookDecider, [registered]).when({ type: 'UpdateWebhook', data: disabled.data }, undefined).then([disabled]);
    const described: WebhookEvent = { type: 'WebhookUpdated', data: { webhookId: 'w1', description: 'ci', updatedBy: 'admin:a' } };
    given(webhookDecider, [registered, disabled]).when({ type: 'UpdateWebhook', data: described.data }, undefined).then([described]);
  });
  it('refuses an update that changes nothing', () => {
    given(webhookDecider, [registered])
      .when({ type: 'UpdateWebhook', data: { webhookId: 'w1', updatedBy: 'admin:a' } }, undefined)
      .thenThrows(ValidationError, 'webhook-update-empty');
  });
  it('refuses to update a webhook that does not exist or is deleted', () => {
    given(webhookDecider).when({ type: 'UpdateWebhook', data: disabled.data }, undefined).thenThrows(NotFoundError, 'webhook-not-found');
    given(webhookDecider, [registered, deleted])
      .when({ type: 'UpdateWebhook', data: disabled.data }, undefined)
      .thenThrows(NotFoundError, 'webhook-not-found');
  });
  it('deletes once; deleting again decides nothing; deleting what never existed is not found', () => {
    given(webhookDecider, [registered, disabled]).when({ type: 'DeleteWebhook', data: deleted.data }, undefined).then([deleted]);
    given(webhookDecider, [registered, deleted]).when({ type: 'DeleteWebhook', data: deleted.data }, undefined).thenNothing();
    given(webhookDecider).when({ type: 'DeleteWebhook', data: deleted.data }, undefined).thenThrows(NotFoundError, 'webhook-not-found');
  });
});
