import { canonicalHash } from '@1tt/canonical-json';
import { type ErrorCode, ValidationError } from '@1tt/domain-errors';
import { type Block } from './block';
import { BlockRegistry, DEFAULT_BLOCK_REGISTRY } from './block-registry';

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
}

/** A validated config with every block's options filled in and its version pinned. */
export interface ResolvedPipeline {
  readonly name: string;
  readonly version: string;
  readonly blocks: ReadonlyArray<{ readonly block: string; readonly version: number; readonly options: Record<string, unknown> }>;
  readonly dedup: { readonly exact: boolean; readonly near: NearDedupConfig | false };
  readonly tokenizer: { readonly encoding: TokenizerEncodingName };
  /** sha256 of the canonical JSON of everything above: recorded in every result. */
  readonly configHash: string;
}

export const DEFAULT_NEAR_DEDUP: NearDedupConfig = { shingle: 5, numPerm: 120, bands: 20, rows: 6, threshold: 0.75, seed: 0x1771 };

/**
 * For general English prose: clean, unwrap hard-wrapped lines (see
 * normalise-whitespace), mask PII, guard against hostile words, then the
 * FineWeb order of quality rules (Gopher repetition, Gopher quality, C4),
 * exact and near dedup, o200k_base tokens.
 */
export const DEFAULT_PIPELINE: PipelineConfig = {
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
  onlyKeys(config, ['name', 'version', 'blocks', 'dedup', 'tokenizer'], 'pipeline');
  const { name, version, blocks, dedup, tokenizer } = config;
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
  const resolvedBlocks = blocks.map((entry: unknown, i: number) => {
    const field = `pipeline.blocks[${i}]`;
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
  };
  return { ...body, configHash: canonicalHash(body) };
}

/** The config hash of a config (validated and resolved first). */
export function configHash(config: unknown, registry?: BlockRegistry): string {
  return resolvePipeline(config, registry).configHash;
}
