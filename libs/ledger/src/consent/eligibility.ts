import type { ConsumerScope } from './consumer-scope';
import type { DataUse } from './data-use';

/**
 * Tokens of a dataset's kept documents by label, as the filtering result
 * recorded them (pipeline v2), less its excluded documents. `byLanguageClass`
 * (key `language/class`) is absent on results recorded before the joint
 * breakdown existed.
 */
export interface LabelTokens {
  byLanguage: ReadonlyMap<string, bigint>;
  byClass: ReadonlyMap<string, bigint>;
  byLanguageClass?: ReadonlyMap<string, bigint>;
}

/** What decides a dataset's eligibility at one log position. */
export interface EligibilityFacts {
  /** Tokens in the pool (accepted tokens less excluded documents'). */
  tokens: bigint;
  /** SPDX id or the platform grant; null = unknown (uploaded before licences were recorded). */
  licence: string | null;
  uses: readonly DataUse[];
  /** null: the result labels no document (pipeline v1). */
  labels: LabelTokens | null;
}

export const LANGUAGE_CLASS_SEPARATOR = '/';

function sumOf(m: ReadonlyMap<string, bigint>, keep: (key: string) => boolean): bigint {
  let s = 0n;
  for (const [k, v] of m) if (keep(k)) s += v;
  return s;
}

/**
 * The tokens of a dataset a consumer with `scope` pays for (issue #14):
 *  - none unless the dataset grants one of the scope's uses, and (when the
 *    scope lists licences) its licence is listed (an unknown licence is not);
 *  - with no language or class restriction: all its tokens;
 *  - otherwise the tokens of its documents whose language and class are in
 *    scope, from the filtering result's per-label counts. A dataset with no
 *    labels (pipeline v1) has none in a restricted scope. When both are
 *    restricted and the result predates the joint language×class counts,
 *    only the tokens provably in both are counted: max(0, L + C − T).
 */
export function eligibleTokens(f: EligibilityFacts, scope: ConsumerScope): bigint {
  if (f.tokens === 0n) return 0n;
  if (!scope.uses.some((u) => f.uses.includes(u))) return 0n;
  if (scope.licences && (f.licence === null || !scope.licences.includes(f.licence))) return 0n;
  const languages = scope.languages;
  const classes = scope.contentClasses;
  if (!languages && !classes) return f.tokens;
  const labels = f.labels;
  if (!labels) return 0n;
  if (!classes) return sumOf(labels.byLanguage, (l) => languages!.includes(l));
  if (!languages) return sumOf(labels.byClass, (c) => classes.includes(c));
  if (labels.byLanguageClass) {
    return sumOf(labels.byLanguageClass, (key) => {
      const i = key.indexOf(LANGUAGE_CLASS_SEPARATOR);
      return languages.includes(key.slice(0, i)) && classes.includes(key.slice(i + 1));
    });
  }
  const both = sumOf(labels.byLanguage, (l) => languages.includes(l)) + sumOf(labels.byClass, (c) => classes.includes(c)) - f.tokens;
  return both > 0n ? both : 0n;
}
