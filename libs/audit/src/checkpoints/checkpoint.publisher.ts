import { appendDecided } from '@1tt/command-path';
import { readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { WrongExpectedRevision, type EventStore } from '@1tt/event-store';
import { ValidationError } from '@1tt/domain-errors';
import {
  CHECKPOINT_EVENT_TYPE,
  CHECKPOINT_STREAM,
  checkpointSignatureValid,
  loadPrivateKey,
  publicKeyFingerprint,
  signCheckpoint,
  type LogCheckpointSigned,
} from './checkpoint-signature';
import { LOG_HASH_GENESIS, nextLogHash } from './log-hash';

export interface CheckpointPublisherOptions {
  privateKey: KeyObject;
  /** Seconds between attempts (start()). */
  intervalSeconds: number;
  now?: () => Date;
  /** Called when a tick fails (the timer keeps running). */
  onError?: (error: unknown) => void;
}

export interface CheckpointConfig {
  privateKey: KeyObject;
  intervalSeconds: number;
}

/**
 * Reads CHECKPOINT_SIGNING_KEY_FILE (PEM, Ed25519 private key) and
 * CHECKPOINT_INTERVAL_SECONDS (default 3600). Returns undefined when no key
 * file is configured: checkpoints are then off. A bad value is a
 * ValidationError naming the variable, for the start-up configuration check.
 */
export function checkpointConfigFromEnv(env: NodeJS.ProcessEnv = process.env): CheckpointConfig | undefined {
  const file = env.CHECKPOINT_SIGNING_KEY_FILE;
  if (!file) return undefined;
  let privateKey: KeyObject;
  try {
    privateKey = loadPrivateKey(readFileSync(file));
  } catch (e) {
    throw new ValidationError(
      'checkpoint-key-unreadable',
      `CHECKPOINT_SIGNING_KEY_FILE: cannot load an Ed25519 private key from ${file}: ${(e as Error).message}`,
      {
        field: 'CHECKPOINT_SIGNING_KEY_FILE',
        hint: 'Create one with `npx 1tt audit keygen --out <dir>` and point the variable at its private.pem.',
      },
    );
  }
  const raw = env.CHECKPOINT_INTERVAL_SECONDS ?? '3600';
  const intervalSeconds = Number(raw);
  if (!/^\d+$/.test(raw) || intervalSeconds < 1 || intervalSeconds > 86400 * 7) {
    throw new ValidationError(
      'checkpoint-interval-invalid',
      `CHECKPOINT_INTERVAL_SECONDS must be a whole number of seconds between 1 and 604800, got ${JSON.stringify(raw)}`,
      {
        field: 'CHECKPOINT_INTERVAL_SECONDS',
      },
    );
  }
  return { privateKey, intervalSeconds };
}

/**
 * Publishes signed checkpoints of the whole log to the `checkpoint-log`
 * stream. It keeps the rolling log hash in memory and, on each tick, folds
 * only the events appended since; after a restart it resumes from its own
 * last checkpoint (whose signature it checks) instead of re-reading the log.
 * Several service instances may run one each: the append uses the stream's
 * expected revision, so for a given log state only one checkpoint is written.
 */
export class CheckpointPublisher {
  private position = 0;
  private logHash = LOG_HASH_GENESIS;
  private headHash = LOG_HASH_GENESIS;
  private resumed = false;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private readonly fingerprint: string;

  constructor(
    private readonly store: EventStore,
    private readonly options: CheckpointPublisherOptions,
  ) {
    this.fingerprint = publicKeyFingerprint(options.privateKey);
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.publishOnce()).catch((e) => this.options.onError?.(e));
    }, this.options.intervalSeconds * 1000);
    this.timer.unref();
  }

  /** Stops the timer and waits for a tick in flight. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running.catch(() => undefined);
  }

  /**
   * Signs the log as it is now and appends the checkpoint. Returns it, or
   * undefined when there is nothing new to sign (empty log, or nothing after
   * the last checkpoint) or another instance signed first.
   */
  async publishOnce(): Promise<LogCheckpointSigned | undefined> {
    const last = await this.lastCheckpoint();
    if (!this.resumed) {
      this.resumed = true;
      if (last && last.data.publicKeyFingerprint === this.fingerprint && checkpointSignatureValid(last.data, this.options.privateKey)) {
        this.position = last.data.position;
        this.logHash = last.data.logHash;
        this.headHash = last.data.headHash;
      }
    }
    const head = await this.store.headPosition();
    if (head === 0 || (last && last.position === head)) return undefined;
    if (head > this.position) {
      for await (const e of this.store.readAll({ afterPosition: this.position, toPosition: head, pageSize: 1000 })) {
        this.logHash = nextLogHash(this.logHash, e.position, e.hash);
        this.headHash = e.hash;
        this.position = e.position;
      }
    }
    const data = signCheckpoint(
      { position: this.position, logHash: this.logHash, headHash: this.headHash },
      this.options.privateKey,
      (this.options.now ?? (() => new Date()))(),
    );
    try {
      await appendDecided(this.store, CHECKPOINT_STREAM, [{ type: CHECKPOINT_EVENT_TYPE, data }], {
        expectedRevision: last ? last.revision : 'no-stream',
        cause: { actor: 'system:checkpoint-publisher' },
      });
    } catch (e) {
      if (e instanceof WrongExpectedRevision) return undefined;
      throw e;
    }
    return data;
  }

  private async lastCheckpoint(): Promise<{ position: number; revision: number; data: LogCheckpointSigned } | undefined> {
    if (!(await this.store.streamExists(CHECKPOINT_STREAM))) return undefined;
    const [e] = await this.store.readStream(CHECKPOINT_STREAM, { direction: 'backwards', maxCount: 1 });
    return e ? { position: e.position, revision: e.revision, data: e.data as LogCheckpointSigned } : undefined;
  }
}
