import { Inject, Injectable, Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { CheckpointPublisher, loadPrivateKey } from '@1tt/audit';
import type { AppConfig } from '@1tt/config';
import { EventStore } from '@1tt/event-store';
import { APP_CONFIG } from '../config/app-config.token';

/**
 * Publishes signed checkpoints (position, rolling whole-log hash, Ed25519
 * signature) to the `checkpoint-log` stream every CHECKPOINT_INTERVAL_SECONDS
 * when CHECKPOINT_SIGNING_KEY_FILE is set. Auditors check them with
 * `1tt audit verify log.ndjson --public-key public.pem`: an edit of history
 * whose hash chain was recomputed no longer matches a signed log hash.
 */
@Injectable()
export class CheckpointPublishing implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Checkpoints');
  private publisher?: CheckpointPublisher;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly events: EventStore,
  ) {}

  onApplicationBootstrap(): void {
    const file = this.config.checkpointSigningKeyFile;
    if (!file) return;
    const privateKey = loadPrivateKey(readFileSync(file));
    this.publisher = new CheckpointPublisher(this.events, {
      privateKey,
      intervalSeconds: this.config.checkpointIntervalSeconds,
      onError: (e) => this.logger.warn(`Checkpoint not published: ${(e as Error).message}`),
    });
    this.publisher.start();
    this.logger.log(`Publishing signed checkpoints every ${this.config.checkpointIntervalSeconds}s`);
  }

  /** One checkpoint now (tests and operators). */
  publishNow() {
    return this.publisher?.publishOnce();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.publisher?.stop();
  }
}

@Module({ providers: [CheckpointPublishing], exports: [CheckpointPublishing] })
export class CheckpointModule {}
