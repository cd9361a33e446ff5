import type { NewEvent } from '@1tt/event-store';
import { LEDGER_SCHEMA_VERSION } from '@1tt/ledger';

/** Why an event is appended: who, as part of which flow, following which event. */
export interface EventCause {
  /** "admin:<id>", "contributor:<id>", "system:<process>". */
  actor: string;
  /** The flow it belongs to (a datasetId, a revenueId, a request's new id); the store uses the event's own id when absent. */
  correlationId?: string;
  /** The event (or id) it follows from; the store uses the event's own id when absent. */
  causationId?: string;
}

/** The metadata of every appended event: built here and nowhere else (schemaVersion from the one constant). */
export function eventMetadata(cause: EventCause): NonNullable<NewEvent['metadata']> {
  return {
    actor: cause.actor,
    ...(cause.correlationId !== undefined ? { correlationId: cause.correlationId } : {}),
    ...(cause.causationId !== undefined ? { causationId: cause.causationId } : {}),
    schemaVersion: LEDGER_SCHEMA_VERSION,
  };
}
