import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { actorOf } from '@1tt/access';
import { EventStore } from '@1tt/event-store';
import { auditorDecider, consumerDecider, contributorDecider, displayNameOf, streamNames } from '@1tt/ledger';
import { ApiKeyService } from '../../auth/api-key.service';
import { Clock, IdGenerator } from '../clock';
import { decideOnStream } from '@1tt/command-path';
import { PersonalNames } from '../../personal-data/personal-names';
import { RegisterParty, type PartyRegistered } from './register-party.command';

/**
 * A fresh id, so the stream is new (appended with 'no-stream'; nothing to
 * retry). The key is issued after the registration is stored: a crash in
 * between leaves a registered party without a key, which an admin fixes with
 * POST /v1/api-keys (never a key for a party that does not exist).
 */
@CommandHandler(RegisterParty)
export class RegisterPartyHandler implements ICommandHandler<RegisterParty> {
  constructor(
    private readonly events: EventStore,
    private readonly keys: ApiKeyService,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly names: PersonalNames,
  ) {}

  async execute(command: RegisterParty): Promise<PartyRegistered> {
    const id = this.ids.next();
    const options = { context: () => ({ now: this.clock.now() }), actor: actorOf(command.by), correlationId: id };
    const displayName = command.displayName;
    switch (command.kind) {
      case 'contributor':
        await decideOnStream(
          this.events,
          streamNames.contributor(id),
          contributorDecider,
          // A contributor's name is personal data: recorded sealed under their own key, so erasure erases it.
          { type: 'RegisterContributor', data: { contributorId: id, sealedDisplayName: this.names.seal(id, displayNameOf(displayName)) } },
          options,
        );
        break;
      case 'consumer':
        await decideOnStream(
          this.events,
          streamNames.consumer(id),
          consumerDecider,
          { type: 'RegisterConsumer', data: { consumerId: id, displayName } },
          options,
        );
        break;
      case 'auditor':
        await decideOnStream(
          this.events,
          streamNames.auditor(id),
          auditorDecider,
          { type: 'RegisterAuditor', data: { auditorId: id, displayName } },
          options,
        );
        break;
    }
    // The key's label is logged in clear: a contributor's name is not put there.
    const label = command.kind === 'contributor' ? 'contributor registration' : displayName;
    const key = await this.keys.issue({ role: command.kind, subjectId: id, label }, command.by);
    return { id, apiKey: key.apiKey, keyId: key.keyId };
  }
}
