import { canonicalJson } from '@1tt/canonical-json';
import { assertNever, Decider } from '../decider/decider';
import { PoolState } from '../pool/pool-state';
import { RevenueReported } from '../revenue/revenue.events';
import { computePayoutRun } from './compute-payout-run';
import { PayoutRunCompleted, PayoutRunEvent } from './payout-run.events';

export interface RecordPayoutRun {
  type: 'RecordPayoutRun';
  data: { report: RevenueReported['data']; reportPosition: number };
}
export type PayoutRunCommand = RecordPayoutRun;

export type PayoutRunState =
  | { status: 'none' }
  | { status: 'started'; revenueId: string; chunks: number }
  | { status: 'completed'; revenueId: string; completed: PayoutRunCompleted['data'] };

export interface PayoutRunContext {
  pool: PoolState;
}

/**
 * The payout-run processor's decider: a run is computed once per report
 * (stream `payout-run-<revenueId>`, appended whole with `no-stream`); if the
 * stream already exists the decision is a no-op, so a processor restarted
 * after a crash can safely re-handle the report.
 */
export const payoutRunDecider: Decider<PayoutRunCommand, PayoutRunEvent, PayoutRunState, PayoutRunContext> = {
  initialState: { status: 'none' },
  evolve(state, event) {
    switch (event.type) {
      case 'PayoutRunStarted':
        return { status: 'started', revenueId: event.data.revenueId, chunks: 0 };
      case 'PayoutRunAllocationsRecorded':
        return state.status === 'started' ? { ...state, chunks: state.chunks + 1 } : state;
      case 'PayoutRunCompleted':
        return { status: 'completed', revenueId: event.data.revenueId, completed: event.data };
      default:
        return assertNever(event, 'payout run event');
    }
  },
  decide(command, state, context) {
    switch (command.type) {
      case 'RecordPayoutRun':
        if (state.status !== 'none') return [];
        return computePayoutRun({ report: command.data.report, reportPosition: command.data.reportPosition, pool: context.pool }).events;
      default:
        return assertNever(command.type, 'payout run command');
    }
  },
};

/**
 * Compares a recorded run with its recomputation, event by event; returns
 * human-readable differences (empty = identical). For audits.
 */
export function payoutRunDifferences(
  recorded: readonly { type: string; data: unknown }[],
  recomputed: readonly { type: string; data: unknown }[],
): string[] {
  const problems: string[] = [];
  if (recorded.length !== recomputed.length) problems.push(`expected ${recomputed.length} events, found ${recorded.length}`);
  const n = Math.min(recorded.length, recomputed.length);
  for (let i = 0; i < n; i++) {
    const a = canonicalJson({ type: recorded[i].type, data: recorded[i].data });
    const b = canonicalJson({ type: recomputed[i].type, data: recomputed[i].data });
    if (a !== b) problems.push(`event ${i} (${recomputed[i].type}) differs from its recomputation`);
  }
  return problems;
}
