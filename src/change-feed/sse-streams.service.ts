import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import type { AppConfig } from '@1tt/config';
import { ApiKeyService } from '../auth/api-key.service';
import { APP_CONFIG } from '../config/app-config.token';
import { LimitReached } from '../http/limit-reached.error';

/** Seconds a refused stream should wait before trying again. */
export const SSE_RETRY_AFTER_SECONDS = 5;

/** Why the service ended a stream (logged by nobody; tests and metrics read the counters). */
export type StreamEndReason = 'slow-client' | 'key-revoked';

interface OpenStream {
  keyId: string;
  close(reason: StreamEndReason): void;
}

/**
 * The open /v1/events streams of this process: at most SSE_MAX_STREAMS in
 * all and SSE_MAX_STREAMS_PER_KEY per API key (a stream counts from its
 * admission to its close), so no key can hold an unbounded number of
 * sockets and buffers. Also the place that ends every stream of a key when
 * the key is revoked.
 */
@Injectable()
export class SseStreams implements OnModuleInit, OnModuleDestroy {
  private revocations?: Subscription;
  private readonly byKey = new Map<string, Set<OpenStream>>();
  private total = 0;
  /** Streams the service ended, by reason, since start. */
  readonly ended: Record<StreamEndReason, number> = { 'slow-client': 0, 'key-revoked': 0 };

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly keys: ApiKeyService,
  ) {}

  onModuleInit(): void {
    this.revocations = this.keys.revocations.subscribe((keyId) => this.closeKey(keyId));
  }

  onModuleDestroy(): void {
    this.revocations?.unsubscribe();
  }

  /**
   * Admits one more stream for keyId, or throws LimitReached (429 over the
   * key's limit, 503 over the process's). Call the returned function once
   * when the stream ends, however it ends.
   */
  admit(keyId: string, close: (reason: StreamEndReason) => void): () => void {
    const mine = this.byKey.get(keyId) ?? new Set<OpenStream>();
    if (mine.size >= this.config.sseMaxStreamsPerKey) {
      throw new LimitReached(
        429,
        'too-many-streams',
        `This API key already has ${mine.size} open event streams, the most one key may hold (SSE_MAX_STREAMS_PER_KEY)`,
        SSE_RETRY_AFTER_SECONDS,
        'Close a stream you no longer read (one stream carries every message type; filter with ?types=), then retry after Retry-After seconds.',
      );
    }
    if (this.total >= this.config.sseMaxStreams) {
      throw new LimitReached(
        503,
        'streams-at-capacity',
        'The service is serving as many event streams as it allows (SSE_MAX_STREAMS)',
        SSE_RETRY_AFTER_SECONDS,
        'Retry after the number of seconds in the Retry-After header.',
      );
    }
    const stream: OpenStream = { keyId, close };
    mine.add(stream);
    this.byKey.set(keyId, mine);
    this.total++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total--;
      mine.delete(stream);
      if (mine.size === 0 && this.byKey.get(keyId) === mine) this.byKey.delete(keyId);
    };
  }

  /** Ends a stream the service gave up on (counted by reason). */
  noteEnded(reason: StreamEndReason): void {
    this.ended[reason]++;
  }

  /** Ends every open stream of a revoked key. */
  closeKey(keyId: string): void {
    for (const s of [...(this.byKey.get(keyId) ?? [])]) s.close('key-revoked');
  }

  /** Open streams in this process (all keys). */
  get openCount(): number {
    return this.total;
  }

  openFor(keyId: string): number {
    return this.byKey.get(keyId)?.size ?? 0;
  }
}
