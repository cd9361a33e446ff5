import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { readStreamSnapshot } from '@1tt/command-path';
import { EventStore } from '@1tt/event-store';
import { agreementInForce, consumerDecider, streamNames, type ConsumerEvent, type ConsumerScope, type PoolState } from '@1tt/ledger';
import { PayoutProcessor } from '../../ledger/payout/payout-processor';

export interface ConsumerTermsAt {
  registered: boolean;
  /** The scope of the agreement in force (undefined: none, or no agreement: the whole pool). */
  scope?: ConsumerScope;
}

/**
 * The eligible pool of a consumer (issue #14) as of any position, answered
 * from the payout processor's own pool fold (@1tt/ledger's PoolState: the
 * one the runs are computed with, so a read can never count differently from
 * a run). The processor lives in the ledger module, which imports this one:
 * it is looked up at call time.
 */
@Injectable()
export class EligiblePool {
  constructor(
    private readonly modules: ModuleRef,
    private readonly events: EventStore,
  ) {}

  /** The pool fold, once it has applied at least every event up to `position`. */
  async at(position: number): Promise<PoolState> {
    const processor = this.modules.get(PayoutProcessor, { strict: false });
    await processor.waitFor(position);
    return processor.pool.state;
  }

  /** The consumer's agreement in force at `time`, among the agreements recorded by `position`. */
  async termsOf(consumerId: string, position: number, time: Date): Promise<ConsumerTermsAt> {
    const snapshot = await readStreamSnapshot(this.events, streamNames.consumer(consumerId));
    const known = snapshot.events.filter((e) => e.position <= position) as unknown as ConsumerEvent[];
    const state = known.reduce((s, e) => consumerDecider.evolve(s, e), consumerDecider.initialState);
    if (state.status !== 'registered') return { registered: false };
    const agreement = agreementInForce(state.agreements, time);
    return { registered: true, ...(agreement?.scope ? { scope: agreement.scope } : {}) };
  }
}
