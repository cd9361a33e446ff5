/**
 * Which point of the log the screen shows: live (the head, refreshed by the
 * event stream), a log position, or a time. The API answers every read for
 * it, so the selection is a query parameter on every call.
 */
export type AsOf = { kind: 'live' } | { kind: 'position'; position: number } | { kind: 'time'; time: string };

export const LIVE: AsOf = { kind: 'live' };

export function asOfLabel(a: AsOf): string {
  if (a.kind === 'position') return `position ${a.position}`;
  if (a.kind === 'time') return `time ${a.time}`;
  return 'live';
}

export function sameAsOf(a: AsOf, b: AsOf): boolean {
  return asOfLabel(a) === asOfLabel(b);
}
