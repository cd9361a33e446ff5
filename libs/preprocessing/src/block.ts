/**
 * A preprocessing block, in the spirit of Upstage's Dataverse: a named,
 * versioned step with one signature, assembled from a declarative config.
 * A per-document block takes a document and returns it (possibly rewritten) or
 * says why it is removed. Blocks are pure: same input, same output.
 *
 * `version` is part of the pipeline's config hash: bump it whenever a block's
 * output can change for some input, so recorded results stay reproducible.
 */
export interface PipelineDocument {
  readonly text: string;
  /** Set by a routed pipeline (v2) before its route's blocks run: the document's language (ISO 639-1/3) and content class. */
  readonly language?: string;
  readonly contentClass?: string;
}

export interface Removed {
  readonly removed: true;
  /** Stable machine-readable reason, e.g. 'gopher_quality:min_doc_words'. */
  readonly reason: string;
  /** Human-readable measurement, e.g. '12 words < 50'. */
  readonly detail?: string;
}

export type BlockOutcome = PipelineDocument | Removed;

export interface BlockContext {
  /** Position of the block in the pipeline (for messages). */
  readonly blockIndex: number;
}

export interface Block<O extends object = object> {
  readonly name: string;
  readonly version: number;
  readonly description: string;
  readonly defaults: O;
  /** Options over the defaults, validated; throws ValidationError naming `field`. */
  resolveOptions(options: unknown, field: string): O;
  apply(doc: PipelineDocument, options: O, ctx: BlockContext): BlockOutcome;
}

export function removed(reason: string, detail?: string): Removed {
  return { removed: true, reason, detail };
}

export function isRemoved(outcome: BlockOutcome): outcome is Removed {
  return (outcome as Removed).removed === true;
}
