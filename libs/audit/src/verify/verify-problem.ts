/** One thing that does not match, pinned to the event where it shows. */
export interface VerifyProblem {
  /** Stable machine-readable kind, e.g. "hash-mismatch", "payout-amount-differs". */
  code: string;
  /** Position of the event at fault (for a missing event: the position it should have had). */
  position: number;
  streamName?: string;
  revision?: number;
  eventType?: string;
  eventId?: string;
  /** Line of the export file, when the problem comes from one. */
  line?: number;
  /** What differs, in one sentence. */
  message: string;
  expected?: unknown;
  actual?: unknown;
}

export function describeProblem(p: VerifyProblem): string {
  const where = [`position ${p.position}`];
  if (p.streamName !== undefined) where.push(`stream ${p.streamName}${p.revision !== undefined ? ` revision ${p.revision}` : ''}`);
  if (p.eventType) where.push(p.eventType);
  if (p.line !== undefined) where.push(`line ${p.line}`);
  return `${where.join(', ')}: ${p.message} [${p.code}]`;
}

/**
 * Keeps the problems with the lowest positions (a problem may be found
 * after a later event, e.g. a revenue report that turns out never to have
 * been paid), capped so a wholly corrupt file cannot exhaust memory.
 */
export class ProblemList {
  private readonly items: VerifyProblem[] = [];
  total = 0;

  constructor(private readonly cap = 100) {}

  add(p: VerifyProblem): void {
    this.total += 1;
    this.items.push(p);
    if (this.items.length > this.cap * 2) this.trim();
  }

  /** Sorted by position; detection order breaks ties. */
  list(): VerifyProblem[] {
    this.trim();
    return [...this.items];
  }

  private trim(): void {
    const indexed = this.items.map((p, i) => ({ p, i }));
    indexed.sort((a, b) => a.p.position - b.p.position || a.i - b.i);
    this.items.length = 0;
    for (const { p } of indexed.slice(0, this.cap)) this.items.push(p);
  }
}
