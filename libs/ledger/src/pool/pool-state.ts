import type { ConsumerScope } from '../consent/consumer-scope';
import { recordedUses } from '../consent/data-use';
import { eligibleTokens, EligibilityFacts, LabelCell, LabelTokens, usesMaskOf } from '../consent/eligibility';
import {
  DatasetAccepted,
  DatasetConsentChanged,
  DatasetDocumentsExcluded,
  DatasetPreprocessed,
  DatasetUploaded,
  DatasetWithdrawn,
} from '../datasets/dataset.events';
import { LoggedEvent } from '../events/ledger-event';
import type { DataRequestOpened } from '../data-requests/data-request.events';
import { parseRequestWeight } from '../data-requests/data-request.decider';

/** Where and when a dataset entered or left the pool. */
export interface PoolMark {
  position: number;
  /** metadata.recordedAt of the event, in epoch milliseconds. */
  time: number;
}

export interface PoolMembership {
  datasetId: string;
  contributorId: string;
  tokens: bigint;
  entered: PoolMark;
  exited?: PoolMark;
  /** Licence, uses, labels and tokens from `entered` on (issue #14). */
  facts: EligibilityFacts;
  /** Later consent changes and exclusions, in log order: each gives the facts from its mark on. */
  changes?: Array<{ mark: PoolMark; facts: EligibilityFacts }>;
  /** Tokens credited to a data request when it was accepted (DatasetAccepted requestCredit, issue #15). */
  credit?: { requestId: string; creditedTokens: bigint };
}

/** What a data request's weight needs (issue #15): whose runs, how much, until when. */
export interface RequestWeightTerms {
  consumerId: string;
  /** Millionths: "2.5" → 2_500_000. */
  weightMicros: bigint;
  weight: string;
  weightUntil: number;
}

/** A snapshot weighted by data-request credits: per contributor Σ (tokens × 10^6 + credited × (w − 1) × 10^6). */
export interface RequestWeighted {
  contributors: Map<string, bigint>;
  /** Each request whose weight was used: its weight and the credited tokens it weighed. */
  requests: Array<{ requestId: string; weight: string; creditedTokens: string }>;
}

export const REQUEST_WEIGHT_SCALE = 1_000_000n;

/** Facts of a contribution recorded before licences, consent and labels: the whole dataset, for training. */
const UNLABELLED_DEFAULT: Omit<EligibilityFacts, 'tokens'> = Object.freeze({
  licence: null,
  uses: recordedUses(undefined),
  usesMask: usesMaskOf(recordedUses(undefined)),
  labels: null,
});

/** The facts of a membership in force at position P (P ≥ entered). */
export function factsAt(m: PoolMembership, position: number): EligibilityFacts {
  const changes = m.changes;
  if (changes) {
    for (let i = changes.length - 1; i >= 0; i--) if (changes[i].mark.position <= position) return changes[i].facts;
  }
  return m.facts;
}

export interface PoolSnapshot {
  position: number;
  totalTokens: bigint;
  /** Tokens per contributor (only contributors with a dataset in the pool). */
  contributors: Map<string, bigint>;
  datasetCount: number;
}

/**
 * The contribution pool, folded from the log in order. Each accepted
 * contribution is remembered with the position and recorded time at which it
 * entered and (once withdrawn) left, so one fold answers "the pool as of any
 * position P" = the fold of the events with position ≤ P, without
 * re-reading the log. `DatasetAccepted` / `DatasetWithdrawn` of kind
 * `contribution` move datasets in and out; consumers' reference corpora never
 * enter the pool. Since issue #14 the fold also keeps what decides
 * eligibility (EligibilityFacts): the licence and uses of DatasetUploaded,
 * the label counts of DatasetPreprocessed, and each DatasetConsentChanged /
 * DatasetDocumentsExcluded as a change from its position on.
 *
 * Times come from metadata.recordedAt (assigned by the store, non-decreasing
 * with position) rather than from the event data, so the time order and the
 * log order cannot disagree.
 *
 * A mutable accumulator for speed (O(1) per event at millions of datasets);
 * its answers depend only on the events applied, in order.
 */
export class PoolState {
  private readonly members = new Map<string, PoolMembership>();
  /** Contributions uploaded, not yet decided: their licence, uses and labels so far. */
  private readonly pending = new Map<string, Omit<EligibilityFacts, 'tokens'>>();
  private readonly requestTerms = new Map<string, RequestWeightTerms>();
  private last = 0;

  static fromEvents(events: Iterable<LoggedEvent>): PoolState {
    const pool = new PoolState();
    for (const e of events) pool.apply(e);
    return pool;
  }

  /** Position of the last event applied (0 when none). */
  get lastPosition(): number {
    return this.last;
  }

  /** Applies any logged event in log order (non-pool events only advance the position). */
  apply(event: LoggedEvent): this {
    if (event.position <= this.last) {
      throw new Error(`PoolState: event at position ${event.position} after ${this.last}: events must be applied once, in log order`);
    }
    this.last = event.position;
    switch (event.type) {
      case 'DatasetUploaded': {
        const d = event.data as DatasetUploaded['data'];
        if (d.kind !== 'contribution') return this;
        if (d.licence === undefined && d.uses === undefined) return this; // the default: nothing to remember
        const uses = recordedUses(d.uses);
        this.pending.set(d.datasetId, { licence: d.licence ?? null, uses, usesMask: usesMaskOf(uses), labels: null });
        return this;
      }
      case 'DatasetPreprocessed': {
        const d = event.data as DatasetPreprocessed['data'];
        const labels = labelTokensOf(d);
        if (!labels) return this;
        this.pending.set(d.datasetId, { ...(this.pending.get(d.datasetId) ?? UNLABELLED_DEFAULT), labels });
        return this;
      }
      case 'DatasetAccepted': {
        const d = event.data as DatasetAccepted['data'];
        const known = this.pending.get(d.datasetId);
        this.pending.delete(d.datasetId);
        if (d.kind !== 'contribution') return this;
        const tokens = BigInt(d.tokens);
        this.members.set(d.datasetId, {
          datasetId: d.datasetId,
          contributorId: d.contributorId,
          tokens,
          entered: markOf(event),
          facts: { ...(known ?? UNLABELLED_DEFAULT), tokens },
          ...(d.requestCredit && /^\d{1,30}$/.test(d.requestCredit.creditedTokens)
            ? { credit: { requestId: d.requestCredit.requestId, creditedTokens: BigInt(d.requestCredit.creditedTokens) } }
            : {}),
        });
        return this;
      }
      case 'DataRequestOpened': {
        const d = event.data as DataRequestOpened['data'];
        if (this.requestTerms.has(d.requestId)) return this;
        let weightMicros: bigint;
        try {
          weightMicros = parseRequestWeight(d.weight);
        } catch {
          return this; // not a weight the decider could have written: weighs as 1
        }
        this.requestTerms.set(d.requestId, {
          consumerId: d.consumerId,
          weightMicros,
          weight: d.weight,
          weightUntil: Date.parse(d.weightUntil),
        });
        return this;
      }
      case 'DatasetRejected':
        this.pending.delete((event.data as { datasetId: string }).datasetId);
        return this;
      case 'DatasetWithdrawn': {
        const d = event.data as DatasetWithdrawn['data'];
        const m = this.members.get(d.datasetId);
        if (m && !m.exited) m.exited = markOf(event);
        return this;
      }
      case 'DatasetConsentChanged': {
        const d = event.data as DatasetConsentChanged['data'];
        const uses = recordedUses(d.uses);
        const m = this.members.get(d.datasetId);
        if (m) {
          if (!m.exited) this.change(m, event, { ...factsAt(m, event.position), uses, usesMask: usesMaskOf(uses) });
        } else {
          this.pending.set(d.datasetId, { ...(this.pending.get(d.datasetId) ?? UNLABELLED_DEFAULT), uses, usesMask: usesMaskOf(uses) });
        }
        return this;
      }
      case 'DatasetDocumentsExcluded': {
        const d = event.data as DatasetDocumentsExcluded['data'];
        const m = this.members.get(d.datasetId);
        if (m && !m.exited) this.change(m, event, withoutDocuments(factsAt(m, event.position), d.documents));
        return this;
      }
      default:
        return this;
    }
  }

  private change(m: PoolMembership, event: LoggedEvent, facts: EligibilityFacts): void {
    (m.changes ??= []).push({ mark: markOf(event), facts });
  }

  /** Every contribution that ever entered the pool (up to lastPosition), in acceptance order. */
  memberships(): IterableIterator<PoolMembership> {
    return this.members.values();
  }

  /** The pool as of position P: datasets entered at ≤ P and not exited at ≤ P. */
  at(position: number): PoolSnapshot {
    this.assertKnown(position);
    const contributors = new Map<string, bigint>();
    let totalTokens = 0n;
    let datasetCount = 0;
    for (const m of this.members.values()) {
      if (!inPoolAt(m, position)) continue;
      const tokens = m.changes === undefined ? m.tokens : factsAt(m, position).tokens;
      // Most contributors have one dataset: reuse its bigint rather than allocating 0n + tokens.
      const sum = contributors.get(m.contributorId);
      contributors.set(m.contributorId, sum === undefined ? tokens : sum + tokens);
      totalTokens += tokens;
      datasetCount++;
    }
    return { position, totalTokens, contributors, datasetCount };
  }

  /**
   * The pool a consumer with `scope` pays for as of position P (issue #14):
   * per contributor, the eligible tokens of their datasets in the pool at P
   * under the licence, consent and exclusions in force at P (eligibleTokens);
   * totalTokens = ΣT_c, poolTokens = ΣT of the whole pool (the same pass).
   * Contributors with nothing eligible are left out.
   */
  eligibleAt(position: number, scope: ConsumerScope): PoolSnapshot & { poolTokens: bigint } {
    this.assertKnown(position);
    const contributors = new Map<string, bigint>();
    let totalTokens = 0n;
    let poolTokens = 0n;
    let datasetCount = 0;
    for (const m of this.members.values()) {
      if (!inPoolAt(m, position)) continue;
      const facts = factsAt(m, position);
      poolTokens += facts.tokens;
      const tokens = eligibleTokens(facts, scope);
      if (tokens === 0n) continue;
      const sum = contributors.get(m.contributorId);
      contributors.set(m.contributorId, sum === undefined ? tokens : sum + tokens);
      totalTokens += tokens;
      datasetCount++;
    }
    return { position, totalTokens, contributors, datasetCount, poolTokens };
  }

  /**
   * The snapshot weighted by data-request credits (issue #15), for a run of
   * `consumerId` whose period starts at `periodStartMs`, as of position P:
   * each contribution in the pool at P weighs its tokens (eligible under
   * `scope` when given) × 10^6, plus, when it was credited to a request of
   * that consumer whose weightUntil is after periodStartMs,
   * min(credited, its tokens) × (w − 1) × 10^6: credited tokens count w
   * times. Undefined when no credit applies, so the run is computed exactly
   * as without data requests (every w = 1 is the paper's formula).
   */
  requestWeightedAt(position: number, consumerId: string, periodStartMs: number, scope?: ConsumerScope): RequestWeighted | undefined {
    this.assertKnown(position);
    const contributors = new Map<string, bigint>();
    const used = new Map<string, { weight: string; credited: bigint }>();
    for (const m of this.members.values()) {
      if (!inPoolAt(m, position)) continue;
      const facts = factsAt(m, position);
      const tokens = scope ? eligibleTokens(facts, scope) : facts.tokens;
      if (tokens === 0n) continue;
      let w = tokens * REQUEST_WEIGHT_SCALE;
      const terms = m.credit && m.credit.creditedTokens > 0n ? this.requestTerms.get(m.credit.requestId) : undefined;
      if (m.credit && terms && terms.consumerId === consumerId && periodStartMs < terms.weightUntil) {
        const credited = m.credit.creditedTokens < tokens ? m.credit.creditedTokens : tokens;
        w += credited * (terms.weightMicros - REQUEST_WEIGHT_SCALE);
        const u = used.get(m.credit.requestId) ?? { weight: terms.weight, credited: 0n };
        u.credited += credited;
        used.set(m.credit.requestId, u);
      }
      contributors.set(m.contributorId, (contributors.get(m.contributorId) ?? 0n) + w);
    }
    if (used.size === 0) return undefined;
    const requests = [...used.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([requestId, u]) => ({ requestId, weight: u.weight, creditedTokens: u.credited.toString() }));
    return { contributors, requests };
  }

  /**
   * One contributor's tokens and the pool's total as of position P, under
   * `scope` (eligibleTokens) or, without one, the whole pool (as at()): what
   * a contributor's share of a consumer's next run is, in one pass without
   * building every contributor's entry.
   */
  shareAt(position: number, contributorId: string, scope?: ConsumerScope): { tokens: bigint; totalTokens: bigint } {
    this.assertKnown(position);
    let tokens = 0n;
    let totalTokens = 0n;
    for (const m of this.members.values()) {
      if (!inPoolAt(m, position)) continue;
      const facts = factsAt(m, position);
      const n = scope ? eligibleTokens(facts, scope) : facts.tokens;
      totalTokens += n;
      if (m.contributorId === contributorId) tokens += n;
    }
    return { tokens, totalTokens };
  }

  /**
   * Time-weighted weights as known at position P: for every contribution
   * entered at ≤ P, tokens × milliseconds of [entered, exited) ∩
   * [periodStart, periodEnd), where a dataset not withdrawn at ≤ P counts as
   * staying until periodEnd (what the log said at P; later withdrawals and
   * later acceptances do not change a run already due). Summed per
   * contributor; contributors with no overlap are left out.
   */
  tokenTimeAt(position: number, periodStartMs: number, periodEndMs: number, scope?: ConsumerScope): Map<string, bigint> {
    this.assertKnown(position);
    const weights = new Map<string, bigint>();
    for (const m of this.members.values()) {
      if (m.entered.position > position) continue;
      const exit = m.exited && m.exited.position <= position ? m.exited.time : Number.POSITIVE_INFINITY;
      let w = 0n;
      if (m.changes === undefined && scope === undefined) {
        const from = Math.max(m.entered.time, periodStartMs);
        const to = Math.min(exit, periodEndMs);
        if (to <= from || m.tokens === 0n) continue;
        w = m.tokens * BigInt(to - from);
      } else {
        // Piecewise: each consent change or exclusion known at P starts a segment with its own eligible tokens.
        const segments = [{ time: m.entered.time, facts: m.facts }];
        for (const c of m.changes ?? []) if (c.mark.position <= position) segments.push({ time: c.mark.time, facts: c.facts });
        for (let i = 0; i < segments.length; i++) {
          const from = Math.max(segments[i].time, periodStartMs);
          const to = Math.min(i + 1 < segments.length ? segments[i + 1].time : exit, exit, periodEndMs);
          if (to <= from) continue;
          const tokens = scope === undefined ? segments[i].facts.tokens : eligibleTokens(segments[i].facts, scope);
          w += tokens * BigInt(to - from);
        }
        if (w === 0n) continue;
      }
      const sum = weights.get(m.contributorId);
      weights.set(m.contributorId, sum === undefined ? w : sum + w);
    }
    return weights;
  }

  private assertKnown(position: number): void {
    if (!Number.isSafeInteger(position) || position < 0 || position > this.last) {
      throw new Error(`PoolState: position ${position} is beyond the events applied (last ${this.last})`);
    }
  }
}

export function inPoolAt(m: PoolMembership, position: number): boolean {
  return m.entered.position <= position && !(m.exited && m.exited.position <= position);
}

function markOf(event: LoggedEvent): PoolMark {
  const time = Date.parse(event.metadata.recordedAt);
  if (!Number.isFinite(time)) throw new Error(`PoolState: event at position ${event.position} has no valid recordedAt`);
  return { position: event.position, time };
}

function labelTokensOf(d: DatasetPreprocessed['data']): LabelTokens | null {
  if (!d.languages || !d.contentClasses) return null;
  if (d.languageClasses) {
    const cells: LabelCell[] = [];
    for (const [language, byClass] of Object.entries(d.languageClasses))
      for (const [contentClass, n] of Object.entries(byClass)) cells.push({ language, contentClass, tokens: BigInt(n) });
    return { kind: 'joint', cells };
  }
  const entries = (r: Record<string, number>) => Object.entries(r).map(([k, n]) => [k, BigInt(n)] as const);
  return { kind: 'marginal', byLanguage: entries(d.languages), byClass: entries(d.contentClasses) };
}

/** The facts once `documents` are excluded: their tokens leave the total and their labels' counts (never below zero). */
function withoutDocuments(f: EligibilityFacts, documents: DatasetDocumentsExcluded['data']['documents']): EligibilityFacts {
  const minus = (a: bigint, b: bigint): bigint => (a > b ? a - b : 0n);
  let tokens = f.tokens;
  for (const doc of documents) tokens = minus(tokens, BigInt(doc.tokens));
  const labels = f.labels;
  if (!labels) return { ...f, tokens, labels: null };
  if (labels.kind === 'joint') {
    const cells = labels.cells.map((c) => {
      let n = c.tokens;
      for (const doc of documents) if (doc.language === c.language && doc.contentClass === c.contentClass) n = minus(n, BigInt(doc.tokens));
      return n === c.tokens ? c : { ...c, tokens: n };
    });
    return { ...f, tokens, labels: { kind: 'joint', cells } };
  }
  const less = (entries: ReadonlyArray<readonly [string, bigint]>, key: (doc: (typeof documents)[number]) => string | undefined) =>
    entries.map(([k, n]) => {
      let left = n;
      for (const doc of documents) if (key(doc) === k) left = minus(left, BigInt(doc.tokens));
      return [k, left] as const;
    });
  return {
    ...f,
    tokens,
    labels: {
      kind: 'marginal',
      byLanguage: less(labels.byLanguage, (d) => d.language),
      byClass: less(labels.byClass, (d) => d.contentClass),
    },
  };
}
