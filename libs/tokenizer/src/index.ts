export * from './tokenizer.port';
export * from './cached-tiktoken.adapter';
export * from './plain-tiktoken.adapter';
export { countBytePairTokens } from './byte-pair-count';
export { PieceCountCache } from './piece-count-cache';
export { bpeRankTable, type BpeRankTable } from './tiktoken-ranks';
export { createTokenizer } from './create-tokenizer';
