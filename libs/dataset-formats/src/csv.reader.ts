import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { DatasetFormatError } from './dataset-format.error';
import type { FormatRecord } from './format-record';
import type { TextChunk } from './utf8-text';

interface CsvErrorLike {
  code?: string;
  lines?: number;
  message: string;
}

/**
 * CSV (RFC 4180, comma-separated, double-quote quoting, fields may span
 * lines) with a header row naming the columns. A header without the text
 * column rejects the file. A row without a value in that column is skipped
 * as `missing_text_field`. A quoting error or a record over
 * maxDocumentBytes rejects the file: after either, the parser cannot tell
 * where the next record begins, so skipping would guess.
 */
export async function* readCsv(
  chunks: AsyncIterable<TextChunk>,
  textField: string,
  maxDocumentBytes: number,
): AsyncGenerator<FormatRecord> {
  const parser = parse({
    bom: true,
    columns: (header: string[]) => {
      const names = header.map((h) => String(h).trim());
      if (!names.includes(textField)) {
        throw new DatasetFormatError(
          'missing_text_column',
          `The CSV header has no column "${textField}" (columns: ${names
            .slice(0, 20)
            .map((n) => JSON.stringify(n))
            .join(', ')})`,
          { line: 1 },
          `Add a "${textField}" column or name the text column with the textField option.`,
        );
      }
      return names;
    },
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    max_record_size: maxDocumentBytes,
  });
  const input = Readable.from(
    (async function* () {
      for await (const c of chunks) yield c.text;
    })(),
    { objectMode: false, encoding: 'utf8' },
  );
  let inputError: unknown;
  input.on('error', (e) => {
    inputError = e;
    parser.destroy(e);
  });
  input.pipe(parser);
  try {
    for await (const item of parser as AsyncIterable<{ record: Record<string, string | undefined>; info: { lines: number } }>) {
      const text = item.record[textField];
      // A row too short to reach the text column has no text field; an empty cell is an empty document.
      if (typeof text !== 'string') yield { skip: 'missing_text_field', line: item.info.lines };
      else yield { text, line: item.info.lines };
    }
  } catch (e) {
    if (e === inputError || e instanceof DatasetFormatError) throw e;
    const err = e as CsvErrorLike;
    if (err.code === 'CSV_MAX_RECORD_SIZE') {
      throw new DatasetFormatError(
        'document_too_large',
        `A CSV record exceeds ${maxDocumentBytes} characters`,
        { line: err.lines },
        'Split very long texts into several records.',
      );
    }
    if (typeof err.code === 'string' && err.code.startsWith('CSV_')) {
      throw new DatasetFormatError(
        'invalid_csv',
        `The CSV is malformed: ${err.message}`,
        { line: err.lines },
        'Quote fields containing commas, quotes or line breaks and double embedded quotes (RFC 4180).',
      );
    }
    throw e;
  } finally {
    input.destroy();
    parser.destroy();
  }
}
