/** Lists come back as {items, nextCursor, position}; tolerate a bare array too. */
export function itemsOf<T>(value: unknown, key = 'items'): T[] {
  if (Array.isArray(value)) return value as T[];
  if (value && typeof value === 'object') {
    const v = (value as Record<string, unknown>)[key];
    if (Array.isArray(v)) return v as T[];
  }
  return [];
}

export function nextCursorOf(value: unknown): string | undefined {
  if (value && typeof value === 'object') {
    const c = (value as Record<string, unknown>).nextCursor;
    if (typeof c === 'string' && c !== '') return c;
    if (typeof c === 'number') return String(c);
  }
  return undefined;
}

/**
 * Positions at which to sample a quantity for an over-time chart: the
 * interesting ones (events that touched the subject) plus an even spread,
 * at most `max`, always ending at the position shown.
 */
export function samplePositions(head: number, interesting: number[], max = 16): number[] {
  if (head < 1) return [];
  const set = new Set<number>();
  const even = Math.min(max, head);
  for (let i = 1; i <= even; i++) set.add(Math.max(1, Math.round((head * i) / even)));
  for (const p of interesting) if (p >= 1 && p <= head) set.add(p);
  const all = [...set].sort((a, b) => a - b);
  if (all.length <= max) return all;
  // Thin evenly, keeping the last (the position on screen).
  const out: number[] = [];
  for (let i = 0; i < max; i++) out.push(all[Math.round(((all.length - 1) * i) / (max - 1))]);
  return [...new Set(out)];
}
