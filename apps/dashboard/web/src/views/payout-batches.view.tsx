import { useState } from 'preact/hooks';
import { useApp, useResource } from '../app-context';
import { Party } from '../components/party';
import { ErrorNote, Loading, Section } from '../components/status';
import { groupDigits, timeText } from '../format';

interface BatchLine {
  lineId: string;
  endToEndId: string;
  contributorId: string;
  contributorDisplayName?: string | null;
  amount: string;
  status: 'reserved' | 'settled' | 'released' | 'held';
  reason?: string;
  bankReference?: string;
}
interface PayoutBatch {
  batchId: string;
  currency: string;
  minAmount: string;
  total: string;
  lineCount: number;
  createdAt: string;
  reconciliations: number;
  counts: Record<'reserved' | 'settled' | 'released' | 'held', number>;
  lines: BatchLine[];
}

const STATUS_TEXT: Record<BatchLine['status'], string> = {
  reserved: 'sent, awaiting the bank',
  settled: 'paid',
  released: 'returned to payable',
  held: 'held: the bank’s answer differs',
};
const CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF', 'JPY'];

/** The batch's state in one word: open while any line waits for the bank or is held. */
function batchState(b: PayoutBatch): string {
  if (b.counts.reserved > 0) return b.reconciliations === 0 ? 'awaiting statement' : 'partly reconciled';
  if (b.counts.held > 0) return 'held lines';
  return 'reconciled';
}

/**
 * The admin's payout batches: make one (every contributor with payout
 * details owed at least minAmount), download its payment file (CSV, or
 * pain.001 for EUR), upload the bank's statement, and see each line's
 * outcome. Batches are shown as they are now (not pinned to an as-of point).
 */
export function PayoutBatchesSection() {
  const { api } = useApp();
  const list = useResource((a) => a.get<PayoutBatch[]>('/v1/payout-batches'), []);
  const [currency, setCurrency] = useState('EUR');
  const [minAmount, setMinAmount] = useState('10.00');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | undefined>();
  const [note, setNote] = useState<string | undefined>();

  const create = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setNote(undefined);
    try {
      const b = (await api.request<PayoutBatch>('POST', '/v1/payout-batches', { body: { currency, minAmount } })).body;
      setNote(`Batch of ${b.lineCount} line(s), ${groupDigits(b.total)} ${b.currency}, reserved.`);
      list.reload();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  const download = async (b: PayoutBatch, format: 'csv' | 'pain.001') => {
    setError(undefined);
    try {
      const text = await api.text(`/v1/payout-batches/${encodeURIComponent(b.batchId)}/export`, { format });
      const url = URL.createObjectURL(new Blob([text], { type: format === 'csv' ? 'text/csv' : 'application/xml' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `payout-batch-${b.batchId}${format === 'csv' ? '.csv' : '.pain.001.xml'}`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (err) {
      setError(err as Error);
    }
  };
  const reconcile = async (b: PayoutBatch, file: File) => {
    setError(undefined);
    setNote(undefined);
    const form = new FormData();
    form.append('statement', file, file.name);
    try {
      const r = await api.upload<{ lines: Array<{ outcome: string }> }>(
        `/v1/payout-batches/${encodeURIComponent(b.batchId)}/reconciliation`,
        form,
        () => undefined,
      ).done;
      const by = (o: string) => r.lines.filter((l) => l.outcome === o).length;
      setNote(`Statement applied: ${by('settled')} settled, ${by('released')} released, ${by('held')} held.`);
      list.reload();
    } catch (err) {
      setError(err as Error);
    }
  };

  return (
    <Section title="Payout batches" id="payout-batches">
      <p class="small muted">
        A batch reserves, for every contributor with payout details, what they are owed (at least the minimum): that money is in no other
        batch and shows as “in batches” under who is owed what. Download the payment file for the bank, then upload the bank’s statement
        (CSV or camt.053): paid lines settle, failed or missing ones return to payable, differing amounts are held.
      </p>
      <form class="row wrap" onSubmit={create} data-testid="batch-create">
        <div class="field inline">
          <label for="batch-currency">Currency</label>
          <select id="batch-currency" value={currency} onChange={(e) => setCurrency((e.target as HTMLSelectElement).value)}>
            {CURRENCIES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
        <div class="field inline">
          <label for="batch-min">Minimum per line</label>
          <input
            id="batch-min"
            inputMode="decimal"
            value={minAmount}
            onInput={(e) => setMinAmount((e.target as HTMLInputElement).value)}
            aria-describedby="batch-min-hint"
          />
        </div>
        <button type="submit" disabled={busy}>
          Create batch
        </button>
      </form>
      <p id="batch-min-hint" class="small muted">
        Minimum per line: e.g. 10.00 (a point before the cents, no grouping).
      </p>
      {note && (
        <p class="ok" role="status" data-testid="batch-note">
          {note}
        </p>
      )}
      <ErrorNote error={error ?? list.error} what="Payout batches" />
      <Loading loading={list.loading && !list.data} />
      {list.data && list.data.length === 0 && <p class="muted">No payout batch yet.</p>}
      {(list.data ?? []).map((b) => (
        <article class="batch" key={b.batchId} data-testid="batch" data-id={b.batchId} data-state={batchState(b)}>
          <h3>
            {groupDigits(b.total)} {b.currency} · {b.lineCount} line(s) · <span data-testid="batch-state">{batchState(b)}</span>
          </h3>
          <p class="small muted">
            Made {timeText(b.createdAt)}; minimum {groupDigits(b.minAmount)} {b.currency}; {b.reconciliations} statement(s) applied; batch{' '}
            <code title={b.batchId}>{b.batchId.slice(0, 8)}</code>.
          </p>
          <p class="small" data-testid="batch-counts">
            {(['reserved', 'settled', 'released', 'held'] as const).map((s) => `${b.counts[s]} ${s}`).join(' · ')}
          </p>
          <div class="row wrap">
            <button type="button" class="secondary" onClick={() => download(b, 'csv')} data-testid="batch-csv">
              Payment file (CSV)
            </button>
            {b.currency === 'EUR' && (
              <button type="button" class="secondary" onClick={() => download(b, 'pain.001')} data-testid="batch-pain001">
                SEPA file (pain.001)
              </button>
            )}
            {b.counts.reserved + b.counts.held > 0 && (
              <div class="field inline">
                <label for={`statement-${b.batchId}`}>Bank statement (CSV or camt.053)</label>
                <input
                  id={`statement-${b.batchId}`}
                  type="file"
                  accept=".csv,.xml,text/csv,application/xml"
                  data-testid="batch-statement"
                  onChange={(e) => {
                    const input = e.target as HTMLInputElement;
                    const file = input.files?.[0];
                    if (file) void reconcile(b, file).finally(() => (input.value = ''));
                  }}
                />
              </div>
            )}
          </div>
          <div class="table-wrap">
            <table class="stackable" data-testid="batch-lines">
              <thead>
                <tr>
                  <th scope="col">Line</th>
                  <th scope="col">Contributor</th>
                  <th scope="col">Amount</th>
                  <th scope="col">Status</th>
                  <th scope="col">Bank reference</th>
                </tr>
              </thead>
              <tbody>
                {b.lines.map((l) => (
                  <tr key={l.lineId} data-testid="batch-line" data-status={l.status} data-contributor={l.contributorId}>
                    <td data-label="Line">
                      <code title={`end-to-end id ${l.endToEndId}`}>{l.lineId}</code>
                    </td>
                    <td data-label="Contributor">
                      <Party id={l.contributorId} name={l.contributorDisplayName} />
                    </td>
                    <td data-label="Amount">
                      {groupDigits(l.amount)} {b.currency}
                    </td>
                    <td data-label="Status">
                      {STATUS_TEXT[l.status]}
                      {l.reason && l.reason !== 'matched' ? ` (${l.reason})` : ''}
                    </td>
                    <td data-label="Bank reference">{l.bankReference ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </article>
      ))}
    </Section>
  );
}
