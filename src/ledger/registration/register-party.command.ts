import { Command } from '@nestjs/cqrs';
import type { Principal } from '@1tt/access';

export type PartyKind = 'contributor' | 'consumer' | 'auditor';

export interface PartyRegistered {
  id: string;
  apiKey: string;
  keyId: string;
}

/** Registers a contributor, consumer or auditor and issues its first API key (admin). */
export class RegisterParty extends Command<PartyRegistered> {
  constructor(
    readonly kind: PartyKind,
    readonly displayName: string,
    readonly by: Principal,
  ) {
    super();
  }
}
