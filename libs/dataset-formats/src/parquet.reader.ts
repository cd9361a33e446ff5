import * as fs from 'node:fs/promises';
import { parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import type { AsyncBuffer, FileMetaData } from 'hyparquet';
import { DatasetFormatError } from './dataset-format.error';
import type { FormatRecord } from './format-record';
import type { ReadLimits, ReadProgress } from './read-limits';

/**
 * Parquet via hyparquet, which needs random access: the file is read
 * through a FileHandle, one row group at a time and only the text column,
 * so memory is bounded by the largest row group's text column (refused past
 * maxParquetRowGroupBytes). Each row is a record; a null or non-text value
 * is skipped as `missing_text_field`; bytes that are not UTF-8 reject the
 * file like in the text formats.
 */
export async function* readParquet(
  path: string,
  textField: string,
  limits: ReadLimits,
  progress: ReadProgress,
): AsyncGenerator<FormatRecord> {
  const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const fh = await fs.open(path, 'r');
  try {
    const { size } = await fh.stat();
    const file: AsyncBuffer = {
      byteLength: size,
      async slice(start: number, end?: number): Promise<ArrayBuffer> {
        const stop = Math.min(end ?? size, size);
        const len = Math.max(0, stop - start);
        const buf = new Uint8Array(len);
        let done = 0;
        while (done < len) {
          const { bytesRead } = await fh.read(buf, done, len - done, start + done);
          if (bytesRead === 0) break;
          done += bytesRead;
        }
        progress.compressedBytesRead += done;
        progress.decompressedBytesRead += done;
        return buf.buffer;
      },
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
      const columnBytes = Number(chunk?.meta_data?.total_uncompressed_size ?? 0n);
      if (columnBytes > limits.maxParquetRowGroupBytes) {
        throw new DatasetFormatError(
          'parquet_row_group_too_large',
          `A row group holds ${columnBytes} bytes of text, over the limit of ${limits.maxParquetRowGroupBytes}`,
          { row: rowStart },
          'Write the file with smaller row groups (e.g. 100,000 rows or 128 MiB).',
        );
      }
      let values: Record<string, unknown>[];
      try {
        values = await parquetReadObjects({ file, metadata, columns: [textField], rowStart, rowEnd: rowStart + rows, utf8: false });
      } catch (e) {
        throw unreadable(e, rowStart);
      }
      progress.peakBufferedBytes = Math.max(progress.peakBufferedBytes, columnBytes);
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
      rowStart += rows;
    }
  } finally {
    await fh.close();
  }
}

function unreadable(e: unknown, row?: number): DatasetFormatError {
  if (e instanceof DatasetFormatError) return e;
  return new DatasetFormatError(
    'unreadable_parquet',
    `The Parquet file cannot be read: ${(e as Error)?.message ?? String(e)}`,
    row === undefined ? {} : { row },
    'Check the file with a Parquet tool (e.g. pyarrow) and rewrite it.',
  );
}
