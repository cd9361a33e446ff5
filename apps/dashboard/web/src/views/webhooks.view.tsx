import { useState } from 'preact/hooks';
import { useApp, useResource } from '../app-context';
import { ErrorNote, Loading, Section } from '../components/status';

interface Webhook {
  webhookId: string;
  url: string;
  eventTypes: string[];
  description?: string;
  owner: { role: string; subjectId: string };
  enabled: boolean;
  status: 'active' | 'failing' | 'disabled';
  failing?: { since: string; reason: string };
  lastError?: string;
  lastDeliveredAt?: string;
  pendingDeliveries: number;
}

interface Delivery {
  deliveryId: string;
  eventId: string;
  eventType: string;
  position: number;
  status: 'pending' | 'delivered' | 'failed' | 'cancelled';
  attemptCount: number;
  nextAttemptAt?: string;
  lastStatusCode?: number;
  lastError?: string;
  lastLatencyMs?: number;
}

/**
 * Admin: every webhook with its state (failing ones say why), and the recent
 * deliveries of the one selected, with retry for those that were given up.
 * Webhook state is operational (now), so it ignores the as-of picker.
 */
export function WebhooksAdmin() {
  const { api } = useApp();
  const list = useResource((a) => a.get<{ webhooks: Webhook[] }>('/v1/webhooks'), []);
  const [selected, setSelected] = useState<string | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const toggle = async (w: Webhook) => {
    setError(undefined);
    try {
      await api.request('PATCH', `/v1/webhooks/${encodeURIComponent(w.webhookId)}`, { body: { enabled: !w.enabled } });
      list.reload();
    } catch (e) {
      setError(e as Error);
    }
  };
  const webhooks = list.data?.webhooks ?? [];
  return (
    <Section title="Webhooks" id="webhooks">
      <Loading loading={list.loading && !list.data} />
      <ErrorNote error={list.error ?? error} what="Webhooks" />
      {list.data && webhooks.length === 0 && <p class="muted">No webhooks registered (POST /v1/webhooks).</p>}
      {webhooks.length > 0 && (
        <div class="table-wrap">
          <table data-testid="webhooks-table">
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">Owner</th>
                <th scope="col">Event types</th>
                <th scope="col">Status</th>
                <th scope="col">Pending</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {webhooks.map((w) => (
                <tr key={w.webhookId} data-testid="webhook-row" data-webhook-id={w.webhookId}>
                  <td>
                    <code class="wrap">{w.url}</code>
                    {w.description && <div class="muted">{w.description}</div>}
                  </td>
                  <td>
                    {w.owner.role} <code>{w.owner.subjectId}</code>
                  </td>
                  <td>{w.eventTypes.join(', ')}</td>
                  <td>
                    <span
                      class={`badge badge-${w.status === 'active' ? 'accepted' : w.status === 'failing' ? 'rejected' : 'withdrawn'}`}
                      data-testid="webhook-status"
                    >
                      {w.status}
                    </span>
                    {w.failing && (
                      <div class="error" data-testid="webhook-failing-reason">
                        since {new Date(w.failing.since).toLocaleString()}: {w.failing.reason}
                      </div>
                    )}
                  </td>
                  <td data-value={String(w.pendingDeliveries)}>{w.pendingDeliveries}</td>
                  <td class="row">
                    <button
                      type="button"
                      class="secondary"
                      onClick={() => setSelected(w.webhookId)}
                      aria-pressed={selected === w.webhookId}
                    >
                      Deliveries
                    </button>
                    <button type="button" class="secondary" onClick={() => void toggle(w)}>
                      {w.enabled ? 'Disable' : 'Enable'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {selected && <RecentDeliveries webhookId={selected} />}
    </Section>
  );
}

function RecentDeliveries(props: { webhookId: string }) {
  const { api } = useApp();
  const deliveries = useResource(
    (a) => a.get<{ deliveries: Delivery[] }>(`/v1/webhooks/${encodeURIComponent(props.webhookId)}/deliveries`, { limit: 20 }),
    [props.webhookId],
  );
  const [error, setError] = useState<Error | undefined>();
  const retry = async (d: Delivery) => {
    setError(undefined);
    try {
      await api.request('POST', `/v1/webhooks/${encodeURIComponent(props.webhookId)}/deliveries/${encodeURIComponent(d.deliveryId)}/retry`);
      deliveries.reload();
    } catch (e) {
      setError(e as Error);
    }
  };
  const rows = deliveries.data?.deliveries ?? [];
  return (
    <div class="stack" data-testid="webhook-deliveries">
      <h3>Recent deliveries</h3>
      <Loading loading={deliveries.loading && !deliveries.data} />
      <ErrorNote error={deliveries.error ?? error} what="Deliveries" />
      {deliveries.data && rows.length === 0 && <p class="muted">Nothing delivered yet.</p>}
      {rows.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Position</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last answer</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => (
                <tr key={d.deliveryId} data-testid="delivery-row">
                  <td>
                    {d.eventType} <code class="hash">{d.eventId}</code>
                  </td>
                  <td>{d.position}</td>
                  <td data-testid="delivery-status">
                    {d.status}
                    {d.status === 'pending' && d.nextAttemptAt && (
                      <div class="muted">next {new Date(d.nextAttemptAt).toLocaleTimeString()}</div>
                    )}
                  </td>
                  <td>{d.attemptCount}</td>
                  <td>
                    {d.lastStatusCode !== undefined ? `HTTP ${d.lastStatusCode}` : ''}
                    {d.lastLatencyMs !== undefined ? ` · ${d.lastLatencyMs} ms` : ''}
                    {d.lastError && <div class="error">{d.lastError}</div>}
                  </td>
                  <td>
                    {(d.status === 'failed' || d.status === 'delivered') && (
                      <button type="button" class="secondary" onClick={() => void retry(d)}>
                        Retry
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
