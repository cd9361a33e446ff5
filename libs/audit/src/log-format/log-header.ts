import type { RecordedEvent } from '@1tt/event-store';
import { isUtcTimestamp } from '@1tt/ledger';

/**
 * The export format (see libs/audit/README.md, the normative text auditors
 * implement against): UTF-8 NDJSON, one JSON object per line. Line 1 is a
 * LogHeader; every following line is one RecordedEvent, in position order.
 */
export const LOG_FORMAT = '1tt-log';
export const LOG_FORMAT_VERSION = 1;

export interface LogHeader {
  format: typeof LOG_FORMAT;
  version: typeof LOG_FORMAT_VERSION;
  /** ISO-8601 UTC time the export started. */
  exportedAt: string;
  /** First position in the file (always 1: verification needs the whole history). */
  fromPosition: number;
  /** Last position in the file (0 for an empty log). */
  toPosition: number;
  /**
   * True when the source store numbers positions 1, 2, 3… with no holes (the
   * embedded SQLite store), so a missing position is itself evidence of a
   * dropped event. EventStoreDB commit positions have holes: false.
   */
  contiguousPositions: boolean;
  /** Kind of store exported from ("sqlite", "eventstoredb"); informative only. */
  source?: string;
  /** The `--as-of` time the export was cut at, when one was given. */
  asOf?: string;
}

/** The fields of an event line, in the order the exporter writes them. */
export const EVENT_LINE_FIELDS = ['position', 'streamName', 'revision', 'id', 'type', 'data', 'metadata', 'prevHash', 'hash'] as const;

/** One event as a line (no trailing newline); fields in a fixed order so exports of the same log are byte-identical. */
export function encodeEventLine(e: RecordedEvent): string {
  return JSON.stringify({
    position: e.position,
    streamName: e.streamName,
    revision: e.revision,
    id: e.id,
    type: e.type,
    data: e.data,
    metadata: e.metadata,
    prevHash: e.prevHash,
    hash: e.hash,
  });
}

export function encodeHeaderLine(h: LogHeader): string {
  return JSON.stringify(h);
}

/** Why a header or line is refused: the message names the line and the field. */
export class LogFormatError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'LogFormatError';
  }
}

function isSafeNonNegativeInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

export function parseHeaderLine(text: string): LogHeader {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new LogFormatError(1, 'the header is not JSON: is this a 1tt-log export?');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new LogFormatError(1, 'the header is not a JSON object');
  const h = raw as Record<string, unknown>;
  if (h.format !== LOG_FORMAT) throw new LogFormatError(1, `header.format is ${JSON.stringify(h.format)}, expected "${LOG_FORMAT}"`);
  if (h.version !== LOG_FORMAT_VERSION) {
    throw new LogFormatError(
      1,
      `header.version is ${JSON.stringify(h.version)}; this tool reads version ${LOG_FORMAT_VERSION} (upgrade the tool for newer exports)`,
    );
  }
  if (typeof h.exportedAt !== 'string' || !isUtcTimestamp(h.exportedAt))
    throw new LogFormatError(1, 'header.exportedAt must be an ISO-8601 UTC time');
  if (h.fromPosition !== 1) throw new LogFormatError(1, 'header.fromPosition must be 1: verification needs the log from its first event');
  if (!isSafeNonNegativeInteger(h.toPosition)) throw new LogFormatError(1, 'header.toPosition must be a non-negative integer');
  if (typeof h.contiguousPositions !== 'boolean') throw new LogFormatError(1, 'header.contiguousPositions must be true or false');
  if (h.asOf !== undefined && (typeof h.asOf !== 'string' || !isUtcTimestamp(h.asOf)))
    throw new LogFormatError(1, 'header.asOf must be an ISO-8601 UTC time');
  return {
    format: LOG_FORMAT,
    version: LOG_FORMAT_VERSION,
    exportedAt: h.exportedAt,
    fromPosition: 1,
    toPosition: h.toPosition,
    contiguousPositions: h.contiguousPositions,
    ...(typeof h.source === 'string' ? { source: h.source } : {}),
    ...(typeof h.asOf === 'string' ? { asOf: h.asOf } : {}),
  };
}

/**
 * Parses an event line and checks its shape (not its hash: that is the
 * verifier's job). Refuses anything a later step could misread.
 */
export function parseEventLine(text: string, line: number): RecordedEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new LogFormatError(line, 'not valid JSON (truncated or edited file?)');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new LogFormatError(line, 'not a JSON object');
  const e = raw as Record<string, unknown>;
  const fail = (field: string, want: string): never => {
    throw new LogFormatError(line, `${field} must be ${want}, got ${JSON.stringify(e[field])?.slice(0, 80)}`);
  };
  if (!isSafeNonNegativeInteger(e.position) || e.position < 1) fail('position', 'a positive integer');
  if (typeof e.streamName !== 'string' || e.streamName.length === 0) fail('streamName', 'a non-empty string');
  if (!isSafeNonNegativeInteger(e.revision)) fail('revision', 'a non-negative integer');
  if (typeof e.id !== 'string' || e.id.length === 0) fail('id', 'a non-empty string');
  if (typeof e.type !== 'string' || e.type.length === 0) fail('type', 'a non-empty string');
  if (!('data' in e)) fail('data', 'present');
  const m = e.metadata as Record<string, unknown> | null;
  if (typeof m !== 'object' || m === null || Array.isArray(m)) fail('metadata', 'an object');
  if (typeof m!.recordedAt !== 'string' || !isUtcTimestamp(m!.recordedAt)) {
    throw new LogFormatError(line, 'metadata.recordedAt must be an ISO-8601 UTC time');
  }
  if (typeof e.prevHash !== 'string') fail('prevHash', 'a hex string');
  if (typeof e.hash !== 'string') fail('hash', 'a hex string');
  return e as unknown as RecordedEvent;
}
