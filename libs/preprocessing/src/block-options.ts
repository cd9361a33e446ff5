import { ValidationError } from '@1tt/domain-errors';

/**
 * Kinds of block options. Numeric thresholds may be null, which disables that
 * one rule (datatrove's `None`).
 */
export type OptionKind =
  | 'count' // non-negative integer or null
  | 'ratio' // number in [0, 1] or null
  | 'boolean'
  | 'strings' // array of strings
  | 'ngram-fractions' // array of [n >= 1 integer, ratio]
  | 'choice';

export type OptionSpec<O> = { [K in keyof O]: OptionKind | { choice: readonly string[] } };

/** Merges `input` over `defaults`, refusing unknown keys and ill-typed values. */
export function resolveBlockOptions<O extends object>(defaults: O, spec: OptionSpec<O>, input: unknown, field: string): O {
  if (input === undefined || input === null) return { ...defaults };
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw new ValidationError('pipeline-invalid-block-options', `${field} must be an object`, {
      field,
      hint: 'Give the block options as a JSON object, or omit them for the defaults.',
    });
  }
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    const kind = (spec as Record<string, OptionKind | { choice: readonly string[] }>)[key];
    const f = `${field}.${key}`;
    if (kind === undefined) {
      throw new ValidationError('pipeline-unknown-block-option', `${f} is not an option of this block`, {
        field: f,
        hint: `Known options: ${Object.keys(spec).join(', ')}.`,
      });
    }
    if (!valid(kind, value)) {
      throw new ValidationError('pipeline-invalid-block-option', `${f} is not a valid ${typeof kind === 'string' ? kind : 'choice'}`, {
        field: f,
        hint: hintFor(kind),
      });
    }
    out[key] = value;
  }
  return out as O;
}

function valid(kind: OptionKind | { choice: readonly string[] }, v: unknown): boolean {
  if (typeof kind === 'object') return typeof v === 'string' && kind.choice.includes(v);
  switch (kind) {
    case 'count':
      return v === null || (Number.isSafeInteger(v) && (v as number) >= 0);
    case 'ratio':
      return v === null || (typeof v === 'number' && v >= 0 && v <= 1);
    case 'boolean':
      return typeof v === 'boolean';
    case 'strings':
      return Array.isArray(v) && v.every((s) => typeof s === 'string');
    case 'ngram-fractions':
      return (
        Array.isArray(v) &&
        v.every(
          (p) =>
            Array.isArray(p) &&
            p.length === 2 &&
            Number.isSafeInteger(p[0]) &&
            p[0] >= 1 &&
            typeof p[1] === 'number' &&
            p[1] >= 0 &&
            p[1] <= 1,
        )
      );
    case 'choice':
      return false;
  }
}

function hintFor(kind: OptionKind | { choice: readonly string[] }): string {
  if (typeof kind === 'object') return `One of: ${kind.choice.join(', ')}.`;
  switch (kind) {
    case 'count':
      return 'A non-negative integer, or null to disable the rule.';
    case 'ratio':
      return 'A number between 0 and 1, or null to disable the rule.';
    case 'boolean':
      return 'true or false.';
    case 'strings':
      return 'An array of strings.';
    case 'ngram-fractions':
      return 'An array of [n, fraction] pairs, e.g. [[2, 0.2], [3, 0.18]].';
    case 'choice':
      return '';
  }
}
