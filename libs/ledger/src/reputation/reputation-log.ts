import { isLedgerEvent, type LoggedEvent } from '../events/ledger-event';
import {
  acceptedDatasetEvidence,
  emptyReputationDay,
  epochDayOf,
  reputationOf,
  type Reputation,
  type ReputationDay,
  type ReputationEvidence,
} from './reputation.formula';

type Data = Record<string, unknown>;
const dataOf = (e: LoggedEvent): Data => (e.data && typeof e.data === 'object' ? (e.data as Data) : {});
const text = (d: Data, f: string): string | undefined =>
  typeof d[f] === 'string' && (d[f] as string).length > 0 ? (d[f] as string) : undefined;
const whole = (d: Data, f: string): bigint | undefined => {
  const v = d[f];
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === 'string' && /^\d{1,30}$/.test(v)) return BigInt(v);
  return undefined;
};
const count = (d: Data, f: string): number | undefined => {
  const v = d[f];
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
};

interface DatasetFacts {
  contributorId: string;
  counts?: { documentsIn: number; documentsKept: number; duplicatesOfEarlier: number };
  decided: boolean;
}

/**
 * The reputation evidence folded straight from the log, in order: what
 * `1tt audit reputation` and the tests recompute, independently of the
 * read model (src/ledger-queries/reputation/) that the API answers from.
 *
 * Rules (reputation-v2), each dated by the UTC day of metadata.recordedAt:
 *  - ContributorRegistered: the contributor's first day (tenure);
 *  - DatasetUploaded (a contribution): remembers whose dataset it is;
 *  - DatasetPreprocessed: remembers documentsIn / documentsKept / duplicatesOfEarlier;
 *  - DatasetAccepted: adds kept, input and duplicate tokens (acceptedDatasetEvidence)
 *    and the tokens credited to a data request (requestCredit, at most its tokens);
 *  - DatasetRejected: adds one rejected upload (once per dataset);
 *  - DatasetWithdrawn: adds the withdrawn tokens and one withdrawal.
 * The evaluation day is the day of the last ledger event applied (the log's
 * clock): a reputation "at position P" is evaluated on the day of P.
 */
export class ReputationLog {
  private readonly datasets = new Map<string, DatasetFacts>();
  private readonly contributors = new Map<string, { firstDay: number; days: Map<number, ReputationDay> }>();
  private day: number | undefined;
  private lastPosition = 0;

  static fromEvents(events: Iterable<LoggedEvent>, atPosition?: number): ReputationLog {
    const log = new ReputationLog();
    for (const e of events) {
      if (atPosition !== undefined && e.position > atPosition) break;
      log.apply(e);
    }
    return log;
  }

  get position(): number {
    return this.lastPosition;
  }

  /** The day reputations are evaluated on (undefined before the first ledger event). */
  get evaluationDay(): number | undefined {
    return this.day;
  }

  apply(e: LoggedEvent): void {
    if (!isLedgerEvent(e)) return;
    this.lastPosition = e.position;
    const day = epochDayOf(e.metadata.recordedAt);
    this.day = day;
    const d = dataOf(e);
    switch (e.type) {
      case 'ContributorRegistered': {
        const id = text(d, 'contributorId');
        if (!id) return;
        const c = this.contributors.get(id);
        if (!c) this.contributors.set(id, { firstDay: day, days: new Map() });
        return;
      }
      case 'DatasetUploaded': {
        const datasetId = text(d, 'datasetId');
        const contributorId = text(d, 'contributorId');
        if (!datasetId || !contributorId || d.kind === 'reference' || this.datasets.has(datasetId)) return;
        this.datasets.set(datasetId, { contributorId, decided: false });
        return;
      }
      case 'DatasetPreprocessed': {
        const ds = this.dataset(d);
        const documentsIn = count(d, 'documentsIn');
        const documentsKept = count(d, 'documentsKept');
        if (!ds || documentsIn === undefined || documentsKept === undefined) return;
        ds.counts = { documentsIn, documentsKept, duplicatesOfEarlier: count(d, 'duplicatesOfEarlier') ?? 0 };
        return;
      }
      case 'DatasetAccepted': {
        const ds = this.dataset(d);
        const tokens = whole(d, 'tokens');
        if (!ds || ds.decided || tokens === undefined) return;
        ds.decided = true;
        const add = acceptedDatasetEvidence(tokens, ds.counts);
        const b = this.bucket(ds.contributorId, day);
        b.keptTokens += add.keptTokens;
        b.inputTokens += add.inputTokens;
        b.duplicateTokens += add.duplicateTokens;
        const credit =
          d.requestCredit && typeof d.requestCredit === 'object' ? whole(d.requestCredit as Data, 'creditedTokens') : undefined;
        if (credit !== undefined) b.creditedTokens += credit < tokens ? credit : tokens;
        return;
      }
      case 'DatasetRejected': {
        const ds = this.dataset(d);
        if (!ds || ds.decided) return;
        ds.decided = true;
        this.bucket(ds.contributorId, day).rejectedUploads += 1;
        return;
      }
      case 'DatasetWithdrawn': {
        const ds = this.dataset(d);
        const tokens = whole(d, 'tokens');
        if (!ds || tokens === undefined) return;
        const b = this.bucket(ds.contributorId, day);
        b.withdrawnTokens += tokens;
        b.withdrawals += 1;
        return;
      }
      default:
        return;
    }
  }

  /** The contributor's evidence, or undefined when the log has neither a registration nor evidence for them. */
  evidenceOf(contributorId: string): ReputationEvidence | undefined {
    const c = this.contributors.get(contributorId);
    if (!c) return undefined;
    return { firstDay: c.firstDay, days: [...c.days.values()].map((b) => ({ ...b })) };
  }

  reputationOf(contributorId: string): Reputation | undefined {
    const evidence = this.evidenceOf(contributorId);
    if (!evidence || this.day === undefined) return undefined;
    return reputationOf(evidence, this.day);
  }

  private dataset(d: Data): DatasetFacts | undefined {
    const id = text(d, 'datasetId');
    return id === undefined ? undefined : this.datasets.get(id);
  }

  private bucket(contributorId: string, day: number): ReputationDay {
    let c = this.contributors.get(contributorId);
    if (!c) {
      c = { firstDay: day, days: new Map() };
      this.contributors.set(contributorId, c);
    }
    let b = c.days.get(day);
    if (!b) {
      b = emptyReputationDay(day);
      c.days.set(day, b);
    }
    return b;
  }
}
