import { useState } from 'preact/hooks';
import type { Dataset } from '../api/contract';
import { useApp } from '../app-context';
import { ErrorNote, StatusBadge } from '../components/status';
import { bytes, groupDigits, reasonLabel } from '../format';
import { Link } from '../router';

export function progressOf(d: Dataset): { value: number; max: number; text: string } | undefined {
  if (d.status !== 'processing') return undefined;
  const p = d.progress ?? {};
  const total = p.totalBytes ?? d.sizeBytes;
  const read = p.bytesRead ?? 0;
  const pct = total > 0 ? Math.min(100, Math.floor((read / total) * 100)) : 0;
  return {
    value: pct,
    max: 100,
    text: `${pct}% (${bytes(read)} of ${bytes(total)}${p.documentsDone !== undefined ? `, ${groupDigits(p.documentsDone)} documents` : ''})`,
  };
}

export function RemovedList(props: { removed: Record<string, number> | undefined }) {
  const entries = Object.entries(props.removed ?? {}).filter(([, n]) => n > 0);
  if (entries.length === 0) return <span class="muted">none</span>;
  return (
    <ul class="reasons" data-testid="removed-per-reason">
      {entries
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([reason, n]) => (
          <li key={reason} data-reason={reason} data-value={n}>
            {reasonLabel(reason)}: <strong>{groupDigits(n)}</strong>
          </li>
        ))}
    </ul>
  );
}

export function DatasetsTable(props: { datasets: Dataset[]; onChanged: () => void }) {
  const { api, me, asOf, refresh } = useApp();
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState<string | null>(null);
  // Only the owner may withdraw (the ledger's rule: the API answers the admin 403), so only the owner sees the button.
  const canWithdraw = (d: Dataset) =>
    asOf.kind === 'live' && d.status === 'accepted' && me.role === 'contributor' && me.subjectId === d.contributorId;

  const withdraw = async (d: Dataset) => {
    if (!window.confirm(`Withdraw ${d.fileName}? It leaves the pool for future revenue; past payouts stay.`)) return;
    setBusy(d.datasetId);
    setError(undefined);
    try {
      await api.request('DELETE', `/v1/datasets/${encodeURIComponent(d.datasetId)}`);
      props.onChanged();
      refresh();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(null);
    }
  };

  if (props.datasets.length === 0) return <p class="muted">No datasets yet.</p>;
  return (
    <>
      <ErrorNote error={error} what="Withdraw" />
      <div class="table-wrap">
        <table data-testid="datasets-table">
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">Status</th>
              <th scope="col">Documents kept</th>
              <th scope="col">Removed per reason</th>
              <th scope="col">Tokens</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.datasets.map((d) => {
              const progress = progressOf(d);
              return (
                <tr key={d.datasetId} data-testid="dataset-row" data-dataset-id={d.datasetId} data-status={d.status}>
                  <td>
                    <Link href={`/datasets/${encodeURIComponent(d.datasetId)}`}>{d.fileName}</Link>
                    <div class="muted small">{bytes(d.sizeBytes)}</div>
                  </td>
                  <td>
                    <StatusBadge status={d.status} />
                    {progress && (
                      <div class="progress">
                        <progress
                          value={progress.value}
                          max={progress.max}
                          aria-label={`Processing ${d.fileName}`}
                          data-testid="dataset-progress"
                        />
                        <span class="small">{progress.text}</span>
                      </div>
                    )}
                    {d.rejectionReason && <div class="small">{d.rejectionReason}</div>}
                  </td>
                  <td data-testid="dataset-kept" data-value={d.documentsKept ?? ''}>
                    {d.documentsKept === null ? '—' : `${groupDigits(d.documentsKept)} of ${groupDigits(d.documentsIn)}`}
                  </td>
                  <td>
                    <RemovedList removed={d.removed} />
                  </td>
                  <td data-testid="dataset-tokens" data-value={d.tokens ?? ''}>
                    {groupDigits(d.tokens)}
                  </td>
                  <td>
                    {canWithdraw(d) && (
                      <button type="button" class="secondary" disabled={busy === d.datasetId} onClick={() => withdraw(d)}>
                        Withdraw<span class="sr-only"> {d.fileName}</span>
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
