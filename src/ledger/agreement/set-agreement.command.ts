import { Command } from '@nestjs/cqrs';
import type { Principal } from '@1tt/access';
import type { Agreement } from './consumer-account';

export interface AgreementSet {
  agreement: Agreement;
  /** New revision of the consumer stream: the ETag. */
  revision: number;
}

export class SetAgreement extends Command<AgreementSet> {
  constructor(
    readonly consumerId: string,
    readonly input: { alpha: string; currency: string; policy: string; effectiveFrom?: string },
    /** From If-Match; undefined = the revision just read (no retry on a conflict). */
    readonly expectedRevision: number | 'exists' | undefined,
    readonly by: Principal,
  ) {
    super();
  }
}
