import { useEffect, useRef, useState } from 'preact/hooks';
import { asOfLabel } from '../as-of';
import type { LogEvent, LogPage, VerifyResult } from '../api/contract';
import { useApp, useResource } from '../app-context';
import { ErrorNote, Loading, Pager, Section } from '../components/status';
import { asOfQuery } from '../api/api-client';
import { EventTable } from './contributor.view';
import { PoolSummary } from './pool.view';
import { DirectorySection, PayablesSection } from './directory.view';

const PAGE = 25;

/** The log position by position, and the verifier. */
export function AuditorView() {
  const { me } = useApp();
  return (
    <div class="stack">
      <h1 tabIndex={-1}>Audit</h1>
      {/* The admin has these on the admin page. */}
      {me.role === 'auditor' && <DirectorySection />}
      {me.role === 'auditor' && <PayablesSection />}
      <VerifyPanel />
      <PoolSummary />
      <LogSection />
    </div>
  );
}

function LogSection() {
  const { asOf } = useApp();
  const [starts, setStarts] = useState<number[]>([1]);
  const from = starts[starts.length - 1];
  const log = useResource((api, at) => api.get<LogPage>('/v1/audit/events', { ...at, fromPosition: from, limit: PAGE }), [from]);
  const events: LogEvent[] = log.data?.items ?? log.data?.events ?? (Array.isArray(log.data) ? (log.data as LogEvent[]) : []);
  const last = events.length > 0 ? events[events.length - 1].position : undefined;
  const pinned = asOf.kind === 'position' ? asOf.position : undefined;
  const explicitNext = log.data?.nextPosition ?? (log.data?.nextCursor ? Number(log.data.nextCursor) : undefined);
  const next =
    explicitNext ?? (events.length === PAGE && last !== undefined && (pinned === undefined || last < pinned) ? last + 1 : undefined);
  const [jump, setJump] = useState('');
  return (
    <Section title="Event log" id="event-log">
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          const n = Number(jump);
          if (Number.isSafeInteger(n) && n >= 1) setStarts([...starts, n]);
        }}
      >
        <div class="field inline">
          <label for="log-from">From position</label>
          <input
            id="log-from"
            type="number"
            min={1}
            inputMode="numeric"
            value={jump}
            onInput={(e) => setJump((e.target as HTMLInputElement).value)}
          />
        </div>
        <button type="submit" class="secondary">
          Go
        </button>
      </form>
      <ErrorNote error={log.error} what="Log" />
      <Loading loading={log.loading && !log.data} />
      <EventTable items={events} testId="log-table" showStream />
      <Pager
        label="Log pages"
        page={starts.length}
        hasPrev={starts.length > 1}
        hasNext={next !== undefined && Number.isFinite(next)}
        onPrev={() => setStarts(starts.length > 1 ? starts.slice(0, -1) : starts)}
        onNext={() => next !== undefined && setStarts([...starts, next])}
      />
    </Section>
  );
}

function VerifyPanel() {
  const { api, asOf, notePosition } = useApp();
  const [result, setResult] = useState<VerifyResult | null>(null);
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  // A result belongs to the moment it was verified at: another pinned moment clears it (no stale "verified").
  const pinned = asOfLabel(asOf);
  const shown = useRef(pinned);
  shown.current = pinned;
  useEffect(() => {
    setResult(null);
    setError(undefined);
  }, [pinned]);
  const run = async () => {
    setBusy(true);
    setError(undefined);
    setResult(null);
    try {
      const at = pinned;
      const r = await api.get<VerifyResult>('/v1/audit/verify', asOfQuery(asOf));
      if (shown.current !== at) return; // the moment changed while it ran: not this screen's answer
      if (typeof r.position === 'number') notePosition(r.position);
      setResult(r);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title="Verify the log" id="verify">
      <p class="small">Recomputes every hash chain and every payout run from the log.</p>
      <button type="button" onClick={run} disabled={busy} data-testid="verify-button">
        {busy ? 'Verifying…' : 'Verify'}
      </button>
      <ErrorNote error={error} what="Verify" />
      <div aria-live="polite">
        {result && (
          <div
            class={result.ok ? 'ok-box' : 'error-box'}
            data-testid="verify-result"
            data-ok={String(result.ok)}
            data-checked={result.checkedEvents}
            data-position={result.position ?? ''}
          >
            <p>
              <strong>{result.ok ? '✓ Verified' : '✗ Problems found'}</strong>: {result.checkedEvents} events checked
              {result.position !== undefined && <> up to position {result.position}</>}, {result.problems.length} problem
              {result.problems.length === 1 ? '' : 's'}.
            </p>
            {result.problems.length > 0 && (
              <ul>
                {result.problems.slice(0, 50).map((p, i) => (
                  <li key={i}>
                    <code class="wrap">{typeof p === 'string' ? p : JSON.stringify(p)}</code>
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
      </div>
    </Section>
  );
}
