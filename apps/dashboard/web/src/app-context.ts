/**
 * What every view needs: the signed-in client, who the caller is, the as-of
 * selection, and the live tick that the event stream advances.
 */
import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useRef, useState } from 'preact/hooks';
import { asOfQuery, type ApiClient, type Query } from './api/api-client';
import type { Me } from './api/contract';
import type { AsOf } from './as-of';

export interface AppState {
  api: ApiClient;
  me: Me;
  asOf: AsOf;
  setAsOf: (a: AsOf) => void;
  /** Advances within a second of every event on the stream (live mode only). */
  tick: number;
  /** Refetch everything on screen now (after this tab changed something). */
  refresh: () => void;
  /** A read reported the log position it reflects. */
  notePosition: (p: number) => void;
  navigate: (path: string) => void;
}

export const AppContext = createContext<AppState | null>(null);

export function useApp(): AppState {
  const ctx = useContext(AppContext);
  if (!ctx) throw new Error('useApp outside the signed-in app');
  return ctx;
}

/**
 * Reloads while `active` (and the screen is live): progress of a dataset being
 * processed is not a read-model change, so no event announces it.
 */
export function usePollWhile(active: boolean, reload: () => void, everyMs = 1000): void {
  const { asOf } = useApp();
  const live = asOf.kind === 'live';
  useEffect(() => {
    if (!active || !live) return;
    const id = setInterval(reload, everyMs);
    return () => clearInterval(id);
  }, [active, live, reload, everyMs]);
}

export interface Resource<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads data for the current as-of selection and reloads it on every live
 * tick. Keeps the last answer on screen while a reload runs (no flicker) and
 * drops answers that arrive after a newer request was sent.
 */
export function useResource<T>(
  load: (api: ApiClient, at: Query) => Promise<T>,
  deps: unknown[],
  options: { live?: boolean } = {},
): Resource<T> {
  const { api, asOf, tick, notePosition } = useApp();
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [manual, setManual] = useState(0);
  const seq = useRef(0);
  const followsTick = asOf.kind === 'live' && options.live !== false ? tick : 0;
  const asOfKey = JSON.stringify(asOf);
  // Data shown for another as-of point or another subject must not linger under the new one.
  const identity = JSON.stringify([asOfKey, deps]);
  const shownFor = useRef(identity);

  useEffect(() => {
    const mine = ++seq.current;
    const moved = shownFor.current !== identity;
    shownFor.current = identity;
    setState((s) => (moved ? { loading: true } : { ...s, loading: true }));
    load(api, asOfQuery(asOf)).then(
      (data) => {
        if (mine !== seq.current) return;
        const p = (data as { position?: unknown } | undefined)?.position;
        if (typeof p === 'number') notePosition(p);
        setState({ data, loading: false });
      },
      (error: Error) => {
        if (mine !== seq.current) return;
        setState((s) => ({ data: s.data, error, loading: false }));
      },
    );
  }, [api, identity, followsTick, manual]);

  const reload = useCallback(() => setManual((n) => n + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}
