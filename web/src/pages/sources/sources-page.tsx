import { api, unwrap } from '../../api/client';
import { useApi } from '../../api/use-api';
import { Loading, Problem } from '../../components/problem';
import { Time } from '../../components/time';

function lag(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** Every stream of every named source: its state, how far behind it is, what last went wrong. */
export function SourcesPage() {
  const sources = useApi(() => unwrap(api.GET('/api/v1/sources')), 'sources', 5000);
  const streams = sources.data?.flatMap((source) => source.streams);
  return (
    <section>
      <h1>Sources</h1>
      <Problem error={sources.error} />
      {!sources.data && !sources.error && <Loading what="sources" />}
      {sources.data && !sources.data.length && <p className="empty">No source is configured.</p>}
      {streams && streams.length > 0 && (
        <div className="table-wrap">
          <table data-testid="sources">
            <thead>
              <tr>
                <th>Stream</th>
                <th>State</th>
                <th className="num">Lag</th>
                <th className="num">Events stored</th>
                <th>Last success</th>
                <th>Last error</th>
              </tr>
            </thead>
            <tbody>
              {streams.map((s) => (
                <tr key={s.id}>
                  <td>
                    {s.stream}{' '}
                    <div className="muted small">
                      {s.source} · {s.kind} · {s.endpoint}
                    </div>
                  </td>
                  <td>
                    <span className={`badge state-${s.state}`}>{s.state}</span>
                  </td>
                  <td className="num">{lag(s.lagSeconds)}</td>
                  <td className="num">{s.eventsStored.toLocaleString()}</td>
                  <td>
                    <Time at={s.lastSuccessAt} />
                  </td>
                  <td className="wrap">
                    {s.lastError ? (
                      <>
                        {s.lastError}{' '}
                        <span className="muted small">
                          (<Time at={s.lastErrorAt} />)
                        </span>
                      </>
                    ) : (
                      ''
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
