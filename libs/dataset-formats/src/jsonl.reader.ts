import type { FormatRecord } from './format-record';
import type { TextLine } from './line-splitter';

/**
 * JSON Lines: one JSON object per line; blank lines are ignored. A line
 * that is not JSON is skipped as `invalid_json`; an object without a string
 * in the text field (or a value that is not an object) as
 * `missing_text_field`.
 */
export async function* readJsonl(lines: AsyncIterable<TextLine>, textField: string): AsyncGenerator<FormatRecord> {
  for await (const l of lines) {
    const where = { line: l.line, byteOffset: l.byteOffset };
    if (l.tooLarge) {
      yield { skip: 'document_too_large', ...where };
      continue;
    }
    if (l.text.trim().length === 0) continue;
    let value: unknown;
    try {
      value = JSON.parse(l.text);
    } catch {
      yield { skip: 'invalid_json', ...where };
      continue;
    }
    const text =
      value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[textField] : undefined;
    if (typeof text !== 'string') {
      yield { skip: 'missing_text_field', ...where };
      continue;
    }
    yield { text, ...where };
  }
}
