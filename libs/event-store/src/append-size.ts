import type { NewEvent } from './event-store.port';
import { AppendTooLarge } from './event-store.errors';

/**
 * The most one append may hold, in every adapter: EventStoreDB's default
 * MaxAppendSize (1 MiB), which counts each event's data, metadata and type.
 * The embedded and PostgreSQL stores could take more, but a log that only
 * one store accepts cannot move to another, so all of them refuse what
 * EventStoreDB would (AppendTooLarge, nothing written).
 */
export const MAX_APPEND_BYTES = 1024 * 1024;

/**
 * Per event, what EventStoreDB adds to our metadata (the hash chain: prevHash,
 * hash, event id and their keys, ~190 bytes) with room to spare.
 */
const PER_EVENT_OVERHEAD = 256;

/** Bytes one sealed event counts against the limit. */
export function storedEventBytes(type: string, dataJson: string, metadataJson: string): number {
  return Buffer.byteLength(dataJson) + Buffer.byteLength(metadataJson) + 2 * type.length + PER_EVENT_OVERHEAD;
}

/** Throws AppendTooLarge when the sealed events of one append exceed the limit. */
export function assertEventsFit(streamName: string, sizes: readonly number[], limit = MAX_APPEND_BYTES): void {
  let total = 0;
  for (const n of sizes) total += n;
  if (total > limit) throw new AppendTooLarge(streamName, total, limit);
}

/**
 * Room kept per event for what sealing adds to the caller's metadata
 * (correlation and causation ids, actor, schemaVersion, recordedAt).
 */
const SEALING_ALLOWANCE = 512;

/** An upper bound of what an event will count once sealed. */
export function estimatedEventBytes(event: NewEvent): number {
  const data = JSON.stringify(event.data, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? 'null';
  const metadata = JSON.stringify(event.metadata ?? {});
  return storedEventBytes(event.type, data, metadata) + SEALING_ALLOWANCE;
}

/**
 * Cuts events into consecutive groups that each fit one append (in order),
 * for writers whose output can outgrow one append (a payout run over many
 * contributors). An event that alone is over the limit is refused.
 */
export function splitIntoAppends<T extends NewEvent>(streamName: string, events: readonly T[], limit = MAX_APPEND_BYTES): T[][] {
  const groups: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const e of events) {
    const n = estimatedEventBytes(e);
    if (n > limit) throw new AppendTooLarge(streamName, n, limit);
    if (current.length > 0 && bytes + n > limit) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(e);
    bytes += n;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
