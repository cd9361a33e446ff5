import { ValidationError } from '@1tt/domain-errors';
import { DataUse, usesOf } from './data-use';
import { licenceOf } from './licence';

/**
 * What a consumer pays for (issue #14): the tokens of documents whose
 * dataset grants one of `uses`, under one of `licences`, and whose language
 * and content class are listed. null = any. A consumer without a scope pays
 * for the whole pool (the paper's formula), as before scopes existed.
 */
export interface ConsumerScope {
  uses: DataUse[];
  /** ISO 639-1 (else 639-3) codes as lid.176 gives them ('zxx' = code); null = any language, also unknown. */
  languages: string[] | null;
  /** prose | markdown | code | reference; null = any class, also unknown. */
  contentClasses: string[] | null;
  /** SPDX identifiers (or the platform grant); null = any licence, also unknown. */
  licences: string[] | null;
}

export const CONTENT_CLASSES: readonly string[] = ['prose', 'markdown', 'code', 'reference'];
const LANGUAGE = /^([a-z]{2,3}|zxx)$/;

function listOf<T extends string>(value: unknown, field: string, each: (v: unknown, field: string) => T): T[] | null {
  if (value === null || value === undefined) return null;
  if (!Array.isArray(value) || value.length === 0 || value.length > 500) {
    throw new ValidationError('scope-invalid', `scope.${field} must be null (any) or a non-empty list`, {
      field: `scope.${field}`,
      hint: 'null means any; an empty list would pay for nothing.',
    });
  }
  return [...new Set(value.map((v, i) => each(v, `scope.${field}[${i}]`)))].sort();
}

/** Validates a requested scope and returns it canonical (sorted, duplicates merged), so equal scopes have equal JSON. */
export function consumerScopeOf(value: unknown): ConsumerScope {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError('scope-invalid', 'scope must be {uses, languages, contentClasses, licences}', {
      field: 'scope',
      hint: 'E.g. {"uses":["training"],"languages":["en"],"contentClasses":null,"licences":null}.',
    });
  }
  const v = value as Record<string, unknown>;
  for (const k of Object.keys(v))
    if (!['uses', 'languages', 'contentClasses', 'licences'].includes(k))
      throw new ValidationError('scope-invalid', `scope has an unknown field ${k}`, { field: `scope.${k}` });
  return {
    uses: usesOf(v.uses, 'scope.uses'),
    languages: listOf(v.languages, 'languages', (l, field) => {
      if (typeof l !== 'string' || !LANGUAGE.test(l))
        throw new ValidationError('scope-invalid', `${field} must be an ISO 639 code in lower case (or zxx)`, { field });
      return l;
    }),
    contentClasses: listOf(v.contentClasses, 'contentClasses', (c, field) => {
      if (typeof c !== 'string' || !CONTENT_CLASSES.includes(c))
        throw new ValidationError('scope-invalid', `${field} must be one of ${CONTENT_CLASSES.join(', ')}`, { field });
      return c;
    }),
    licences: listOf(v.licences, 'licences', (l, field) => licenceOf(l, field)),
  };
}
