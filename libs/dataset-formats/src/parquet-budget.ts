import type { ColumnMetaData, PageHeader } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { decompressPage } from 'hyparquet/src/datapage.js';
import { DatasetFormatError, plainCause } from './dataset-format.error';
import type { ReadLimits } from './read-limits';

/** What one column chunk will cost once hyparquet has decoded it, from its page headers (not from the footer). */
export interface ColumnChunkCost {
  /** Values in the chunk (sum of the data pages' num_values). */
  values: number;
  /** Bytes the decoded values hold: dictionary pages dereferenced (values × the longest entry), other pages their decompressed size. */
  materialisedBytes: number;
  /** Largest decompressed page (hyparquet allocates one page at a time). */
  largestPageBytes: number;
}

/** JS heap per decoded value beyond its bytes (array slot, Uint8Array view). A rough, deliberately high figure. */
const PER_VALUE_OVERHEAD = 128;

/**
 * Reads the page headers of one column chunk and bounds what decoding it
 * would materialise, before hyparquet decodes anything. The footer's
 * `total_uncompressed_size` is the ENCODED size: a dictionary page with one
 * 10 KB string referenced by 70 M rows is ~10 KB there and ~700 GB once
 * decoded (issue #20, C2). So the budget is computed from what each page
 * header says it holds (the same figures hyparquet allocates by):
 *   - a dictionary-encoded data page: num_values × the longest dictionary entry;
 *   - any other data page: its decompressed size;
 *   - every value: PER_VALUE_OVERHEAD bytes of JS heap;
 * and the chunk is refused (`parquet_row_group_too_large`) past
 * maxParquetRowGroupBytes or maxParquetRowGroupRows values. The chunk's
 * compressed bytes are refused past maxParquetRowGroupBytes before they are
 * read at all.
 */
export function columnChunkCost(
  chunk: Uint8Array,
  meta: Pick<ColumnMetaData, 'codec' | 'type'>,
  limits: Pick<ReadLimits, 'maxParquetRowGroupBytes' | 'maxParquetRowGroupRows'>,
  firstRow: number,
): ColumnChunkCost {
  const reader = { view: new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength), offset: 0 };
  let values = 0;
  let materialised = 0;
  let largestPage = 0;
  let longestEntry = 0;
  const over = (what: string) =>
    new DatasetFormatError(
      'parquet_row_group_too_large',
      `A row group's text column would take ${what} once decoded, over the limit of ${limits.maxParquetRowGroupBytes} bytes and ${limits.maxParquetRowGroupRows} rows per row group`,
      { row: firstRow },
      'Write the file with smaller row groups (e.g. 100,000 rows or 128 MiB) and without dictionary-encoding long repeated texts.',
    );
  while (reader.offset < chunk.byteLength - 1) {
    let header: PageHeader;
    try {
      header = parquetHeader(reader);
    } catch (e) {
      throw unreadablePage(e, firstRow);
    }
    const compressed = Number(header.compressed_page_size);
    const uncompressed = Number(header.uncompressed_page_size);
    if (!(compressed >= 0) || reader.offset + compressed > chunk.byteLength || !(uncompressed >= 0)) {
      throw unreadablePage(new Error('a page header gives a size outside the column chunk'), firstRow);
    }
    if (uncompressed > limits.maxParquetRowGroupBytes) throw over(`${uncompressed} bytes in one page`);
    largestPage = Math.max(largestPage, uncompressed);
    if (header.type === 'DICTIONARY_PAGE') {
      longestEntry = Math.max(
        longestEntry,
        longestDictionaryEntry(chunk.subarray(reader.offset, reader.offset + compressed), uncompressed, meta, firstRow),
      );
    } else if (header.type === 'DATA_PAGE' || header.type === 'DATA_PAGE_V2') {
      const page = header.data_page_header ?? header.data_page_header_v2;
      const n = Number(page?.num_values ?? 0);
      const dictionary = page?.encoding === 'PLAIN_DICTIONARY' || page?.encoding === 'RLE_DICTIONARY';
      values += n;
      materialised += (dictionary ? n * longestEntry : uncompressed) + n * PER_VALUE_OVERHEAD;
      if (values > limits.maxParquetRowGroupRows) throw over(`more than ${limits.maxParquetRowGroupRows} values`);
      if (materialised > limits.maxParquetRowGroupBytes) throw over(`at least ${materialised} bytes`);
    }
    reader.offset += compressed;
  }
  return { values, materialisedBytes: materialised, largestPageBytes: largestPage };
}

/** The longest entry of a PLAIN-encoded BYTE_ARRAY dictionary page (4-byte little-endian length, then the bytes), without copying any. */
function longestDictionaryEntry(
  compressed: Uint8Array,
  uncompressedSize: number,
  meta: Pick<ColumnMetaData, 'codec' | 'type'>,
  firstRow: number,
): number {
  if (meta.type !== 'BYTE_ARRAY') return 0;
  let page: Uint8Array;
  try {
    page = decompressPage(compressed, uncompressedSize, meta.codec, undefined);
  } catch (e) {
    throw unreadablePage(e, firstRow);
  }
  const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
  let longest = 0;
  for (let at = 0; at + 4 <= page.byteLength;) {
    const len = view.getUint32(at, true);
    longest = Math.max(longest, len);
    at += 4 + len;
  }
  return longest;
}

function unreadablePage(e: unknown, row: number): DatasetFormatError {
  return new DatasetFormatError(
    'unreadable_parquet',
    `The Parquet file cannot be read: ${plainCause(e, 'a page is corrupt')}`,
    { row },
    'Check the file with a Parquet tool (e.g. pyarrow) and rewrite it.',
  );
}
