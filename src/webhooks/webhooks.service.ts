import { decideOnStream } from '@1tt/command-path';
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { actorOf, seesEverything, webhookDecider, type Principal, type WebhookCommand } from '@1tt/access';
import type { AppConfig } from '@1tt/config';
import { IllegalStateError, NotFoundError, ValidationError } from '@1tt/domain-errors';
import { EventStore, StreamNotFound, type RecordedEvent } from '@1tt/event-store';
import { APP_CONFIG } from '../config/app-config.token';
import { checkWebhookUrl } from './webhook-address.policy';
import { WebhookDeliveryStore, type DeliveryRow, type WebhookStateRow } from './webhook-delivery.store';
import { WebhookDispatcher } from './webhook-dispatcher.service';
import { SUBSCRIBABLE_EVENT_TYPES, subscribableTypesFor } from './webhook-event-view';
import { WebhookSecretCipher } from './webhook-secret.cipher';
import { generateWebhookSecret } from './webhook-signature';
import { evolveWebhook, webhookStream, type WebhookEvent, type WebhookRecord, type WebhookUpdatedData } from '@1tt/access';
import type { RegisterWebhookRequest, UpdateWebhookRequest } from './webhook.request.dto';
import type { DeliveryView, RegisteredWebhookResponse, WebhookView } from './webhook.response.dto';

const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

/**
 * The webhook use cases behind the routes: register (→ WebhookRegistered),
 * update (→ WebhookUpdated), delete (→ WebhookDeleted), list and read with
 * delivery state, list deliveries, retry one. Each write folds the stream
 * into webhooks.db at once, so the caller reads its own write on any
 * process of the DATA_DIR; the dispatcher's fan-out folds the same events
 * in log order (idempotent by position).
 */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly events: EventStore,
    private readonly store: WebhookDeliveryStore,
    private readonly cipher: WebhookSecretCipher,
    private readonly dispatcher: WebhookDispatcher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async register(input: RegisterWebhookRequest, by: Principal): Promise<RegisteredWebhookResponse> {
    const url = checkWebhookUrl(input.url, this.config.webhooks).toString();
    const eventTypes = this.checkTypes(input.eventTypes, by, 'eventTypes');
    const webhookId = randomUUID();
    const secret = generateWebhookSecret();
    const actor = actorOf(by);
    await this.decide(webhookId, actor, {
      type: 'RegisterWebhook',
      data: {
        webhookId,
        url,
        eventTypes,
        ...(input.description !== undefined ? { description: input.description } : {}),
        owner: { role: by.role, subjectId: by.subjectId },
        secretCiphertext: this.cipher.encrypt(secret),
        secretKeyId: this.cipher.keyId(),
        registeredBy: actor,
      },
    });
    const state = await this.refresh(webhookId);
    if (!state) throw new Error(`webhook ${webhookId} vanished after its registration`);
    return { ...this.view(state), secret };
  }

  list(by: Principal): WebhookView[] {
    const rows = seesEverything(by) ? this.store.listWebhooks() : this.store.listWebhooks({ role: by.role, subjectId: by.subjectId });
    return rows.map((r) => this.view(r));
  }

  async get(webhookId: string, by: Principal): Promise<WebhookView> {
    return this.view(await this.visible(webhookId, by));
  }

  async update(webhookId: string, patch: UpdateWebhookRequest, by: Principal): Promise<WebhookView> {
    const current = await this.visible(webhookId, by);
    const data: WebhookUpdatedData = { webhookId, updatedBy: actorOf(by) };
    if (patch.enabled !== undefined) data.enabled = patch.enabled;
    if (patch.eventTypes !== undefined) data.eventTypes = this.checkTypes(patch.eventTypes, current.record.owner, 'eventTypes');
    if (patch.description !== undefined) data.description = patch.description;
    await this.decide(webhookId, data.updatedBy, { type: 'UpdateWebhook', data });
    const state = await this.refresh(webhookId);
    if (state?.record.enabled) this.dispatcher.kick();
    return this.view(state ?? current);
  }

  async remove(webhookId: string, by: Principal): Promise<void> {
    await this.visible(webhookId, by);
    const actor = actorOf(by);
    await this.decide(webhookId, actor, { type: 'DeleteWebhook', data: { webhookId, deletedBy: actor } });
    await this.refresh(webhookId);
  }

  async deliveries(webhookId: string, by: Principal, limit: number): Promise<DeliveryView[]> {
    await this.visible(webhookId, by);
    return this.store.deliveries(webhookId, limit).map((d) => this.deliveryView(d));
  }

  async retry(webhookId: string, deliveryId: string, by: Principal): Promise<DeliveryView> {
    const state = await this.visible(webhookId, by);
    const found = this.store.delivery(webhookId, deliveryId);
    if (!found) {
      throw new NotFoundError('webhook-delivery-not-found', `Webhook ${webhookId} has no delivery ${deliveryId}`, {
        field: 'deliveryId',
        hint: 'List the deliveries with GET /v1/webhooks/{webhookId}/deliveries.',
      });
    }
    if (found.status === 'pending') return this.deliveryView(found);
    if (state.record.deleted) {
      throw new IllegalStateError('webhook-deleted', `Webhook ${webhookId} is deleted; its deliveries cannot be retried`);
    }
    const row = this.store.retry(webhookId, deliveryId, Date.now()) ?? found;
    this.dispatcher.kick();
    return this.deliveryView(row);
  }

  /** The one command path: read the webhook's stream, decide, append at the revision read (a concurrent write is re-read once). */
  private async decide(webhookId: string, actor: string, command: WebhookCommand): Promise<void> {
    await decideOnStream(this.events, webhookStream(webhookId), webhookDecider, command, {
      context: () => undefined,
      actor,
      correlationId: webhookId,
      attempts: 2,
    });
  }

  /** The webhook if this caller may see it; 404 otherwise (another party's webhook does not exist for them). */
  private async visible(webhookId: string, by: Principal): Promise<WebhookStateRow> {
    const state = this.store.webhook(webhookId) ?? (await this.refresh(webhookId));
    const mine = state && (seesEverything(by) || (state.record.owner.role === by.role && state.record.owner.subjectId === by.subjectId));
    if (!state || !mine || state.record.deleted) {
      throw new NotFoundError('webhook-not-found', `No webhook ${webhookId}`, {
        field: 'webhookId',
        hint: 'List your webhooks with GET /v1/webhooks.',
      });
    }
    return state;
  }

  /** Folds the webhook's stream into webhooks.db (read-your-writes) and returns its state. */
  private async refresh(webhookId: string): Promise<WebhookStateRow | undefined> {
    let events: RecordedEvent[];
    try {
      events = await this.events.readStream(webhookStream(webhookId));
    } catch (e) {
      if (e instanceof StreamNotFound) return undefined;
      throw e;
    }
    let record: WebhookRecord | undefined;
    for (const e of events)
      record = evolveWebhook(record, e as unknown as WebhookEvent, { recordedAt: e.metadata.recordedAt, position: e.position });
    if (!record) return undefined;
    this.store.upsertWebhook(record);
    return this.store.webhook(webhookId);
  }

  private checkTypes(types: string[], owner: { role: Principal['role'] }, field: string): string[] {
    const unique = [...new Set(types)];
    const unknown = unique.filter((t) => !SUBSCRIBABLE_EVENT_TYPES.includes(t));
    if (unknown.length > 0) {
      throw new ValidationError('webhook-event-type-unknown', `Unknown event type(s): ${unknown.join(', ')}`, {
        field,
        hint: `Use types of the event log: ${SUBSCRIBABLE_EVENT_TYPES.join(', ')}.`,
      });
    }
    const allowed = subscribableTypesFor(owner.role);
    const hidden = unique.filter((t) => !allowed.includes(t));
    if (hidden.length > 0) {
      throw new ValidationError('webhook-event-type-not-visible', `A ${owner.role} never sees events of type(s): ${hidden.join(', ')}`, {
        field,
        hint: `A ${owner.role} may subscribe to: ${allowed.join(', ')}.`,
      });
    }
    return unique;
  }

  view(s: WebhookStateRow): WebhookView {
    const r = s.record;
    return {
      webhookId: r.webhookId,
      url: r.url,
      eventTypes: r.eventTypes,
      ...(r.description !== undefined ? { description: r.description } : {}),
      owner: { role: r.owner.role, subjectId: r.owner.subjectId },
      enabled: r.enabled,
      status: !r.enabled ? 'disabled' : s.failingSince !== undefined ? 'failing' : 'active',
      ...(s.failingSince !== undefined ? { failing: { since: iso(s.failingSince) as string, reason: s.failingReason ?? '' } } : {}),
      ...(s.lastError !== undefined ? { lastError: s.lastError } : {}),
      ...(s.lastDeliveredAt !== undefined ? { lastDeliveredAt: iso(s.lastDeliveredAt) } : {}),
      pendingDeliveries: s.pending,
      registeredBy: r.registeredBy,
      registeredAt: r.registeredAt,
      registeredPosition: r.registeredPosition,
    };
  }

  private deliveryView(d: DeliveryRow): DeliveryView {
    return {
      deliveryId: d.deliveryId,
      eventId: d.eventId,
      eventType: d.eventType,
      position: d.position,
      status: d.status,
      attemptCount: d.attempts,
      ...(d.status === 'pending' ? { nextAttemptAt: iso(d.nextAttemptAt) } : {}),
      ...(d.completedAt !== undefined ? { completedAt: iso(d.completedAt) } : {}),
      ...(d.lastStatusCode !== undefined ? { lastStatusCode: d.lastStatusCode } : {}),
      ...(d.lastError !== undefined ? { lastError: d.lastError } : {}),
      ...(d.lastLatencyMs !== undefined ? { lastLatencyMs: d.lastLatencyMs } : {}),
      attempts: this.store.attempts(d.deliveryId).map((a) => ({
        at: iso(a.at) as string,
        ...(a.statusCode !== undefined ? { statusCode: a.statusCode } : {}),
        latencyMs: a.latencyMs,
        ...(a.error !== undefined ? { error: a.error } : {}),
        ...(a.responseBody !== undefined ? { responseBody: a.responseBody } : {}),
        outcome: a.outcome,
      })),
    };
  }
}
