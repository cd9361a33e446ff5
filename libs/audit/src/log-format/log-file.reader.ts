import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { RecordedEvent } from '@1tt/event-store';
import { LogFormatError, parseEventLine, parseHeaderLine, type LogHeader } from './log-header';

export interface LogLine {
  /** 1-based line number in the file (the header is line 1). */
  line: number;
  event: RecordedEvent;
}

export interface OpenedLog {
  header: LogHeader;
  /** The event lines, parsed and shape-checked, in file order; read once. */
  lines: AsyncIterable<LogLine>;
  /** Bytes read so far (for progress). */
  bytesRead(): number;
  close(): void;
}

/**
 * Splits a byte stream into lines without holding more than one chunk and
 * one partial line: memory stays flat whatever the file size. Faster than
 * readline on million-line files, and counts bytes for progress bars.
 */
async function* splitLines(input: Readable, counter: { bytes: number }): AsyncGenerator<string> {
  let rest = '';
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    counter.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    let start = 0;
    let nl = text.indexOf('\n', start);
    if (nl === -1) {
      rest += text;
      continue;
    }
    yield rest + text.slice(start, nl);
    rest = '';
    start = nl + 1;
    while ((nl = text.indexOf('\n', start)) !== -1) {
      yield text.slice(start, nl);
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  if (rest.length > 0) yield rest;
}

/**
 * Opens an export (a path, or "-" for standard input) and reads its header.
 * A UTF-8 decoder on the stream keeps multi-byte characters that straddle
 * chunk boundaries intact.
 */
export async function openLogFile(path: string): Promise<OpenedLog> {
  const input: Readable = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: 1 << 20 });
  input.setEncoding('utf8');
  return openLogStream(input);
}

export async function openLogStream(input: Readable): Promise<OpenedLog> {
  const counter = { bytes: 0 };
  const it = splitLines(input, counter)[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) throw new LogFormatError(1, 'the file is empty: expected a 1tt-log header line');
  const header = parseHeaderLine(stripCr(first.value));
  let consumed = false;
  async function* lines(): AsyncGenerator<LogLine> {
    if (consumed) throw new Error('the log lines can be read only once');
    consumed = true;
    let line = 1;
    let blankAt = 0;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      line += 1;
      const text = stripCr(next.value);
      if (text.length === 0) {
        blankAt = blankAt || line;
        continue;
      }
      if (blankAt) throw new LogFormatError(blankAt, 'blank line inside the log');
      yield { line, event: parseEventLine(text, line) };
    }
  }
  return {
    header,
    lines: lines(),
    bytesRead: () => counter.bytes,
    close: () => input.destroy(),
  };
}

function stripCr(s: string): string {
  return s.endsWith('\r') ? s.slice(0, -1) : s;
}

/** Just the events of an export, for replay: `replayLog(readLogEvents(log.lines), …)`. */
export async function* eventsOf(lines: AsyncIterable<LogLine>): AsyncGenerator<RecordedEvent> {
  for await (const l of lines) yield l.event;
}
