import {
  EventStoreDBClient,
  PersistentSubscriptionExistsError,
  START,
  eventTypeFilter,
  persistentSubscriptionToAllSettingsFromDefaults,
  type PersistentSubscriptionToAll,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { DatasetClaims, type ClaimsContext } from './dataset-claims.port';
import { isStreamOf } from '@1tt/ledger';

export const DATASET_WORKERS_GROUP = '1tt-dataset-workers';

export interface EventStoreDbDatasetClaimsOptions {
  /** The EVENT_STORE_URL (esdb://…, kurrentdb://…). */
  connectionString: string;
  /** Persistent subscription group. Default "1tt-dataset-workers". */
  group?: string;
  /**
   * Deliveries a worker holds unacknowledged at once. A delivery stays held
   * from its analysis until the dataset is decided (which waits for every
   * earlier dataset), so this must exceed the number of datasets a worker
   * may have analysed ahead; default 32.
   */
  bufferSize?: number;
  /**
   * How long the server waits for an ack before it redelivers the dataset
   * to another worker (a hung, not a dead, worker: a dead one's connection
   * drops and its deliveries are redelivered at once). Longer than the
   * longest analysis plus wait. Default 1 hour.
   */
  messageTimeoutMs?: number;
  resubscribeDelayMs?: number;
}

interface Delivery {
  subscription: PersistentSubscriptionToAll;
  event: ResolvedEvent;
}

/**
 * Competing consumers on EventStoreDB: a persistent subscription group to
 * $all filtered on the event type DatasetUploaded (created if missing,
 * from the start of the log, round robin). The server hands each upload to
 * one connected worker; that worker holds the delivery while it analyses
 * the dataset and until the log shows the dataset decided (by anyone), then
 * acks it. A failed analysis is nacked with 'retry' (the server redelivers,
 * perhaps to another worker); on shutdown the worker just disconnects and
 * the server redelivers what it held. Deliveries of datasets already
 * decided are acked at once.
 *
 * Never run here: no EventStoreDB server exists on this machine (the suite
 * in test/datasets reports "skipped: no server" without EVENTSTOREDB_URL).
 */
export class EventStoreDbDatasetClaims extends DatasetClaims {
  readonly description: string;
  readonly retryClaimsEveryMs = undefined;
  private readonly client: EventStoreDBClient;
  private readonly group: string;
  private readonly delivered = new Map<string, Delivery>();
  private subscription?: PersistentSubscriptionToAll;
  private context?: ClaimsContext;
  private stopping = false;
  private resubscribeTimer?: NodeJS.Timeout;

  constructor(private readonly options: EventStoreDbDatasetClaimsOptions) {
    super();
    this.client = EventStoreDBClient.connectionString(options.connectionString.replace(/^kurrentdb/, 'esdb'));
    this.group = options.group ?? DATASET_WORKERS_GROUP;
    this.description = `EventStoreDB persistent subscription (group ${this.group})`;
  }

  async start(context: ClaimsContext): Promise<void> {
    this.context = context;
    this.stopping = false;
    try {
      await this.client.createPersistentSubscriptionToAll(
        this.group,
        persistentSubscriptionToAllSettingsFromDefaults({
          startFrom: START,
          messageTimeout: this.options.messageTimeoutMs ?? 3_600_000,
          // A dataset must never be parked (it would stay "processing"): retry without end.
          maxRetryCount: 1_000_000,
          consumerStrategyName: 'RoundRobin',
        }),
        { filter: eventTypeFilter({ regex: '^DatasetUploaded$' }) },
      );
    } catch (e) {
      if (!(e instanceof PersistentSubscriptionExistsError)) throw e;
    }
    this.subscribe();
  }

  async tryClaim(datasetId: string): Promise<boolean> {
    return this.delivered.has(datasetId);
  }

  async decided(datasetId: string): Promise<void> {
    const d = this.delivered.get(datasetId);
    if (!d) return;
    this.delivered.delete(datasetId);
    await d.subscription.ack(d.event);
  }

  async release(datasetId: string, reason: string): Promise<void> {
    const d = this.delivered.get(datasetId);
    if (!d) return;
    this.delivered.delete(datasetId);
    await d.subscription.nack('retry', reason.slice(0, 500), d.event);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.resubscribeTimer) clearTimeout(this.resubscribeTimer);
    // No ack and no nack: the server redelivers what this worker held once it is gone.
    this.delivered.clear();
    await this.subscription?.unsubscribe().catch(() => undefined);
    this.subscription = undefined;
    await this.client.dispose();
  }

  private subscribe(): void {
    const sub = this.client.subscribeToPersistentSubscriptionToAll(this.group, { bufferSize: this.options.bufferSize ?? 32 });
    this.subscription = sub;
    sub.on('data', (resolved: ResolvedEvent) => {
      const e = resolved.event;
      if (!e || e.type !== 'DatasetUploaded' || !isStreamOf('dataset', e.streamId)) {
        void sub.ack(resolved).catch((err) => this.context?.logError('dataset claims: ack failed', err));
        return;
      }
      const datasetId = (e.data as { datasetId?: unknown }).datasetId;
      if (typeof datasetId !== 'string' || this.context?.isDecided(datasetId)) {
        void sub.ack(resolved).catch((err) => this.context?.logError('dataset claims: ack failed', err));
        return;
      }
      this.delivered.set(datasetId, { subscription: sub, event: resolved });
      this.context?.wake();
    });
    const dropped = (err?: unknown) => {
      if (this.stopping || this.subscription !== sub) return;
      this.subscription = undefined;
      // What this connection held is redelivered by the server; forget it here.
      for (const [id, d] of this.delivered) if (d.subscription === sub) this.delivered.delete(id);
      if (err) this.context?.logError('dataset claims: persistent subscription dropped, resubscribing', err);
      this.resubscribeTimer = setTimeout(() => this.subscribe(), this.options.resubscribeDelayMs ?? 1000);
    };
    sub.on('error', (err: Error) => dropped(err));
    sub.on('end', () => dropped());
  }
}
