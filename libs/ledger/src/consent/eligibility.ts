import type { ConsumerScope } from './consumer-scope';
import { DATA_USES, type DataUse } from './data-use';

/** Tokens of a dataset's kept documents of one language and class. */
export interface LabelCell {
  language: string;
  contentClass: string;
  tokens: bigint;
}

/**
 * Tokens of a dataset's kept documents by label, as the filtering result
 * recorded them (pipeline v2), less its excluded documents: per language ×
 * class (`joint`), or, for results recorded before the joint counts, only
 * per language and per class (`marginal`). Arrays, not maps: a pool holds
 * one of these per dataset (a million of them at scale).
 */
export type LabelTokens =
  | { kind: 'joint'; cells: readonly LabelCell[] }
  | { kind: 'marginal'; byLanguage: ReadonlyArray<readonly [string, bigint]>; byClass: ReadonlyArray<readonly [string, bigint]> };

/** What decides a dataset's eligibility at one log position. */
export interface EligibilityFacts {
  /** Tokens in the pool (accepted tokens less excluded documents'). */
  tokens: bigint;
  /** SPDX id or the platform grant; null = unknown (uploaded before licences were recorded). */
  licence: string | null;
  uses: readonly DataUse[];
  /** The uses as a bit mask (bit i = DATA_USES[i]), so a check is one AND. */
  usesMask: number;
  /** null: the result labels no document (pipeline v1). */
  labels: LabelTokens | null;
}

export function usesMaskOf(uses: readonly DataUse[]): number {
  let mask = 0;
  for (let i = 0; i < DATA_USES.length; i++) if (uses.includes(DATA_USES[i])) mask |= 1 << i;
  return mask;
}

/** A scope prepared once per run: masks and sets instead of list scans per dataset. */
interface CompiledScope {
  usesMask: number;
  licences: ReadonlySet<string> | null;
  languages: ReadonlySet<string> | null;
  classes: ReadonlySet<string> | null;
}

const compiled = new WeakMap<ConsumerScope, CompiledScope>();

function compile(scope: ConsumerScope): CompiledScope {
  let c = compiled.get(scope);
  if (!c) {
    c = {
      usesMask: usesMaskOf(scope.uses),
      licences: scope.licences ? new Set(scope.licences) : null,
      languages: scope.languages ? new Set(scope.languages) : null,
      classes: scope.contentClasses ? new Set(scope.contentClasses) : null,
    };
    compiled.set(scope, c);
  }
  return c;
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
  const s = compile(scope);
  if ((f.usesMask & s.usesMask) === 0) return 0n;
  if (s.licences && (f.licence === null || !s.licences.has(f.licence))) return 0n;
  const languages = s.languages;
  const classes = s.classes;
  if (!languages && !classes) return f.tokens;
  const labels = f.labels;
  if (!labels) return 0n;
  if (labels.kind === 'joint') {
    let sum = 0n;
    for (const c of labels.cells)
      if ((!languages || languages.has(c.language)) && (!classes || classes.has(c.contentClass))) sum += c.tokens;
    return sum;
  }
  const sumIn = (entries: ReadonlyArray<readonly [string, bigint]>, keep: ReadonlySet<string>): bigint => {
    let sum = 0n;
    for (const [k, n] of entries) if (keep.has(k)) sum += n;
    return sum;
  };
  if (!classes) return sumIn(labels.byLanguage, languages!);
  if (!languages) return sumIn(labels.byClass, classes);
  const both = sumIn(labels.byLanguage, languages) + sumIn(labels.byClass, classes) - f.tokens;
  return both > 0n ? both : 0n;
}
