import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { Decompress } from 'fzstd';
import { DatasetFormatError, plainCause } from './dataset-format.error';
import type { Compression } from './dataset-format';
import type { ReadLimits, ReadProgress } from './read-limits';

const SLICE = 64 * 1024;
/** zstd windows above this would make fzstd allocate that much at once: refused. 128 MiB covers every standard level. */
export const MAX_ZSTD_WINDOW_BYTES = 128 * 1024 * 1024;

/** Counts bytes taken from the source; errors of the source pass through unchanged. */
export async function* countSource(source: AsyncIterable<Uint8Array>, progress: ReadProgress, compressed: boolean): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    const b = Buffer.isBuffer(chunk)
      ? chunk
      : typeof chunk === 'string'
        ? Buffer.from(chunk)
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    progress.compressedBytesRead += b.length;
    if (!compressed) progress.decompressedBytesRead += b.length;
    yield b;
  }
}

/** Raw bytes → decompressed bytes, with the bomb rule applied as bytes come out. */
export function decompress(
  raw: AsyncIterable<Buffer>,
  compression: Compression,
  limits: ReadLimits,
  progress: ReadProgress,
): AsyncIterable<Buffer> {
  switch (compression) {
    case 'none':
      return raw;
    case 'gzip':
      return gunzip(raw, limits, progress);
    case 'zstd':
      return unzstd(raw, limits, progress);
  }
}

function checkBomb(limits: ReadLimits, progress: ReadProgress): void {
  const out = progress.decompressedBytesRead;
  const ratioExceeded =
    out > limits.compressionRatioGraceBytes && out > limits.maxCompressionRatio * Math.max(1, progress.compressedBytesRead);
  if (ratioExceeded || out > limits.maxDecompressedBytes) {
    throw new DatasetFormatError(
      'decompression_bomb',
      ratioExceeded
        ? `Decompressed size exceeds ${limits.maxCompressionRatio}x the compressed size`
        : `Decompressed size exceeds the limit of ${limits.maxDecompressedBytes} bytes`,
      { byteOffset: progress.compressedBytesRead },
      'Upload the data uncompressed or split it into smaller files.',
    );
  }
}

async function* gunzip(raw: AsyncIterable<Buffer>, limits: ReadLimits, progress: ReadProgress): AsyncGenerator<Buffer> {
  const input = Readable.from(raw, { objectMode: false });
  const z = createGunzip({ chunkSize: SLICE });
  let sourceError: unknown;
  input.on('error', (e) => {
    sourceError = e;
    z.destroy(e);
  });
  input.pipe(z);
  try {
    for await (const chunk of z) {
      const b = chunk as Buffer;
      progress.decompressedBytesRead += b.length;
      checkBomb(limits, progress);
      yield b;
    }
  } catch (e) {
    if (e === sourceError || e instanceof DatasetFormatError) throw e;
    throw zlibError(e, progress);
  } finally {
    input.destroy();
    z.destroy();
  }
}

function zlibError(e: unknown, progress: ReadProgress): Error {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(err.message)) {
    return new DatasetFormatError(
      'truncated_compression',
      'The gzip data ends before its end marker (truncated file)',
      { byteOffset: progress.compressedBytesRead },
      'Upload the complete file.',
    );
  }
  if (typeof err.code === 'string' && err.code.startsWith('Z_')) {
    return new DatasetFormatError(
      'corrupt_compression',
      `The gzip data is corrupt: ${plainCause(err, 'not valid gzip data')}`,
      { byteOffset: progress.compressedBytesRead },
      'Check the file with `gzip -t`.',
    );
  }
  return err;
}

async function* unzstd(raw: AsyncIterable<Buffer>, limits: ReadLimits, progress: ReadProgress): AsyncGenerator<Buffer> {
  const out: Buffer[] = [];
  let pending = 0;
  const d = new Decompress((data) => {
    // fzstd may hand out views of its window buffer, which it reuses: copy.
    out.push(Buffer.from(data));
    pending += data.length;
    progress.decompressedBytesRead += data.length;
    progress.peakBufferedBytes = Math.max(progress.peakBufferedBytes, pending);
    checkBomb(limits, progress);
  });
  let header: Buffer | undefined = Buffer.alloc(0);
  const push = (chunk: Uint8Array, final: boolean) => {
    try {
      d.push(chunk, final);
    } catch (e) {
      if (e instanceof DatasetFormatError) throw e;
      const code = (e as { code?: number }).code;
      if (code === 5) {
        throw new DatasetFormatError(
          'truncated_compression',
          'The zstd data ends in the middle of a frame (truncated file)',
          { byteOffset: progress.compressedBytesRead },
          'Upload the complete file.',
        );
      }
      throw new DatasetFormatError(
        'corrupt_compression',
        `The zstd data is corrupt: ${plainCause(e, 'not a valid zstd frame')}`,
        { byteOffset: progress.compressedBytesRead },
        'Check the file with `zstd -t`.',
      );
    }
  };
  function* drain(): Generator<Buffer> {
    while (out.length) {
      const b = out.shift()!;
      pending -= b.length;
      yield b;
    }
  }
  for await (const chunk of raw) {
    if (header) {
      header = Buffer.concat([header, chunk]);
      if (header.length < 14) continue;
      checkZstdWindow(header);
      const all = header;
      header = undefined;
      for (let i = 0; i < all.length; i += SLICE) {
        push(all.subarray(i, i + SLICE), false);
        yield* drain();
      }
      continue;
    }
    // Feeding in slices bounds the output produced by one push.
    for (let i = 0; i < chunk.length; i += SLICE) {
      push(chunk.subarray(i, i + SLICE), false);
      yield* drain();
    }
  }
  if (header) {
    if (header.length === 0) return;
    checkZstdWindow(header);
    push(header, false);
    yield* drain();
  }
  push(new Uint8Array(0), true);
  yield* drain();
}

/** Refuses a first frame whose window would need more than MAX_ZSTD_WINDOW_BYTES of memory. */
function checkZstdWindow(h: Buffer): void {
  if (h.length < 6 || h.readUInt32LE(0) !== 0xfd2fb528) return; // not a frame start: fzstd reports it
  const fhd = h[4];
  const singleSegment = (fhd >> 5) & 1;
  let window: number;
  if (!singleSegment) {
    const wd = h[5];
    const base = 2 ** (10 + (wd >> 3));
    window = base + (base / 8) * (wd & 7);
  } else {
    const dictBytes = [0, 1, 2, 4][fhd & 3];
    const fcsFlag = fhd >> 6;
    const fcsBytes = [1, 2, 4, 8][fcsFlag];
    const at = 5 + dictBytes;
    if (h.length < at + fcsBytes) return;
    window =
      fcsBytes === 1
        ? h[at]
        : fcsBytes === 2
          ? h.readUInt16LE(at) + 256
          : fcsBytes === 4
            ? h.readUInt32LE(at)
            : Number(h.readBigUInt64LE(at));
  }
  if (window > MAX_ZSTD_WINDOW_BYTES) {
    throw new DatasetFormatError(
      'corrupt_compression',
      `The zstd window (${window} bytes) exceeds the supported ${MAX_ZSTD_WINDOW_BYTES} bytes`,
      { byteOffset: 0 },
      'Recompress without --long (or with --long=27 at most).',
    );
  }
}
