import { Link, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useApi } from '../../api/use-api';
import { useAuth } from '../../auth/auth-context';
import { SeverityBadge, StatusBadge } from '../../components/badges';
import { Loading, Problem } from '../../components/problem';
import { Time } from '../../components/time';
import { AlertFigures } from './alert-figures';
import { Deliveries } from './deliveries';
import { EvidenceTable } from './evidence-table';
import { LifecycleActions } from './lifecycle-actions';
import { Timeline } from './timeline';

const POLL_MS = 4000;

export type Incident = Schemas['IncidentDetailDto'];

/** One incident: what fired and why, the evidence, who did what, and what to do next. */
export function IncidentPage() {
  const { id = '' } = useParams();
  const { can } = useAuth();
  const incident = useApi(
    () => unwrap(api.GET('/api/v1/incidents/{id}', { params: { path: { id } } })),
    id,
    POLL_MS,
  );
  if (!incident.data) {
    return incident.error ? <Problem error={incident.error} /> : <Loading what="the incident" />;
  }
  const i = incident.data;
  const silenceLink = new URLSearchParams({ rule: i.ruleId, severity: i.severity });
  if (i.actorId) silenceLink.set('actor', i.actorId);
  silenceLink.set('comment', `Similar to incident #${i.id}: ${i.title}`);

  return (
    <article className="incident">
      <p className="crumbs">
        <Link to="/incidents">Incidents</Link> / #{i.id}
      </p>
      <h1>{i.title}</h1>
      <div className="facts">
        <SeverityBadge severity={i.severity} />
        <StatusBadge status={i.status} />
        {i.snoozedUntil && i.status === 'snoozed' && (
          <span>
            until <Time at={i.snoozedUntil} />
          </span>
        )}
      </div>
      <Problem error={incident.error} />
      <dl className="grid">
        <dt>Rule</dt>
        <dd>
          <Link to={`/rules/${i.ruleId}`}>{i.ruleName}</Link> (v{i.ruleVersion})
        </dd>
        {i.accountId && (
          <>
            <dt>Account</dt>
            <dd className="wrap" data-testid="incident-account">
              {i.accountId}
            </dd>
          </>
        )}
        <dt>Actor</dt>
        <dd>
          {i.actorId ? (
            <Link
              to={`/baselines/${encodeURIComponent(i.actorId)}${i.accountId ? `?account=${i.accountId}` : ''}`}
            >
              {i.actorLabel ?? i.actorId}
            </Link>
          ) : (
            i.groupKey
          )}
        </dd>
        <dt>Alerts</dt>
        <dd data-testid="alert-count">{i.alertCount}</dd>
        <dt>First alert</dt>
        <dd>
          <Time at={i.firstAlertAt} />
        </dd>
        <dt>Last alert</dt>
        <dd>
          <Time at={i.lastAlertAt} />
        </dd>
        {i.acknowledgedBy && (
          <>
            <dt>Acknowledged</dt>
            <dd>
              {i.acknowledgedBy}, <Time at={i.acknowledgedAt} />
            </dd>
          </>
        )}
        {i.resolvedBy && (
          <>
            <dt>Resolved</dt>
            <dd>
              {i.resolvedBy}, <Time at={i.resolvedAt} />
            </dd>
          </>
        )}
        {i.previousIncidentId && (
          <>
            <dt>Follows</dt>
            <dd>
              <Link to={`/incidents/${i.previousIncidentId}`}>#{i.previousIncidentId}</Link>
            </dd>
          </>
        )}
        {i.tags.length > 0 && (
          <>
            <dt>Tags</dt>
            <dd>{i.tags.join(', ')}</dd>
          </>
        )}
      </dl>

      {can('responder') ? (
        <LifecycleActions incident={i} onChanged={incident.reload} />
      ) : (
        <p className="muted" data-testid="read-only">
          Your key is a viewer key: you can read this incident but not change it.
        </p>
      )}
      {can('responder') && (
        <p>
          <Link className="button secondary" to={`/silences?${silenceLink.toString()}`}>
            Silence similar…
          </Link>
        </p>
      )}

      {i.runbook && (
        <section>
          <h2>Runbook</h2>
          <p className="prewrap">{i.runbook}</p>
        </section>
      )}

      <section>
        <h2>Alerts</h2>
        <ol className="alerts">
          {i.alerts.map((alert) => (
            <li key={alert.id} className="card">
              <div className="facts">
                <SeverityBadge severity={alert.severity} />
                <Time at={alert.eventTime} />
                {alert.mode === 'shadow' && <span className="badge">shadow</span>}
                {alert.mutedReason && <span className="badge">muted: {alert.mutedReason}</span>}
              </div>
              <p className="explanation">{alert.explanation}</p>
              <AlertFigures alert={alert} />
            </li>
          ))}
        </ol>
      </section>

      <section>
        <h2>Evidence</h2>
        <EvidenceTable alerts={i.alerts} />
      </section>

      <section>
        <h2>Timeline</h2>
        <Timeline entries={i.timeline} />
      </section>

      <section>
        <h2>Notifications</h2>
        <Deliveries incidentId={i.id} />
      </section>
    </article>
  );
}
