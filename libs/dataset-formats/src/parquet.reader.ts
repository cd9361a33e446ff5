import * as fs from 'node:fs/promises';
import { parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import type { AsyncBuffer, FileMetaData } from 'hyparquet';
import { DatasetFormatError, plainCause } from './dataset-format.error';
import type { FormatRecord } from './format-record';
import { columnChunkCost } from './parquet-budget';
import type { ReadLimits, ReadProgress } from './read-limits';

/**
 * Parquet via hyparquet on this thread (the worker's side of readParquet;
 * call readParquet instead). hyparquet needs random access: the file is read
 * through a FileHandle, one row group at a time and only the text column,
 * so memory is bounded by the largest row group's text column (refused past
 * maxParquetRowGroupBytes). Each row is a record; a null or non-text value
 * is skipped as `missing_text_field`; bytes that are not UTF-8 reject the
 * file like in the text formats.
 */
export async function* readParquetHere(
  path: string,
  textField: string,
  limits: ReadLimits,
  progress: ReadProgress,
): AsyncGenerator<FormatRecord> {
  const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const fh = await fs.open(path, 'r');
  try {
    const { size } = await fh.stat();
    const read = async (start: number, end: number): Promise<ArrayBuffer> => {
      const stop = Math.min(end, size);
      const len = Math.max(0, stop - start);
      const buf = new Uint8Array(len);
      let done = 0;
      while (done < len) {
        const { bytesRead } = await fh.read(buf, done, len - done, start + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return buf.buffer;
    };
    // The text column chunk read (and checked) before hyparquet decodes it; handed to hyparquet instead of reading it twice.
    let checked: { start: number; end: number; bytes: ArrayBuffer } | undefined;
    const file: AsyncBuffer = {
      byteLength: size,
      async slice(start: number, end?: number): Promise<ArrayBuffer> {
        const stop = end ?? size;
        if (checked && checked.start === start && checked.end === stop) {
          const bytes = checked.bytes;
          checked = undefined;
          return bytes;
        }
        return read(start, stop);
      },
    };
    // Progress is the position reached in the file (the footer and re-reads are not counted twice).
    const reached = (position: number) => {
      const at = Math.min(size, position);
      progress.compressedBytesRead = Math.max(progress.compressedBytesRead, at);
      progress.decompressedBytesRead = Math.max(progress.decompressedBytesRead, at);
    };
    let metadata: FileMetaData;
    try {
      metadata = await parquetMetadataAsync(file);
    } catch (e) {
      throw unreadable(e);
    }
    const top = metadata.schema.slice(1).filter((el) => el.name === textField);
    if (top.length === 0) {
      const names = metadata.schema.slice(1).map((el) => el.name);
      throw new DatasetFormatError(
        'missing_text_column',
        `The Parquet schema has no column "${textField}" (columns: ${names
          .slice(0, 20)
          .map((n) => JSON.stringify(n))
          .join(', ')})`,
        {},
        `Add a "${textField}" column or name the text column with the textField option.`,
      );
    }
    let rowStart = 0;
    for (const group of metadata.row_groups) {
      const rows = Number(group.num_rows);
      const chunk = group.columns.find((c) => c.meta_data?.path_in_schema[0] === textField);
      const meta = chunk?.meta_data;
      if (meta) {
        // Never trust the footer's sizes (issue #20, C2): bound the compressed bytes read, then what the
        // page headers say decoding will materialise, before hyparquet decodes a single value.
        const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
        const compressedBytes = Number(meta.total_compressed_size);
        if (!(start >= 0) || !(compressedBytes >= 0) || start + compressedBytes > size) {
          throw unreadable(new Error('a column chunk lies outside the file'), rowStart);
        }
        if (compressedBytes > limits.maxParquetRowGroupBytes) {
          throw new DatasetFormatError(
            'parquet_row_group_too_large',
            `A row group holds ${compressedBytes} compressed bytes of text, over the limit of ${limits.maxParquetRowGroupBytes}`,
            { row: rowStart },
            'Write the file with smaller row groups (e.g. 100,000 rows or 128 MiB).',
          );
        }
        const bytes = await read(start, start + compressedBytes);
        const cost = columnChunkCost(new Uint8Array(bytes), meta, limits, rowStart);
        progress.peakBufferedBytes = Math.max(progress.peakBufferedBytes, cost.materialisedBytes + compressedBytes);
        checked = { start, end: start + compressedBytes, bytes };
        reached(start + compressedBytes);
      }
      let values: Record<string, unknown>[];
      try {
        values = await parquetReadObjects({ file, metadata, columns: [textField], rowStart, rowEnd: rowStart + rows, utf8: false });
      } catch (e) {
        throw unreadable(e, rowStart);
      }
      for (let i = 0; i < values.length; i++) {
        const v = values[i][textField];
        const row = rowStart + i;
        if (typeof v === 'string') yield { text: v };
        else if (v instanceof Uint8Array) {
          let text: string;
          try {
            text = utf8.decode(v);
          } catch {
            throw new DatasetFormatError(
              'invalid_utf8',
              'A Parquet text value is not valid UTF-8',
              { row },
              'Write the text column as UTF-8 strings.',
            );
          }
          yield { text, byteLength: v.byteLength };
        } else yield { skip: 'missing_text_field' };
      }
      values = [];
      checked = undefined;
      rowStart += rows;
    }
    reached(size);
  } finally {
    await fh.close();
  }
}

function unreadable(e: unknown, row?: number): DatasetFormatError {
  if (e instanceof DatasetFormatError) return e;
  return new DatasetFormatError(
    'unreadable_parquet',
    `The Parquet file cannot be read: ${plainCause(e, 'its metadata or pages are corrupt')}`,
    row === undefined ? {} : { row },
    'Check the file with a Parquet tool (e.g. pyarrow) and rewrite it.',
  );
}
