import type { Schemas } from '../api/types';

/**
 * The API key lives in sessionStorage: it is sent only in the Authorization header of API
 * calls (never in a URL or a cookie, so no request forgery can use it), it is gone when the tab
 * closes, and signing out forgets it. A session also ends after SESSION_HOURS.
 */
const KEY = 'vaultwatch.session';
const SESSION_HOURS = 12;

export type Caller = Schemas['CallerDto'];

interface StoredSession {
  key: string;
  caller: Caller;
  expiresAt: number;
}

type Listener = (reason: string | null) => void;
const listeners = new Set<Listener>();
/** Why the last session ended, for the sign-in page. */
let endReason: string | null = null;

function read(): StoredSession | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as StoredSession) : null;
  } catch {
    return null;
  }
}

export const session = {
  /** The stored session, unless it has expired (then it is ended with a reason). */
  current(): StoredSession | null {
    const stored = read();
    if (stored && stored.expiresAt <= Date.now()) {
      session.end('Your session expired. Sign in again.');
      return null;
    }
    return stored;
  },
  key(): string | null {
    return session.current()?.key ?? null;
  },
  start(key: string, caller: Caller): void {
    const stored: StoredSession = {
      key,
      caller,
      expiresAt: Date.now() + SESSION_HOURS * 3_600_000,
    };
    sessionStorage.setItem(KEY, JSON.stringify(stored));
    endReason = null;
    for (const listener of listeners) listener(null);
  },
  /** Forgets the key; `reason` is what the sign-in page tells the user. */
  end(reason: string | null): void {
    if (!read()) return;
    sessionStorage.removeItem(KEY);
    endReason = reason;
    for (const listener of listeners) listener(reason);
  },
  endReason(): string | null {
    return endReason;
  },
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
