import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { EventStore } from '@1tt/event-store';
import { LOG_HASH_GENESIS, nextLogHash } from '../checkpoints/log-hash';
import { encodeEventLine, encodeHeaderLine, LOG_FORMAT, LOG_FORMAT_VERSION, type LogHeader } from './log-header';

export interface ExportOptions {
  /** Last position to include; defaults to the head of the log when the export starts. */
  toPosition?: number;
  /** Cut the log at the last event recorded at or before this time. */
  asOf?: Date;
  /**
   * Resume: write only the events after this position (the last one the
   * reader already has). The header is still the first line, and the log
   * hash still covers the whole log up to toPosition.
   */
  afterPosition?: number;
  /** Called now and then with the last position written and the target. */
  onProgress?: (position: number, toPosition: number) => void;
  /** For tests: the export time written in the header. */
  now?: () => Date;
}

export interface ExportSummary {
  header: LogHeader;
  events: number;
  bytes: number;
  /** Position of the last event written (0 when none). */
  lastPosition: number;
  /** The rolling log hash (see log-hash.ts) after toPosition: what a signed checkpoint at toPosition signs. */
  logHash: string;
}

const FLUSH_BYTES = 1 << 20;

/**
 * Writes the log as NDJSON to `out`, streaming from the store: memory holds
 * one page of events and one ~1 MiB write buffer, and waits for the
 * destination to drain (back-pressure). The caller closes `out`.
 */
export async function exportLog(store: EventStore, out: Writable, options: ExportOptions = {}): Promise<ExportSummary> {
  if (options.toPosition !== undefined && options.asOf !== undefined) {
    throw new RangeError('give either a position or a time to export up to, not both');
  }
  const head = await store.headPosition();
  let toPosition = head;
  if (options.toPosition !== undefined) toPosition = Math.min(options.toPosition, head);
  if (options.asOf !== undefined) toPosition = await store.positionAt(options.asOf);
  const health = await store.health().catch(() => ({ kind: 'unknown' }));
  const header: LogHeader = {
    format: LOG_FORMAT,
    version: LOG_FORMAT_VERSION,
    exportedAt: (options.now ?? (() => new Date()))().toISOString(),
    fromPosition: 1,
    toPosition,
    contiguousPositions: health.kind === 'sqlite',
    source: health.kind,
    ...(options.asOf ? { asOf: options.asOf.toISOString() } : {}),
  };

  let buffer = encodeHeaderLine(header) + '\n';
  let bytes = 0;
  let events = 0;
  let lastPosition = 0;
  let logHash = LOG_HASH_GENESIS;
  const after = options.afterPosition ?? 0;
  const flush = async (): Promise<void> => {
    if (buffer.length === 0) return;
    bytes += Buffer.byteLength(buffer);
    const ok = out.write(buffer);
    buffer = '';
    if (!ok) await once(out, 'drain');
  };
  if (toPosition > 0) {
    for await (const e of store.readAll({ fromPosition: 1, toPosition, pageSize: 1000 })) {
      logHash = nextLogHash(logHash, e.position, e.hash);
      if (e.position <= after) continue;
      buffer += encodeEventLine(e) + '\n';
      events += 1;
      lastPosition = e.position;
      if (buffer.length >= FLUSH_BYTES) {
        await flush();
        options.onProgress?.(lastPosition, toPosition);
      }
    }
  }
  await flush();
  options.onProgress?.(lastPosition, toPosition);
  return { header, events, bytes, lastPosition, logHash };
}
