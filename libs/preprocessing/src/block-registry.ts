import { NotFoundError, ValidationError } from '@1tt/domain-errors';
import { type Block } from './block';
import { c4QualityBlock } from './blocks/c4-quality.block';
import { codeQualityBlock } from './blocks/code-quality.block';
import { junkSignalsBlock } from './blocks/junk-signals.block';
import { multilingualQualityBlock } from './blocks/multilingual-quality.block';
import { gopherQualityBlock } from './blocks/gopher-quality.block';
import { gopherRepetitionBlock } from './blocks/gopher-repetition.block';
import { lengthFilterBlock } from './blocks/length-filter.block';
import { longestWordBlock } from './blocks/longest-word.block';
import { maskPiiBlock } from './blocks/mask-pii.block';
import { nfcNormaliseBlock } from './blocks/nfc-normalise.block';
import { normaliseWhitespaceBlock } from './blocks/normalise-whitespace.block';
import { removeUnprintableBlock } from './blocks/remove-unprintable.block';

/** Blocks by name; a pipeline config can only name registered blocks. */
export class BlockRegistry {
  private readonly blocks = new Map<string, Block>();

  constructor(blocks: readonly Block[] = []) {
    for (const b of blocks) this.register(b);
  }

  register(block: Block): this {
    if (this.blocks.has(block.name)) {
      throw new ValidationError('pipeline.duplicate_block', `block ${block.name} is already registered`, {
        field: 'block',
        hint: 'Give a new block a new name.',
      });
    }
    this.blocks.set(block.name, block);
    return this;
  }

  get(name: string): Block {
    const b = this.blocks.get(name);
    if (!b)
      throw new NotFoundError('pipeline.unknown_block', `no block named ${name}`, {
        field: 'block',
        hint: `Known blocks: ${this.names().join(', ')}.`,
      });
    return b;
  }

  has(name: string): boolean {
    return this.blocks.has(name);
  }

  names(): string[] {
    return [...this.blocks.keys()].sort();
  }
}

export const BUILT_IN_BLOCKS: readonly Block[] = [
  nfcNormaliseBlock,
  removeUnprintableBlock,
  normaliseWhitespaceBlock,
  maskPiiBlock,
  lengthFilterBlock,
  longestWordBlock,
  gopherQualityBlock,
  gopherRepetitionBlock,
  c4QualityBlock,
  junkSignalsBlock,
  multilingualQualityBlock,
  codeQualityBlock,
] as unknown as readonly Block[];

export const DEFAULT_BLOCK_REGISTRY = new BlockRegistry(BUILT_IN_BLOCKS);
