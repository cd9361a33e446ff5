import type { ReadProgress } from './read-limits';
import type { TextChunk } from './utf8-text';

export interface TextLine {
  /** Without the line terminator (LF or CRLF). Empty when tooLarge. */
  text: string;
  /** 1-based. */
  line: number;
  /** Byte offset of the line's first byte in the decompressed content. */
  byteOffset: number;
  /** UTF-8 bytes of the line without terminator. */
  byteLength: number;
  /** The line exceeded maxLineBytes: its content was dropped while reading, never held. */
  tooLarge?: boolean;
}

/**
 * Splits decoded text into lines holding at most maxLineBytes of one line
 * at a time: past that, the rest of the line is discarded as it streams by
 * and the line comes out marked tooLarge.
 */
export async function* splitLines(
  chunks: AsyncIterable<TextChunk>,
  maxLineBytes: number,
  progress: ReadProgress,
): AsyncGenerator<TextLine> {
  let parts: string[] = [];
  let partBytes = 0;
  let tooLarge = false;
  let line = 1;
  let lineStart = 0;

  const finish = (last: string, lastBytes: number): TextLine => {
    let text = tooLarge ? '' : parts.length ? parts.join('') + last : last;
    let byteLength = partBytes + lastBytes;
    if (text.endsWith('\r')) {
      text = text.slice(0, -1);
      byteLength -= 1;
    }
    const out: TextLine = { text, line, byteOffset: lineStart, byteLength };
    if (tooLarge) out.tooLarge = true;
    parts = [];
    partBytes = 0;
    tooLarge = false;
    return out;
  };

  for await (const chunk of chunks) {
    const { text } = chunk;
    const ascii = text.length === chunk.byteLength;
    let pos = 0;
    let bytePos = chunk.byteStart;
    for (;;) {
      const nl = text.indexOf('\n', pos);
      const piece = nl < 0 ? text.slice(pos) : text.slice(pos, nl);
      const pieceBytes = ascii ? piece.length : Buffer.byteLength(piece);
      if (nl < 0) {
        if (piece.length) {
          partBytes += pieceBytes;
          if (!tooLarge && partBytes > maxLineBytes) {
            tooLarge = true;
            parts = [];
          }
          if (!tooLarge) parts.push(piece);
          progress.peakBufferedBytes = Math.max(progress.peakBufferedBytes, tooLarge ? 0 : partBytes);
        }
        break;
      }
      if (!tooLarge && partBytes + pieceBytes > maxLineBytes) tooLarge = true;
      yield finish(piece, pieceBytes);
      bytePos += pieceBytes + 1;
      lineStart = bytePos;
      line++;
      pos = nl + 1;
    }
  }
  if (parts.length || partBytes > 0 || tooLarge) yield finish('', 0);
}
