import { sha256Hex } from '@1tt/canonical-json';
import { ValidationError } from '@1tt/domain-errors';
import { isRemoved, type PipelineDocument } from './block';
import { BlockRegistry, DEFAULT_BLOCK_REGISTRY } from './block-registry';
import { minhashSignature } from './minhash';
import { type ResolvedPipeline } from './pipeline-config';

/**
 * What processDocument needs from a tokenizer. The Tokenizer port of
 * @1tt/tokenizer satisfies it; this domain lib does not import it (the worker
 * passes one in).
 */
export interface TokenCounter {
  readonly encoding: string;
  count(text: string): number;
}

export interface KeptDocument {
  readonly kept: true;
  readonly cleanedText: string;
  /** See exactHashOf. */
  readonly exactHash: string;
  /** MinHash signature, or null when near dedup is off or the text has no word. */
  readonly signature: Uint32Array | null;
  readonly tokens: number;
  readonly chars: number;
}

export interface RemovedDocument {
  readonly kept: false;
  readonly reason: string;
  readonly detail?: string;
  /** The block that removed it (absent for 'empty'). */
  readonly block?: string;
}

/** Result of the expensive, parallelisable, per-document part (no knowledge of other documents). */
export type DocumentResult = KeptDocument | RemovedDocument;

/**
 * Exact-duplicate key: sha256 (hex) of the cleaned text lowercased with every
 * run of whitespace turned into one space and the ends trimmed.
 * Case and spacing differences are not worth paying twice for; punctuation and
 * digits are kept (they can change meaning: "version 2" vs "version 3"), and
 * copies differing only in punctuation are caught by the near-duplicate check,
 * whose shingles ignore punctuation.
 */
export function exactHashOf(cleanedText: string): string {
  // Same as .replace(/\s+/g, ' '): a lone " " is left as it is instead of
  // being matched and replaced once per word.
  return sha256Hex(
    cleanedText
      .toLowerCase()
      .replace(/\s{2,}|[^\S ]/g, ' ')
      .trim(),
  );
}

/**
 * Runs the pipeline's blocks on one document, then computes its dedup keys and
 * tokens. Pure and independent of every other document: run it in parallel
 * (worker_threads), then apply decideDataset in log order.
 */
export function processDocument(
  text: string,
  pipeline: ResolvedPipeline,
  tokenizer: TokenCounter,
  registry: BlockRegistry = DEFAULT_BLOCK_REGISTRY,
): DocumentResult {
  if (tokenizer.encoding !== pipeline.tokenizer.encoding) {
    throw new ValidationError(
      'pipeline-tokenizer-mismatch',
      `the pipeline counts with ${pipeline.tokenizer.encoding}, the tokenizer given is ${tokenizer.encoding}`,
      {
        field: 'pipeline.tokenizer.encoding',
        hint: 'Create the tokenizer for the encoding the pipeline names.',
      },
    );
  }
  if (text.trim() === '') return { kept: false, reason: 'empty' };
  let doc: PipelineDocument = { text };
  for (let i = 0; i < pipeline.blocks.length; i++) {
    const step = pipeline.blocks[i];
    const block = registry.get(step.block);
    const out = block.apply(doc, step.options, { blockIndex: i });
    if (isRemoved(out)) return { kept: false, reason: out.reason, detail: out.detail, block: step.block };
    doc = out;
  }
  const cleanedText = doc.text;
  if (cleanedText.trim() === '') return { kept: false, reason: 'empty' };
  const near = pipeline.dedup.near;
  return {
    kept: true,
    cleanedText,
    exactHash: exactHashOf(cleanedText),
    signature: near ? minhashSignature(cleanedText, near) : null,
    tokens: tokenizer.count(cleanedText),
    chars: cleanedText.length,
  };
}
