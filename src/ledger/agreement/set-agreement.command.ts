import { Command } from '@nestjs/cqrs';
import type { Principal } from '@1tt/access';
import type { Agreement } from '@1tt/ledger';

export interface AgreementSet {
  agreement: Agreement & { consumerId: string };
  /** New revision of the consumer stream: the ETag. */
  revision: number;
}

export class SetAgreement extends Command<AgreementSet> {
  constructor(
    readonly consumerId: string,
    readonly input: {
      alpha: string;
      currency: string;
      policy: string;
      effectiveFrom?: string;
      revenueVisibility?: string;
      scope?: unknown;
    },
    /** From If-Match; undefined = the revision just read (no retry on a conflict). */
    readonly expectedRevision: number | 'exists' | undefined,
    readonly by: Principal,
  ) {
    super();
  }
}
