import { decideOnStream } from '@1tt/command-path';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Subject, type Observable } from 'rxjs';
import {
  ADMIN_BOOTSTRAP_STREAM,
  API_KEY_EVENT_TYPES,
  apiKeyDecider,
  API_KEY_STREAM_PREFIX,
  actorOf,
  apiKeyMatches,
  apiKeyStream,
  evolveApiKey,
  generateApiKey,
  hashApiKey,
  parseApiKeyId,
  type ApiKeyEvent,
  type ApiKeyRecord,
  type Principal,
  type Role,
} from '@1tt/access';
import type { AppConfig } from '@1tt/config';
import { ConflictError, IllegalStateError, NotFoundError } from '@1tt/domain-errors';
import { EventStore, LogFollower, StreamNotFound, WrongExpectedRevision, type RecordedEvent } from '@1tt/event-store';
import { APP_CONFIG } from '../config/app-config.token';
import { ProjectionRegistry } from '../stores/projection-registry';

export const ENV_ADMIN_KEY_ID = 'env-admin';

/** Where the generated first admin key is announced (stdout by default; tests capture it). */
export const KEY_ANNOUNCER = Symbol('KEY_ANNOUNCER');
export type KeyAnnouncer = (line: string) => void;

export interface IssueApiKeyInput {
  role: Role;
  subjectId: string;
  label?: string;
}

export interface IssuedApiKey {
  keyId: string;
  /** The secret, shown once. */
  apiKey: string;
  role: Role;
  subjectId: string;
  label?: string;
  issuedAt: string;
}

/**
 * API keys as events (ApiKeyIssued / ApiKeyRevoked in `api-key-<keyId>`),
 * authenticated against a per-process cache of key records. The cache is
 * filled on demand by reading the key's stream (no replay of the whole log at
 * start) and kept current by following the log (LogFollower) from its head
 * at start, so a key revoked by another API process stops working as soon
 * as that process's event reaches this one. While the follower is failed
 * the cache is bypassed and every request reads the key's stream; its retry
 * starts again from the head with an empty cache.
 */
@Injectable()
export class ApiKeyService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ApiKeys');
  private readonly cache = new Map<string, ApiKeyRecord>();
  /** Bumped per key whenever the feed delivers one of its events: a stream read that raced with it is not cached. */
  private readonly changes = new Map<string, number>();
  private readonly envAdminHash: string | undefined;
  /** Keeps the cache current; shows in /health as "api-key-cache". */
  readonly feed: LogFollower;
  private readonly revokedKeys = new Subject<string>();

  constructor(
    private readonly events: EventStore,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(KEY_ANNOUNCER) private readonly announce: KeyAnnouncer,
    followers: ProjectionRegistry,
  ) {
    this.envAdminHash = config.adminApiKey === undefined ? undefined : hashApiKey(config.adminApiKey);
    this.feed = followers.follower(
      new LogFollower(events, {
        name: 'api-key-cache',
        // Keys are read on demand: the cache starts empty and needs only what happens from now on.
        resume: async () => {
          const head = await this.events.headPosition();
          this.cache.clear();
          return head;
        },
        handle: (batch) => this.apply(batch),
        onFailure: (e, f) => {
          this.cache.clear();
          followers.logFailures(new Error(`reading keys from the log on every request until it recovers: ${e.message}`, { cause: e }), f);
        },
      }),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.feed.start();
    if (this.envAdminHash === undefined) await this.bootstrapAdminKey();
  }

  async onModuleDestroy(): Promise<void> {
    await this.feed.stop();
  }

  /** Whether the cache is kept current (the follower is subscribed): otherwise every lookup reads the key's stream. */
  private get live(): boolean {
    return this.feed.status === 'live' || this.feed.status === 'catching-up';
  }

  /**
   * Key ids as their revocation reaches this process (revoked here or, through
   * the log subscription, by another API process). Open event streams of the
   * key are closed on it.
   */
  get revocations(): Observable<string> {
    return this.revokedKeys.asObservable();
  }

  /** Whether a principal's key is still valid (not revoked); for long-lived requests such as event streams. */
  async stillValid(principal: Principal): Promise<boolean> {
    if (principal.keyId === ENV_ADMIN_KEY_ID) return this.envAdminHash !== undefined;
    const record = await this.find(principal.keyId);
    return record !== undefined && !record.revokedAt;
  }

  /** The principal for a bearer token, or undefined when the key is unknown, revoked or malformed. */
  async authenticate(token: string): Promise<Principal | undefined> {
    if (this.envAdminHash !== undefined && apiKeyMatches(token, this.envAdminHash)) {
      return { role: 'admin', subjectId: ENV_ADMIN_KEY_ID, keyId: ENV_ADMIN_KEY_ID };
    }
    const keyId = parseApiKeyId(token);
    if (keyId === undefined) return undefined;
    const record = await this.find(keyId);
    if (!record || record.revokedAt || !apiKeyMatches(token, record.keyHash)) return undefined;
    return { role: record.role, subjectId: record.subjectId, keyId: record.keyId };
  }

  async issue(input: IssueApiKeyInput, by: Principal | 'system'): Promise<IssuedApiKey> {
    const key = generateApiKey();
    const actor = by === 'system' ? 'system:api' : actorOf(by);
    const { append } = await decideOnStream(
      this.events,
      apiKeyStream(key.keyId),
      apiKeyDecider,
      {
        type: 'IssueApiKey',
        data: {
          keyId: key.keyId,
          role: input.role,
          subjectId: input.subjectId,
          keyHash: key.keyHash,
          issuedBy: actor,
          ...(input.label ? { label: input.label } : {}),
        },
      },
      { context: () => undefined, actor, correlationId: key.keyId },
    );
    const result = append!;
    this.apply(result.events);
    const issuedAt = result.events[0].metadata.recordedAt;
    return {
      keyId: key.keyId,
      apiKey: key.apiKey,
      role: input.role,
      subjectId: input.subjectId,
      ...(input.label ? { label: input.label } : {}),
      issuedAt,
    };
  }

  /** Idempotent: revoking a revoked key changes nothing. */
  async revoke(keyId: string, by: Principal, reason?: string): Promise<ApiKeyRecord> {
    if (keyId === ENV_ADMIN_KEY_ID) {
      throw new IllegalStateError('configured-key', 'The ADMIN_API_KEY key is configuration, not a stored key', {
        hint: 'Change or remove ADMIN_API_KEY and restart the service to rotate it.',
      });
    }
    const record = await this.find(keyId, { fresh: true });
    if (!record) throw new NotFoundError('api-key-not-found', `No API key ${keyId}`, { field: 'keyId' });
    if (record.revokedAt) return record;
    const actor = actorOf(by);
    // A concurrent revocation (another request, another process) is re-read and then decides nothing.
    const { append } = await decideOnStream(
      this.events,
      record.streamName,
      apiKeyDecider,
      { type: 'RevokeApiKey', data: { keyId, revokedBy: actor, ...(reason ? { reason } : {}) } },
      { context: () => undefined, actor, correlationId: keyId, attempts: 2 },
    );
    if (!append) return (await this.find(keyId, { fresh: true })) ?? record;
    this.apply(append.events);
    return this.cache.get(keyId) ?? record;
  }

  /** The stored record (hash included: never send it out as is). */
  async find(keyId: string, options: { fresh?: boolean } = {}): Promise<ApiKeyRecord | undefined> {
    if (this.live && !options.fresh) {
      const hit = this.cache.get(keyId);
      if (hit) return hit;
    }
    const before = this.changes.get(keyId) ?? 0;
    const record = (await this.load(apiKeyStream(keyId))) ?? (await this.loadBootstrap(keyId));
    if (record && this.live && (this.changes.get(keyId) ?? 0) === before) this.cache.set(keyId, record);
    return record;
  }

  private async load(streamName: string): Promise<ApiKeyRecord | undefined> {
    let events: RecordedEvent[];
    try {
      events = await this.events.readStream(streamName);
    } catch (e) {
      if (e instanceof StreamNotFound) return undefined;
      throw e;
    }
    let state: ApiKeyRecord | undefined;
    for (const ev of events) state = evolveApiKey(state, ev as unknown as ApiKeyEvent, { recordedAt: ev.metadata.recordedAt, streamName });
    return state;
  }

  private async loadBootstrap(keyId: string): Promise<ApiKeyRecord | undefined> {
    const record = await this.load(ADMIN_BOOTSTRAP_STREAM);
    return record?.keyId === keyId ? record : undefined;
  }

  private apply(events: RecordedEvent[]): void {
    for (const ev of events) {
      if (!API_KEY_EVENT_TYPES.includes(ev.type) || !ev.streamName.startsWith(API_KEY_STREAM_PREFIX)) continue;
      const event = ev as unknown as ApiKeyEvent;
      const keyId = event.data.keyId;
      this.changes.set(keyId, (this.changes.get(keyId) ?? 0) + 1);
      const next = evolveApiKey(this.cache.get(keyId), event, { recordedAt: ev.metadata.recordedAt, streamName: ev.streamName });
      // A revocation of a key not cached yet: drop nothing, the next lookup reads the stream.
      if (next) this.cache.set(keyId, next);
      if (event.type === 'ApiKeyRevoked') this.revokedKeys.next(keyId);
    }
  }

  /** First start without ADMIN_API_KEY: one process generates an admin key and prints it once. */
  private async bootstrapAdminKey(): Promise<void> {
    if (await this.events.streamExists(ADMIN_BOOTSTRAP_STREAM)) return;
    const key = generateApiKey();
    try {
      const { append } = await decideOnStream(
        this.events,
        ADMIN_BOOTSTRAP_STREAM,
        apiKeyDecider,
        {
          type: 'IssueApiKey',
          data: {
            keyId: key.keyId,
            role: 'admin',
            subjectId: 'bootstrap-admin',
            keyHash: key.keyHash,
            issuedBy: 'system:bootstrap',
            label: 'generated at first start',
          },
        },
        { context: () => undefined, actor: 'system:bootstrap', correlationId: key.keyId },
      );
      this.apply(append!.events);
    } catch (e) {
      // Another process generated it first (it raced us to the append, or had appended before we read).
      if (e instanceof WrongExpectedRevision || (e instanceof ConflictError && e.code === 'api-key-exists')) return;
      throw e;
    }
    this.announce(
      [
        '',
        '================================================================',
        ' 1TT Ledger: no ADMIN_API_KEY was set, so an admin API key was',
        ' generated. It is shown this once and stored only as a hash:',
        '',
        `   ${key.apiKey}`,
        '',
        ` Use it as "Authorization: Bearer <key>". Key id: ${key.keyId}`,
        '================================================================',
        '',
      ].join('\n'),
    );
  }
}
