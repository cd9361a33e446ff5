import { useState } from 'preact/hooks';
import { useApp, useResource } from '../app-context';
import { useCursorPages } from '../components/cursor-pages';
import { Party } from '../components/party';
import { ErrorNote, Loading, Pager, Section } from '../components/status';
import { groupDigits, timeText } from '../format';
import { Link } from '../router';

type Kind = 'contributors' | 'consumers' | 'auditors';
const LABEL: Record<Kind, string> = { contributors: 'Contributors', consumers: 'Consumers', auditors: 'Auditors' };

interface DirectoryEntry {
  id: string;
  displayName: string;
  registeredAt: string;
}
interface DirectoryPage {
  position: number;
  items: DirectoryEntry[];
  nextCursor: string | null;
}

/** The admin's (and auditor's) directory: who is registered, by name, searchable. */
export function DirectorySection() {
  const [kind, setKind] = useState<Kind>('contributors');
  const [q, setQ] = useState('');
  const [search, setSearch] = useState('');
  const pages = useCursorPages();
  const list = useResource(
    (api, at) => api.get<DirectoryPage>(`/v1/${kind}`, { ...at, q: search, cursor: pages.cursor, limit: 20 }),
    [kind, search, pages.cursor],
  );
  const choose = (k: Kind) => {
    setKind(k);
    pages.reset();
  };
  return (
    <Section title="Directory" id="directory">
      <div class="row wrap" role="group" aria-label="Which directory">
        {(Object.keys(LABEL) as Kind[]).map((k) => (
          <button
            type="button"
            key={k}
            class={k === kind ? '' : 'secondary'}
            aria-pressed={k === kind}
            onClick={() => choose(k)}
            data-testid={`directory-${k}`}
          >
            {LABEL[k]}
          </button>
        ))}
      </div>
      <form
        class="row wrap"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setSearch(q.trim());
          pages.reset();
        }}
      >
        <div class="field inline">
          <label for="directory-q">Name contains</label>
          <input id="directory-q" value={q} onInput={(e) => setQ((e.target as HTMLInputElement).value)} data-testid="directory-search" />
        </div>
        <button type="submit" class="secondary">
          Search
        </button>
      </form>
      <ErrorNote error={list.error} what="Directory" />
      <Loading loading={list.loading && !list.data} />
      {list.data && list.data.items.length === 0 && <p class="muted">Nobody{search ? ` whose name contains "${search}"` : ''}.</p>}
      {list.data && list.data.items.length > 0 && (
        <div class="table-wrap">
          <table class="stackable" data-testid="directory-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Registered</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((p) => (
                <tr key={p.id} data-testid="directory-row" data-id={p.id}>
                  <td data-label="Name">
                    {kind === 'contributors' ? (
                      <Link href={`/contributors/${encodeURIComponent(p.id)}`}>{p.displayName}</Link>
                    ) : (
                      <span>{p.displayName}</span>
                    )}{' '}
                    <Party id={p.id} idChars={8} />
                  </td>
                  <td data-label="Registered">{timeText(p.registeredAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {(pages.hasPrev || list.data?.nextCursor) && (
        <Pager
          label="Directory pages"
          page={pages.page}
          hasPrev={pages.hasPrev}
          hasNext={!!list.data?.nextCursor}
          onPrev={pages.prev}
          onNext={() => list.data?.nextCursor && pages.next(list.data.nextCursor)}
        />
      )}
    </Section>
  );
}

interface PayableCurrency {
  currency: string;
  allocated: string;
  paidOut: string;
  balance: string;
  payable: string;
  /** In payout batches the bank has not answered for (absent from servers before it was added). */
  reserved?: string;
  recoverable: string;
}
interface PayableRow {
  contributorId: string;
  contributorDisplayName?: string | null;
  currencies: PayableCurrency[];
}
interface PayablesPage {
  position: number;
  items: PayableRow[];
  nextCursor: string | null;
}

/** Who is owed what: balances per contributor and currency, filterable, exportable as CSV. */
export function PayablesSection() {
  const { api, asOf } = useApp();
  const [currency, setCurrency] = useState('');
  const [includeSettled, setIncludeSettled] = useState(false);
  const [exportError, setExportError] = useState<Error | undefined>();
  const pages = useCursorPages();
  const filter = { currency: currency || undefined, includeSettled: includeSettled ? 'true' : undefined };
  const list = useResource(
    (a, at) => a.get<PayablesPage>('/v1/payables', { ...at, ...filter, cursor: pages.cursor, limit: 50 }),
    [currency, includeSettled, pages.cursor],
  );
  const rows = (list.data?.items ?? []).flatMap((r) => r.currencies.map((c) => ({ r, c })));
  const download = async () => {
    setExportError(undefined);
    try {
      const at = asOf.kind === 'position' ? { atPosition: asOf.position } : asOf.kind === 'time' ? { asOf: asOf.time } : {};
      const text = await api.text('/v1/payables', { ...at, ...filter, format: 'csv' });
      const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `payables${currency ? `-${currency}` : ''}.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (e) {
      setExportError(e as Error);
    }
  };
  return (
    <Section title="Who is owed what" id="payables">
      <p class="small muted">
        Balance = allocated by payout runs (net of corrections) − paid out by settlements. Payable is what the platform owes and has not yet
        put in a payout batch; in batches is owed money sent to the bank and not yet confirmed (payable again if the bank returns it);
        recoverable is an overpayment after a correction, taken back from later allocations.
      </p>
      <div class="row wrap">
        <div class="field inline">
          <label for="payables-currency">Currency</label>
          <select
            id="payables-currency"
            value={currency}
            onChange={(e) => {
              setCurrency((e.target as HTMLSelectElement).value);
              pages.reset();
            }}
            data-testid="payables-currency"
          >
            <option value="">all</option>
            {['EUR', 'USD', 'GBP', 'CHF', 'JPY'].map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
        <label class="check">
          <input
            type="checkbox"
            checked={includeSettled}
            onChange={(e) => {
              setIncludeSettled((e.target as HTMLInputElement).checked);
              pages.reset();
            }}
          />{' '}
          include settled (balance 0)
        </label>
        <button type="button" class="secondary" onClick={download} data-testid="payables-csv">
          Export CSV
        </button>
      </div>
      <ErrorNote error={list.error ?? exportError} what="Payables" />
      <Loading loading={list.loading && !list.data} />
      {list.data && rows.length === 0 && <p class="muted">Nobody is owed anything{currency ? ` in ${currency}` : ''}.</p>}
      {rows.length > 0 && (
        <div class="table-wrap">
          <table class="stackable" data-testid="payables-table">
            <thead>
              <tr>
                <th scope="col">Contributor</th>
                <th scope="col">Currency</th>
                <th scope="col">Allocated</th>
                <th scope="col">Paid out</th>
                <th scope="col">Payable</th>
                <th scope="col">In batches</th>
                <th scope="col">Recoverable</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ r, c }) => (
                <tr
                  key={`${r.contributorId}-${c.currency}`}
                  data-testid="payables-row"
                  data-id={r.contributorId}
                  data-currency={c.currency}
                >
                  <td data-label="Contributor">
                    <Link href={`/contributors/${encodeURIComponent(r.contributorId)}`}>{r.contributorDisplayName ?? r.contributorId}</Link>
                  </td>
                  <td data-label="Currency">{c.currency}</td>
                  <td data-label="Allocated">
                    {groupDigits(c.allocated)} {c.currency}
                  </td>
                  <td data-label="Paid out">
                    {groupDigits(c.paidOut)} {c.currency}
                  </td>
                  <td data-label="Payable" data-testid="payables-payable" data-value={c.payable}>
                    <strong>
                      {groupDigits(c.payable)} {c.currency}
                    </strong>
                  </td>
                  <td data-label="In batches" data-testid="payables-reserved" data-value={c.reserved ?? '0'}>
                    {groupDigits(c.reserved ?? '0')} {c.currency}
                  </td>
                  <td data-label="Recoverable">
                    {groupDigits(c.recoverable)} {c.currency}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {(pages.hasPrev || list.data?.nextCursor) && (
        <Pager
          label="Payables pages"
          page={pages.page}
          hasPrev={pages.hasPrev}
          hasNext={!!list.data?.nextCursor}
          onPrev={pages.prev}
          onNext={() => list.data?.nextCursor && pages.next(list.data.nextCursor)}
        />
      )}
    </Section>
  );
}
