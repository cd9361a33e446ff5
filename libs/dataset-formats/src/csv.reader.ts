import { DatasetFormatError } from './dataset-format.error';
import type { FormatRecord } from './format-record';
import type { ReadProgress } from './read-limits';
import type { TextChunk } from './utf8-text';

export interface CsvLimits {
  /** Most characters one record may have (all its fields together); over it the file is rejected `document_too_large`. */
  maxRecordChars: number;
  /** Most fields one record (the header too) may have; past it the file is rejected `csv_too_many_columns`. */
  maxColumns: number;
}

/**
 * CSV (RFC 4180, comma-separated, double-quote quoting, fields may span
 * lines) with a header row naming the columns. A header without the text
 * column rejects the file. A row without a value in that column is skipped
 * as `missing_text_field`. A quoting error, a record over maxRecordChars or
 * with more than maxColumns fields rejects the file: after a quoting error
 * the reader cannot tell where the next record begins, so skipping would
 * guess.
 *
 * Memory per record is bounded whatever its width (issue #20, M6: a 66 MB
 * file of very wide rows took 1.49 GB): the tokenizer streams, keeps only
 * the field of the text column (and the header's fields while it reads the
 * header), and counts the other fields without holding them. What it holds
 * is reported in `progress.peakBufferedBytes`.
 */
export async function* readCsv(
  chunks: AsyncIterable<TextChunk>,
  textField: string,
  limits: CsvLimits,
  progress: ReadProgress,
): AsyncGenerator<FormatRecord> {
  const tokenizer = new CsvTokenizer(textField, limits, progress);
  for await (const c of chunks) yield* tokenizer.feed(c.text, false);
  yield* tokenizer.feed('', true);
}

/** The record delimiter: like csv-parse, the first CRLF, LF or CR outside quotes decides it for the whole file. */
type RecordDelimiter = '' | '\r\n' | '\n' | '\r';

const UNQUOTED_SPECIAL = /[,"\r\n]/g;
const QUOTED_SPECIAL = /["\r\n]/g;
const HEADER_NAMES_SHOWN = 20;

/**
 * The streaming tokenizer behind readCsv. Its rules are csv-parse's with
 * `relax_column_count` and `skip_empty_lines` (which this reader used
 * before; test/datasets' differential fuzz holds it to them): an empty
 * line is no record, an opening quote only at the start of a field, a
 * closing quote only before a comma, the record delimiter or the end, and a
 * record's line is the line where it ends (every CR or LF counts, but the
 * LF of a CRLF delimiter).
 */
class CsvTokenizer {
  private carry = '';
  private delimiter: RecordDelimiter = '';
  private quoting = false;
  /** The current field was quoted (it is a field even when empty). */
  private wasQuoting = false;
  /** Characters of the current field so far. */
  private fieldChars = 0;
  /** Fields of the current record already ended. */
  private fields = 0;
  /** Characters of the current record's ended fields. */
  private recordChars = 0;
  /** CR and LF characters read so far (the line is one more). */
  private breaks = 0;
  /** The last character read was a CR or LF (it does not yet count for an error at the end, as in csv-parse). */
  private lastWasBreak = false;

  /** Pieces of the field being held (the header's fields, or a text-column field). */
  private held: string[] = [];
  private heldChars = 0;
  private holding = false;
  /** The text of the current record, once its text-column field ended. */
  private text: string | undefined;

  private started = false;
  private header = true;
  /** Indexes of the columns named textField (the last one a row reaches is its text, as csv-parse's records had it). */
  private textColumns = new Set<number>();
  private headerNames: string[] = [];

  constructor(
    private readonly textField: string,
    private readonly limits: CsvLimits,
    private readonly progress: ReadProgress,
  ) {
    this.holding = true; // the header's first field
  }

  *feed(chunk: string, final: boolean): Generator<FormatRecord> {
    let s = this.carry.length ? this.carry + chunk : chunk;
    this.carry = '';
    if (!this.started && s.length) {
      this.started = true;
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1); // a byte order mark the decoder left (a second one)
    }
    this.account(s.length);
    const out: FormatRecord[] = [];
    const n = s.length;
    let i = 0;
    while (i < n) {
      if (this.quoting) {
        QUOTED_SPECIAL.lastIndex = i;
        const m = QUOTED_SPECIAL.exec(s);
        const j = m ? m.index : n;
        if (j > i) {
          this.append(s, i, j);
          this.lastWasBreak = false;
        }
        if (!m) break;
        const c = s.charCodeAt(j);
        if (c !== 0x22) {
          this.append(s, j, j + 1);
          this.countBreak();
          i = j + 1;
          continue;
        }
        // A quote inside quotes: an escaped quote, the closing quote, or an error.
        if (j + 1 >= n && !final) {
          this.carry = s.slice(j);
          break;
        }
        const next = s.charCodeAt(j + 1);
        if (next === 0x22) {
          this.append(s, j + 1, j + 2);
          this.lastWasBreak = false;
          i = j + 2;
          continue;
        }
        const closes = this.closesQuote(s, j + 1, final);
        if (closes === undefined) {
          this.carry = s.slice(j);
          break;
        }
        if (!closes) throw this.invalid(`Invalid Closing Quote: got "${s[j + 1]}" after a closing quote`, this.breaks + 1);
        this.quoting = false;
        this.wasQuoting = true;
        this.lastWasBreak = false;
        i = j + 1;
        continue;
      }

      UNQUOTED_SPECIAL.lastIndex = i;
      const m = UNQUOTED_SPECIAL.exec(s);
      const j = m ? m.index : n;
      if (j > i) {
        this.append(s, i, j);
        this.lastWasBreak = false;
      }
      if (!m) break;
      const c = s.charCodeAt(j);
      if (c === 0x2c) {
        this.endField();
        if (this.fields >= this.limits.maxColumns) {
          throw new DatasetFormatError(
            'csv_too_many_columns',
            `A CSV record has more than ${this.limits.maxColumns} columns`,
            { line: this.breaks + 1 },
            'Keep the text column and the few columns that describe it; leave the others out of the upload.',
          );
        }
        this.lastWasBreak = false;
        i = j + 1;
        continue;
      }
      if (c === 0x22) {
        if (this.fieldChars > 0) {
          throw this.invalid(`Invalid Opening Quote: a quote inside an unquoted field (field ${this.fields + 1})`, this.breaks + 1);
        }
        this.quoting = true;
        this.lastWasBreak = false;
        i = j + 1;
        continue;
      }
      // CR or LF outside quotes: the record delimiter, or (when another one was found first) an ordinary character.
      if (c === 0x0d && j + 1 >= n && !final && (this.delimiter === '' || this.delimiter === '\r\n')) {
        this.carry = s.slice(j);
        break;
      }
      if (this.delimiter === '') this.delimiter = c === 0x0d ? (s.charCodeAt(j + 1) === 0x0a ? '\r\n' : '\r') : '\n';
      const d = this.delimiter;
      if (s.startsWith(d, j)) {
        const line = this.breaks + 1;
        this.countBreak(); // the LF of a CRLF delimiter is skipped, not read
        i = j + d.length;
        if (!this.wasQuoting && this.fields === 0 && this.fieldChars === 0) continue; // an empty line
        const rec = this.endRecord(line);
        if (rec) out.push(rec);
        continue;
      }
      this.append(s, j, j + 1);
      this.countBreak();
      i = j + 1;
    }
    if (final) {
      const line = this.breaks + 1 - (this.lastWasBreak ? 1 : 0);
      if (this.quoting) throw this.invalid('Quote Not Closed: the file ends inside a quoted field', line);
      if (this.wasQuoting || this.fields > 0 || this.fieldChars > 0) {
        const rec = this.endRecord(line);
        if (rec) out.push(rec);
      }
    }
    this.account(this.carry.length);
    yield* out;
  }

  /** Whether what follows a quote inside quotes closes it; undefined when more input is needed to tell. */
  private closesQuote(s: string, k: number, final: boolean): boolean | undefined {
    if (k >= s.length) return true; // the end of the file
    const c = s.charCodeAt(k);
    if (c === 0x2c || c === 0x0a) return c === 0x2c || this.delimiter === '' || this.delimiter === '\n';
    if (c !== 0x0d || this.delimiter === '\n') return false;
    if (this.delimiter === '\r' || this.delimiter === '') return true; // CR alone would be discovered as the delimiter
    if (k + 1 >= s.length && !final) return undefined;
    return s.charCodeAt(k + 1) === 0x0a;
  }

  private append(s: string, from: number, to: number): void {
    this.checkRecordSize(to - from);
    this.fieldChars += to - from;
    if (!this.holding) return;
    this.held.push(s.slice(from, to));
    this.heldChars += to - from;
  }

  private countBreak(): void {
    this.breaks++;
    this.lastWasBreak = true;
  }

  private checkRecordSize(more: number): void {
    if (this.recordChars + this.fieldChars + more <= this.limits.maxRecordChars) return;
    throw new DatasetFormatError(
      'document_too_large',
      `A CSV record exceeds ${this.limits.maxRecordChars} characters`,
      { line: this.breaks + 1 },
      'Split very long texts into several records, and leave out columns the text does not need.',
    );
  }

  private endField(): void {
    const index = this.fields;
    if (this.holding) {
      const value = takeFlat(this.held);
      if (this.header) {
        const name = value.trim();
        if (name === this.textField) this.textColumns.add(index);
        if (this.headerNames.length < HEADER_NAMES_SHOWN) this.headerNames.push(name);
      } else {
        this.text = value;
      }
    }
    this.held = [];
    this.heldChars = 0;
    this.recordChars += this.fieldChars;
    this.fieldChars = 0;
    this.wasQuoting = false;
    this.fields = index + 1;
    this.holding = this.header || this.textColumns.has(this.fields);
  }

  private endRecord(line: number): FormatRecord | undefined {
    this.endField();
    const text = this.text;
    const wasHeader = this.header;
    this.text = undefined;
    this.fields = 0;
    this.recordChars = 0;
    this.header = false;
    this.holding = this.textColumns.has(0);
    if (wasHeader) {
      if (this.textColumns.size === 0) {
        throw new DatasetFormatError(
          'missing_text_column',
          `The CSV header has no column "${this.textField}" (columns: ${this.headerNames.map((n) => JSON.stringify(n)).join(', ')})`,
          { line: 1 },
          `Add a "${this.textField}" column or name the text column with the textField option.`,
        );
      }
      this.headerNames = [];
      return undefined;
    }
    // A row too short to reach the text column has no text field; an empty cell is an empty document.
    return text === undefined ? { skip: 'missing_text_field', line } : { text, line };
  }

  private account(chunkChars: number): void {
    const held = chunkChars + this.heldChars + this.carry.length;
    if (held > this.progress.peakBufferedBytes) this.progress.peakBufferedBytes = held;
  }

  private invalid(detail: string, line: number): DatasetFormatError {
    return new DatasetFormatError(
      'invalid_csv',
      `The CSV is malformed: ${detail}`,
      { line },
      'Quote fields containing commas, quotes or line breaks and double embedded quotes (RFC 4180).',
    );
  }
}

/**
 * The pieces joined into a string of its own: a slice of a large input
 * chunk would keep the whole chunk alive for as long as the text lives.
 */
function takeFlat(pieces: string[]): string {
  if (pieces.length === 0) return '';
  if (pieces.length > 1) return pieces.join('');
  const only = pieces[0];
  return only.length < 16 ? only : Buffer.from(only, 'utf8').toString('utf8');
}
