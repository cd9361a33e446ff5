import type { Pool } from '../api/contract';
import { samplePositions } from '../api/lists';
import { useApp, useResource } from '../app-context';
import { Chart } from '../components/chart';
import { Metric } from '../components/metric';
import { ErrorNote, Loading, Section } from '../components/status';
import { groupDigits, percent, shortHash } from '../format';
import { Link } from '../router';
import { Party } from '../components/party';

export function PoolView() {
  return (
    <div class="stack">
      <h1 tabIndex={-1}>Contribution pool</h1>
      <PoolSummary />
      <PoolHistory />
    </div>
  );
}

export function PoolSummary() {
  const { me } = useApp();
  const pool = useResource((api, at) => api.get<Pool>('/v1/pool', at), []);
  const p = pool.data;
  const linkable = me.role === 'admin' || me.role === 'auditor';
  return (
    <Section title="Pool" id="pool">
      <ErrorNote error={pool.error} what="Pool" />
      <Loading loading={pool.loading && !p} />
      {p && (
        <>
          <dl class="metrics">
            <Metric label="Pool tokens (ΣT)" testId="pool-total-tokens" value={p.totalTokens} display={groupDigits(p.totalTokens)} />
            <Metric
              label="Contributors in the pool"
              testId="pool-contributors"
              value={p.contributorCount ?? p.contributors.length}
              display={String(p.contributorCount ?? p.contributors.length)}
            />
          </dl>
          {p.contributors.length > 0 && (
            <div class="table-wrap">
              <table class="stackable" data-testid="pool-table">
                <thead>
                  <tr>
                    <th scope="col">Contributor</th>
                    <th scope="col">Tokens</th>
                    <th scope="col">Ratio</th>
                  </tr>
                </thead>
                <tbody>
                  {p.contributors.map((c) => (
                    <tr key={c.contributorId} data-testid="pool-row" data-contributor-id={c.contributorId}>
                      <td data-label="Contributor">
                        {linkable || c.contributorId === me.subjectId ? (
                          <Link href={`/contributors/${encodeURIComponent(c.contributorId)}`}>
                            {c.contributorDisplayName ?? shortHash(c.contributorId, 18)}
                          </Link>
                        ) : (
                          <code title={c.contributorId}>{shortHash(c.contributorId, 18)}</code>
                        )}
                        {c.contributorDisplayName && <Party id={c.contributorId} testId="pool-row-id" idChars={8} />}
                        {c.contributorId === me.subjectId && <span class="small"> (you)</span>}
                      </td>
                      <td data-label="Tokens" data-value={String(c.tokens)}>
                        {groupDigits(c.tokens)}
                      </td>
                      <td data-label="Ratio" data-value={c.ratio}>
                        {percent(c.ratio)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </Section>
  );
}

/** Pool size over time: the pool read at a spread of past positions up to the one on screen. */
export function PoolHistory() {
  const head = useResource((api, at) => api.get<Pool>('/v1/pool', at), []);
  const position = head.data?.position;
  const history = useResource(
    async (api) => {
      if (position === undefined) return [];
      return Promise.all(samplePositions(position, []).map(async (p) => ({ p, pool: await api.get<Pool>('/v1/pool', { atPosition: p }) })));
    },
    [position],
    { live: false },
  );
  const points = history.data ?? [];
  return (
    <Section title="Pool size over time" id="pool-history">
      <ErrorNote error={head.error ?? history.error} what="Pool history" />
      <Chart
        title="Tokens in the pool and contributors, by log position"
        testId="chart-pool"
        xLabel="log position"
        x={points.map((d) => d.p)}
        series={[
          { label: 'pool tokens', scale: 'tokens', color: '#1a5fb4', values: points.map((d) => Number(d.pool.totalTokens)) },
          {
            label: 'contributors',
            scale: 'count',
            color: '#a3470f',
            values: points.map((d) => d.pool.contributorCount ?? d.pool.contributors.length),
          },
        ]}
      />
    </Section>
  );
}
