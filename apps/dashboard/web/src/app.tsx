import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiClient, ApiError } from './api/api-client';
import type { Me, Role } from './api/contract';
import { openEventStream, type StreamState } from './api/event-stream';
import { AppContext, type AppState } from './app-context';
import { asOfFromSearch, asOfLabel, LIVE, searchWithAsOf, type AsOf } from './as-of';
import { AsOfPicker } from './components/as-of-picker';
import { clearSession, storedKey, storeKey } from './session';
import { Link, match, navigate, usePath } from './router';
import { AdminView } from './views/admin.view';
import { AuditorView } from './views/auditor.view';
import { ConsumerView } from './views/consumer.view';
import { ContributorView } from './views/contributor.view';
import { DatasetView } from './views/dataset.view';
import { PoolView } from './views/pool.view';
import { SignInView } from './views/sign-in.view';
import { Party } from './components/party';

/** How long after an event the screen refetches: events come in bursts (upload → preprocessed → counted → accepted). */
const REFRESH_DEBOUNCE_MS = 150;
/** With the stream down, poll so the numbers still move. */
const POLL_MS = 3000;

type Session = { state: 'checking' } | { state: 'out'; notice?: string } | { state: 'in'; api: ApiClient; me: Me };

export function App() {
  const [session, setSession] = useState<Session>(() => (storedKey() ? { state: 'checking' } : { state: 'out' }));

  useEffect(() => {
    const key = storedKey();
    if (!key) return;
    const api = new ApiClient(key);
    api.get<Me>('/v1/me').then(
      (me) => setSession({ state: 'in', api, me }),
      (e) => {
        if (e instanceof ApiError && e.status === 401) clearSession();
        setSession({
          state: 'out',
          notice: e instanceof ApiError && e.status === 401 ? 'Your key is no longer accepted; sign in again.' : undefined,
        });
      },
    );
  }, []);

  if (session.state === 'checking') {
    return (
      <main id="main" class="signin">
        <p role="status">Signing in…</p>
      </main>
    );
  }
  if (session.state === 'out') {
    return (
      <SignInView
        notice={session.notice}
        onSignedIn={(apiKey, me) => {
          storeKey(apiKey);
          setSession({ state: 'in', api: new ApiClient(apiKey), me });
          // A shared link (a view, a pinned moment) stays where it was; the bare address goes home.
          if (location.pathname === '/') navigate('/' + location.search);
        }}
      />
    );
  }
  return (
    <SignedIn
      api={session.api}
      me={session.me}
      onSignOut={() => {
        clearSession();
        setSession({ state: 'out' });
        history.replaceState(null, '', '/');
      }}
    />
  );
}

function homeOf(me: Me): string {
  switch (me.role) {
    case 'contributor':
      return `/contributors/${encodeURIComponent(me.subjectId)}`;
    case 'consumer':
      return '/consumer';
    case 'auditor':
      return '/audit';
    case 'admin':
      return '/admin';
  }
}

function navOf(me: Me): { href: string; label: string }[] {
  const byRole: Record<Role, { href: string; label: string }[]> = {
    contributor: [
      { href: homeOf(me), label: 'My contribution' },
      { href: '/pool', label: 'Pool' },
    ],
    consumer: [
      { href: '/consumer', label: 'Revenue' },
      { href: '/pool', label: 'Pool' },
    ],
    auditor: [
      { href: '/audit', label: 'Audit log' },
      { href: '/pool', label: 'Pool' },
    ],
    admin: [
      { href: '/admin', label: 'Admin' },
      { href: '/audit', label: 'Audit log' },
      { href: '/pool', label: 'Pool' },
    ],
  };
  return byRole[me.role];
}

function SignedIn(props: { api: ApiClient; me: Me; onSignOut: () => void }) {
  const { api, me } = props;
  const path = usePath();
  // A shared link opens the moment it names (?atPosition= or ?asOf=).
  const [asOf, setAsOfState] = useState<AsOf>(() => asOfFromSearch(location.search));
  const [tick, setTick] = useState(0);
  const [position, setPosition] = useState<number | null>(null);
  const [stream, setStream] = useState<StreamState>('connecting');
  const [lastEventAt, setLastEventAt] = useState<string | null>(null);
  const asOfRef = useRef(asOf);
  asOfRef.current = asOf;

  const setAsOf = useCallback((a: AsOf) => {
    setPosition(null);
    setAsOfState(a);
  }, []);

  // Live: the newest position any read reported; pinned: every read reports the same one.
  const notePosition = useCallback(
    (p: number) => setPosition((cur) => (asOfRef.current.kind === 'live' && cur !== null ? Math.max(cur, p) : p)),
    [],
  );

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const bump = () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        setTick((t) => t + 1);
      }, REFRESH_DEBOUNCE_MS);
    };
    const stop = openEventStream({
      apiKey: api.apiKey,
      onMessage: () => {
        setLastEventAt(new Date().toISOString());
        bump();
      },
      onState: (s) => {
        setStream(s);
        // Whatever happened while disconnected is fetched on reconnect.
        if (s === 'open') bump();
      },
    });
    return () => {
      stop();
      if (timer) clearTimeout(timer);
    };
  }, [api]);

  useEffect(() => {
    if (stream === 'open') return;
    const poll = setInterval(() => setTick((t) => t + 1), POLL_MS);
    return () => clearInterval(poll);
  }, [stream]);

  const refresh = useCallback(() => setTick((t) => t + 1), []);
  const state: AppState = useMemo(
    () => ({ api, me, asOf, setAsOf, tick, refresh, notePosition, navigate }),
    [api, me, asOf, setAsOf, tick, refresh, notePosition],
  );

  useEffect(() => {
    if (path === '/' || path === '') history.replaceState(null, '', homeOf(me) + location.search);
  }, [path, me]);
  // The pinned moment lives in the URL, on every view: a copied link shows the same point of the log.
  useEffect(() => {
    const search = searchWithAsOf(location.search, asOf);
    if (search !== location.search) history.replaceState(null, '', location.pathname + search);
  }, [path, asOf]);
  const current = path === '/' ? homeOf(me) : path;

  return (
    <AppContext.Provider value={state}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <div class="brand">
          <strong>1TT Ledger</strong>
          <span class="small" data-testid="whoami" data-role={me.role} data-subject={me.subjectId}>
            {me.role} ·{' '}
            {me.displayName ? <Party id={me.subjectId} name={me.displayName} testId="whoami-name" /> : <code>{me.subjectId}</code>}
          </span>
        </div>
        <nav aria-label="Main">
          <ul>
            {navOf(me).map((n) => (
              <li key={n.href}>
                <Link href={n.href} current={current === n.href}>
                  {n.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <button type="button" class="secondary" onClick={props.onSignOut} data-testid="sign-out">
          Sign out
        </button>
      </header>
      <div class="statusbar">
        <AsOfPicker value={asOf} onChange={setAsOf} />
        <p class="marker" data-testid="as-of-marker" aria-live="polite">
          As of position{' '}
          <strong data-testid="as-of-position" data-value={position ?? ''}>
            {position ?? '…'}
          </strong>
          <span
            class={`live live-${asOf.kind === 'live' ? stream : 'pinned'}`}
            data-testid="live-state"
            data-state={asOf.kind === 'live' ? stream : 'pinned'}
            title={lastEventAt ? `last event ${lastEventAt}` : undefined}
          >
            {asOf.kind !== 'live'
              ? `pinned to ${asOfLabel(asOf)}`
              : stream === 'open'
                ? 'live'
                : stream === 'connecting'
                  ? 'connecting…'
                  : 'reconnecting (polling)'}
          </span>
          {asOf.kind !== 'live' && (
            <button type="button" class="link" onClick={() => setAsOf(LIVE)} data-testid="back-to-live">
              back to live
            </button>
          )}
        </p>
      </div>
      <main id="main">
        <Route path={current} me={me} />
      </main>
    </AppContext.Provider>
  );
}

function Route(props: { path: string; me: Me }) {
  const { path, me } = props;
  let m: Record<string, string> | null;
  if ((m = match('/contributors/:id', path))) return <ContributorView contributorId={m.id} />;
  if ((m = match('/datasets/:id', path))) return <DatasetView datasetId={m.id} />;
  if (match('/pool', path)) return <PoolView />;
  if (match('/consumer', path) && me.role === 'consumer') return <ConsumerView />;
  if (match('/audit', path) && (me.role === 'auditor' || me.role === 'admin')) return <AuditorView />;
  if (match('/admin', path) && me.role === 'admin') return <AdminView />;
  return (
    <div class="stack">
      <h1 tabIndex={-1}>Not here</h1>
      <p>
        There is no such page for your role. <Link href={homeOf(me)}>Go to your start page</Link>.
      </p>
    </div>
  );
}
