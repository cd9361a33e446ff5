export * from './block';
export * from './block-registry';
export * from './pipeline-config';
export * from './process-document';
export * from './dedup-index';
export * from './decide-dataset';
export {
  minhashSignature,
  estimateJaccard,
  exactJaccard,
  shingleHashes,
  lshBandKeys,
  lshCandidateProbability,
  type MinHashOptions,
} from './minhash';
export { englishWords, countSentences, splitLines } from './english-text';
export { nfcNormaliseBlock } from './blocks/nfc-normalise.block';
export { removeUnprintableBlock } from './blocks/remove-unprintable.block';
export { normaliseWhitespaceBlock } from './blocks/normalise-whitespace.block';
export { maskPiiBlock, luhnValid, PII_PLACEHOLDERS } from './blocks/mask-pii.block';
export { lengthFilterBlock } from './blocks/length-filter.block';
export { longestWordBlock } from './blocks/longest-word.block';
export { gopherQualityBlock, GOPHER_STOP_WORDS } from './blocks/gopher-quality.block';
export { gopherRepetitionBlock } from './blocks/gopher-repetition.block';
export { c4QualityBlock, C4_POLICY_SUBSTRINGS } from './blocks/c4-quality.block';
export { junkSignalsBlock } from './blocks/junk-signals.block';
export { multilingualQualityBlock, prosePart } from './blocks/multilingual-quality.block';
export { codeQualityBlock } from './blocks/code-quality.block';
export { STOP_WORDS } from './blocks/stop-words';
export * from './content-class';
export * from './language/language-identifier';
export { loadLid176 } from './language/lid176.adapter';
export { explainDuplicate, explainRemoval } from './explain-removal';
export * from './request-match';
