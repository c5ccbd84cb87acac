import { useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useApi } from '../../api/use-api';
import { useAuth } from '../../auth/auth-context';
import { SeverityBadge } from '../../components/badges';
import { Loading, Problem } from '../../components/problem';

const RECENT_DAYS = 7;
const MAX_PAGES = 5;

/** Alerts per rule over the last days, summed from the incidents opened in them. */
async function recentAlertCounts(): Promise<Map<string, number>> {
  const since = new Date(Date.now() - RECENT_DAYS * 86_400_000).toISOString();
  const counts = new Map<string, number>();
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await unwrap(
      api.GET('/api/v1/incidents', { params: { query: { since, cursor, limit: 200 } } }),
    );
    for (const i of answer.items) counts.set(i.ruleId, (counts.get(i.ruleId) ?? 0) + i.alertCount);
    if (!answer.nextCursor) break;
    cursor = answer.nextCursor;
  }
  return counts;
}

export function RulesPage() {
  const { can } = useAuth();
  const rules = useApi(() => unwrap(api.GET('/api/v1/rules')), 'rules');
  const counts = useApi(recentAlertCounts, 'counts', 30_000);
  const [error, setError] = useState<string>();

  const patch = async (rule: Schemas['RuleDto'], change: Record<string, unknown>) => {
    setError(undefined);
    try {
      await unwrap(
        api.PATCH('/api/v1/rules/{id}', { params: { path: { id: rule.id } }, body: change }),
      );
      rules.reload();
    } catch (failure) {
      setError(`${rule.name}: ${failure instanceof Error ? failure.message : String(failure)}`);
    }
  };

  return (
    <section>
      <h1>Rules</h1>
      {can('admin') && (
        <p>
          <Link className="button" to="/rules/new">
            New rule
          </Link>
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <Problem error={rules.error} />
      {!rules.data && !rules.error && <Loading what="rules" />}
      {rules.data && (
        <div className="table-wrap">
          <table data-testid="rules">
            <thead>
              <tr>
                <th>Rule</th>
                <th>Kind</th>
                <th>Severity</th>
                <th>Mode</th>
                <th>Enabled</th>
                <th className="num">Alerts ({RECENT_DAYS} d)</th>
              </tr>
            </thead>
            <tbody>
              {rules.data.map((rule) => (
                <tr key={rule.id}>
                  <td>
                    <Link to={`/rules/${rule.id}`}>{rule.name}</Link>
                  </td>
                  <td>{rule.kind}</td>
                  <td>
                    <SeverityBadge severity={rule.severity} />
                  </td>
                  <td>
                    {can('admin') ? (
                      <button
                        type="button"
                        className="toggle"
                        aria-label={`${rule.name}: mode ${rule.mode}, switch to ${rule.mode === 'active' ? 'shadow' : 'active'}`}
                        onClick={() =>
                          void patch(rule, { mode: rule.mode === 'active' ? 'shadow' : 'active' })
                        }
                      >
                        {rule.mode}
                      </button>
                    ) : (
                      rule.mode
                    )}
                  </td>
                  <td>
                    {can('admin') ? (
                      <label className="switch">
                        <input
                          type="checkbox"
                          checked={rule.enabled}
                          onChange={() => void patch(rule, { enabled: !rule.enabled })}
                          aria-label={`${rule.name} enabled`}
                        />
                        {rule.enabled ? 'on' : 'off'}
                      </label>
                    ) : rule.enabled ? (
                      'on'
                    ) : (
                      'off'
                    )}
                  </td>
                  <td className="num">{counts.data?.get(rule.id) ?? (counts.data ? 0 : '…')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
