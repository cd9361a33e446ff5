import { streamNames } from '@1tt/ledger';
import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { AppConfig } from '@1tt/config';
import { EventStore, LogFollower, StreamNotFound, type RecordedEvent } from '@1tt/event-store';
import { APP_CONFIG } from '../config/app-config.token';
import { ProjectionRegistry } from '../stores/projection-registry';
import { checkWebhookUrl } from './webhook-address.policy';
import { WebhookDeliveryStore, type DeliveryRow, type NewDelivery } from './webhook-delivery.store';
import { ownerMayReceive, ownerPrincipal, webhookEventView, type DatasetOwners } from './webhook-event-view';
import { verdictOf, type RetryPolicy } from './webhook-retry.policy';
import { WebhookSecretCipher } from './webhook-secret.cipher';
import { sendWebhook, type AttemptResult } from './webhook-sender';
import { SIGNATURE_HEADER, signWebhookBody } from './webhook-signature';
import {
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_STREAM_PREFIX,
  evolveWebhook,
  webhookStream,
  type WebhookEvent,
  type WebhookRecord,
} from '@1tt/access';

/** What a receiver gets: the event as the API shows it to the webhook's owner. */
export interface WebhookPayload {
  id: string;
  type: string;
  position: number;
  occurredAt: string;
  data: unknown;
}

const MAX_CONCURRENT_WEBHOOKS = 32;

/**
 * Delivers webhooks, in two halves that share DATA_DIR/webhooks.db:
 *  - fan-out: one process (lease "fan-out") follows the log from its
 *    checkpoint (LogFollower: a failure shows in /health and is retried
 *    with a growing delay) and, per event, writes one pending delivery per
 *    webhook that subscribed to its type and may see it, together with the
 *    checkpoint (all or nothing);
 *  - delivery: per webhook, one process at a time (lease "webhook:<id>")
 *    attempts the earliest pending delivery and only then the next, so a
 *    receiver gets its events in log order; a delivery is marked delivered
 *    only after a 2xx, so a crash mid-attempt means the same event (same
 *    id) is sent again: at least once.
 * Sending is asynchronous I/O with a timeout: a slow receiver holds one
 * socket, never the event loop or an API request.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnModuleDestroy, DatasetOwners {
  private readonly logger = new Logger('Webhooks');
  readonly owner = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly policy: RetryPolicy;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private timer?: NodeJS.Timeout;
  /** The fan-out's loop; runs only while this process holds the "fan-out" lease. */
  readonly fanOut: LogFollower;
  private readonly active = new Set<string>();
  private readonly datasetOwners = new Map<string, { contributorId?: string; consumerId?: string }>();
  private stopped = false;
  private ticking = false;

  constructor(
    private readonly events: EventStore,
    private readonly store: WebhookDeliveryStore,
    private readonly cipher: WebhookSecretCipher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    followers: ProjectionRegistry,
  ) {
    const w = config.webhooks;
    this.policy = { initialMs: w.retryInitialMs, maxMs: w.retryMaxMs, windowMs: w.retryWindowSeconds * 1000 };
    this.leaseMs = w.leaseSeconds * 1000;
    this.pollMs = Math.max(10, Math.min(1000, Math.floor(w.retryInitialMs / 2), Math.floor(this.leaseMs / 3)));
    this.fanOut = followers.follower(
      new LogFollower(events, {
        name: 'webhook-fan-out',
        maxBatchSize: 200,
        retryDelayMs: this.pollMs,
        resume: () => this.store.checkpoint(),
        handle: (batch) => this.fanOutBatch(batch),
        onFailure: followers.logFailures,
      }),
    );
  }

  onApplicationBootstrap(): void {
    if (!this.config.webhooks.deliver) return;
    this.timer = setInterval(() => this.kick(), this.pollMs);
    this.timer.unref();
    this.kick();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.fanOut.stop();
    this.store.releaseLeases(this.owner);
    this.store.close();
  }

  /** The log position the fan-out has committed (tests, diagnostics). */
  get fanOutCheckpoint(): number {
    return this.store.checkpoint();
  }

  /** Look for work now (after a fan-out commit, a manual retry, a timer tick). */
  kick(): void {
    if (this.stopped || this.ticking) return;
    this.ticking = true;
    try {
      this.followLogIfLeaseHolder();
      const now = Date.now();
      for (const webhookId of this.store.dueWebhookIds(now)) {
        if (this.active.size >= MAX_CONCURRENT_WEBHOOKS) break;
        if (this.active.has(webhookId) || !this.store.tryLease(`webhook:${webhookId}`, this.owner, this.leaseMs, now)) continue;
        this.active.add(webhookId);
        void this.drain(webhookId)
          .catch((e: unknown) => this.logger.error(`webhook ${webhookId}: delivery loop failed: ${(e as Error).message}`))
          .finally(() => {
            this.active.delete(webhookId);
            if (!this.stopped) this.store.releaseLease(`webhook:${webhookId}`, this.owner);
          });
      }
    } catch (e) {
      this.logger.error(`webhook dispatcher: ${(e as Error).message}`);
    } finally {
      this.ticking = false;
    }
  }

  private followLogIfLeaseHolder(): void {
    const mine = this.store.tryLease('fan-out', this.owner, this.leaseMs, Date.now());
    if (!mine) {
      if (this.fanOut.running) void this.fanOut.stop();
      return;
    }
    // Failures are the follower's: logged, in /health, retried from the checkpoint.
    if (!this.fanOut.running) this.fanOut.start().catch(() => undefined);
  }

  private async fanOutBatch(batch: RecordedEvent[]): Promise<void> {
    if (batch.length === 0) return;
    const records = new Map(this.store.webhooks().map((r) => [r.webhookId, r]));
    const changed = new Map<string, WebhookRecord>();
    const deliveries: NewDelivery[] = [];
    const history = new Map<string, RecordedEvent[]>();
    for (const event of batch) {
      if (event.streamName.startsWith(WEBHOOK_STREAM_PREFIX) && WEBHOOK_EVENT_TYPES.includes(event.type)) {
        const id = (event.data as { webhookId?: string }).webhookId;
        if (id) {
          const current = records.get(id);
          const next = evolveWebhook(current, event as unknown as WebhookEvent, {
            recordedAt: event.metadata.recordedAt,
            position: event.position,
          });
          if (next && next !== current) {
            records.set(id, next);
            changed.set(id, next);
          }
        }
      }
      let view: Awaited<ReturnType<typeof webhookEventView>> | undefined;
      for (const latest of records.values()) {
        // A deleted webhook gets nothing more, also not the events between the fan-out's position and its deletion.
        if (latest.deleted) continue;
        // A route may have stored a newer version than this event's position: use the webhook as it was then.
        const r = latest.position > event.position ? await this.webhookAt(latest.webhookId, event.position, history) : latest;
        if (!r || r.deleted || !r.enabled || r.registeredPosition >= event.position || !r.eventTypes.includes(event.type)) continue;
        view ??= await webhookEventView(event, this);
        const owner = ownerPrincipal(r.owner, r.webhookId);
        if (!ownerMayReceive(owner, view)) continue;
        const payload: WebhookPayload = {
          id: event.id,
          type: event.type,
          position: event.position,
          occurredAt: event.metadata.recordedAt,
          data: view.dataFor(owner),
        };
        deliveries.push({
          deliveryId: randomUUID(),
          webhookId: r.webhookId,
          eventId: event.id,
          eventType: event.type,
          position: event.position,
          body: JSON.stringify(payload),
        });
      }
    }
    const last = batch[batch.length - 1].position;
    this.store.commitFanOut([...changed.values()], deliveries, last, Date.now());
    if (deliveries.length > 0) setImmediate(() => this.kick());
  }

  private async webhookAt(webhookId: string, position: number, history: Map<string, RecordedEvent[]>): Promise<WebhookRecord | undefined> {
    let events = history.get(webhookId);
    if (!events) {
      events = await this.readStream(webhookStream(webhookId));
      history.set(webhookId, events);
    }
    let state: WebhookRecord | undefined;
    for (const e of events) {
      if (e.position > position) break;
      state = evolveWebhook(state, e as unknown as WebhookEvent, { recordedAt: e.metadata.recordedAt, position: e.position });
    }
    return state;
  }

  async ownerOf(datasetId: string): Promise<{ contributorId?: string; consumerId?: string } | undefined> {
    const hit = this.datasetOwners.get(datasetId);
    if (hit) return hit;
    const [first] = await this.readStream(streamNames.dataset(datasetId), 1);
    const d = (first?.type === 'DatasetUploaded' ? first.data : undefined) as
      { kind?: string; contributorId?: string; consumerId?: string } | undefined;
    if (!d) return undefined;
    const owner = d.kind === 'reference' ? { consumerId: d.consumerId } : { contributorId: d.contributorId };
    if (this.datasetOwners.size > 10_000) this.datasetOwners.clear();
    this.datasetOwners.set(datasetId, owner);
    return owner;
  }

  private async readStream(name: string, maxCount?: number): Promise<RecordedEvent[]> {
    try {
      return await this.events.readStream(name, maxCount ? { maxCount } : {});
    } catch (e) {
      if (e instanceof StreamNotFound) return [];
      throw e;
    }
  }

  /** Attempts this webhook's due deliveries one by one, in log order, while this process holds its lease. */
  private async drain(webhookId: string): Promise<void> {
    const lease = `webhook:${webhookId}`;
    while (!this.stopped) {
      const now = Date.now();
      if (!this.store.tryLease(lease, this.owner, this.leaseMs, now)) return;
      const state = this.store.webhook(webhookId);
      if (!state || state.record.deleted || !state.record.enabled) return;
      const delivery = this.store.head(webhookId);
      if (!delivery || delivery.nextAttemptAt > now) return;
      const at = Date.now();
      const result = await this.attempt(state.record, delivery, at);
      if (this.stopped) return;
      const verdict = verdictOf(this.policy, result, delivery, Date.now());
      this.store.recordAttempt(delivery, at, result, verdict);
      if (verdict.status === 'failed' && verdict.markFailing) {
        this.logger.warn(`webhook ${webhookId} is failing: event ${delivery.eventId} not delivered (${verdict.markFailing})`);
      }
    }
  }

  private async attempt(record: WebhookRecord, delivery: DeliveryRow, at: number): Promise<AttemptResult> {
    let url: URL;
    try {
      url = checkWebhookUrl(record.url, this.config.webhooks);
    } catch (e) {
      return { outcome: 'stop', refused: true, latencyMs: 0, error: `address refused: ${(e as Error).message}` };
    }
    let secret: string;
    try {
      secret = this.cipher.decrypt(record.secretCiphertext);
    } catch {
      return {
        outcome: 'stop',
        refused: true,
        latencyMs: 0,
        error: `the signing secret cannot be decrypted: WEBHOOK_SECRET_KEY_FILE is not the key ${record.secretKeyId} it was encrypted with`,
      };
    }
    const headers = {
      [SIGNATURE_HEADER]: signWebhookBody(secret, delivery.body, Math.floor(at / 1000)),
      '1tt-event-id': delivery.eventId,
      '1tt-event-type': delivery.eventType,
      '1tt-webhook-id': record.webhookId,
      '1tt-delivery-id': delivery.deliveryId,
      'user-agent': '1tt-ledger-webhooks/1',
    };
    return sendWebhook(url, headers, delivery.body, {
      timeoutMs: this.config.webhooks.timeoutMs,
      allowPrivate: this.config.webhooks.allowPrivate,
    });
  }
}
