import { countBytePairTokens } from './byte-pair-count';
import { PieceCountCache } from './piece-count-cache';
import { type BpeRankTable, bpeRankTable } from './tiktoken-ranks';
import { Tokenizer, type TokenizerEncoding } from './tokenizer.port';

export interface CachedTiktokenOptions {
  /** Entries per cache generation (memory stays under twice this). Default 200,000. */
  cacheCapacity?: number;
  /** Pieces longer than this (UTF-16 units) are counted but not cached. Default 64. */
  maxCachedPieceLength?: number;
  /** Pieces of at least this many bytes use the O(n log n) merge. Default 128. */
  heapFromBytes?: number;
}

/**
 * Counts exactly what js-tiktoken's `encode(text, [], []).length` gives, much
 * faster:
 * 1. the text is cut into pieces with the encoding's own pre-tokenisation
 *    regex (js-tiktoken's `pat_str`, same flags "gu");
 * 2. byte-pair merging never crosses a piece boundary, so the count of the text
 *    is the sum of the counts of its pieces; each piece is counted alone from
 *    its UTF-8 bytes with the same merge rule (see byte-pair-count.ts);
 * 3. natural text repeats its pieces, so counts are memoised per piece in a
 *    bounded two-generation cache.
 * js-tiktoken also uses TextEncoder, which turns a lone surrogate into U+FFFD
 * as Buffer's UTF-8 encoder does here, so even malformed UTF-16 counts alike.
 */
export class CachedTiktokenTokenizer extends Tokenizer {
  readonly encoding: TokenizerEncoding;
  private readonly table: BpeRankTable;
  private readonly pattern: RegExp;
  private readonly cache: PieceCountCache;
  private readonly maxCachedPieceLength: number;
  private readonly heapFromBytes: number;

  constructor(encoding: TokenizerEncoding, options: CachedTiktokenOptions = {}) {
    super();
    this.encoding = encoding;
    this.table = bpeRankTable(encoding);
    this.pattern = new RegExp(this.table.pattern, 'gu');
    this.cache = new PieceCountCache(options.cacheCapacity ?? 200_000);
    this.maxCachedPieceLength = options.maxCachedPieceLength ?? 64;
    this.heapFromBytes = options.heapFromBytes ?? 128;
  }

  count(text: string): number {
    const re = this.pattern;
    re.lastIndex = 0;
    let total = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      total += this.countPiece(m[0]);
    }
    return total;
  }

  /** Token count of one pre-tokenised piece (exposed for tests). */
  countPiece(piece: string): number {
    const cacheable = piece.length <= this.maxCachedPieceLength;
    if (cacheable) {
      const hit = this.cache.get(piece);
      if (hit !== undefined) return hit;
    }
    const bytes = Buffer.from(piece, 'utf8').toString('latin1');
    const n = countBytePairTokens(bytes, this.table.ranks, this.table.maxTokenBytes, this.heapFromBytes);
    if (cacheable) this.cache.set(piece, n);
    return n;
  }
}
