import type { ReactNode } from 'react';
import { Navigate, NavLink, Route, Routes, useLocation } from 'react-router';
import { AuthProvider, useAuth, type SignInState } from './auth/auth-context';
import { session } from './auth/session';
import { BaselinePage } from './pages/baseline/baseline-page';
import { BaselinesPage } from './pages/baselines/baselines-page';
import { ChannelsPage } from './pages/channels/channels-page';
import { IncidentPage } from './pages/incident/incident-page';
import { IncidentsPage } from './pages/incidents/incidents-page';
import { RulePage } from './pages/rule/rule-page';
import { RulesPage } from './pages/rules/rules-page';
import { SignInPage } from './pages/sign-in/sign-in-page';
import { SilencesPage } from './pages/silences/silences-page';
import { SourcesPage } from './pages/sources/sources-page';

const NAV = [
  ['/incidents', 'Incidents'],
  ['/baselines', 'Baselines'],
  ['/rules', 'Rules'],
  ['/silences', 'Silences'],
  ['/sources', 'Sources'],
  ['/channels', 'Channels'],
] as const;

export function App() {
  return (
    <AuthProvider>
      <Routes>
        <Route path="/sign-in" element={<SignInPage />} />
        <Route path="*" element={<SignedIn />} />
      </Routes>
    </AuthProvider>
  );
}

/** Every page but sign-in needs a session; without one, sign in and come back here. */
function SignedIn() {
  const { caller } = useAuth();
  const location = useLocation();
  if (!caller) {
    const state: SignInState = {
      from: location.pathname + location.search,
      reason: session.endReason() ?? undefined,
    };
    return <Navigate to="/sign-in" state={state} replace />;
  }
  return (
    <Shell>
      <Routes>
        <Route path="/" element={<Navigate to="/incidents" replace />} />
        <Route path="/incidents" element={<IncidentsPage />} />
        <Route path="/incidents/:id" element={<IncidentPage />} />
        <Route path="/baselines" element={<BaselinesPage />} />
        <Route path="/baselines/:actor" element={<BaselinePage />} />
        <Route path="/rules" element={<RulesPage />} />
        <Route path="/rules/new" element={<RulePage />} />
        <Route path="/rules/:id" element={<RulePage />} />
        <Route path="/silences" element={<SilencesPage />} />
        <Route path="/sources" element={<SourcesPage />} />
        <Route path="/channels" element={<ChannelsPage />} />
        <Route path="*" element={<p className="empty">No such page.</p>} />
      </Routes>
    </Shell>
  );
}

function Shell({ children }: { children: ReactNode }) {
  const { caller, signOut } = useAuth();
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <NavLink to="/incidents" className="brand">
          vaultwatch
        </NavLink>
        <nav aria-label="Main">
          {NAV.map(([to, label]) => (
            <NavLink key={to} to={to}>
              {label}
            </NavLink>
          ))}
        </nav>
        <div className="who">
          <span title="API key name and role">
            {caller?.name} · <strong data-testid="role">{caller?.role}</strong>
          </span>
          <button type="button" className="link" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
