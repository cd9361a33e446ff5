import { createLedgerAudit } from '@1tt/audit';
import { createChainCheck, type RecordedEvent } from '@1tt/event-store';

export interface LogVerificationProblem {
  kind: 'hash-chain' | 'ledger';
  position: number;
  code: string;
  message: string;
}

export interface LogVerificationResult {
  ok: boolean;
  checkedEvents: number;
  problems: LogVerificationProblem[];
  summary: Record<string, unknown>;
}

const MAX_PROBLEMS = 100;

/**
 * /v1/audit/verify's work, fed the log in batches: every stream's hash
 * chain and the ledger audit (the audit lib, the same code the offline
 * verifier runs) in one pass. Pure CPU, no I/O: it runs on a worker thread
 * (audit-verify.worker.ts) so the event loop keeps answering.
 */
export class LogVerification {
  private readonly audit = createLedgerAudit();
  private readonly chain = createChainCheck();
  private readonly problems: LogVerificationProblem[] = [];
  private chainProblem: LogVerificationProblem | undefined;
  private line = 0;

  /** False once a hash chain is broken: checking stops there (later events are not read). */
  get going(): boolean {
    return this.chainProblem === undefined;
  }

  add(events: readonly RecordedEvent[]): void {
    for (const e of events) {
      if (!this.going) return;
      this.audit.onEvent(e, ++this.line, this.report);
      const p = this.chain.check(e);
      if (p) {
        this.chainProblem = {
          kind: 'hash-chain',
          position: p.position,
          code: p.reason,
          message: `stream ${p.streamName} revision ${p.revision} (event ${p.id}): ${p.reason}; checking stopped here`,
        };
      }
    }
  }

  finish(): LogVerificationResult {
    this.audit.finish(this.report);
    const problems = this.chainProblem ? [this.chainProblem, ...this.problems] : this.problems;
    return { ok: problems.length === 0, checkedEvents: this.chain.checked, problems, summary: this.audit.summary() };
  }

  private readonly report = (p: { position: number; code: string; message: string }): void => {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push({ ...p, kind: 'ledger' });
  };
}
