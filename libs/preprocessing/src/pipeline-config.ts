import { canonicalHash } from '@1tt/canonical-json';
import { type ErrorCode, ValidationError } from '@1tt/domain-errors';
import { type Block } from './block';
import { BlockRegistry, DEFAULT_BLOCK_REGISTRY } from './block-registry';
import { CONTENT_CLASSES, type ContentClass } from './content-class';

export type TokenizerEncodingName = 'o200k_base' | 'cl100k_base';

/**
 * Near-duplicate settings. Default 120 permutations as 20 bands x 6 rows.
 * LSH S-curve P(candidate | Jaccard s) = 1 - (1 - s^6)^20:
 *   s = 0.3: 0.014   0.5: 0.270   0.6: 0.615   0.7: 0.918
 *   s = 0.75: 0.980  0.8: 0.998   0.9: 1.000   (midpoint (1/20)^(1/6) = 0.607)
 * Every candidate is then verified: it is a near duplicate only if the
 * estimated Jaccard of the two signatures is >= `threshold` (0.75). So the
 * effective threshold is 0.75 with ~98% recall there and ~100% from 0.8 up;
 * the low S-curve midpoint only costs a few extra (cheap) verifications.
 * (14 x 8 would put the midpoint at 0.72 but find only 77% of pairs at 0.75.)
 */
export interface NearDedupConfig {
  shingle: number;
  numPerm: number;
  bands: number;
  rows: number;
  threshold: number;
  seed: number;
}

export interface PipelineConfig {
  name: string;
  version: string;
  blocks: Array<{ block: string; options?: Record<string, unknown> }>;
  dedup: { exact: boolean; near: NearDedupConfig | false };
  tokenizer: { encoding: TokenizerEncodingName };
  /**
   * Routed pipelines (v2): after `blocks` (the cleaning every document gets),
   * each document is given a content class (classifyContent) and a language
   * (lid.176 on a sample of `languageId.sample_chars`), then runs the blocks of
   * the first route whose classes hold its class and whose languages (absent =
   * any) hold its language. Every class needs a route without a language list.
   */
  languageId?: { model: 'lid.176'; sample_chars: number };
  routes?: Array<PipelineRouteConfig>;
}

export interface PipelineRouteConfig {
  name: string;
  classes: ContentClass[];
  languages?: string[];
  blocks: Array<{ block: string; options?: Record<string, unknown> }>;
}

export interface ResolvedRoute {
  readonly name: string;
  readonly classes: readonly ContentClass[];
  readonly languages?: readonly string[];
  readonly blocks: ReadonlyArray<{ readonly block: string; readonly version: number; readonly options: Record<string, unknown> }>;
}

/** A validated config with every block's options filled in and its version pinned. */
export interface ResolvedPipeline {
  readonly name: string;
  readonly version: string;
  readonly blocks: ReadonlyArray<{ readonly block: string; readonly version: number; readonly options: Record<string, unknown> }>;
  readonly dedup: { readonly exact: boolean; readonly near: NearDedupConfig | false };
  readonly tokenizer: { readonly encoding: TokenizerEncodingName };
  /** Present on routed pipelines only (absent keys keep the hash of v1 configs as it was). */
  readonly languageId?: { readonly model: 'lid.176'; readonly sample_chars: number };
  readonly routes?: readonly ResolvedRoute[];
  /** sha256 of the canonical JSON of everything above: recorded in every result. */
  readonly configHash: string;
}

export const DEFAULT_NEAR_DEDUP: NearDedupConfig = { shingle: 5, numPerm: 120, bands: 20, rows: 6, threshold: 0.75, seed: 0x1771 };

/**
 * Pipeline v1, the default until issue #13 (datasets decided under it keep
 * their results: see KNOWN_PIPELINES). For general English prose: clean,
 * unwrap hard-wrapped lines (see normalise-whitespace), mask PII, guard
 * against hostile words, then the FineWeb order of quality rules (Gopher
 * repetition, Gopher quality, C4), exact and near dedup, o200k_base tokens.
 */
export const ENGLISH_PROSE_PIPELINE_V1: PipelineConfig = {
  name: 'default-english-prose',
  version: '1',
  blocks: [
    { block: 'nfc-normalise' },
    { block: 'remove-unprintable' },
    { block: 'normalise-whitespace', options: { unwrap_lines: true } },
    { block: 'longest-word' },
    { block: 'length-filter', options: { max_chars: 10_000_000 } },
    { block: 'mask-pii' },
    { block: 'gopher-repetition' },
    { block: 'gopher-quality' },
    { block: 'c4-quality' },
  ],
  dedup: { exact: true, near: DEFAULT_NEAR_DEDUP },
  tokenizer: { encoding: 'o200k_base' },
};

/**
 * Pipeline v2 (issue #13): the same cleaning for every document, then rules
 * chosen by content class and language (see PipelineConfig.routes):
 * - English prose: Gopher repetition, Gopher quality and C4 as in v1, after
 *   the junk signals every class gets;
 * - prose in other languages: Gopher repetition and the FineWeb-2 style
 *   multilingual-quality (own stop words, CJK by characters);
 * - markdown and reference (man pages, option tables, copyright files):
 *   multilingual-quality on the prose part, the whole cleaned document counted;
 * - code: The Stack / StarCoder rules (code-quality), no whitespace rewriting
 *   (indentation is content).
 * junk-signals runs on every route: junk earns nothing in any class.
 */
export const MULTILINGUAL_PIPELINE: PipelineConfig = {
  name: 'default-multilingual',
  version: '2',
  blocks: [
    { block: 'nfc-normalise' },
    { block: 'remove-unprintable' },
    { block: 'length-filter', options: { max_chars: 10_000_000 } },
    { block: 'mask-pii' },
  ],
  languageId: { model: 'lid.176', sample_chars: 1000 },
  routes: [
    {
      name: 'prose-en',
      classes: ['prose'],
      languages: ['en'],
      blocks: [
        { block: 'normalise-whitespace', options: { unwrap_lines: true } },
        { block: 'longest-word' },
        { block: 'junk-signals' },
        { block: 'gopher-repetition' },
        { block: 'multilingual-quality' },
        { block: 'c4-quality' },
      ],
    },
    {
      name: 'prose',
      classes: ['prose'],
      blocks: [
        { block: 'normalise-whitespace', options: { unwrap_lines: true } },
        { block: 'longest-word' },
        { block: 'junk-signals' },
        { block: 'gopher-repetition' },
        { block: 'multilingual-quality' },
      ],
    },
    {
      name: 'markdown-reference',
      classes: ['markdown', 'reference'],
      blocks: [
        { block: 'normalise-whitespace' },
        { block: 'longest-word' },
        { block: 'junk-signals' },
        { block: 'multilingual-quality', options: { prose_part: true, min_doc_words: 20, min_alpha_words_ratio: 0.6 } },
      ],
    },
    { name: 'code', classes: ['code'], blocks: [{ block: 'junk-signals' }, { block: 'code-quality' }] },
  ],
  dedup: { exact: true, near: DEFAULT_NEAR_DEDUP },
  tokenizer: { encoding: 'o200k_base' },
};

const ENCODINGS: readonly TokenizerEncodingName[] = ['o200k_base', 'cl100k_base'];

function invalid(code: ErrorCode, message: string, field: string, hint: string): never {
  throw new ValidationError(code, message, { field, hint });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function onlyKeys(v: Record<string, unknown>, allowed: string[], field: string): void {
  for (const k of Object.keys(v))
    if (!allowed.includes(k))
      invalid('pipeline-unknown-field', `${field}.${k} is not a pipeline setting`, `${field}.${k}`, `Allowed: ${allowed.join(', ')}.`);
}

function int(v: unknown, field: string, min: number, max: number): number {
  if (!Number.isSafeInteger(v) || (v as number) < min || (v as number) > max)
    invalid(
      'pipeline-invalid-number',
      `${field} must be an integer from ${min} to ${max}`,
      field,
      `Give an integer between ${min} and ${max}.`,
    );
  return v as number;
}

/** Validates a config (e.g. parsed JSON) against the registry; throws ValidationError with the field at fault. */
export function resolvePipeline(config: unknown, registry: BlockRegistry = DEFAULT_BLOCK_REGISTRY): ResolvedPipeline {
  if (!isObject(config))
    invalid(
      'pipeline-invalid-config',
      'a pipeline config must be an object',
      'pipeline',
      'Give {name, version, blocks, dedup, tokenizer}.',
    );
  onlyKeys(config, ['name', 'version', 'blocks', 'dedup', 'tokenizer', 'languageId', 'routes'], 'pipeline');
  const { name, version, blocks, dedup, tokenizer, languageId, routes } = config;
  if (typeof name !== 'string' || name.trim() === '')
    invalid(
      'pipeline-invalid-name',
      'pipeline.name must be a non-empty string',
      'pipeline.name',
      'Name the pipeline, e.g. "default-english-prose".',
    );
  if (typeof version !== 'string' || version.trim() === '')
    invalid(
      'pipeline-invalid-version',
      'pipeline.version must be a non-empty string',
      'pipeline.version',
      'Give a version string, e.g. "1".',
    );
  if (!Array.isArray(blocks))
    invalid(
      'pipeline-invalid-blocks',
      'pipeline.blocks must be an array',
      'pipeline.blocks',
      'List the blocks in order: [{block, options}].',
    );
  const resolvedBlocks = resolveBlockList(blocks, 'pipeline.blocks', registry);

  if (!isObject(dedup))
    invalid('pipeline-invalid-dedup', 'pipeline.dedup must be an object', 'pipeline.dedup', 'Give {exact: true, near: {...} | false}.');
  onlyKeys(dedup, ['exact', 'near'], 'pipeline.dedup');
  if (typeof dedup.exact !== 'boolean')
    invalid('pipeline-invalid-dedup', 'pipeline.dedup.exact must be a boolean', 'pipeline.dedup.exact', 'true or false.');
  let near: NearDedupConfig | false = false;
  if (dedup.near !== false && dedup.near !== undefined) {
    const f = 'pipeline.dedup.near';
    if (!isObject(dedup.near))
      invalid(
        'pipeline-invalid-dedup',
        `${f} must be an object or false`,
        f,
        'Give {shingle, numPerm, bands, rows, threshold, seed} or false.',
      );
    onlyKeys(dedup.near, ['shingle', 'numPerm', 'bands', 'rows', 'threshold', 'seed'], f);
    const n = { ...DEFAULT_NEAR_DEDUP, ...dedup.near };
    near = {
      shingle: int(n.shingle, `${f}.shingle`, 1, 32),
      numPerm: int(n.numPerm, `${f}.numPerm`, 1, 1024),
      bands: int(n.bands, `${f}.bands`, 1, 1024),
      rows: int(n.rows, `${f}.rows`, 1, 1024),
      threshold: n.threshold as number,
      seed: int(n.seed, `${f}.seed`, 0, 0xffffffff),
    };
    if (typeof n.threshold !== 'number' || !(n.threshold > 0 && n.threshold <= 1))
      invalid('pipeline-invalid-threshold', `${f}.threshold must be in (0, 1]`, `${f}.threshold`, 'A Jaccard similarity such as 0.75.');
    if (near.bands * near.rows !== near.numPerm)
      invalid(
        'pipeline-invalid-lsh-shape',
        `${f}: bands x rows (${near.bands} x ${near.rows}) must equal numPerm (${near.numPerm})`,
        `${f}.numPerm`,
        'E.g. 20 bands x 6 rows = 120 permutations.',
      );
  }

  if (!isObject(tokenizer))
    invalid(
      'pipeline-invalid-tokenizer',
      'pipeline.tokenizer must be an object',
      'pipeline.tokenizer',
      `Give {encoding: ${ENCODINGS.join(' | ')}}.`,
    );
  onlyKeys(tokenizer, ['encoding'], 'pipeline.tokenizer');
  if (!ENCODINGS.includes(tokenizer.encoding as TokenizerEncodingName))
    invalid(
      'pipeline-invalid-encoding',
      `pipeline.tokenizer.encoding must be one of ${ENCODINGS.join(', ')}`,
      'pipeline.tokenizer.encoding',
      'o200k_base is the default.',
    );

  const body: Omit<ResolvedPipeline, 'configHash'> = {
    name,
    version,
    blocks: resolvedBlocks,
    dedup: { exact: dedup.exact as boolean, near },
    tokenizer: { encoding: tokenizer.encoding as TokenizerEncodingName },
    ...resolveRouting(languageId, routes, registry),
  };
  return { ...body, configHash: canonicalHash(body) };
}

/** The config hash of a config (validated and resolved first). */
export function configHash(config: unknown, registry?: BlockRegistry): string {
  return resolvePipeline(config, registry).configHash;
}

function resolveBlockList(blocks: unknown[], at: string, registry: BlockRegistry): ResolvedRoute['blocks'] {
  return blocks.map((entry: unknown, i: number) => {
    const field = `${at}[${i}]`;
    if (!isObject(entry) || typeof entry.block !== 'string')
      invalid('pipeline-invalid-block', `${field} must be {block, options?}`, field, 'Name a registered block.');
    onlyKeys(entry, ['block', 'options'], field);
    if (!registry.has(entry.block))
      invalid(
        'pipeline-unknown-block',
        `${field}.block: no block named ${entry.block}`,
        `${field}.block`,
        `Known blocks: ${registry.names().join(', ')}.`,
      );
    const block: Block = registry.get(entry.block);
    const options = block.resolveOptions(entry.options, `${field}.options`) as Record<string, unknown>;
    return { block: block.name, version: block.version, options };
  });
}

function resolveRouting(languageId: unknown, routes: unknown, registry: BlockRegistry): Pick<ResolvedPipeline, 'languageId' | 'routes'> {
  if (languageId === undefined && routes === undefined) return {};
  const f = 'pipeline.languageId';
  if (!isObject(languageId) || languageId.model !== 'lid.176')
    invalid(
      'pipeline-invalid-language-id',
      `${f} must be {model: "lid.176", sample_chars}`,
      f,
      'A routed pipeline names its language model.',
    );
  onlyKeys(languageId, ['model', 'sample_chars'], f);
  const sample = int(languageId.sample_chars, `${f}.sample_chars`, 50, 1_000_000);
  if (!Array.isArray(routes) || routes.length === 0)
    invalid(
      'pipeline-invalid-routes',
      'pipeline.routes must be a non-empty array',
      'pipeline.routes',
      'Give [{name, classes, languages?, blocks}].',
    );
  const resolved = routes.map((r: unknown, i: number): ResolvedRoute => {
    const rf = `pipeline.routes[${i}]`;
    if (!isObject(r)) invalid('pipeline-invalid-route', `${rf} must be an object`, rf, 'Give {name, classes, languages?, blocks}.');
    onlyKeys(r, ['name', 'classes', 'languages', 'blocks'], rf);
    if (typeof r.name !== 'string' || r.name === '')
      invalid('pipeline-invalid-route', `${rf}.name must be a non-empty string`, `${rf}.name`, 'Name the route.');
    if (!Array.isArray(r.classes) || r.classes.length === 0 || !r.classes.every((c) => CONTENT_CLASSES.includes(c as ContentClass)))
      invalid(
        'pipeline-invalid-route',
        `${rf}.classes must list content classes`,
        `${rf}.classes`,
        `Any of: ${CONTENT_CLASSES.join(', ')}.`,
      );
    if (
      r.languages !== undefined &&
      (!Array.isArray(r.languages) || !r.languages.every((l) => typeof l === 'string' && /^[a-z]{2,3}$/.test(l)))
    )
      invalid(
        'pipeline-invalid-route',
        `${rf}.languages must list ISO 639 codes`,
        `${rf}.languages`,
        'E.g. ["en"], or omit it for any language.',
      );
    if (!Array.isArray(r.blocks))
      invalid('pipeline-invalid-blocks', `${rf}.blocks must be an array`, `${rf}.blocks`, 'List the blocks in order.');
    return {
      name: r.name,
      classes: r.classes as ContentClass[],
      ...(r.languages !== undefined ? { languages: r.languages as string[] } : {}),
      blocks: resolveBlockList(r.blocks, `${rf}.blocks`, registry),
    };
  });
  for (const c of CONTENT_CLASSES)
    if (!resolved.some((r) => r.classes.includes(c) && r.languages === undefined))
      invalid(
        'pipeline-missing-route',
        `no route takes ${c} documents of any language`,
        'pipeline.routes',
        `Add a route for ${c} without a languages list.`,
      );
  return { languageId: { model: 'lid.176', sample_chars: sample }, routes: resolved };
}

/**
 * The pipeline new uploads are judged by: v2 (default-multilingual) since
 * issue #13. Results recorded under an earlier default stay as they were:
 * every DatasetPreprocessed names its pipeline and config hash, and
 * `dataset reprocess --verify` re-runs the one recorded (KNOWN_PIPELINES).
 */
export const DEFAULT_PIPELINE: PipelineConfig = MULTILINGUAL_PIPELINE;

/**
 * Every pipeline this build can run, newest first: a recorded config hash
 * picks one (reprocess --verify, audit). Never drop an entry while results
 * recorded under it may exist.
 */
export const KNOWN_PIPELINES: readonly PipelineConfig[] = [MULTILINGUAL_PIPELINE, ENGLISH_PROSE_PIPELINE_V1];

/** KNOWN_PIPELINES resolved (config hashes computed), cached. */
let knownResolved: ResolvedPipeline[] | undefined;
export function knownPipelines(): ResolvedPipeline[] {
  knownResolved ??= KNOWN_PIPELINES.map((c) => resolvePipeline(c));
  return [...knownResolved];
}
