import type { RecordedEvent } from '@1tt/event-store';

const ID_FIELD: Record<string, string> = {
  ContributorRegistered: 'contributorId',
  ConsumerRegistered: 'consumerId',
  AuditorRegistered: 'auditorId',
};

/** Display names of the parties, read from their registration events as the log is folded (a statement names who it is about). */
export class LogNames {
  private readonly names = new Map<string, string>();

  note(e: RecordedEvent): void {
    const field = ID_FIELD[e.type];
    if (!field) return;
    const data = e.data as Record<string, unknown>;
    if (typeof data[field] === 'string' && typeof data.displayName === 'string') this.names.set(data[field], data.displayName);
  }

  of(id: string | null | undefined): string | null {
    return id ? (this.names.get(id) ?? null) : null;
  }
}

/** A copy of `o` with `key: value` placed right after `after`. */
export function placeAfter<T extends object>(o: T, after: keyof T, key: string, value: unknown): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    out[k] = v;
    if (k === after) out[key] = value;
  }
  return out as T;
}
