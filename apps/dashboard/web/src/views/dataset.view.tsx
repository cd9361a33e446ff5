import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import type { Dataset, ReportItem } from '../api/contract';
import { itemsOf, nextCursorOf } from '../api/lists';
import { useApp, usePollWhile, useResource } from '../app-context';
import { useCursorPages } from '../components/cursor-pages';
import { Metric } from '../components/metric';
import { ErrorNote, Loading, Pager, Section, StatusBadge } from '../components/status';
import { bytes, groupDigits, reasonLabel, timeText } from '../format';
import { Link } from '../router';
import { progressOf, RemovedList } from './datasets-table';

/** One dataset: what was kept, what was removed and why, document by document. */
export function DatasetView(props: { datasetId: string }) {
  const id = props.datasetId;
  const dataset = useResource((api, at) => api.get<Dataset>(`/v1/datasets/${encodeURIComponent(id)}`, at), [id]);
  const d = dataset.data;
  usePollWhile(d?.status === 'processing', dataset.reload);
  const progress = d ? progressOf(d) : undefined;
  return (
    <div class="stack">
      <h1 tabIndex={-1}>Dataset {d ? <span data-testid="dataset-file-name">{d.fileName}</span> : <code>{id}</code>}</h1>
      {d?.contributorId && (
        <p>
          <Link href={`/contributors/${encodeURIComponent(d.contributorId)}`}>
            ← Contributor {d.contributorDisplayName ?? d.contributorId}
          </Link>
        </p>
      )}
      <ErrorNote error={dataset.error} what="Dataset" />
      <Loading loading={dataset.loading && !d} />
      {d && (
        <Section title="Summary" id="dataset-summary">
          <p>
            <StatusBadge status={d.status} /> {d.rejectionReason && <span>{d.rejectionReason}</span>}
          </p>
          {progress && (
            <div class="progress">
              <progress value={progress.value} max={progress.max} aria-label="Processing progress" data-testid="dataset-progress" />
              <span class="small">{progress.text}</span>
            </div>
          )}
          <dl class="metrics">
            <Metric label="Documents in" testId="dataset-documents-in" value={d.documentsIn ?? ''} display={groupDigits(d.documentsIn)} />
            <Metric
              label="Documents kept"
              testId="dataset-documents-kept"
              value={d.documentsKept ?? ''}
              display={groupDigits(d.documentsKept)}
            />
            <Metric
              label="Tokens"
              testId="dataset-tokens-total"
              value={d.tokens ?? ''}
              display={groupDigits(d.tokens)}
              hint={d.tokenizer ?? undefined}
            />
            <Metric label="Size" testId="dataset-size" value={d.sizeBytes} display={bytes(d.sizeBytes)} />
          </dl>
          <h3>Removed per reason</h3>
          <RemovedList removed={d.removed} />
          {d.languages && Object.keys(d.languages).length > 0 && (
            <>
              <h3>Tokens kept per language</h3>
              <TokenTable testId="dataset-languages" counts={d.languages} />
            </>
          )}
          {d.contentClasses && Object.keys(d.contentClasses).length > 0 && (
            <>
              <h3>Tokens kept per content class</h3>
              <TokenTable testId="dataset-content-classes" counts={d.contentClasses} />
            </>
          )}
          <dl class="kv">
            <dt>Dataset id</dt>
            <dd>
              <code>{d.datasetId}</code>
            </dd>
            <dt>SHA-256</dt>
            <dd>
              <code class="wrap">{d.sha256}</code>
            </dd>
            <dt>Uploaded</dt>
            <dd>{timeText(d.uploadedAt)}</dd>
            <dt>Tokenizer</dt>
            <dd>{d.tokenizer ?? '—'}</dd>
            <dt>Pipeline</dt>
            <dd data-testid="dataset-pipeline">{d.pipeline ? `${d.pipeline.name} v${d.pipeline.version}` : '—'}</dd>
          </dl>
        </Section>
      )}
      {d && d.contributorId && <ConsentSection dataset={d} onChanged={dataset.reload} />}
      {d && <ReportSection datasetId={id} reasons={Object.keys(d.removed ?? {}).sort()} />}
    </div>
  );
}

const USES = ['training', 'evaluation', 'retrieval'];

/**
 * Issue #14: the licence the data is offered under and the uses it grants;
 * its owner changes the uses of an accepted dataset from now on (runs already
 * made stand). Consumers pay only for datasets granting one of their uses.
 */
function ConsentSection(props: { dataset: Dataset; onChanged: () => void }) {
  const { api, me, asOf, refresh } = useApp();
  const d = props.dataset;
  const current = d.uses ?? ['training'];
  const [chosen, setChosen] = useState<string[] | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  const editable = asOf.kind === 'live' && d.status === 'accepted' && me.role === 'contributor' && me.subjectId === d.contributorId;
  const uses = chosen ?? current;
  const save = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.request('PUT', `/v1/datasets/${encodeURIComponent(d.datasetId)}/consent`, { body: { uses } });
      setChosen(undefined);
      props.onChanged();
      refresh();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title="Licence and uses" id="dataset-consent">
      <dl class="kv">
        <dt>Licence</dt>
        <dd data-testid="dataset-licence">{d.licence ?? 'unknown (uploaded before licences were recorded)'}</dd>
        <dt>Uses granted</dt>
        <dd data-testid="dataset-uses">{current.join(', ')}</dd>
        <dt>Documents opted out</dt>
        <dd data-testid="dataset-excluded">
          {groupDigits(d.excludedDocuments ?? 0)} ({groupDigits(d.excludedTokens ?? 0)} tokens)
        </dd>
      </dl>
      {editable && (
        <form
          class="stack"
          data-testid="dataset-consent-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <fieldset>
            <legend>Uses this dataset grants from now on</legend>
            {USES.map((u) => (
              <label key={u} class="inline">
                <input
                  type="checkbox"
                  name="uses"
                  value={u}
                  data-testid={`consent-${u}`}
                  checked={uses.includes(u)}
                  onChange={(e) => {
                    const on = (e.target as HTMLInputElement).checked;
                    setChosen(USES.filter((x) => (x === u ? on : uses.includes(x))));
                  }}
                />{' '}
                {u}
              </label>
            ))}
          </fieldset>
          <p class="small muted">Payout runs already made stand; consumers that pay for none of these uses stop paying for it.</p>
          <ErrorNote error={error} what="Consent" />
          <button type="submit" disabled={busy || uses.length === 0 || uses.join() === current.join()} data-testid="consent-save">
            Save uses
          </button>
        </form>
      )}
    </Section>
  );
}

function TokenTable(props: { counts: Record<string, number>; testId: string }) {
  const rows = Object.entries(props.counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return (
    <dl class="kv" data-testid={props.testId}>
      {rows.map(([k, n]) => (
        <Fragment key={k}>
          <dt>{k}</dt>
          <dd>{groupDigits(n)}</dd>
        </Fragment>
      ))}
    </dl>
  );
}

function ReportSection(props: { datasetId: string; reasons: string[] }) {
  const [reason, setReason] = useState('');
  const pages = useCursorPages();
  const report = useResource(
    (api, at) =>
      api.get<unknown>(`/v1/datasets/${encodeURIComponent(props.datasetId)}/report`, { ...at, cursor: pages.cursor, limit: 50, reason }),
    [props.datasetId, pages.cursor, reason],
  );
  const items = itemsOf<ReportItem>(report.data);
  const next = nextCursorOf(report.data);
  return (
    <Section title="Per-document report" id="report">
      <div class="field inline">
        <label for="report-reason">Show documents</label>
        <select
          id="report-reason"
          value={reason}
          data-testid="report-reason"
          onChange={(e) => {
            setReason((e.target as HTMLSelectElement).value);
            pages.reset();
          }}
        >
          <option value="">all documents</option>
          <option value="kept">kept only</option>
          {props.reasons.map((r) => (
            <option key={r} value={r}>
              removed: {reasonLabel(r)}
            </option>
          ))}
        </select>
      </div>
      <ErrorNote error={report.error} what="Report" />
      {items.length === 0 && !report.loading ? (
        <p class="muted">No documents on this page.</p>
      ) : (
        <div class="table-wrap">
          <table data-testid="report-table">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Outcome</th>
                <th scope="col">Language</th>
                <th scope="col">Class</th>
                <th scope="col">Tokens</th>
              </tr>
            </thead>
            <tbody>
              {items.map((it) => (
                <tr key={it.index} data-testid="report-row" data-kept={String(it.kept)} data-reason={it.reason ?? ''}>
                  <td>{it.index}</td>
                  <td>
                    {it.kept ? <span class="ok">kept</span> : <span>removed: {reasonLabel(it.reason ?? 'unknown')}</span>}
                    {it.member && (
                      <div class="small">
                        <code>{it.member}</code>
                      </div>
                    )}
                    {(it.explanation ?? it.detail) && (
                      <div class="small muted" data-testid="report-explanation">
                        {it.explanation ?? it.detail}
                      </div>
                    )}
                  </td>
                  <td data-testid="report-language">
                    {it.language ?? '—'}
                    {it.languageScore !== undefined && <span class="small muted"> ({Math.round(it.languageScore * 100)} %)</span>}
                  </td>
                  <td data-testid="report-content-class">{it.contentClass ?? '—'}</td>
                  <td>{groupDigits(it.tokens)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        label="Report pages"
        page={pages.page}
        hasPrev={pages.hasPrev}
        hasNext={!!next}
        onPrev={pages.prev}
        onNext={() => next && pages.next(next)}
      />
    </Section>
  );
}
