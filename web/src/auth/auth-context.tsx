import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { roleAtLeast, type Role } from '../api/types';
import { session, type Caller } from './session';

interface Auth {
  caller: Caller | null;
  can: (role: Role) => boolean;
  signOut: () => void;
}

const AuthContext = createContext<Auth>({ caller: null, can: () => false, signOut: () => {} });

export const useAuth = (): Auth => useContext(AuthContext);

/** Where sign-in sends the user back to, and why they were sent to it. */
export interface SignInState {
  from?: string;
  reason?: string;
}

/** Holds the signed-in caller; when the session ends, goes to sign-in keeping the page asked for. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [caller, setCaller] = useState<Caller | null>(() => session.current()?.caller ?? null);
  const navigate = useNavigate();
  const location = useLocation();
  const here = location.pathname + location.search;

  useEffect(
    () =>
      session.subscribe((reason) => {
        const current = session.current();
        setCaller(current?.caller ?? null);
        if (!current && location.pathname !== '/sign-in') {
          const state: SignInState = { from: here, reason: reason ?? undefined };
          void navigate('/sign-in', { state, replace: true });
        }
      }),
    [navigate, here, location.pathname],
  );

  const value: Auth = {
    caller,
    can: (role) => roleAtLeast(caller?.role, role),
    signOut: () => {
      session.end(null);
      void navigate('/sign-in', { replace: true, state: { reason: 'You signed out.' } });
    },
  };
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
