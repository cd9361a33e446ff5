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

/**
 * The pinned point as the dashboard's own URL carries it (shareable: a link
 * opens the same moment): `?atPosition=N` or `?asOf=<ISO time>`; nothing
 * for live. The same parameter names as the API's.
 */
export function asOfFromSearch(search: string): AsOf {
  const params = new URLSearchParams(search);
  const position = params.get('atPosition');
  if (position !== null && /^\d+$/.test(position) && Number.isSafeInteger(Number(position))) {
    return { kind: 'position', position: Number(position) };
  }
  const time = params.get('asOf');
  if (time !== null && !Number.isNaN(Date.parse(time))) return { kind: 'time', time: new Date(time).toISOString() };
  return LIVE;
}

/** `search` with the as-of parameters set for `a` (removed for live), other parameters kept. */
export function searchWithAsOf(search: string, a: AsOf): string {
  const params = new URLSearchParams(search);
  params.delete('atPosition');
  params.delete('asOf');
  if (a.kind === 'position') params.set('atPosition', String(a.position));
  if (a.kind === 'time') params.set('asOf', a.time);
  const qs = params.toString();
  return qs ? `?${qs}` : '';
}
