import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { DatasetFormatError } from './dataset-format.error';
import type { ReadLimits, ReadProgress } from './read-limits';

/**
 * Archive members, streamed: nothing is extracted to disk. Members are
 * produced in archive order; `body()` may be called once, before the next
 * member is asked for (an unread body is skipped).
 */
export interface ArchiveMember {
  /** The path as recorded in the archive (pax/GNU long names applied). */
  path: string;
  /** `file` is a regular file; `link` a symlink or hardlink; `other` a device, FIFO or unknown type. */
  kind: 'file' | 'directory' | 'link' | 'other';
  /** ZIP: encrypted (general purpose flag bit 0). */
  encrypted?: boolean;
  /** ZIP: a compression method other than stored (0) or deflate (8). */
  unsupportedMethod?: number;
  body(): AsyncIterable<Buffer>;
}

const BLOCK = 512;
const SLICE = 64 * 1024;
/** Most bytes a pax extended header or GNU long name may take. */
const MAX_META_BYTES = 1024 * 1024;

function invalid(message: string, byteOffset?: number): DatasetFormatError {
  return new DatasetFormatError(
    'invalid_archive',
    message,
    byteOffset !== undefined ? { byteOffset } : {},
    'Check the archive with `tar -tvf` or `unzip -t`, or upload its files one by one.',
  );
}

/** Pulls exact byte counts from a chunk stream. */
class ByteReader {
  private buf: Buffer = Buffer.alloc(0);
  private done = false;
  offset = 0;
  private readonly it: AsyncIterator<Buffer>;

  constructor(source: AsyncIterable<Buffer>) {
    this.it = source[Symbol.asyncIterator]();
  }

  private async fill(n: number): Promise<void> {
    while (this.buf.length < n && !this.done) {
      const r = await this.it.next();
      if (r.done) this.done = true;
      else this.buf = this.buf.length ? Buffer.concat([this.buf, r.value]) : r.value;
    }
  }

  /** Exactly n bytes, or null at a clean end of input; a partial block is a truncated archive. */
  async read(n: number): Promise<Buffer | null> {
    await this.fill(n);
    if (this.buf.length === 0) return null;
    if (this.buf.length < n) throw invalid('The archive ends in the middle of an entry (truncated file)', this.offset);
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    this.offset += n;
    return out;
  }

  /** n bytes as they come, in slices. */
  async *stream(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (this.buf.length === 0) await this.fill(1);
      if (this.buf.length === 0) throw invalid('The archive ends in the middle of a member (truncated file)', this.offset);
      const take = Math.min(left, this.buf.length, SLICE);
      const out = this.buf.subarray(0, take);
      this.buf = this.buf.subarray(take);
      this.offset += take;
      left -= take;
      yield out;
    }
  }

  async skip(n: number): Promise<void> {
    for await (const _ of this.stream(n)) {
      // discarded
    }
  }

  async close(): Promise<void> {
    await this.it.return?.();
  }
}

function cString(b: Buffer): string {
  const nul = b.indexOf(0);
  return (nul >= 0 ? b.subarray(0, nul) : b).toString('utf8');
}

function octal(b: Buffer, at: number): number {
  const field = b.subarray(at, at + 12);
  if (field[0] & 0x80) {
    // GNU base-256: big-endian after the marker bit.
    let v = field[0] & 0x7f;
    for (let i = 1; i < field.length; i++) v = v * 256 + field[i];
    return v;
  }
  const s = cString(field).trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) return NaN;
  return parseInt(s, 8);
}

function checksumOk(h: Buffer): boolean {
  const recorded = parseInt(cString(h.subarray(148, 156)).trim() || 'x', 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i];
  return sum === recorded;
}

/** `key=value` records of a pax extended header ("<len> <key>=<value>\n"). */
function paxRecords(b: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < b.length) {
    const sp = b.indexOf(0x20, i);
    if (sp < 0) break;
    const len = parseInt(b.subarray(i, sp).toString('ascii'), 10);
    if (!Number.isSafeInteger(len) || len <= sp - i || i + len > b.length) break;
    const rec = b.subarray(sp + 1, i + len - 1).toString('utf8');
    const eq = rec.indexOf('=');
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    i += len;
  }
  return out;
}

/**
 * A tar stream (ustar, pax `path`/`size` records, GNU `L` long names and
 * base-256 sizes). The header checksum is verified; an end without the two
 * zero blocks is accepted, a member cut short is `invalid_archive`.
 */
export async function* tarMembers(input: AsyncIterable<Buffer>): AsyncGenerator<ArchiveMember> {
  const r = new ByteReader(input);
  let longName: string | undefined;
  let pax: Record<string, string> = {};
  try {
    for (;;) {
      const at = r.offset;
      const h = await r.read(BLOCK);
      if (!h || h.every((x) => x === 0)) return;
      if (!checksumOk(h)) throw invalid('A tar header has a wrong checksum (not a tar archive, or corrupt)', at);
      const type = String.fromCharCode(h[156] || 0x30);
      let size = octal(h, 124);
      if (pax.size !== undefined && /^\d+$/.test(pax.size)) size = Number(pax.size);
      if (!Number.isSafeInteger(size) || size < 0) throw invalid('A tar header has an unreadable size', at);
      const padded = Math.ceil(size / BLOCK) * BLOCK;
      if (type === 'x' || type === 'g' || type === 'L' || type === 'K') {
        if (size > MAX_META_BYTES) throw invalid(`A tar extended header is larger than ${MAX_META_BYTES} bytes`, at);
        const meta = size ? await r.read(padded) : Buffer.alloc(0);
        if (!meta) throw invalid('The archive ends after an extended header (truncated file)', r.offset);
        const body = meta.subarray(0, size);
        if (type === 'x') pax = { ...pax, ...paxRecords(body) };
        else if (type === 'L') longName = cString(body);
        // 'g' (global pax) and 'K' (long link target) do not change the next member's name.
        continue;
      }
      const magic = h.subarray(257, 262).toString('latin1');
      const prefix = magic === 'ustar' ? cString(h.subarray(345, 500)) : '';
      const name = cString(h.subarray(0, 100));
      const path = pax.path ?? longName ?? (prefix ? `${prefix}/${name}` : name);
      longName = undefined;
      pax = {};
      const kind: ArchiveMember['kind'] =
        type === '0' || type === '7' ? 'file' : type === '5' ? 'directory' : type === '1' || type === '2' ? 'link' : 'other';
      let used = false;
      yield {
        path,
        kind,
        body: () => {
          if (used) throw new Error('An archive member body can be read only once');
          used = true;
          return r.stream(size);
        },
      };
      // Whatever the consumer left unread of the body, and the padding.
      const consumedTo = r.offset;
      const dataEnd = at + BLOCK + size;
      if (consumedTo < dataEnd) await r.skip(dataEnd - consumedTo);
      if (padded > size) await r.skip(padded - size);
    }
  } finally {
    await r.close();
  }
}

/** Random access to the bytes of a stored archive. */
export interface ArchiveFile {
  size: number;
  handle: FileHandle;
}

async function readAt(f: ArchiveFile, pos: number, len: number, progress: ReadProgress, count: boolean): Promise<Buffer> {
  if (pos < 0 || len < 0 || pos + len > f.size) throw invalid('A ZIP entry points outside the file', pos);
  const b = Buffer.alloc(len);
  let got = 0;
  while (got < len) {
    const { bytesRead } = await f.handle.read(b, got, len - got, pos + got);
    if (bytesRead === 0) throw invalid('The ZIP file ends early', pos + got);
    got += bytesRead;
  }
  if (count) progress.compressedBytesRead += len;
  return b;
}

async function* rangeOf(f: ArchiveFile, pos: number, len: number, progress: ReadProgress, count: boolean): AsyncGenerator<Buffer> {
  for (let off = 0; off < len; off += SLICE) yield await readAt(f, pos + off, Math.min(SLICE, len - off), progress, count);
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

interface ZipEntry {
  name: string;
  flags: number;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
  externalAttr: number;
  madeBy: number;
}

/**
 * A ZIP file, read from its central directory (the local headers are only
 * used to find where each member's data starts). ZIP64 sizes and offsets
 * are read. Bombs: each member's output is checked against its recorded
 * size and the ratio rule, and the archive's total output against the
 * ratio rule relative to the archive's size (overlapping members that
 * reuse one compressed kernel count many times over) and
 * maxDecompressedBytes.
 */
export async function* zipMembers(
  f: ArchiveFile,
  limits: ReadLimits,
  progress: ReadProgress,
  countReads: boolean,
): AsyncGenerator<ArchiveMember> {
  const tailLen = Math.min(f.size, 22 + 0xffff);
  const tail = await readAt(f, f.size - tailLen, tailLen, progress, countReads);
  let e = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD) {
      e = i;
      break;
    }
  }
  if (e < 0) throw invalid('Not a ZIP file (no end of central directory record)');
  const eocdPos = f.size - tailLen + e;
  let entries = tail.readUInt16LE(e + 10);
  let cdSize = tail.readUInt32LE(e + 12);
  let cdOffset = tail.readUInt32LE(e + 16);
  if (entries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = eocdPos >= 20 ? await readAt(f, eocdPos - 20, 20, progress, countReads) : undefined;
    if (!loc || loc.readUInt32LE(0) !== ZIP64_LOCATOR) throw invalid('A ZIP64 file without its ZIP64 locator', eocdPos);
    const z = Number(loc.readBigUInt64LE(8));
    const z64 = await readAt(f, z, 56, progress, countReads);
    if (z64.readUInt32LE(0) !== ZIP64_EOCD) throw invalid('A ZIP64 file with a broken ZIP64 end record', z);
    entries = Number(z64.readBigUInt64LE(32));
    cdSize = Number(z64.readBigUInt64LE(40));
    cdOffset = Number(z64.readBigUInt64LE(48));
  }
  if (cdOffset + cdSize > f.size) throw invalid('The ZIP central directory lies outside the file', cdOffset);
  const cd = new ByteReader(rangeOf(f, cdOffset, cdSize, progress, countReads));
  let totalOut = 0;
  try {
    for (let n = 0; n < entries; n++) {
      const at = cdOffset + cd.offset;
      const fixed = await cd.read(46);
      if (!fixed || fixed.readUInt32LE(0) !== CENTRAL) throw invalid('A ZIP central directory entry is broken', at);
      const nameLen = fixed.readUInt16LE(28);
      const extraLen = fixed.readUInt16LE(30);
      const commentLen = fixed.readUInt16LE(32);
      const rest = (await cd.read(nameLen + extraLen + commentLen)) ?? Buffer.alloc(0);
      if (rest.length < nameLen + extraLen + commentLen) throw invalid('A ZIP central directory entry is broken', at);
      const entry: ZipEntry = {
        name: rest.subarray(0, nameLen).toString(fixed.readUInt16LE(8) & 0x800 ? 'utf8' : 'latin1'),
        flags: fixed.readUInt16LE(8),
        method: fixed.readUInt16LE(10),
        compressedSize: fixed.readUInt32LE(20),
        size: fixed.readUInt32LE(24),
        localOffset: fixed.readUInt32LE(42),
        externalAttr: fixed.readUInt32LE(38),
        madeBy: fixed.readUInt16LE(4) >> 8,
      };
      applyZip64(entry, rest.subarray(nameLen, nameLen + extraLen));
      const mode = entry.madeBy === 3 ? (entry.externalAttr >>> 16) & 0o170000 : 0;
      const kind: ArchiveMember['kind'] = entry.name.endsWith('/')
        ? 'directory'
        : mode === 0o120000
          ? 'link'
          : mode === 0 || mode === 0o100000
            ? 'file'
            : mode === 0o040000
              ? 'directory'
              : 'other';
      const member: ArchiveMember = {
        path: entry.name,
        kind,
        body: () =>
          zipBody(f, entry, limits, progress, countReads, (n) => {
            totalOut += n;
            checkArchiveBomb(totalOut, f.size, limits, entry.name);
          }),
      };
      if (entry.flags & 1) member.encrypted = true;
      if (entry.method !== 0 && entry.method !== 8) member.unsupportedMethod = entry.method;
      yield member;
    }
  } finally {
    await cd.close();
  }
}

function applyZip64(entry: ZipEntry, extra: Buffer): void {
  let i = 0;
  while (i + 4 <= extra.length) {
    const id = extra.readUInt16LE(i);
    const len = extra.readUInt16LE(i + 2);
    if (id === 0x0001) {
      let p = i + 4;
      const end = p + len;
      const next = (): number | undefined => {
        if (p + 8 > end || p + 8 > extra.length) return undefined;
        const v = Number(extra.readBigUInt64LE(p));
        p += 8;
        return v;
      };
      if (entry.size === 0xffffffff) entry.size = next() ?? entry.size;
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next() ?? entry.compressedSize;
      if (entry.localOffset === 0xffffffff) entry.localOffset = next() ?? entry.localOffset;
      return;
    }
    i += 4 + len;
  }
}

function bomb(message: string, member: string): DatasetFormatError {
  return new DatasetFormatError(
    'decompression_bomb',
    `${message} (member ${JSON.stringify(member)})`,
    {},
    'Upload the files uncompressed or split the archive.',
  );
}

function checkArchiveBomb(totalOut: number, archiveBytes: number, limits: ReadLimits, member: string): void {
  if (totalOut > limits.maxDecompressedBytes)
    throw bomb(`Decompressed size exceeds the limit of ${limits.maxDecompressedBytes} bytes`, member);
  if (totalOut > limits.compressionRatioGraceBytes && totalOut > limits.maxCompressionRatio * Math.max(1, archiveBytes)) {
    throw bomb(`Decompressed size exceeds ${limits.maxCompressionRatio}x the archive size`, member);
  }
}

async function* zipBody(
  f: ArchiveFile,
  entry: ZipEntry,
  limits: ReadLimits,
  progress: ReadProgress,
  countReads: boolean,
  onOut: (n: number) => void,
): AsyncGenerator<Buffer> {
  const local = await readAt(f, entry.localOffset, 30, progress, countReads);
  if (local.readUInt32LE(0) !== LOCAL)
    throw invalid(`The local header of ZIP member ${JSON.stringify(entry.name)} is broken`, entry.localOffset);
  const start = entry.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  const raw = rangeOf(f, start, entry.compressedSize, progress, countReads);
  let out = 0;
  const account = (n: number): void => {
    out += n;
    progress.decompressedBytesRead += n;
    if (out > entry.size)
      throw invalid(`ZIP member ${JSON.stringify(entry.name)} decompresses to more than its recorded size`, entry.localOffset);
    if (out > limits.compressionRatioGraceBytes && out > limits.maxCompressionRatio * Math.max(1, entry.compressedSize)) {
      throw bomb(`Decompressed size exceeds ${limits.maxCompressionRatio}x the compressed size`, entry.name);
    }
    onOut(n);
  };
  if (entry.method === 0) {
    for await (const b of raw) {
      account(b.length);
      yield b;
    }
  } else {
    const input = Readable.from(raw, { objectMode: false });
    const z = createInflateRaw({ chunkSize: SLICE });
    let sourceError: unknown;
    input.on('error', (err) => {
      sourceError = err;
      z.destroy(err);
    });
    input.pipe(z);
    try {
      for await (const chunk of z) {
        const b = chunk as Buffer;
        account(b.length);
        yield b;
      }
    } catch (err) {
      if (err === sourceError || err instanceof DatasetFormatError) throw err;
      throw invalid(`ZIP member ${JSON.stringify(entry.name)} has corrupt deflate data`, entry.localOffset);
    } finally {
      input.destroy();
      z.destroy();
    }
  }
  if (out !== entry.size) throw invalid(`ZIP member ${JSON.stringify(entry.name)} is shorter than its recorded size`, entry.localOffset);
}

/** A member path that would leave the extraction directory if extracted (absolute, drive letter, `..`). */
export function isUnsafeMemberPath(p: string): boolean {
  if (p === '' || p.startsWith('/') || p.startsWith('\\') || /^[A-Za-z]:/.test(p)) return true;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(p)) return true;
  return p.split(/[\\/]/).some((seg) => seg === '..');
}

const NESTED = /\.(zip|tar|tgz|tbz2?|txz|tzst|gz|gzip|zst|zstd|bz2|xz|lz|lzma|7z|rar|jar|war|whl|apk|deb|rpm|cab|iso)$/i;
const TEXT_EXT =
  /\.(txt|text|md|markdown|mdown|mkd|rst|adoc|asciidoc|org|tex|man|[1-8]|c|h|cc|cpp|cxx|hpp|hh|cs|java|kt|kts|scala|go|rs|swift|m|mm|js|mjs|cjs|jsx|ts|tsx|py|pyi|rb|php|pl|pm|lua|r|jl|sh|bash|zsh|fish|ps1|sql|hs|ml|mli|ex|exs|erl|clj|dart|vue|svelte|css|scss|less|el|vim|zig|nim|f90|pas|asm|s|cmake|gradle|groovy|tf|proto|html?|xml|ya?ml|toml|ini|cfg|conf)$/i;

/** How a member is read: as one text document, as JSON Lines or CSV records, or not at all. */
export type MemberReading = 'document' | 'jsonl' | 'csv' | 'nested' | 'not_text';

/**
 * By the member's name: .jsonl/.ndjson and .csv are read as their format;
 * text and source files (TEXT_EXT) and files without an extension (README,
 * LICENSE, Makefile) are one document each; archives and compressed files
 * inside are not opened (depth 1); anything else is not text.
 */
export function memberReading(p: string): MemberReading {
  const base = p.split('/').pop()!;
  if (/\.(jsonl|ndjson)$/i.test(base)) return 'jsonl';
  if (/\.csv$/i.test(base)) return 'csv';
  if (NESTED.test(base)) return 'nested';
  if (TEXT_EXT.test(base) || !base.includes('.') || /^\.[^.]+$/.test(base)) return 'document';
  return 'not_text';
}
