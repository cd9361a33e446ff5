import { sha256Hex } from '@1tt/canonical-json';
import { ValidationError } from '@1tt/domain-errors';
import { isRemoved, type PipelineDocument } from './block';
import { BlockRegistry, DEFAULT_BLOCK_REGISTRY } from './block-registry';
import { minhashSignature } from './minhash';
import { classifyContent, type ContentClass } from './content-class';
import { prosePart } from './blocks/multilingual-quality.block';
import { type LanguageIdentifier, lidSample } from './language/language-identifier';
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
  /** Routed pipelines (v2) only: see DocumentLabels. */
  readonly labels?: DocumentLabels;
  /** Uploads answering a data request only: the text matches its keywords or sample (requestTextMatcher). */
  readonly topical?: boolean;
}

/** What a routed pipeline found out about a document (absent on v1 pipelines). */
export interface DocumentLabels {
  /** ISO 639-1 (else 639-3) from lid.176; 'zxx' (no linguistic content) for code, which is not identified. */
  readonly language: string;
  readonly languageScore: number;
  readonly contentClass: ContentClass;
  /** The route whose rules were applied. */
  readonly route: string;
}

export interface ProcessOptions {
  /** File or archive member name: the classifier looks at its extension first. */
  readonly name?: string;
  /** Required by routed pipelines. */
  readonly languageIdentifier?: LanguageIdentifier;
}

export interface RemovedDocument {
  readonly kept: false;
  readonly reason: string;
  readonly detail?: string;
  /** The block that removed it (absent for 'empty'). */
  readonly block?: string;
  readonly labels?: DocumentLabels;
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
  options: ProcessOptions = {},
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
  if (pipeline.routes && !options.languageIdentifier) {
    throw new ValidationError('pipeline-language-identifier-missing', `pipeline ${pipeline.name} v${pipeline.version} routes by language`, {
      field: 'pipeline.languageId',
      hint: 'Load the lid.176 identifier (loadLid176()) and pass it as options.languageIdentifier.',
    });
  }
  if (text.trim() === '') return { kept: false, reason: 'empty' };
  const first = runBlocks({ text }, pipeline.blocks, registry);
  if ('removed' in first) return first.removed;
  let doc = first.doc;
  let labels: DocumentLabels | undefined;
  if (pipeline.routes && pipeline.languageId) {
    const contentClass = classifyContent(doc.text, options.name);
    let language = 'zxx';
    let languageScore = 1;
    if (contentClass !== 'code') {
      const source = contentClass === 'prose' ? doc.text : prosePart(doc.text) || doc.text;
      const guess = options.languageIdentifier!.identify(lidSample(source, pipeline.languageId.sample_chars));
      language = guess.language;
      languageScore = guess.score;
    }
    const route = pipeline.routes.find((r) => r.classes.includes(contentClass) && (!r.languages || r.languages.includes(language)))!;
    labels = { language, languageScore, contentClass, route: route.name };
    const routed = runBlocks({ text: doc.text, language, contentClass }, route.blocks, registry);
    if ('removed' in routed) return { ...routed.removed, labels };
    doc = routed.doc;
  }
  const cleanedText = doc.text;
  if (cleanedText.trim() === '') return labels ? { kept: false, reason: 'empty', labels } : { kept: false, reason: 'empty' };
  const near = pipeline.dedup.near;
  return {
    kept: true,
    cleanedText,
    exactHash: exactHashOf(cleanedText),
    signature: near ? minhashSignature(cleanedText, near) : null,
    tokens: tokenizer.count(cleanedText),
    chars: cleanedText.length,
    ...(labels ? { labels } : {}),
  };
}

function runBlocks(
  start: PipelineDocument,
  steps: ResolvedPipeline['blocks'],
  registry: BlockRegistry,
): { doc: PipelineDocument } | { removed: RemovedDocument } {
  let doc = start;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    const out = registry.get(step.block).apply(doc, step.options, { blockIndex: i });
    if (isRemoved(out)) return { removed: { kept: false, reason: out.reason, detail: out.detail, block: step.block } };
    doc = out;
  }
  return { doc };
}
