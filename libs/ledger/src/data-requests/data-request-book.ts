import { isLedgerEvent, type LoggedEvent } from '../events/ledger-event';

/** A data request as the book knows it: its terms and what has been credited, in log order. */
export interface BookedRequest {
  requestId: string;
  consumerId: string;
  languages: readonly string[];
  contentClasses: readonly string[];
  keywords: readonly string[];
  sampleText: string | null;
  tokenTarget: bigint;
  weight: string;
  opensAt: number;
  closesAt: number;
  weightUntil: number;
  /** Closed early (DataRequestClosed) at this log position. */
  closedAtPosition?: number;
  credited: bigint;
}

export interface RequestCredit {
  requestId: string;
  /** Whole number as a decimal string. */
  creditedTokens: string;
}

type Data = Record<string, unknown>;
const dataOf = (e: LoggedEvent): Data => (e.data && typeof e.data === 'object' ? (e.data as Data) : {});
const text = (d: Data, f: string): string | undefined =>
  typeof d[f] === 'string' && (d[f] as string).length > 0 ? (d[f] as string) : undefined;
const digits = (v: unknown): bigint | undefined =>
  typeof v === 'string' && /^\d{1,30}$/.test(v)
    ? BigInt(v)
    : typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
      ? BigInt(v)
      : undefined;
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/**
 * Data requests and their credits, folded from the log in order: the one
 * crediting rule, used by the dataset processor (to record a dataset's
 * credit), by `1tt audit verify` (to recompute every recorded credit) and
 * by the tests. docs/DATA-REQUESTS.md.
 *
 * Rule: an upload naming `requestId` answers the request when, at the
 * upload (its DatasetUploaded), the request had been opened, was not closed
 * early and opensAt ≤ recordedAt < closesAt. The processor records how
 * many of its kept tokens match the request (DatasetPreprocessed
 * `requestMatch`); at its DatasetAccepted, in log order, it is credited
 * min(matching tokens, tokenTarget − tokens credited before), recorded as
 * DatasetAccepted `requestCredit`. A rejected upload credits nothing.
 */
export class DataRequestBook {
  private readonly requests = new Map<string, BookedRequest>();
  /** Uploads that answer an open request: datasetId → requestId. */
  private readonly answering = new Map<string, string>();
  private readonly matching = new Map<string, bigint>();
  private readonly credits = new Map<string, RequestCredit>();

  static fromEvents(events: Iterable<LoggedEvent>): DataRequestBook {
    const book = new DataRequestBook();
    for (const e of events) book.apply(e);
    return book;
  }

  request(requestId: string): BookedRequest | undefined {
    return this.requests.get(requestId);
  }

  /** The request a dataset's upload answers (open at the upload), if any. */
  answeredBy(datasetId: string): BookedRequest | undefined {
    const id = this.answering.get(datasetId);
    return id === undefined ? undefined : this.requests.get(id);
  }

  /** The credit an accepted dataset has (computed by the rule, not read from the log). */
  creditOf(datasetId: string): RequestCredit | undefined {
    return this.credits.get(datasetId);
  }

  /**
   * The credit the dataset gets if it is accepted next, with `matchingTokens`
   * (default: what its DatasetPreprocessed recorded); undefined when its
   * upload answers no open request.
   */
  creditFor(datasetId: string, matchingTokens?: bigint): RequestCredit | undefined {
    const r = this.answeredBy(datasetId);
    if (!r) return undefined;
    const matching = matchingTokens ?? this.matching.get(datasetId) ?? 0n;
    const remaining = r.tokenTarget > r.credited ? r.tokenTarget - r.credited : 0n;
    return { requestId: r.requestId, creditedTokens: (matching < remaining ? matching : remaining).toString() };
  }

  apply(e: LoggedEvent): void {
    if (!isLedgerEvent(e)) return;
    const d = dataOf(e);
    switch (e.type) {
      case 'DataRequestOpened': {
        const requestId = text(d, 'requestId');
        const consumerId = text(d, 'consumerId');
        const tokenTarget = digits(d.tokenTarget);
        if (!requestId || !consumerId || tokenTarget === undefined || this.requests.has(requestId)) return;
        this.requests.set(requestId, {
          requestId,
          consumerId,
          languages: strings(d.languages),
          contentClasses: strings(d.contentClasses),
          keywords: strings(d.keywords),
          sampleText: typeof d.sampleText === 'string' ? d.sampleText : null,
          tokenTarget,
          weight: typeof d.weight === 'string' ? d.weight : '1',
          opensAt: Date.parse(String(d.opensAt)),
          closesAt: Date.parse(String(d.closesAt)),
          weightUntil: Date.parse(String(d.weightUntil)),
          credited: 0n,
        });
        return;
      }
      case 'DataRequestClosed': {
        const r = this.requests.get(text(d, 'requestId') ?? '');
        if (r && r.closedAtPosition === undefined) r.closedAtPosition = e.position;
        return;
      }
      case 'DatasetUploaded': {
        const datasetId = text(d, 'datasetId');
        const r = this.requests.get(text(d, 'requestId') ?? '');
        const at = Date.parse(e.metadata.recordedAt);
        if (!datasetId || !r || d.kind === 'reference' || r.closedAtPosition !== undefined) return;
        if (at < r.opensAt || at >= r.closesAt) return;
        this.answering.set(datasetId, r.requestId);
        return;
      }
      case 'DatasetPreprocessed': {
        const datasetId = text(d, 'datasetId');
        const m = d.requestMatch && typeof d.requestMatch === 'object' ? (d.requestMatch as Data) : undefined;
        const tokens = m && digits(m.matchingTokens);
        if (!datasetId || !m || tokens === undefined || this.answering.get(datasetId) !== text(m, 'requestId')) return;
        this.matching.set(datasetId, tokens);
        return;
      }
      case 'DatasetAccepted': {
        const datasetId = text(d, 'datasetId');
        if (!datasetId || this.credits.has(datasetId)) return;
        const credit = this.creditFor(datasetId);
        if (!credit) return;
        this.credits.set(datasetId, credit);
        this.requests.get(credit.requestId)!.credited += BigInt(credit.creditedTokens);
        return;
      }
      default:
        return;
    }
  }
}
