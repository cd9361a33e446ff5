/** Shared helpers of the block specs (test-only; not exported from the lib). */
import { type Block, type BlockOutcome, isRemoved } from '../block';

export function run<O extends object>(block: Block<O>, text: string, options?: Partial<O>): BlockOutcome {
  return block.apply({ text }, block.resolveOptions(options, 'options'), { blockIndex: 0 });
}

export function reasonOf(outcome: BlockOutcome): string | undefined {
  return isRemoved(outcome) ? outcome.reason : undefined;
}

export function textOf(outcome: BlockOutcome): string {
  if (isRemoved(outcome)) throw new Error(`removed: ${outcome.reason} ${outcome.detail ?? ''}`);
  return outcome.text;
}
