import { randomUUID } from 'node:crypto';
import { GENESIS_HASH, computeEventHash } from './hash-chain';
import type { EventMetadata, NewEvent, RecordedEvent } from './event-store.port';

/**
 * Data and metadata are stored as JSON; hashing the value as it will read
 * back (bigints already strings, undefined members gone) keeps the hash
 * verifiable from the stored bytes alone.
 */
export function toJsonValue(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? 'null');
}

/** Fills in id and metadata and links the event into its stream's chain. */
export function sealEvent(
  streamName: string,
  event: NewEvent,
  revision: number,
  prevHash: string,
  recordedAt: string,
): Omit<RecordedEvent, 'position'> {
  const id = event.id ?? randomUUID();
  const metadata: EventMetadata = toJsonValue({
    correlationId: event.metadata?.correlationId ?? id,
    causationId: event.metadata?.causationId ?? id,
    actor: event.metadata?.actor ?? 'system',
    schemaVersion: event.metadata?.schemaVersion ?? 1,
    ...event.metadata,
    recordedAt,
  }) as EventMetadata;
  const data = toJsonValue(event.data);
  const sealed = { id, streamName, revision, type: event.type, data, metadata, prevHash: prevHash || GENESIS_HASH };
  return { ...sealed, hash: computeEventHash(sealed) };
}

export function validateStreamName(streamName: string): void {
  if (typeof streamName !== 'string' || streamName.length === 0 || streamName.length > 512 || streamName.startsWith('$')) {
    throw new TypeError(`Invalid stream name "${String(streamName)}": 1-512 characters, not starting with "$"`);
  }
}
