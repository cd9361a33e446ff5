import { Fragment } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { AuditTrailItem, ConsumerScope, ConsumerShare, ContributorMetrics, Dataset, Payout } from '../api/contract';
import { itemsOf, nextCursorOf, samplePositions } from '../api/lists';
import { useApp, usePollWhile, useResource } from '../app-context';
import { Chart } from '../components/chart';
import { useCursorPages } from '../components/cursor-pages';
import { Metric, MoneyMetric } from '../components/metric';
import { ErrorNote, Loading, Pager, Section } from '../components/status';
import { canonical, groupDigits, percent, shortHash, timeText } from '../format';
import { DatasetsTable } from './datasets-table';
import { UploadForm } from './upload-form';
import { Party } from '../components/party';

/** The 1TT paper's four numbers, and everything behind them. */
export function ContributorView(props: { contributorId: string }) {
  const { me, refresh } = useApp();
  const id = props.contributorId;
  const base = `/v1/contributors/${encodeURIComponent(id)}`;
  const metrics = useResource((api, at) => api.get<ContributorMetrics>(`${base}/metrics`, at), [id]);
  const canUpload = (me.role === 'contributor' && me.subjectId === id) || me.role === 'admin';
  const m = metrics.data;

  return (
    <div class="stack">
      <h1 tabIndex={-1}>
        Contributor{' '}
        <span data-testid="contributor-id" data-value={id}>
          {m?.contributorDisplayName ? <Party id={id} name={m.contributorDisplayName} testId="contributor-name" /> : <code>{id}</code>}
        </span>
      </h1>
      <Section title="Your numbers" id="metrics">
        <ErrorNote error={metrics.error} what="Metrics" />
        <Loading loading={metrics.loading && !m} />
        {m && (
          <>
            <dl class="metrics">
              <Metric
                label="Data Contribution Ratio"
                testId="metric-contribution-ratio"
                value={m.contributionRatio}
                display={percent(m.contributionRatio)}
                hint="Your tokens after filtering and de-duplication ÷ all tokens in the pool"
              />
              <Metric
                label="Contribution Token Count"
                testId="metric-tokens"
                value={m.tokens}
                display={groupDigits(m.tokens)}
                hint="Tokens kept after filtering and de-duplication"
              />
              <MoneyMetric
                label="Current Monetary Revenue"
                testId="metric-current-revenue"
                value={m.currentRevenue}
                currency={m.currency}
                hint="Total allocated to you by payout runs to date"
              />
              <MoneyMetric
                label="Expected Payout"
                testId="metric-expected-payout"
                value={m.expectedPayout}
                currency={m.currency}
                hint="Your current ratio × α × each consumer's most recent revenue report"
              />
              {m.paidOut !== undefined && <MoneyMetric label="Paid out" testId="metric-paid-out" value={m.paidOut} currency={m.currency} />}
              {m.balance !== undefined && <MoneyMetric label="Balance" testId="metric-balance" value={m.balance} currency={m.currency} />}
            </dl>
            <p class="small muted metric-note" data-testid="expected-payout-definition">
              Expected payout is an estimate, not a promise: your current share of the pool × α × each consumer's latest revenue report. A
              payout run pays by the pool at its own time (time-weighted agreements: by the time your tokens were in the pool during the
              reported period), so it can pay less, or nothing, for a period in which your data was not yet in the pool.
            </p>
          </>
        )}
      </Section>
      {m?.byConsumer && m.byConsumer.length > 0 && <ConsumerShares shares={m.byConsumer} />}
      <RatioHistory contributorId={id} head={m?.position} />
      <PayoutsSection contributorId={id} />
      {canUpload && (
        <Section title="Upload a dataset" id="upload">
          <UploadForm contributorId={me.role === 'admin' ? id : undefined} onUploaded={refresh} />
        </Section>
      )}
      <DatasetsSection contributorId={id} />
      <AuditTrail contributorId={id} />
    </div>
  );
}

/** Issue #14: each consumer pays for what its scope covers, so the ratio differs per consumer. */
function ConsumerShares(props: { shares: ConsumerShare[] }) {
  return (
    <Section title="Ratios per consumer" id="by-consumer">
      <p class="small muted">Each consumer pays only for the tokens its scope covers (uses, languages, classes, licences).</p>
      <div class="table-wrap">
        <table data-testid="by-consumer-table">
          <thead>
            <tr>
              <th scope="col">Consumer</th>
              <th scope="col">Pays for</th>
              <th scope="col">Your eligible tokens</th>
              <th scope="col">Ratio</th>
              <th scope="col">Expected payout</th>
            </tr>
          </thead>
          <tbody>
            {props.shares.map((c) => (
              <tr key={c.consumerId} data-testid="by-consumer-row" data-consumer={c.consumerId}>
                <td>{c.consumerDisplayName ?? c.consumerId}</td>
                <td data-testid="by-consumer-scope">{scopeText(c.scope)}</td>
                <td>
                  {groupDigits(c.eligibleTokens)} <span class="small muted">of {groupDigits(c.totalEligibleTokens)}</span>
                </td>
                <td data-testid="by-consumer-ratio">{percent(c.contributionRatio)}</td>
                <td>
                  {c.expectedPayout} {c.currency}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Section>
  );
}

/** A scope in words: "training · en, ko · prose · any licence"; null: the whole pool. */
export function scopeText(scope: ConsumerScope | null | undefined): string {
  if (!scope) return 'the whole pool';
  const any = (list: string[] | null, what: string) => (list ? list.join(', ') : `any ${what}`);
  return [scope.uses.join(', '), any(scope.languages, 'language'), any(scope.contentClasses, 'class'), any(scope.licences, 'licence')].join(
    ' · ',
  );
}

function RatioHistory(props: { contributorId: string; head: number | undefined }) {
  const base = `/v1/contributors/${encodeURIComponent(props.contributorId)}`;
  const history = useResource(
    async (api) => {
      if (props.head === undefined) return [];
      const trail = await api.getOrUndefined<unknown>(`${base}/audit-trail`, { limit: 100, atPosition: props.head });
      const positions = samplePositions(
        props.head,
        itemsOf<AuditTrailItem>(trail).map((e) => e.position),
      );
      return Promise.all(positions.map(async (p) => ({ p, m: await api.get<ContributorMetrics>(`${base}/metrics`, { atPosition: p }) })));
    },
    [props.contributorId, props.head],
    { live: false },
  );
  const points = history.data ?? [];
  return (
    <Section title="Ratio and tokens over time" id="ratio-history">
      <ErrorNote error={history.error} what="History" />
      <Chart
        title="Data contribution ratio (%) and tokens, by log position"
        testId="chart-ratio-tokens"
        xLabel="log position"
        x={points.map((d) => d.p)}
        series={[
          { label: 'ratio %', scale: 'ratio', color: '#1a5fb4', values: points.map((d) => Number(d.m.contributionRatio) * 100) },
          { label: 'tokens', scale: 'tokens', color: '#a3470f', values: points.map((d) => Number(d.m.tokens)) },
        ]}
      />
    </Section>
  );
}

function PayoutsSection(props: { contributorId: string }) {
  const payouts = useResource(
    (api, at) => api.get<unknown>(`/v1/contributors/${encodeURIComponent(props.contributorId)}/payouts`, { ...at, limit: 200 }),
    [props.contributorId],
  );
  const all = itemsOf<Payout>(payouts.data);
  const items = all.filter((p) => p.kind === undefined || p.kind === 'allocation');
  const currencies = [...new Set(items.map((p) => p.currency))].sort();
  const palette = ['#2a7a2a', '#1a5fb4', '#a3470f', '#613583'];
  return (
    <Section title="Revenue per payout run" id="payouts">
      <ErrorNote error={payouts.error} what="Payouts" />
      <Chart
        title="Revenue allocated to you per payout run"
        testId="chart-payouts"
        xLabel="payout run"
        bars
        x={items.map((_, i) => i + 1)}
        xText={(_, i) => items[i].revenueId ?? String(i + 1)}
        series={currencies.map((c, k) => ({
          label: c,
          color: palette[k % palette.length],
          scale: c,
          // Only the chart turns amounts into numbers; the table keeps the API's decimal strings.
          values: items.map((p) => (p.currency === c ? Number(p.amount) : null)),
        }))}
      />
      {items.length > 0 && (
        <div class="table-wrap">
          <table class="stackable" data-testid="payouts-table">
            <caption class="sr-only">Payout runs</caption>
            <thead>
              <tr>
                <th scope="col">Revenue report</th>
                <th scope="col">Consumer</th>
                <th scope="col">Position</th>
                <th scope="col">Tokens</th>
                <th scope="col">Amount</th>
              </tr>
            </thead>
            <tbody>
              {items.map((p, i) => (
                <tr key={`${p.revenueId}-${i}`}>
                  <td data-label="Revenue report">
                    <code title={p.revenueId}>{shortHash(p.revenueId, 14)}</code>
                  </td>
                  <td data-label="Consumer">{p.consumerId ? <Party id={p.consumerId} name={p.consumerDisplayName} /> : '—'}</td>
                  <td data-label="Position">{p.position ?? '—'}</td>
                  <td data-label="Tokens">{groupDigits(p.tokens)}</td>
                  <td data-label="Amount" data-testid="payout-amount" data-value={p.amount}>
                    {groupDigits(p.amount)} {p.currency}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

function DatasetsSection(props: { contributorId: string }) {
  const pages = useCursorPages();
  const datasets = useResource(
    (api, at) =>
      api.get<unknown>(`/v1/contributors/${encodeURIComponent(props.contributorId)}/datasets`, { ...at, cursor: pages.cursor, limit: 25 }),
    [props.contributorId, pages.cursor],
  );
  const { refresh } = useApp();
  const items = itemsOf<Dataset>(datasets.data);
  const next = nextCursorOf(datasets.data);
  const processing = items.filter((d) => d.status === 'processing').map((d) => d.datasetId);
  usePollWhile(processing.length > 0, datasets.reload);
  // A dataset leaving "processing" changes the pool: every number on screen follows.
  const wasProcessing = useRef<string[]>([]);
  useEffect(() => {
    const finished = wasProcessing.current.some((id) => !processing.includes(id));
    wasProcessing.current = processing;
    if (finished) refresh();
  }, [processing.join(',')]);
  return (
    <Section title="Datasets" id="datasets">
      <ErrorNote error={datasets.error} what="Datasets" />
      <Loading loading={datasets.loading && !datasets.data} />
      {datasets.data !== undefined && <DatasetsTable datasets={items} onChanged={datasets.reload} />}
      {(pages.hasPrev || next) && (
        <Pager
          label="Dataset pages"
          page={pages.page}
          hasPrev={pages.hasPrev}
          hasNext={!!next}
          onPrev={pages.prev}
          onNext={() => next && pages.next(next)}
        />
      )}
    </Section>
  );
}

function AuditTrail(props: { contributorId: string }) {
  const pages = useCursorPages();
  const trail = useResource(
    (api, at) =>
      api.get<unknown>(`/v1/contributors/${encodeURIComponent(props.contributorId)}/audit-trail`, {
        ...at,
        cursor: pages.cursor,
        limit: 20,
      }),
    [props.contributorId, pages.cursor],
  );
  const items = itemsOf<AuditTrailItem>(trail.data);
  const next = nextCursorOf(trail.data);
  return (
    <Section title="Audit trail" id="audit-trail">
      <p class="muted">Every event that touched this contributor, with its hash in the tamper-evident chain.</p>
      <ErrorNote error={trail.error} what="Audit trail" />
      <EventTable items={items} testId="audit-trail-table" />
      <Pager
        label="Audit trail pages"
        page={pages.page}
        hasPrev={pages.hasPrev}
        hasNext={!!next}
        onPrev={pages.prev}
        onNext={() => next && pages.next(next)}
      />
    </Section>
  );
}

export function EventTable(props: { items: AuditTrailItem[]; testId: string; showStream?: boolean }) {
  const [open, setOpen] = useState<number | null>(null);
  if (props.items.length === 0) return <p class="muted">No events.</p>;
  return (
    <div class="table-wrap">
      <table data-testid={props.testId}>
        <thead>
          <tr>
            <th scope="col">Position</th>
            <th scope="col">Event</th>
            {props.showStream && <th scope="col">Stream</th>}
            <th scope="col">Time</th>
            <th scope="col">Hash</th>
            <th scope="col">
              <span class="sr-only">Details</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.items.map((e) => (
            <Fragment key={e.position}>
              <tr data-testid="event-row" data-position={e.position}>
                <td>{e.position}</td>
                <td>{e.type}</td>
                {props.showStream && (
                  <td>
                    <code>{e.streamId ?? e.streamName ?? '—'}</code>
                  </td>
                )}
                <td>{timeText(e.time ?? e.recordedAt)}</td>
                <td>
                  <code class="hash" title={e.hash} data-testid="event-hash" data-value={e.hash}>
                    {shortHash(e.hash, 16)}
                  </code>
                </td>
                <td>
                  <button
                    type="button"
                    class="link"
                    aria-expanded={open === e.position}
                    onClick={() => setOpen(open === e.position ? null : e.position)}
                  >
                    {open === e.position ? 'Hide' : 'Details'}
                    <span class="sr-only"> of event at position {e.position}</span>
                  </button>
                </td>
              </tr>
              {open === e.position && (
                <tr class="detail-row">
                  <td colSpan={props.showStream ? 6 : 5}>
                    <dl class="kv">
                      <dt>hash</dt>
                      <dd>
                        <code class="wrap">{e.hash}</code>
                      </dd>
                      {e.prevHash !== undefined && (
                        <>
                          <dt>prevHash</dt>
                          <dd>
                            <code class="wrap">{e.prevHash || '(first in stream)'}</code>
                          </dd>
                        </>
                      )}
                    </dl>
                    <pre class="json">{JSON.stringify(e.data ?? {}, null, 2)}</pre>
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </table>
      <span hidden data-testid={`${props.testId}-value`} data-value={canonical(props.items.map((e) => [e.position, e.hash]))} />
    </div>
  );
}
