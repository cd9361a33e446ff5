import type { TokenizerEncoding } from './tokenizer.port';

/** The shape of js-tiktoken's `ranks/<encoding>` modules. */
export interface TiktokenRanksFile {
  pat_str: string;
  special_tokens: Record<string, number>;
  bpe_ranks: string;
}

/**
 * Ranks keyed by the token's bytes written as a latin1 ("binary") string, one
 * char per byte: a Map lookup on a short string is far cheaper than
 * js-tiktoken's `bytes.join(",")` keys.
 */
export interface BpeRankTable {
  readonly encoding: TokenizerEncoding;
  /** The pre-tokenisation regex source, exactly as js-tiktoken ships it. */
  readonly pattern: string;
  readonly ranks: ReadonlyMap<string, number>;
  /** Longest token in bytes: a pair longer than this can never merge. */
  readonly maxTokenBytes: number;
}

const loaded = new Map<TokenizerEncoding, BpeRankTable>();

/** js-tiktoken's rank files (they ship in the package: loading is offline). */
export function loadRanksFile(encoding: TokenizerEncoding): TiktokenRanksFile {
  // Loaded lazily so a worker counting with one encoding never parses the other's
  // multi-megabyte table. TypeScript's node10 resolution cannot see the package's
  // "exports" subpaths, Node's require can.
  /* eslint-disable @typescript-eslint/no-require-imports */
  switch (encoding) {
    case 'o200k_base':
      return require('js-tiktoken/ranks/o200k_base') as TiktokenRanksFile;
    case 'cl100k_base':
      return require('js-tiktoken/ranks/cl100k_base') as TiktokenRanksFile;
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
  const unknown: never = encoding;
  throw new Error(`unknown encoding ${String(unknown)}`);
}

/** Parses (once per process) the rank table of an encoding. */
export function bpeRankTable(encoding: TokenizerEncoding): BpeRankTable {
  const cached = loaded.get(encoding);
  if (cached) return cached;
  const file = loadRanksFile(encoding);
  const ranks = new Map<string, number>();
  let maxTokenBytes = 0;
  // Same compressed format js-tiktoken's constructor reads: "<tag> <offset> <b64> <b64> ...",
  // each base64 token taking rank offset + its position on the line.
  for (const line of file.bpe_ranks.split('\n')) {
    if (line === '') continue;
    const parts = line.split(' ');
    const offset = Number.parseInt(parts[1], 10);
    for (let i = 2; i < parts.length; i++) {
      const bytes = Buffer.from(parts[i], 'base64').toString('latin1');
      ranks.set(bytes, offset + i - 2);
      if (bytes.length > maxTokenBytes) maxTokenBytes = bytes.length;
    }
  }
  const table: BpeRankTable = { encoding, pattern: file.pat_str, ranks, maxTokenBytes };
  loaded.set(encoding, table);
  return table;
}
