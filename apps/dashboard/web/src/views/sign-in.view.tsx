import { useState } from 'preact/hooks';
import { ApiClient, ApiError } from '../api/api-client';
import type { Me } from '../api/contract';

export function SignInView(props: { onSignedIn: (apiKey: string, me: Me) => void; notice?: string }) {
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(props.notice);
  const submit = async (e: Event) => {
    e.preventDefault();
    const apiKey = key.trim();
    if (!apiKey) {
      setError('Enter your API key.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const me = await new ApiClient(apiKey).get<Me>('/v1/me');
      props.onSignedIn(apiKey, me);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? 'That API key was not accepted.' : (err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="signin">
      <form class="card form" onSubmit={submit} aria-describedby="signin-help" data-testid="signin-form">
        <h1>1TT Ledger</h1>
        <p id="signin-help">
          Sign in with the API key your administrator gave you. It is kept in this browser tab only and forgotten when you sign out or close
          the tab.
        </p>
        <div class="field">
          <label for="api-key">API key</label>
          <input
            id="api-key"
            name="api-key"
            type="password"
            autocomplete="off"
            spellcheck={false}
            required
            value={key}
            onInput={(e) => setKey((e.target as HTMLInputElement).value)}
            aria-invalid={error ? 'true' : undefined}
            aria-errormessage={error ? 'signin-error' : undefined}
            data-testid="api-key-input"
          />
        </div>
        <button type="submit" disabled={busy} data-testid="signin-submit">
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {error && (
          <p id="signin-error" class="error" role="alert" data-testid="signin-error">
            {error}
          </p>
        )}
        <p class="small muted">
          API documentation: <a href="/docs">/docs</a>
        </p>
      </form>
    </main>
  );
}
