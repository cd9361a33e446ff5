import { useState } from 'preact/hooks';
import type { ConsumerScope, PayoutRun, RevenueReport } from '../api/contract';
import { scopeText } from './contributor.view';
import { itemsOf, nextCursorOf } from '../api/lists';
import { useApp, useResource } from '../app-context';
import { useCursorPages } from '../components/cursor-pages';
import { ErrorNote, Loading, Pager, Section } from '../components/status';
import { groupDigits, shortHash, timeText } from '../format';
import { PoolHistory } from './pool.view';
import { Party } from '../components/party';

/** crypto.randomUUID exists only in secure contexts; the key just has to be random and unique. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function ConsumerView() {
  const { me } = useApp();
  const pages = useCursorPages();
  // GET /v1/revenue: the consumer's own reports, oldest first.
  const reports = useResource((api, at) => api.get<unknown>('/v1/revenue', { ...at, cursor: pages.cursor, limit: 25 }), [pages.cursor]);
  const items = itemsOf<RevenueReport>(reports.data);
  const next = nextCursorOf(reports.data);
  return (
    <div class="stack">
      <h1 tabIndex={-1}>
        Consumer{' '}
        <span data-testid="consumer-id" data-value={me.subjectId}>
          {me.displayName ? <Party id={me.subjectId} name={me.displayName} testId="consumer-name" /> : <code>{me.subjectId}</code>}
        </span>
      </h1>
      {me.role === 'consumer' && <ScopeSection consumerId={me.subjectId} />}
      {me.role === 'consumer' && (
        <Section title="Report revenue" id="revenue-form">
          <RevenueForm onSubmitted={reports.reload} />
        </Section>
      )}
      <Section title="Revenue reports and payout runs" id="revenue-reports">
        <ErrorNote error={reports.error} what="Revenue reports" />
        <Loading loading={reports.loading && !reports.data} />
        {reports.data !== undefined && items.length === 0 && <p class="muted">No revenue reports yet.</p>}
        {items.length > 0 && (
          <ul class="plain stack">
            {items.map((r) => (
              <li key={r.revenueId}>
                <RevenueCard report={r} />
              </li>
            ))}
          </ul>
        )}
        {(pages.hasPrev || next) && (
          <Pager
            label="Revenue report pages"
            page={pages.page}
            hasPrev={pages.hasPrev}
            hasNext={!!next}
            onPrev={pages.prev}
            onNext={() => next && pages.next(next)}
          />
        )}
      </Section>
      <PoolHistory />
    </div>
  );
}

function RevenueCard(props: { report: RevenueReport }) {
  const r = props.report;
  const run = useResource(
    (api, at) => api.getOrUndefined<PayoutRun>(`/v1/payout-runs/${encodeURIComponent(r.revenueId)}`, { ...at, limit: 50 }),
    [r.revenueId],
  );
  const p = run.data;
  return (
    <article class="subcard" data-testid="revenue-report" data-revenue-id={r.revenueId}>
      <h3>
        <span data-testid="revenue-amount" data-value={r.amount}>
          {groupDigits(r.amount)} {r.currency}
        </span>{' '}
        <span class="muted small">
          {r.periodStart?.slice(0, 10)} – {r.periodEnd?.slice(0, 10)}
        </span>
      </h3>
      <p class="small">
        Report <code>{r.revenueId}</code> · status <strong data-testid="revenue-status">{r.status}</strong>
        {r.alpha && <> · α = {r.alpha}</>}
        {r.recordedAt && <> · {timeText(r.recordedAt)}</>}
      </p>
      <ErrorNote error={run.error} what="Payout run" />
      {!p && !run.loading && <p class="muted small">No payout run yet.</p>}
      {p && (
        <div data-testid="payout-run">
          <dl class="kv">
            <dt>Pool amount</dt>
            <dd data-testid="payout-run-pool-amount" data-value={p.poolAmount}>
              {groupDigits(p.poolAmount)} {p.currency}
            </dd>
            <dt>Pool tokens (ΣT)</dt>
            <dd data-testid="payout-run-total-tokens" data-value={String(p.totalTokens)}>
              {groupDigits(p.totalTokens)} at position {p.poolPosition}
            </dd>
            <dt>Remainder</dt>
            <dd>
              {groupDigits(p.remainder)} {p.currency} <span class="small muted">(revenue − pool amount: the consumer's part)</span>
            </dd>
            {p.unallocated !== undefined && (
              <>
                <dt>Unallocated</dt>
                <dd data-testid="payout-run-unallocated" data-value={p.unallocated}>
                  {groupDigits(p.unallocated)} {p.currency}
                </dd>
              </>
            )}
            <dt>Allocation root</dt>
            <dd>
              <code class="hash" title={p.rootHash}>
                {shortHash(p.rootHash, 20)}
              </code>
            </dd>
          </dl>
          <p class="small" data-testid="payout-run-explanation">
            {runExplanation(p)}
          </p>
          {p.allocations.length > 0 && (
            <details>
              <summary>
                Allocations ({p.allocations.length}
                {p.nextCursor ? '+' : ''})
              </summary>
              <div class="table-wrap">
                <table class="stackable">
                  <thead>
                    <tr>
                      <th scope="col">Contributor</th>
                      <th scope="col">Tokens</th>
                      <th scope="col">Ratio</th>
                      <th scope="col">Amount</th>
                    </tr>
                  </thead>
                  <tbody>
                    {p.allocations.map((a) => (
                      <tr key={a.contributorId}>
                        <td data-label="Contributor">
                          <Party id={a.contributorId} name={a.contributorDisplayName} />
                        </td>
                        <td data-label="Tokens">{groupDigits(a.tokens)}</td>
                        <td data-label="Ratio">{a.ratio}</td>
                        <td data-label="Amount">
                          {groupDigits(a.amount)} {p.currency}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </details>
          )}
        </div>
      )}
    </article>
  );
}

const isZero = (amount: string | undefined): boolean => amount === undefined || /^0*(\.0+)?$/.test(amount);

/** Where the money went, in words: why a part of the pool amount stayed unallocated, if any did. */
export function runExplanation(p: PayoutRun): string {
  const pool = `${groupDigits(p.poolAmount)} ${p.currency}`;
  if (isZero(p.unallocated))
    return `The whole pool amount (${pool}) was allocated to ${p.allocationCount ?? p.allocations.length} contributor(s).`;
  const left = `${groupDigits(p.unallocated ?? '0')} ${p.currency}`;
  if (p.policy === 'time-weighted' && (p.totalWeight === undefined || /^0+$/.test(p.totalWeight)))
    return `Nothing was allocated: under the time-weighted policy a contributor is paid for the time their tokens were in the pool during the reported period, and no tokens were in the pool during it. ${left} stays unallocated (recorded, not paid to anyone).`;
  if (/^0+$/.test(String(p.totalTokens)))
    return `Nothing was allocated: the pool held no tokens when the report was recorded. ${left} stays unallocated (recorded, not paid to anyone).`;
  return `${left} of the ${pool} pool amount stayed unallocated (no contributor's weight claimed it).`;
}

interface RevenueDraft {
  amount: string;
  currency: string;
  periodStart: string;
  periodEnd: string;
}

/** Decimals of the currencies the service knows (ISO 4217 minor units); others: 2. */
const DECIMALS: Record<string, number> = { JPY: 0, KRW: 0, CLP: 0, ISK: 0, BHD: 3, KWD: 3, JOD: 3, OMR: 3, TND: 3 };
const decimalsOf = (currency: string): number => DECIMALS[currency] ?? 2;

/**
 * The amount as the API takes it (digits, an optional "." and at most the
 * currency's decimals, no grouping), or why not, with the way to write it.
 * A grouped amount ("9,999.00") is answered with the same amount written
 * plainly, so the user sees exactly what to type.
 */
export function amountProblem(raw: string, currency: string): string | undefined {
  const v = raw.trim();
  const d = decimalsOf(currency);
  const example = d === 0 ? '9999' : `9999.${'0'.repeat(d)}`;
  if (new RegExp(`^\\d{1,15}(\\.\\d{1,${Math.max(d, 1)}})?$`).test(v) && (d > 0 || !v.includes('.'))) return undefined;
  if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(v)) return `Write the amount without thousands separators: ${v.replace(/,/g, '')} instead of ${v}.`;
  if (/^\d{1,3}(\.\d{3})+(,\d+)?$/.test(v) || /^\d+,\d+$/.test(v))
    return `Use "." for decimals and no thousands separators: ${v.replace(/\./g, '').replace(',', '.')} instead of ${v}.`;
  if (/\s/.test(v)) return `Remove the spaces: e.g. ${example}.`;
  const decimals = /\.(\d+)$/.exec(v)?.[1].length;
  if (decimals !== undefined && decimals > d)
    return `${currency} has ${d === 0 ? 'no decimals' : `at most ${d} decimals`}: round to e.g. ${example}.`;
  return `Write digits with "." before the decimals and no thousands separators, e.g. ${example}.`;
}

/** Issue #14: what the consumer's agreement pays for, and the eligible pool it pays from now. */
function ScopeSection(props: { consumerId: string }) {
  const agreement = useResource(
    (a) => a.getOrUndefined<{ scope?: ConsumerScope }>(`/v1/consumers/${encodeURIComponent(props.consumerId)}/agreement`),
    [props.consumerId],
  );
  const pool = useResource(
    (a, at) =>
      a.getOrUndefined<{ totalTokens: string; contributorCount: number }>('/v1/pool', { ...at, consumerId: props.consumerId, limit: 1 }),
    [props.consumerId],
  );
  return (
    <Section title="What you pay for" id="scope">
      <dl class="kv">
        <dt>Scope</dt>
        <dd data-testid="consumer-scope">{agreement.data ? scopeText(agreement.data.scope) : '—'}</dd>
        <dt>Eligible tokens (ΣT_c)</dt>
        <dd data-testid="consumer-eligible-tokens">{pool.data ? groupDigits(pool.data.totalTokens) : '—'}</dd>
        <dt>Contributors paid</dt>
        <dd>{pool.data ? groupDigits(pool.data.contributorCount) : '—'}</dd>
      </dl>
    </Section>
  );
}

interface AgreementView {
  currency: string;
  alpha: string;
  policy: string;
}

/** Reports of this consumer whose period overlaps [start, end). */
function overlapping(reports: RevenueReport[], start: string, end: string): RevenueReport[] {
  return reports.filter((r) => r.periodStart < end && start < r.periodEnd);
}

function RevenueForm(props: { onSubmitted: () => void }) {
  const { api, me } = useApp();
  // The currency is the agreement's: a report in another currency is refused (currency-mismatch).
  const agreement = useResource(
    (a) => a.getOrUndefined<AgreementView>(`/v1/consumers/${encodeURIComponent(me.subjectId)}/agreement`),
    [me.subjectId],
    { live: false },
  );
  const agreed = agreement.data?.currency;
  const [draft, setDraft] = useState<RevenueDraft>({ amount: '', currency: '', periodStart: '', periodEnd: '' });
  const currency = agreed ?? draft.currency.trim().toUpperCase();
  const [overlaps, setOverlaps] = useState<RevenueReport[]>([]);
  const [overlapAccepted, setOverlapAccepted] = useState(false);
  // One key per intended report: kept across retries of the same report, renewed only after success.
  const [key, setKey] = useState(newIdempotencyKey);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | undefined>();
  const [result, setResult] = useState<string | null>(null);

  const set = (k: keyof RevenueDraft) => (e: Event) => {
    setDraft({ ...draft, [k]: (e.target as HTMLInputElement).value });
    setConfirming(false);
  };

  const [periodEnd, setPeriodEnd] = useState('');
  const review = async (e: Event) => {
    e.preventDefault();
    setResult(null);
    if (!/^[A-Z]{3}$/.test(currency)) return setError(new Error('Currency: a three-letter ISO 4217 code such as EUR'));
    const problem = amountProblem(draft.amount, currency);
    if (problem) return setError(new Error(`Amount: ${problem}`));
    if (!draft.periodStart || !draft.periodEnd || draft.periodEnd < draft.periodStart)
      return setError(new Error('Period: a start date and an end date on or after it'));
    // The period covers the whole end day; a period ending today ends now (revenue of the future cannot be reported).
    const now = new Date();
    const endOfDay = new Date(`${draft.periodEnd}T23:59:59.999Z`);
    if (draft.periodEnd > now.toISOString().slice(0, 10))
      return setError(new Error('Period end: a day up to today (UTC); revenue can only be reported for a period that has ended'));
    const end = (endOfDay < now ? endOfDay : new Date(Math.floor(now.getTime() / 1000) * 1000)).toISOString();
    setPeriodEnd(end);
    // Two reports for the same period are both paid out: say so before the second one is sent.
    try {
      const mine: RevenueReport[] = [];
      let cursor: string | undefined;
      do {
        const page = await api.get<{ items: RevenueReport[]; nextCursor: string | null }>('/v1/revenue', { cursor, limit: 1000 });
        mine.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      setOverlaps(overlapping(mine, new Date(`${draft.periodStart}T00:00:00Z`).toISOString(), end));
    } catch {
      setOverlaps([]);
    }
    setOverlapAccepted(false);
    setError(undefined);
    setConfirming(true);
  };

  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const body = {
        amount: draft.amount.trim(),
        currency,
        periodStart: new Date(`${draft.periodStart}T00:00:00Z`).toISOString(),
        // Fixed when reviewed, so a retry of this confirmation sends the same body (same idempotency key, same report).
        periodEnd,
      };
      const res = await api.request<{ revenueId: string; status: string }>('POST', '/v1/revenue', {
        body,
        headers: { 'idempotency-key': key },
      });
      setResult(
        `${res.status === 200 ? 'Already recorded (same key and report)' : 'Recorded'}: report ${res.body.revenueId}, status ${res.body.status}.`,
      );
      setConfirming(false);
      setDraft({ ...draft, amount: '' });
      setKey(newIdempotencyKey());
      props.onSubmitted();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="form" onSubmit={review} data-testid="revenue-form-el">
      <div class="grid2">
        <div class="field">
          <label for="rev-amount">Amount</label>
          <input
            id="rev-amount"
            inputMode="decimal"
            required
            value={draft.amount}
            onInput={set('amount')}
            placeholder={decimalsOf(currency) === 0 ? '1250' : '1250.00'}
            aria-describedby="rev-amount-help"
            data-testid="revenue-amount-input"
          />
          <p class="small muted" id="rev-amount-help">
            Digits, "." before the decimals{currency ? ` (at most ${decimalsOf(currency)} for ${currency})` : ''}, no thousands separators:
            9999.00, not 9,999.00.
          </p>
        </div>
        <div class="field">
          <label for="rev-currency">Currency</label>
          {agreed ? (
            <p data-testid="revenue-currency" data-value={agreed}>
              <strong>{agreed}</strong> <span class="small muted">(your agreement's currency)</span>
            </p>
          ) : (
            <input
              id="rev-currency"
              required
              maxLength={3}
              value={draft.currency}
              onInput={set('currency')}
              autocomplete="off"
              placeholder={agreement.loading ? '…' : 'EUR'}
              data-testid="revenue-currency-input"
            />
          )}
          {!agreed && !agreement.loading && (
            <p class="small muted">No agreement found yet: an admin sets one (and its currency) before revenue can be shared.</p>
          )}
        </div>
        <div class="field">
          <label for="rev-start">Period start</label>
          <input
            id="rev-start"
            type="date"
            required
            value={draft.periodStart}
            onInput={set('periodStart')}
            data-testid="revenue-start-input"
          />
        </div>
        <div class="field">
          <label for="rev-end">Period end</label>
          <input id="rev-end" type="date" required value={draft.periodEnd} onInput={set('periodEnd')} data-testid="revenue-end-input" />
        </div>
      </div>
      <p class="small">
        Idempotency key <code data-testid="idempotency-key">{key}</code>: a retry with this key never records the report twice.
      </p>
      {!confirming && (
        <button type="submit" data-testid="revenue-review">
          Review
        </button>
      )}
      {confirming && (
        <div class="confirm" role="group" aria-labelledby="confirm-heading" data-testid="revenue-confirm">
          <h3 id="confirm-heading">Confirm this revenue report</h3>
          <p>
            <strong>
              {groupDigits(draft.amount.trim())} {currency}
            </strong>{' '}
            for {draft.periodStart} to {draft.periodEnd}. The contributors' share is then allocated by a payout run; a report cannot be
            edited afterwards.
          </p>
          {overlaps.length > 0 && (
            <div class="warn" role="alert" data-testid="revenue-overlap">
              <p>
                <strong>This period overlaps {overlaps.length === 1 ? 'a report' : `${overlaps.length} reports`} you already sent</strong> (
                {overlaps
                  .map((r) => `${groupDigits(r.amount)} ${r.currency}, ${r.periodStart.slice(0, 10)} – ${r.periodEnd.slice(0, 10)}`)
                  .join('; ')}
                ). Both reports are paid out in full. To fix a wrong amount, correct the earlier report instead.
              </p>
              <label class="check">
                <input
                  type="checkbox"
                  checked={overlapAccepted}
                  onChange={(e) => setOverlapAccepted((e.target as HTMLInputElement).checked)}
                  data-testid="revenue-overlap-accept"
                />{' '}
                This is additional revenue for that period, not a repeat
              </label>
            </div>
          )}
          <div class="row">
            <button
              type="button"
              onClick={confirm}
              disabled={busy || (overlaps.length > 0 && !overlapAccepted)}
              data-testid="revenue-confirm-submit"
            >
              {busy ? 'Submitting…' : 'Confirm and submit'}
            </button>
            <button type="button" class="secondary" onClick={() => setConfirming(false)} disabled={busy}>
              Edit
            </button>
          </div>
        </div>
      )}
      <ErrorNote error={error} what="Revenue" />
      {result && (
        <p class="ok" role="status" data-testid="revenue-result">
          {result}
        </p>
      )}
    </form>
  );
}
