import type { FormatRecord } from './format-record';
import type { TextLine } from './line-splitter';

/**
 * Plain text: documents are separated by one or more blank lines (lines
 * holding only whitespace count as blank). A document's lines are joined
 * with "\n". A document over maxDocumentBytes is dropped as it streams by
 * and reported as skipped. With `whole` (markdown files) blank lines do not
 * split: the file is one document (its blank lines kept).
 */
export async function* readTxt(
  lines: AsyncIterable<TextLine>,
  maxDocumentBytes: number,
  onBuffered: (bytes: number) => void,
  whole = false,
): AsyncGenerator<FormatRecord> {
  let parts: string[] = [];
  let bytes = 0;
  let start: TextLine | undefined;
  let tooLarge = false;

  const flush = (): FormatRecord => {
    const rec: FormatRecord = tooLarge
      ? { skip: 'document_too_large', line: start!.line, byteOffset: start!.byteOffset }
      : { text: parts.join('\n'), line: start!.line, byteOffset: start!.byteOffset, byteLength: bytes };
    parts = [];
    bytes = 0;
    start = undefined;
    tooLarge = false;
    return rec;
  };

  for await (const l of lines) {
    const blank = !l.tooLarge && isBlank(l.text);
    if (blank && whole) {
      if (start && !tooLarge) {
        bytes += l.byteLength + 1;
        parts.push(l.text);
      }
      continue;
    }
    if (blank) {
      if (start) yield flush();
      continue;
    }
    start ??= l;
    bytes += l.byteLength + (parts.length ? 1 : 0);
    if (l.tooLarge || bytes > maxDocumentBytes) {
      tooLarge = true;
      parts = [];
    }
    if (!tooLarge) {
      parts.push(l.text);
      onBuffered(bytes);
    }
  }
  if (start) yield flush();
}

function isBlank(s: string): boolean {
  return s.length === 0 || s.trim().length === 0;
}
