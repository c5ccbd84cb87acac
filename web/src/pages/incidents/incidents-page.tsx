import { useState, type SubmitEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';
import { SEVERITIES, type Schemas } from '../../api/types';
import { useApi } from '../../api/use-api';
import { SeverityBadge, StatusBadge } from '../../components/badges';
import { formText } from '../../components/form-data';
import { Loading, Problem } from '../../components/problem';
import { fromLocalInput, Time, toLocalInput } from '../../components/time';

const STATUSES = ['triggered', 'acknowledged', 'snoozed', 'resolved'] as const;
const PAGE_SIZE = 25;
const POLL_MS = 4000;

type Query = NonNullable<paths['/api/v1/incidents']['get']['parameters']['query']>;

/** Incidents, newest first, filtered by the query string (so a filtered view can be shared). */
export function IncidentsPage() {
  const [params, setParams] = useSearchParams();
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const filters: Partial<Record<string, string>> = Object.fromEntries(params.entries());
  const query: Query = {
    status: (filters.status || undefined) as Query['status'],
    severity: (filters.severity || undefined) as Query['severity'],
    rule: filters.rule || undefined,
    actor: filters.actor || undefined,
    account: filters.account || undefined,
    since: filters.since || undefined,
    cursor,
    limit: PAGE_SIZE,
  };
  const page = useApi(
    () => unwrap(api.GET('/api/v1/incidents', { params: { query } })),
    JSON.stringify(query),
    POLL_MS,
  );
  const rules = useApi(() => unwrap(api.GET('/api/v1/rules')), 'rules');
  const accounts = useApi(() => unwrap(api.GET('/api/v1/incidents/accounts')), 'accounts');
  // One account (or none named) needs no filter: the column and the choice would say nothing.
  const accountIds = accounts.data?.accounts ?? [];
  const severalAccounts = accountIds.length > 1;

  const apply = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    for (const name of ['status', 'severity', 'rule', 'account', 'actor']) {
      const value = formText(form, name);
      if (value) next.set(name, value);
    }
    const since = fromLocalInput(formText(form, 'since'));
    if (since) next.set('since', since);
    setCursors([]);
    setParams(next);
  };

  return (
    <section>
      <h1>Incidents</h1>
      <form className="filters" onSubmit={apply} aria-label="Filter incidents">
        <label>
          Status
          <select name="status" defaultValue={filters.status ?? ''}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Severity
          <select name="severity" defaultValue={filters.severity ?? ''}>
            <option value="">any</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {s} and above
              </option>
            ))}
          </select>
        </label>
        <label>
          Rule
          <select name="rule" defaultValue={filters.rule ?? ''}>
            <option value="">any</option>
            {rules.data?.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
        {severalAccounts && (
          <label>
            Account
            <select name="account" defaultValue={filters.account ?? ''}>
              <option value="">any</option>
              {accountIds.map((id) => (
                <option key={id}>{id}</option>
              ))}
            </select>
          </label>
        )}
        <label>
          Actor
          <input name="actor" defaultValue={filters.actor ?? ''} placeholder="user uuid or token" />
        </label>
        <label>
          Since
          <input
            type="datetime-local"
            name="since"
            defaultValue={filters.since ? toLocalInput(new Date(filters.since)) : ''}
          />
        </label>
        <button type="submit">Apply</button>
      </form>
      <Problem error={page.error} />
      {!page.data && !page.error && <Loading what="incidents" />}
      {page.data && <IncidentTable items={page.data.items} showAccount={severalAccounts} />}
      <div className="pager">
        <button type="button" disabled={!cursors.length} onClick={() => setCursors([])}>
          Newest
        </button>
        <button
          type="button"
          disabled={!page.data?.nextCursor}
          onClick={() => page.data?.nextCursor && setCursors([...cursors, page.data.nextCursor])}
        >
          Older
        </button>
      </div>
    </section>
  );
}

function IncidentTable({
  items,
  showAccount,
}: {
  items: Schemas['IncidentSummaryDto'][];
  showAccount: boolean;
}) {
  if (!items.length) return <p className="empty">No incidents match.</p>;
  return (
    <div className="table-wrap">
      <table data-testid="incidents" className="stack">
        <thead>
          <tr>
            <th>Severity</th>
            <th>Incident</th>
            <th>Status</th>
            {showAccount && <th>Account</th>}
            <th>Actor</th>
            <th className="num">Alerts</th>
            <th>Last alert</th>
          </tr>
        </thead>
        <tbody>
          {items.map((incident) => (
            <tr key={incident.id}>
              <td data-label="Severity">
                <SeverityBadge severity={incident.severity} />
              </td>
              <td data-label="Incident">
                <Link to={`/incidents/${incident.id}`}>{incident.title}</Link>
                <div className="muted small">{incident.ruleName}</div>
              </td>
              <td data-label="Status">
                <StatusBadge status={incident.status} />
              </td>
              {showAccount && (
                <td className="wrap" data-label="Account">
                  {incident.accountId ?? '—'}
                </td>
              )}
              <td className="wrap" data-label="Actor">
                {incident.actorLabel ?? incident.actorId ?? '—'}
              </td>
              <td className="num" data-label="Alerts">
                {incident.alertCount}
              </td>
              <td data-label="Last alert">
                <Time at={incident.lastAlertAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
