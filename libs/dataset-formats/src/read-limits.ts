/** Limits of one read; every field has a documented default (README.md). */
export interface ReadLimits {
  /** A single line/record/document larger than this (UTF-8 bytes) is too large. Default 16 MiB. */
  maxDocumentBytes: number;
  /** Absolute cap on decompressed bytes of a compressed file. Default 64 GiB. */
  maxDecompressedBytes: number;
  /** Decompressed/compressed ratio above which a compressed file is a bomb... Default 100. */
  maxCompressionRatio: number;
  /** ...once at least this many bytes came out (small files may compress extremely well). Default 64 MiB. */
  compressionRatioGraceBytes: number;
  /** More malformed records than this rejects the file at once. Default 1000. */
  maxMalformedRecords: number;
  /** A larger share of malformed records (judged at the end) rejects the file... Default 0.10. */
  maxMalformedRatio: number;
  /** ...when there are at least this many (a small file with one bad line is not rejected). Default 10. */
  minMalformedForRatio: number;
  /** Bytes looked at to tell text from binary. Default 64 KiB. */
  binarySniffBytes: number;
  /** Share of control characters in the sniffed bytes above which the file is binary. Default 0.10. */
  maxControlCharRatio: number;
  /**
   * Parquet: most bytes one row group's text column may take once decoded (dictionaries dereferenced,
   * computed from the page headers, never from the footer), and most compressed bytes read for it. Default 512 MiB.
   */
  maxParquetRowGroupBytes: number;
  /** Parquet: most values in one row group's text column (pyarrow's default row group size). Default 1,048,576. */
  maxParquetRowGroupRows: number;
  /** Parquet is decoded on a worker thread; one that sends nothing for this long is stopped and the file rejected `parquet_decode_stalled`. Default 120. */
  maxParquetDecodeSeconds: number;
  /**
   * CSV: most fields one record (the header too) may have; past it the file is rejected `csv_too_many_columns`.
   * Default 16,384 (the widest sheet a spreadsheet exports). Only the text column is held, whatever the width.
   */
  maxCsvColumns: number;
  /** Where compressed Parquet (or a source without a path) is spooled for random access. Default os.tmpdir(). */
  tmpDir?: string;
}

export const DEFAULT_READ_LIMITS: Readonly<ReadLimits> = Object.freeze({
  maxDocumentBytes: 16 * 1024 * 1024,
  maxDecompressedBytes: 64 * 1024 ** 3,
  maxCompressionRatio: 100,
  compressionRatioGraceBytes: 64 * 1024 * 1024,
  maxMalformedRecords: 1000,
  maxMalformedRatio: 0.1,
  minMalformedForRatio: 10,
  binarySniffBytes: 64 * 1024,
  maxControlCharRatio: 0.1,
  maxParquetRowGroupBytes: 512 * 1024 * 1024,
  maxParquetRowGroupRows: 1024 * 1024,
  maxParquetDecodeSeconds: 120,
  maxCsvColumns: 16 * 1024,
});

/** Live counters, updated while reading (for progress reporting). */
export interface ReadProgress {
  /** Bytes taken from the source (the stored file, compressed or not). */
  compressedBytesRead: number;
  /** Bytes after decompression (equal to compressedBytesRead for uncompressed files). */
  decompressedBytesRead: number;
  /** Records seen, skipped ones included. */
  records: number;
  /** Documents yielded. */
  documents: number;
  /**
   * Largest number of bytes the reader held at once (partial lines, the
   * document being assembled, decompressed output not yet consumed). Stays
   * flat whatever the file size: at most about maxDocumentBytes plus a few
   * chunks, or one Parquet row group's text column.
   */
  peakBufferedBytes: number;
}
