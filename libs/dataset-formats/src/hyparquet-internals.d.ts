/**
 * Types of the two hyparquet modules the Parquet budget check reads pages
 * with (exported by the package as `hyparquet/src/*.js`; its own .d.ts files
 * sit under `types/`, which `moduleResolution: node` does not map).
 */
declare module 'hyparquet/src/column.js' {
  import type { PageHeader } from 'hyparquet';
  export function parquetHeader(reader: { view: DataView; offset: number }): PageHeader;
}
declare module 'hyparquet/src/datapage.js' {
  import type { CompressionCodec } from 'hyparquet';
  export function decompressPage(
    compressedBytes: Uint8Array,
    uncompressedPageSize: number,
    codec: CompressionCodec,
    compressors: unknown,
  ): Uint8Array;
}
