import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { actorOf } from '@1tt/access';
import { EventStore } from '@1tt/event-store';
import { ApiKeyService } from '../../auth/api-key.service';
import { IdGenerator } from '../clock';
import { auditorStream, consumerStream, contributorStream } from '../ledger-stream';
import { RegisterParty, type PartyKind, type PartyRegistered } from './register-party.command';

const REGISTRATION: Record<PartyKind, { type: string; stream: (id: string) => string; idField: string }> = {
  contributor: { type: 'ContributorRegistered', stream: contributorStream, idField: 'contributorId' },
  consumer: { type: 'ConsumerRegistered', stream: consumerStream, idField: 'consumerId' },
  auditor: { type: 'AuditorRegistered', stream: auditorStream, idField: 'auditorId' },
};

/**
 * A fresh id, so the stream is created with 'no-stream' and there is nothing
 * to fold or retry. The key is issued after the registration is stored: a
 * crash in between leaves a registered party without a key, which an admin
 * fixes with POST /v1/api-keys (never a key for a party that does not exist).
 */
@CommandHandler(RegisterParty)
export class RegisterPartyHandler implements ICommandHandler<RegisterParty> {
  constructor(
    private readonly events: EventStore,
    private readonly keys: ApiKeyService,
    private readonly ids: IdGenerator,
  ) {}

  async execute(command: RegisterParty): Promise<PartyRegistered> {
    const r = REGISTRATION[command.kind];
    const id = this.ids.next();
    const actor = actorOf(command.by);
    await this.events.appendToStream(
      r.stream(id),
      [{ type: r.type, data: { [r.idField]: id, displayName: command.displayName }, metadata: { actor, correlationId: id, causationId: id } }],
      { expectedRevision: 'no-stream' },
    );
    const key = await this.keys.issue({ role: command.kind, subjectId: id, label: command.displayName.slice(0, 200) }, command.by);
    return { id, apiKey: key.apiKey, keyId: key.keyId };
  }
}
