/**
 * Data requests (issue #15): a consumer asks for the data it needs; uploads
 * made against an open request are credited to it (documents matching its
 * languages, classes and keywords / sample text, in log order until
 * tokenTarget), and credited tokens weigh `weight` times in the consumer's
 * payout runs until `weightUntil`. Stream `datarequest-<requestId>`.
 */
export interface DataRequestOpened {
  type: 'DataRequestOpened';
  data: {
    requestId: string;
    consumerId: string;
    title: string;
    description: string;
    /** ISO 639-1 (else 639-3) codes a document's language must be one of; empty = any. */
    languages: string[];
    /** Content classes (prose, markdown, code, reference) a document must be one of; empty = any. */
    contentClasses: string[];
    /** A document matches when it contains one of them as a whole word (case-insensitive); empty and no sampleText = any. */
    keywords: string[];
    /** Or when it is similar enough to this text (see dataRequestMatcher); null = not used. */
    sampleText: string | null;
    /** Tokens to credit, a whole number as a decimal string. */
    tokenTarget: string;
    /** 1 < w ≤ 10, a decimal string with at most 6 decimals (canonical: no trailing zeros). */
    weight: string;
    opensAt: string;
    closesAt: string;
    weightUntil: string;
    openedAt: string;
  };
}

/** Closed before closesAt by its consumer or an admin; tokens already credited stay credited. */
export interface DataRequestClosed {
  type: 'DataRequestClosed';
  data: { requestId: string; consumerId: string; closedBy: 'consumer' | 'admin'; closedAt: string };
}

export type DataRequestEvent = DataRequestOpened | DataRequestClosed;
