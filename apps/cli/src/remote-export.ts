import { createReadStream, createWriteStream, existsSync, openSync, readSync, closeSync, statSync, truncateSync } from 'node:fs';
import { once } from 'node:events';
import * as http from 'node:http';
import * as https from 'node:https';
import { createInterface } from 'node:readline';
import { LOG_HASH_GENESIS, nextLogHash, type LogHeader } from '@1tt/audit';
import { CliUsageError } from './cli-context';

/** The trailer GET /v1/audit/export ends with (src/audit-export). */
const LOG_HASH_TRAILER = '1tt-log-hash';

export interface RemoteExportOptions {
  /** Base URL of the service, e.g. https://ledger.example.org */
  url: string;
  key: string;
  out: string;
  /** Continue a cut download in `out` instead of starting again. */
  resume: boolean;
  toPosition?: number;
  asOf?: Date;
  onProgress?: (position: number, toPosition: number) => void;
}

export interface RemoteExportSummary {
  header: LogHeader;
  /** Event lines in the file (after a resume: all of them, old and new). */
  events: number;
  lastPosition: number;
  /** The server's log hash, equal to the one recomputed from the file. */
  logHash: string;
  resumedAfter?: number;
}

/**
 * `1tt audit export --url --key`: downloads the export over the API (the
 * auditor needs an API key, no database), streams it to the file, resumes a
 * cut download from the last complete line, and checks the rolling log
 * hash the server sends as a trailer against the file it wrote.
 */
export async function downloadExport(options: RemoteExportOptions): Promise<RemoteExportSummary> {
  const partial = options.resume && existsSync(options.out) ? readPartial(options.out) : undefined;
  if (partial && (options.toPosition !== undefined || options.asOf !== undefined))
    throw new CliUsageError('--resume continues at the cut the file was started with; leave out --to-position and --as-of');
  const query = new URLSearchParams();
  if (partial) {
    query.set('atPosition', String(partial.header.toPosition));
    query.set('afterPosition', String(partial.lastPosition));
  } else if (options.toPosition !== undefined) query.set('atPosition', String(options.toPosition));
  else if (options.asOf !== undefined) query.set('asOf', options.asOf.toISOString());
  const target = new URL(`/v1/audit/export?${query}`, options.url);
  const res = await get(target, options.key);
  if (res.statusCode !== 200) throw new CliUsageError(`${target.origin} answered ${res.statusCode}: ${await problemOf(res)}`);

  if (partial) truncateSync(options.out, partial.completeBytes);
  const file = createWriteStream(options.out, { flags: partial ? 'a' : 'w' });
  let header: LogHeader | undefined = partial?.header;
  let pending = '';
  let headerSeen = false;
  let lastPosition = partial?.lastPosition ?? 0;
  res.setEncoding('utf8');
  try {
    for await (const chunk of res as AsyncIterable<string>) {
      let text = chunk;
      if (!headerSeen) {
        pending += text;
        const nl = pending.indexOf('\n');
        if (nl < 0) continue;
        const served = JSON.parse(pending.slice(0, nl)) as LogHeader;
        if (partial && served.toPosition !== partial.header.toPosition)
          throw new CliUsageError(`the server cut the log at ${served.toPosition}, the file at ${partial.header.toPosition}: start again`);
        header = partial ? partial.header : served;
        text = partial ? pending.slice(nl + 1) : pending;
        headerSeen = true;
        pending = '';
      }
      const lastNl = text.lastIndexOf('\n');
      if (lastNl >= 0) {
        const tail = (pending + text.slice(0, lastNl)).split('\n').pop();
        if (tail && tail.startsWith('{"position":')) lastPosition = (JSON.parse(tail) as { position: number }).position;
        pending = text.slice(lastNl + 1);
      } else pending += text;
      if (!file.write(text)) await once(file, 'drain');
      if (header) options.onProgress?.(lastPosition, header.toPosition);
    }
  } catch (e) {
    if (e instanceof CliUsageError) throw e;
    throw new CliUsageError(
      `the download from ${target.origin} was cut (${(e as Error).message}); run the same command again with --resume`,
    );
  } finally {
    file.end();
  }
  await once(file, 'finish');
  const served = res.trailers[LOG_HASH_TRAILER];
  if (!header || !served)
    throw new CliUsageError(`the download from ${target.origin} was cut before its end; run the same command again with --resume`);
  const recomputed = await logHashOf(options.out);
  if (recomputed.logHash !== served)
    throw new CliUsageError(
      `the file's log hash ${recomputed.logHash} differs from the server's ${served}: the file is not the service's log; start again without --resume`,
    );
  return { header, events: recomputed.events, lastPosition: recomputed.lastPosition, logHash: served, resumedAfter: partial?.lastPosition };
}

interface PartialFile {
  header: LogHeader;
  lastPosition: number;
  /** Bytes up to and including the last complete line. */
  completeBytes: number;
}

/** The header and the last complete event line of a cut export (a torn last line is dropped). */
function readPartial(path: string): PartialFile {
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(Math.min(size, 64 * 1024));
    readSync(fd, head, 0, head.length, 0);
    const firstNl = head.indexOf(10);
    if (firstNl < 0) throw new CliUsageError(`${path} has no complete header line: start again without --resume`);
    const header = JSON.parse(head.subarray(0, firstNl).toString('utf8')) as LogHeader;
    const tailLength = Math.min(size, 4 * 1024 * 1024);
    const tail = Buffer.alloc(tailLength);
    readSync(fd, tail, 0, tailLength, size - tailLength);
    const lastNl = tail.lastIndexOf(10);
    const completeBytes = size - tailLength + lastNl + 1;
    const prevNl = tail.lastIndexOf(10, lastNl - 1);
    const lastLine = tail.subarray(prevNl + 1, lastNl).toString('utf8');
    const lastPosition = completeBytes <= firstNl + 1 ? 0 : (JSON.parse(lastLine) as { position: number }).position;
    return { header, lastPosition, completeBytes };
  } finally {
    closeSync(fd);
  }
}

async function logHashOf(path: string): Promise<{ logHash: string; events: number; lastPosition: number }> {
  let logHash = LOG_HASH_GENESIS;
  let events = 0;
  let lastPosition = 0;
  let first = true;
  for await (const line of createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity })) {
    if (first) {
      first = false;
      continue;
    }
    if (line === '') continue;
    const e = JSON.parse(line) as { position: number; hash: string };
    logHash = nextLogHash(logHash, e.position, e.hash);
    lastPosition = e.position;
    events += 1;
  }
  return { logHash, events, lastPosition };
}

function get(url: URL, key: string): Promise<http.IncomingMessage> {
  const client = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined;
  if (!client) throw new CliUsageError(`--url must be http:// or https://, got "${url.protocol}"`);
  return new Promise((resolve, reject) => {
    client
      .get(url, { headers: { Authorization: `Bearer ${key}`, Accept: 'application/x-ndjson' } }, resolve)
      .on('error', (e) => reject(new CliUsageError(`cannot reach ${url.origin}: ${e.message}`)));
  });
}

async function problemOf(res: http.IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of res) body += chunk;
  try {
    const p = JSON.parse(body) as { detail?: string; hint?: string; code?: string };
    return [p.detail, p.hint].filter(Boolean).join(' ') || p.code || body.slice(0, 200);
  } catch {
    return body.slice(0, 200);
  }
}
