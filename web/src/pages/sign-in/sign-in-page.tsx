import { useState, type SubmitEvent } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { ApiError } from '../../api/client';
import type { SignInState } from '../../auth/auth-context';
import { session } from '../../auth/session';
import type { Schemas } from '../../api/types';

/** Checks a key with GET /api/v1/auth/me before keeping it: a wrong key is never stored. */
async function whoIs(key: string): Promise<Schemas['CallerDto']> {
  const response = await fetch('/api/v1/auth/me', { headers: { Authorization: `Bearer ${key}` } });
  const body = (await response.json().catch(() => ({}))) as { message?: string };
  if (!response.ok) {
    throw new ApiError(response.status, body.message ?? `HTTP ${response.status}`, undefined);
  }
  return body as Schemas['CallerDto'];
}

export function SignInPage() {
  const location = useLocation();
  const navigate = useNavigate();
  const state = (location.state ?? {}) as SignInState;
  const [key, setKey] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const caller = await whoIs(key.trim());
      session.start(key.trim(), caller);
      const from = state.from && state.from !== '/sign-in' ? state.from : '/incidents';
      void navigate(from, { replace: true });
    } catch (failure) {
      setError(
        failure instanceof ApiError && failure.status === 401
          ? 'This API key is not valid or was revoked.'
          : failure instanceof Error
            ? failure.message
            : String(failure),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="sign-in">
      <form
        onSubmit={(event) => void submit(event)}
        className="card"
        aria-labelledby="sign-in-title"
      >
        <h1 id="sign-in-title">vaultwatch</h1>
        {state.reason && !error && (
          <p className="notice" role="status">
            {state.reason}
          </p>
        )}
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          required
          autoFocus
          value={key}
          onChange={(event) => setKey(event.target.value)}
        />
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy || !key.trim()}>
          Sign in
        </button>
        <p className="hint">
          The key stays in this tab only and is forgotten when you sign out or close it.
        </p>
      </form>
    </main>
  );
}
