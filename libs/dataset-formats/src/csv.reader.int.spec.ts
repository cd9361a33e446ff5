import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import fc from 'fast-check';
import { DatasetFormatError, DEFAULT_READ_LIMITS, readDocuments, type ReadProgress } from '@1tt/dataset-formats';
import { readCsv } from './csv.reader';
import type { FormatRecord } from './format-record';
import type { TextChunk } from './utf8-text';

/**
 * The CSV reader is a streaming tokenizer of its own (issue #20, M6: csv-parse
 * built every wide record whole, 1.49 GB for a 66 MB file). It must read
 * every CSV as csv-parse did: a differential fuzz holds it to csv-parse with
 * the options the reader used before, on small hostile inputs cut into
 * chunks of every size.
 */

type Outcome = { records: FormatRecord[] } | { reason: string; line?: number };

const LIMITS = { maxRecordChars: DEFAULT_READ_LIMITS.maxDocumentBytes, maxColumns: DEFAULT_READ_LIMITS.maxCsvColumns };

function progress(): ReadProgress {
  return { compressedBytesRead: 0, decompressedBytesRead: 0, records: 0, documents: 0, peakBufferedBytes: 0 };
}

async function* textChunks(text: string, size: number): AsyncGenerator<TextChunk> {
  for (let i = 0; i < text.length; i += size) {
    const piece = text.slice(i, i + size);
    yield { text: piece, byteStart: 0, byteLength: Buffer.byteLength(piece) };
  }
}

async function outcome(records: AsyncIterable<FormatRecord>): Promise<Outcome> {
  const out: FormatRecord[] = [];
  try {
    for await (const r of records) out.push(r);
  } catch (e) {
    if (!(e instanceof DatasetFormatError)) throw e;
    return { reason: e.reason, line: e.line };
  }
  return { records: out };
}

/** The reader as it was before issue #20's M6 (csv-parse), reduced to what it yielded or the reason it refused. */
async function* csvParseOracle(text: string, textField: string): AsyncGenerator<FormatRecord> {
  const parser = parse({
    bom: true,
    columns: (header: string[]) => {
      const names = header.map((h) => String(h).trim());
      if (!names.includes(textField)) throw new DatasetFormatError('missing_text_column', 'no text column', { line: 1 });
      return names;
    },
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    max_record_size: LIMITS.maxRecordChars,
  });
  Readable.from([Buffer.from(text)]).pipe(parser);
  try {
    for await (const item of parser as AsyncIterable<{ record: Record<string, string | undefined>; info: { lines: number } }>) {
      const t = item.record[textField];
      if (typeof t !== 'string') yield { skip: 'missing_text_field', line: item.info.lines };
      else yield { text: t, line: item.info.lines };
    }
  } catch (e) {
    if (e instanceof DatasetFormatError) throw e;
    const err = e as { code?: string; lines?: number };
    // csv-parse's INVALID_OPENING_QUOTE has no CSV_ prefix: the old reader let it through as an internal error; it is invalid CSV.
    if (typeof err.code === 'string') throw new DatasetFormatError('invalid_csv', 'invalid', { line: err.lines });
    throw e;
  } finally {
    parser.destroy();
  }
}

describe('CSV reader: the same records as csv-parse', () => {
  const pieces = ['a', 'é', 'text', 'id', ',', ',', '"', '"', '""', '\n', '\n', '\r\n', '\r', ' ', '\ufeff', '日本'];
  const body = fc.array(fc.constantFrom(...pieces), { maxLength: 40 }).map((p) => p.join(''));
  const header = fc.constantFrom('text,id', 'id,text', '"text",id', ' text ,x', 'text', 'id,text,text', 'body', '"te""xt"');
  const eol = fc.constantFrom('\n', '\r\n', '\r', '');

  it('on fuzzed inputs (header, body, chunk size), yields the same texts, skips, lines and refusals', async () => {
    await fc.assert(
      fc.asyncProperty(header, eol, body, fc.integer({ min: 1, max: 9 }), async (h, e, b, size) => {
        const text = h + e + b;
        const expected = await outcome(csvParseOracle(text, 'text'));
        const actual = await outcome(readCsv(textChunks(text, size), 'text', LIMITS, progress()));
        expect(actual).toEqual(expected);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 2000), seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined },
    );
  });

  it.each([
    ['quoted fields with commas, doubled quotes and line breaks', 'id,text\r\n1,"a, ""b""\r\nc"\r\n2,d\r\n'],
    ['a bare LF inside a CRLF file is a character of the field', 'text,id\r\na\nb,1\r\n'],
    ['CR as the record delimiter', 'text\rone\rtwo\r'],
    ['empty lines before the header and between records', '\n\ntext\n\none\n\n\ntwo'],
    ['a quoted empty line is a record', 'text\n""\nx\n'],
    ['a quote inside an unquoted field', 'text\nab"c\n'],
    ['a character after a closing quote', 'text\n"ab"c\n'],
    ['a LF after a closing quote in a CRLF file', 'text\r\n"a"\nb\r\n'],
    ['an unclosed quote', 'text,id\n"never closed,1\nnext,2\n'],
    ['the text column twice: the last one a row reaches', 'text,id,text\n1,2,3\n4,5\n'],
  ])('%s', async (_what, text) => {
    for (const size of [1, 2, 3, 64 * 1024]) {
      expect(await outcome(readCsv(textChunks(text, size), 'text', LIMITS, progress()))).toEqual(
        await outcome(csvParseOracle(text, 'text')),
      );
    }
  });
});

describe('CSV reader: wide records (issue #20, M6)', () => {
  /** A CSV whose header and rows are generated as they are read: the test holds no more than the reader does. */
  function wideCsv(opts: { rows: number; columns: number; cell: number; textChars: number }): () => Readable {
    const header = ['text', ...Array.from({ length: opts.columns - 1 }, (_, i) => `c${i}`)].join(',') + '\n';
    const cell = 'x'.repeat(opts.cell);
    return () =>
      Readable.from(
        (function* () {
          yield Buffer.from(header);
          for (let r = 0; r < opts.rows; r++) {
            // The text in 64 KiB pieces, as a file is read: a reader that holds it has to gather it.
            yield Buffer.from(`"row ${r} `);
            for (let t = 0; t < opts.textChars; t += 64 * 1024) yield Buffer.from('t'.repeat(Math.min(64 * 1024, opts.textChars - t)));
            yield Buffer.from('"');
            for (let c = 1; c < opts.columns; c += 256) {
              const n = Math.min(256, opts.columns - c);
              yield Buffer.from(`,${cell}`.repeat(n));
            }
            yield Buffer.from('\n');
          }
        })(),
      );
  }

  it('a 2 MB record of 2,048 columns with a small text column is read while the reader holds about one input chunk', async () => {
    const reader = readDocuments({ fileName: 'wide.csv', open: wideCsv({ rows: 12, columns: 2048, cell: 1024, textChars: 20 }) });
    const texts: string[] = [];
    for await (const d of reader) texts.push(d.text);
    expect(texts).toHaveLength(12);
    expect(texts[11]).toBe(`row 11 ${'t'.repeat(20)}`);
    expect(reader.summary.decompressedBytesRead).toBeGreaterThan(24 * 1024 * 1024);
    // The reader's own accounting: what it held at once never approaches one record (2 MB).
    expect(reader.summary.peakBufferedBytes).toBeLessThan(300 * 1024);
  });

  it('the accounting is honest: a 4 MB text field is counted as held', async () => {
    const reader = readDocuments({ fileName: 'long.csv', open: wideCsv({ rows: 2, columns: 3, cell: 10, textChars: 4 * 1024 * 1024 }) });
    let n = 0;
    for await (const _ of reader) n++;
    expect(n).toBe(2);
    expect(reader.summary.peakBufferedBytes).toBeGreaterThanOrEqual(4 * 1024 * 1024);
  });

  async function refusal(open: () => Readable, maxCsvColumns?: number): Promise<DatasetFormatError> {
    const reader = readDocuments({ fileName: 'w.csv', open }, { maxCsvColumns });
    try {
      for await (const _ of reader);
    } catch (e) {
      if (e instanceof DatasetFormatError) return e;
      throw e;
    }
    throw new Error('expected a refusal');
  }

  it('a header or a record with more than maxCsvColumns (16,384) fields is refused csv_too_many_columns with its line', async () => {
    const header = await refusal(wideCsv({ rows: 1, columns: 16_385, cell: 1, textChars: 1 }));
    expect(header).toMatchObject({ reason: 'csv_too_many_columns', code: 'csv-too-many-columns', line: 1 });
    expect(header.message).toContain('16384');
    const row = await refusal(() => Readable.from([Buffer.from(`text,id\nok,1\nfine,2\n${'x,'.repeat(16_384)}x\n`)]));
    expect(row).toMatchObject({ reason: 'csv_too_many_columns', line: 4 });
    const small = await refusal(() => Readable.from([Buffer.from('text,a,b\n1,2,3,4\n')]), 3);
    expect(small).toMatchObject({ reason: 'csv_too_many_columns', line: 2 });
  });

  it('exactly maxCsvColumns fields are accepted', async () => {
    const reader = readDocuments({ fileName: 'w.csv', open: wideCsv({ rows: 3, columns: 16_384, cell: 1, textChars: 1 }) });
    let n = 0;
    for await (const _ of reader) n++;
    expect(n).toBe(3);
  });

  it('a record over maxDocumentBytes is refused document_too_large, however its characters are spread over columns', async () => {
    const open = wideCsv({ rows: 3, columns: 1000, cell: 100, textChars: 1 });
    const reader = readDocuments({ fileName: 'w.csv', open }, { maxDocumentBytes: 64 * 1024 });
    await expect(
      (async () => {
        for await (const _ of reader);
      })(),
    ).rejects.toMatchObject({ reason: 'document_too_large', line: 2 });
    expect(reader.summary.peakBufferedBytes).toBeLessThan(200 * 1024);
  });
});
