import { Command } from '@nestjs/cqrs';
import type { Principal } from '@1tt/access';

export interface PayoutSettledView {
  settlementId: string;
  contributorId: string;
  amount: string;
  currency: string;
  reference: string;
  /** Payable balance left in this currency after the settlement. */
  balance: string;
}

/** Records money paid out to a contributor (admin); cannot exceed the payable balance. */
export class SettlePayout extends Command<PayoutSettledView> {
  constructor(
    readonly contributorId: string,
    readonly input: { amount: string; currency: string; reference: string },
    readonly by: Principal,
  ) {
    super();
  }
}
