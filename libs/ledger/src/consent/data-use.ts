import { ValidationError } from '@1tt/domain-errors';

/**
 * What a consumer does with the data (Created by Humans separates training,
 * reference and transformative rights; TollBit sells summarisation vs full
 * display): a dataset grants some of these, a consumer's scope asks for some.
 */
export type DataUse = 'training' | 'evaluation' | 'retrieval';
export const DATA_USES: readonly DataUse[] = ['training', 'evaluation', 'retrieval'];

/**
 * Uses of datasets and contributors recorded before consent existed: the
 * platform's original promise was training, so they grant exactly that.
 */
export const DEFAULT_USES: readonly DataUse[] = ['training'];

/**
 * A requested set of uses: an array (or a comma-separated string, as a form
 * field sends it) of known uses, at least one, duplicates merged, in the
 * canonical order of DATA_USES so equal sets have equal JSON.
 */
export function usesOf(value: unknown, field = 'uses'): DataUse[] {
  const list = typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value;
  if (!Array.isArray(list) || list.length === 0 || list.length > 16 || !list.every((u) => (DATA_USES as readonly unknown[]).includes(u))) {
    throw new ValidationError('uses-invalid', `${field} must be a non-empty list of ${DATA_USES.join(', ')}`, {
      field,
      hint: 'E.g. ["training", "retrieval"] (a form field: training,retrieval).',
    });
  }
  return DATA_USES.filter((u) => list.includes(u));
}

/** The uses a recorded event carries (absent: recorded before consent existed → DEFAULT_USES). */
export function recordedUses(value: unknown): readonly DataUse[] {
  if (!Array.isArray(value)) return DEFAULT_USES;
  return DATA_USES.filter((u) => value.includes(u));
}
