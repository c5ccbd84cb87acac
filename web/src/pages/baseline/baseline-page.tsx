import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useApi } from '../../api/use-api';
import { useAuth } from '../../auth/auth-context';
import { Loading, Problem } from '../../components/problem';
import { Time } from '../../components/time';
import { WorldMapChart } from '../../components/world-map';
import { ActivityHeatmap } from './activity-heatmap';

type EntityType = Schemas['BaselineDetailDto']['entityType'];
const DIMENSION_LABEL: Record<string, string> = {
  country: 'Countries',
  city: 'Cities',
  ip: 'IP addresses',
  clientApp: 'Clients',
  os: 'Operating systems',
  vaultId: 'Vaults',
  itemId: 'Items',
  userAgent: 'User agents',
  action: 'Actions',
};

/** What the service learned about one actor. */
export function BaselinePage() {
  const { actor = '' } = useParams();
  const [params] = useSearchParams();
  const type = (params.get('type') || undefined) as EntityType | undefined;
  const account = params.get('account') || undefined;
  const baseline = useApi(
    () =>
      unwrap(
        api.GET('/api/v1/baselines/{actor}', {
          params: { path: { actor }, query: { type, account } },
        }),
      ),
    `${actor}|${type ?? ''}|${account ?? ''}`,
  );
  if (!baseline.data) {
    return baseline.error ? <Problem error={baseline.error} /> : <Loading what="the baseline" />;
  }
  const b = baseline.data;
  const countries = b.seen.find((d) => d.dimension === 'country');

  return (
    <article>
      <p className="crumbs">
        <Link to="/baselines">Baselines</Link> / {b.label ?? b.entityId}
      </p>
      <h1>{b.label ?? b.entityId}</h1>
      <dl className="grid">
        <dt>Type</dt>
        <dd>{b.entityType}</dd>
        <dt>Id</dt>
        <dd className="wrap">{b.entityId}</dd>
        {b.accountId && (
          <>
            <dt>Account</dt>
            <dd className="wrap">{b.accountId}</dd>
          </>
        )}
        <dt>Learning state</dt>
        <dd data-testid="maturity">
          {b.maturity.state}
          {b.maturity.state === 'learning' && b.maturity.matureAt && (
            <>
              {' '}
              (mature on <Time at={b.maturity.matureAt} />)
            </>
          )}
          {b.maturity.reason && (
            <span className="muted"> — {b.maturity.reason.replace('_', ' ')}</span>
          )}
        </dd>
        <dt>Observed</dt>
        <dd>
          {b.maturity.daysObserved} days, {b.activeDays} active; {b.eventCount} events;{' '}
          {b.successfulSignins} successful sign-ins
        </dd>
        <dt>First / last event</dt>
        <dd>
          <Time at={b.firstEventAt} /> / <Time at={b.lastEventAt} />
        </dd>
        {b.lastLocation && (
          <>
            <dt>Last location</dt>
            <dd>
              {[b.lastLocation.city, b.lastLocation.country].filter(Boolean).join(', ')} at{' '}
              <Time at={b.lastLocation.at} />
            </dd>
          </>
        )}
      </dl>
      <ForgetBaseline actor={b.entityId} type={b.entityType} account={b.accountId ?? undefined} />

      <section>
        <h2>Usual activity by hour of the week (UTC)</h2>
        <p className="muted small">
          Mean events per hour over <Time at={b.window.from} /> – <Time at={b.window.to} /> (
          {b.window.hours} hours).
        </p>
        {b.actionRates.length ? (
          <ActivityHeatmap rates={b.actionRates} />
        ) : (
          <p className="empty">No activity counted yet.</p>
        )}
      </section>

      <section>
        <h2>Where</h2>
        <CountryMap countries={countries} />
      </section>

      {b.seen.map((dimension) => (
        <section key={dimension.dimension}>
          <h2>
            {DIMENSION_LABEL[dimension.dimension] ?? dimension.dimension}{' '}
            <span className="muted small">
              ({dimension.total}
              {dimension.truncated ? ', most frequent shown' : ''})
            </span>
          </h2>
          <SeenTable dimension={dimension} />
        </section>
      ))}
    </article>
  );
}

function CountryMap({ countries }: { countries: Schemas['SeenDimensionDto'] | undefined }) {
  const markers = useMemo(
    () =>
      (countries?.values ?? []).map((c) => ({
        label: `${c.value}: ${c.count} events`,
        country: c.value,
        value: c.count,
      })),
    [countries],
  );
  if (!markers.length) return <p className="empty">No located activity.</p>;
  return <WorldMapChart markers={markers} label="Countries seen" testId="country-map" />;
}

function SeenTable({ dimension }: { dimension: Schemas['SeenDimensionDto'] }) {
  return (
    <div className="table-wrap">
      <table data-testid={`seen-${dimension.dimension}`}>
        <thead>
          <tr>
            <th>Value</th>
            <th className="num">Count</th>
            <th>First seen</th>
            <th>Last seen</th>
          </tr>
        </thead>
        <tbody>
          {dimension.values.map((v) => (
            <tr key={v.value}>
              <td className="wrap">{v.value}</td>
              <td className="num">{v.count}</td>
              <td>
                <Time at={v.firstSeen} />
              </td>
              <td>
                <Time at={v.lastSeen} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ForgetBaseline({
  actor,
  type,
  account,
}: {
  actor: string;
  type: EntityType;
  account?: string;
}) {
  const { can } = useAuth();
  const navigate = useNavigate();
  const [error, setError] = useState<string>();
  if (!can('admin')) return null;
  const forget = async () => {
    if (!window.confirm(`Forget everything learned about ${actor}? Detection relearns from now.`)) {
      return;
    }
    try {
      await unwrap(
        api.DELETE('/api/v1/baselines/{actor}', {
          params: { path: { actor }, query: { type, account } },
        }),
      );
      void navigate('/baselines');
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  };
  return (
    <p>
      <button type="button" className="danger" onClick={() => void forget()}>
        Forget this baseline…
      </button>
      {error && <span className="error"> {error}</span>}
    </p>
  );
}
