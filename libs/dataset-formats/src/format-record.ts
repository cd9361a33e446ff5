import type { SkipReason } from './dataset-format.error';

/** What a format reader produces for each record: a text, or why the record is skipped. */
export interface FormatRecord {
  text?: string;
  skip?: SkipReason;
  /** 1-based line where the record starts (CSV: where it ends). */
  line?: number;
  byteOffset?: number;
  /** UTF-8 bytes of the text, when the reader already knows it. */
  byteLength?: number;
  /** Archive member path the record comes from (line and byteOffset are then within the member). */
  member?: string;
}
