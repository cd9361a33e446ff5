import type { FormatRecord } from './format-record';
import type { TextLine } from './line-splitter';

/** How plain text is cut into documents (the `sample_by` of Hugging Face's text loader). */
export type TextSplit = 'document' | 'paragraph' | 'line';

/**
 * Plain text. `paragraph`: documents are separated by one or more blank
 * lines (lines holding only whitespace count as blank). `document` (markdown
 * files, and .txt by default since issue #13): blank lines do not split, the
 * file is one document (its blank lines kept). `line`: every non-blank line
 * is a document. A document's lines are joined with "\n". A document over
 * maxDocumentBytes is dropped as it streams by and reported as skipped.
 */
export async function* readTxt(
  lines: AsyncIterable<TextLine>,
  maxDocumentBytes: number,
  onBuffered: (bytes: number) => void,
  split: TextSplit | boolean = 'paragraph',
): AsyncGenerator<FormatRecord> {
  // `true`/`false`: the former `whole` flag.
  const mode: TextSplit = split === true ? 'document' : split === false ? 'paragraph' : split;
  const whole = mode === 'document';
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
    if (mode === 'line') yield flush();
  }
  if (start) yield flush();
}

function isBlank(s: string): boolean {
  return s.length === 0 || s.trim().length === 0;
}
