import { useState } from 'preact/hooks';
import { useApp } from '../app-context';
import { ErrorNote, Section } from '../components/status';
import { navigate } from '../router';
import { PoolSummary } from './pool.view';
import { WebhooksAdmin } from './webhooks.view';
import { DirectorySection, PayablesSection } from './directory.view';
import { PayoutBatchesSection } from './payout-batches.view';

type Kind = 'contributors' | 'consumers' | 'auditors';
const ID_FIELD: Record<Kind, string> = { contributors: 'contributorId', consumers: 'consumerId', auditors: 'auditorId' };
const SINGULAR: Record<Kind, string> = { contributors: 'contributor', consumers: 'consumer', auditors: 'auditor' };

export function AdminView() {
  const [openId, setOpenId] = useState('');
  return (
    <div class="stack">
      <h1 tabIndex={-1}>Administration</h1>
      <div class="grid-cards">
        <Section title="Register a contributor" id="register-contributor">
          <RegisterForm kind="contributors" />
        </Section>
        <Section title="Register a consumer" id="register-consumer">
          <RegisterForm kind="consumers" />
        </Section>
        <Section title="Register an auditor" id="register-auditor">
          <RegisterForm kind="auditors" />
        </Section>
      </div>
      <DirectorySection />
      <PayablesSection />
      <PayoutBatchesSection />
      <Section title="Revenue-share agreement" id="agreement">
        <AgreementForm />
      </Section>
      <Section title="Open a contributor" id="open-contributor">
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (openId.trim()) navigate(`/contributors/${encodeURIComponent(openId.trim())}`);
          }}
        >
          <div class="field inline">
            <label for="open-contributor-id">Contributor id</label>
            <input id="open-contributor-id" value={openId} onInput={(e) => setOpenId((e.target as HTMLInputElement).value)} />
          </div>
          <button type="submit" class="secondary">
            Open
          </button>
        </form>
      </Section>
      <WebhooksAdmin />
      <PoolSummary />
    </div>
  );
}

function RegisterForm(props: { kind: Kind }) {
  const { api } = useApp();
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | undefined>();
  const [created, setCreated] = useState<{ id: string; apiKey: string } | null>(null);
  const one = SINGULAR[props.kind];
  const inputId = `register-${one}-name`;
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setCreated(null);
    try {
      const res = await api.request<Record<string, string>>('POST', `/v1/${props.kind}`, { body: { displayName: name.trim() } });
      setCreated({ id: res.body[ID_FIELD[props.kind]], apiKey: res.body.apiKey });
      setName('');
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="form" onSubmit={submit}>
      <div class="field">
        <label for={inputId}>Display name</label>
        <input
          id={inputId}
          required
          value={name}
          onInput={(e) => setName((e.target as HTMLInputElement).value)}
          data-testid={`register-${one}-name`}
        />
      </div>
      <button type="submit" disabled={busy} data-testid={`register-${one}-submit`}>
        Register {one}
      </button>
      <ErrorNote error={error} what="Register" />
      {created && (
        <div class="ok-box" role="status" data-testid={`register-${one}-result`}>
          <p>
            {one} id <code data-testid={`register-${one}-id`}>{created.id}</code>
          </p>
          <p>
            API key (shown once, copy it now):{' '}
            <code class="wrap" data-testid={`register-${one}-key`}>
              {created.apiKey}
            </code>
          </p>
          <button type="button" class="secondary" onClick={() => void navigator.clipboard?.writeText(created.apiKey)}>
            Copy key
          </button>
        </div>
      )}
    </form>
  );
}

function AgreementForm() {
  const { api } = useApp();
  const [f, setF] = useState({ consumerId: '', alpha: '0.2', currency: 'EUR', policy: 'snapshot', effectiveFrom: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | undefined>();
  const [done, setDone] = useState<string | null>(null);
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: (e.target as HTMLInputElement).value });
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setDone(null);
    try {
      const body: Record<string, string> = { alpha: f.alpha.trim(), currency: f.currency.trim(), policy: f.policy };
      if (f.effectiveFrom) body.effectiveFrom = new Date(f.effectiveFrom).toISOString();
      await api.request('PUT', `/v1/consumers/${encodeURIComponent(f.consumerId.trim())}/agreement`, { body });
      setDone(`Agreement set: α = ${body.alpha} ${body.currency}, ${body.policy}.`);
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="form" onSubmit={submit}>
      <div class="grid2">
        <div class="field">
          <label for="agr-consumer">Consumer id</label>
          <input id="agr-consumer" required value={f.consumerId} onInput={set('consumerId')} data-testid="agreement-consumer" />
        </div>
        <div class="field">
          <label for="agr-alpha">α (share of revenue for contributors, 0–1)</label>
          <input id="agr-alpha" required inputMode="decimal" value={f.alpha} onInput={set('alpha')} data-testid="agreement-alpha" />
        </div>
        <div class="field">
          <label for="agr-currency">Currency</label>
          <input id="agr-currency" required maxLength={3} value={f.currency} onInput={set('currency')} data-testid="agreement-currency" />
        </div>
        <div class="field">
          <label for="agr-policy">Policy</label>
          <select id="agr-policy" value={f.policy} onChange={set('policy')}>
            <option value="snapshot">snapshot</option>
            <option value="time-weighted">time-weighted</option>
          </select>
        </div>
        <div class="field">
          <label for="agr-from">Effective from (optional)</label>
          <input id="agr-from" type="datetime-local" value={f.effectiveFrom} onInput={set('effectiveFrom')} />
        </div>
      </div>
      <button type="submit" disabled={busy} data-testid="agreement-submit">
        Set agreement
      </button>
      <ErrorNote error={error} what="Agreement" />
      {done && (
        <p class="ok" role="status" data-testid="agreement-result">
          {done}
        </p>
      )}
    </form>
  );
}
