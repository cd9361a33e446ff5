import { DatasetFormatError } from './dataset-format.error';
import type { ReadLimits, ReadProgress } from './read-limits';

/** A piece of decoded text and where its first character starts in the decompressed bytes. */
export interface TextChunk {
  text: string;
  byteStart: number;
  /** UTF-8 bytes the text came from. */
  byteLength: number;
}

/**
 * Bytes → validated text. First sniffs the head of the file for binary data
 * (any NUL byte, or too many control characters), then decodes with a fatal
 * streaming TextDecoder: a character split between two chunks is carried
 * over, not an error. Any NUL byte later in the file is binary data too.
 */
export async function* decodeUtf8(input: AsyncIterable<Buffer>, limits: ReadLimits, progress: ReadProgress): AsyncGenerator<TextChunk> {
  const bytes = fromUtf16WithBom(input);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let offset = 0; // bytes consumed before the current chunk
  let tail: Buffer = Buffer.alloc(0); // bytes of an incomplete character at the end of the previous chunk
  let sniff: Buffer[] | undefined = [];
  let sniffed = 0;
  let first = true;

  function* decodeChunk(chunk: Buffer): Generator<TextChunk> {
    const nul = chunk.indexOf(0);
    if (nul >= 0) throw binary(`NUL byte`, offset + nul);
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      const joined = Buffer.concat([tail, chunk]);
      const bad = firstInvalidUtf8(joined);
      throw invalidUtf8(offset - tail.length + (bad < 0 ? 0 : bad));
    }
    let start = offset - tail.length;
    let byteLength = tail.length + chunk.length;
    if (first && chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
      start += 3; // the decoder drops the byte order mark
      byteLength -= 3;
    }
    first = false;
    const newTail = incompleteTail(chunk, tail);
    byteLength -= newTail.length;
    tail = newTail;
    offset += chunk.length;
    if (text.length) yield { text, byteStart: start, byteLength };
  }

  function checkSniff(buf: Buffer): void {
    let control = 0;
    for (let i = 0; i < buf.length; i++) {
      const c = buf[i];
      if (c === 0) throw looksLikeUtf16(buf) ?? binary('NUL byte', i);
      // Tab, LF, VT, FF, CR and ESC occur in real text; other C0 controls and DEL do not.
      if ((c < 0x20 && c !== 9 && c !== 10 && c !== 11 && c !== 12 && c !== 13 && c !== 27) || c === 0x7f) control++;
    }
    if (buf.length > 0 && control / buf.length > limits.maxControlCharRatio) {
      throw binary(`${((100 * control) / buf.length).toFixed(1)}% control characters in the first ${buf.length} bytes`, 0);
    }
  }

  for await (const chunk of bytes) {
    if (sniff) {
      sniff.push(chunk);
      sniffed += chunk.length;
      progress.peakBufferedBytes = Math.max(progress.peakBufferedBytes, sniffed);
      if (sniffed < limits.binarySniffBytes) continue;
      const head = Buffer.concat(sniff);
      sniff = undefined;
      checkSniff(head.subarray(0, limits.binarySniffBytes));
      yield* decodeChunk(head);
      continue;
    }
    yield* decodeChunk(chunk);
  }
  if (sniff) {
    const head = Buffer.concat(sniff);
    checkSniff(head);
    yield* decodeChunk(head);
  }
  try {
    decoder.decode();
  } catch {
    throw invalidUtf8(offset - tail.length, 'The file ends in the middle of a UTF-8 character');
  }
}

/**
 * UTF-16 with a byte order mark (FF FE little-endian, FE FF big-endian) is
 * decoded and handed on as UTF-8, so every reader sees UTF-8 (byte offsets
 * in rejections and reports are then those of the UTF-8 text). Anything
 * else passes through unchanged. Unpaired surrogates reject the file
 * (`invalid_utf16`).
 */
async function* fromUtf16WithBom(bytes: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let head: Buffer = Buffer.alloc(0);
  let decoder: InstanceType<typeof TextDecoder> | undefined;
  let decided = false;
  let consumed = 0;
  const decode = (chunk: Buffer, stream: boolean): Buffer => {
    try {
      return Buffer.from(decoder!.decode(chunk, { stream }), 'utf8');
    } catch {
      throw new DatasetFormatError(
        'invalid_utf16',
        'The file starts with a UTF-16 byte order mark but is not valid UTF-16 (an unpaired surrogate)',
        { byteOffset: consumed },
        'Convert the file to UTF-8 (e.g. `iconv -f UTF-16 -t UTF-8`).',
      );
    }
  };
  for await (const chunk of bytes) {
    if (!decided) {
      head = Buffer.concat([head, chunk]);
      if (head.length < 2) continue;
      decided = true;
      const le = head[0] === 0xff && head[1] === 0xfe;
      const be = head[0] === 0xfe && head[1] === 0xff;
      if (!le && !be) {
        yield head;
        continue;
      }
      // The decoder drops the byte order mark.
      decoder = new TextDecoder(le ? 'utf-16le' : 'utf-16be', { fatal: true });
      const out = decode(head, true);
      consumed += head.length;
      if (out.length) yield out;
      continue;
    }
    if (!decoder) {
      yield chunk;
      continue;
    }
    const out = decode(chunk, true);
    consumed += chunk.length;
    if (out.length) yield out;
  }
  if (!decided) {
    if (head.length) yield head;
    return;
  }
  if (decoder) {
    const out = decode(Buffer.alloc(0), false);
    if (out.length) yield out;
  }
}

/** NUL bytes at nearly every other position of text: UTF-16 without a byte order mark. Says what to do. */
function looksLikeUtf16(buf: Buffer): DatasetFormatError | undefined {
  const n = Math.min(buf.length, 4096) & ~1;
  if (n < 4) return undefined;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (buf[i] === 0) evenNul++;
    if (buf[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  const order = oddNul > 0.3 * pairs && evenNul < 0.05 * pairs ? 'LE' : evenNul > 0.3 * pairs && oddNul < 0.05 * pairs ? 'BE' : undefined;
  if (!order) return undefined;
  return new DatasetFormatError(
    'binary_content',
    `The file looks like UTF-16${order} text without a byte order mark, not UTF-8`,
    { byteOffset: 0 },
    `Convert it to UTF-8 (e.g. \`iconv -f UTF-16${order} -t UTF-8\`), or save it as UTF-16 with a byte order mark.`,
  );
}

function binary(what: string, byteOffset: number): DatasetFormatError {
  return new DatasetFormatError(
    'binary_content',
    `The file looks like binary data, not text: ${what}`,
    { byteOffset },
    'Upload UTF-8 text (.txt, .jsonl, .csv) or Parquet.',
  );
}

function invalidUtf8(byteOffset: number, message = 'The file is not valid UTF-8'): DatasetFormatError {
  return new DatasetFormatError('invalid_utf8', message, { byteOffset }, 'Convert the file to UTF-8 (e.g. `iconv -f latin1 -t utf-8`).');
}

/** The bytes at the end of prev+chunk that start a character not yet complete (at most 3). */
function incompleteTail(chunk: Buffer, prevTail: Buffer): Buffer {
  const buf = chunk.length >= 4 ? chunk : Buffer.concat([prevTail, chunk]);
  for (let back = 1; back <= Math.min(3, buf.length); back++) {
    const c = buf[buf.length - back];
    if ((c & 0xc0) === 0x80) continue; // continuation byte: look further back
    const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return need > back ? Buffer.from(buf.subarray(buf.length - back)) : Buffer.alloc(0);
  }
  return Buffer.alloc(0);
}

/**
 * Index of the first byte that makes the buffer invalid UTF-8 (WHATWG rules:
 * no overlongs, surrogates or code points past U+10FFFF), -1 if none. A
 * sequence cut off by the end of the buffer is not counted as invalid here.
 */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= b.length) return -1;
      const n = b[i + k];
      if (n < (k === 1 ? lo : 0x80) || n > (k === 1 ? hi : 0xbf)) return i;
    }
    i += need + 1;
  }
  return -1;
}
