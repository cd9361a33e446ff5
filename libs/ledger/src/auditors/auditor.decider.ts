import { ConflictError } from '@1tt/domain-errors';
import { assertNever, Clock, Decider } from '../decider/decider';
import { assertId, displayNameOf } from '../identifiers/identifier';
import { AuditorCommand, AuditorEvent } from './auditor.events';

export type AuditorState = { status: 'none' } | { status: 'registered'; auditorId: string; displayName: string };

export const auditorDecider: Decider<AuditorCommand, AuditorEvent, AuditorState, Clock> = {
  initialState: { status: 'none' },
  evolve(_state, event) {
    switch (event.type) {
      case 'AuditorRegistered':
        return { status: 'registered', auditorId: event.data.auditorId, displayName: event.data.displayName };
      default:
        return assertNever(event.type, 'auditor event');
    }
  },
  decide(command, state, context) {
    switch (command.type) {
      case 'RegisterAuditor': {
        const auditorId = assertId(command.data.auditorId, 'auditorId');
        const displayName = displayNameOf(command.data.displayName);
        if (state.status !== 'none')
          throw new ConflictError('auditor-exists', `Auditor ${auditorId} is already registered`, { field: 'auditorId' });
        return [{ type: 'AuditorRegistered', data: { auditorId, displayName, registeredAt: context.now.toISOString() } }];
      }
      default:
        return assertNever(command.type, 'auditor command');
    }
  },
};
