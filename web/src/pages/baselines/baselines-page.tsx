import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useApi } from '../../api/use-api';
import { formText } from '../../components/form-data';
import { Loading, Problem } from '../../components/problem';
import { Time } from '../../components/time';

const TYPE_LABEL: Record<string, string> = {
  user: 'user',
  connect_token: 'Connect token',
  connect_server: 'Connect server',
};

/** Actors the service learned about: users, Connect tokens and Connect servers. */
export function BaselinesPage() {
  const [params, setParams] = useSearchParams();
  const actor = params.get('actor') ?? '';
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const page = useApi(
    () =>
      unwrap(
        api.GET('/api/v1/baselines', {
          params: { query: { actor: actor || undefined, cursor, limit: 50 } },
        }),
      ),
    `${actor}|${cursor ?? ''}`,
  );

  return (
    <section>
      <h1>Baselines</h1>
      <form
        className="filters"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          const value = formText(new FormData(event.currentTarget), 'actor');
          setCursors([]);
          setParams(value ? { actor: value } : {});
        }}
      >
        <label>
          Actor
          <input
            name="actor"
            type="search"
            defaultValue={actor}
            placeholder="email, name, uuid or token id (prefix)"
          />
        </label>
        <button type="submit">Search</button>
      </form>
      <Problem error={page.error} />
      {!page.data && !page.error && <Loading what="baselines" />}
      {page.data && !page.data.items.length && <p className="empty">No actor matches.</p>}
      {page.data && page.data.items.length > 0 && (
        <div className="table-wrap">
          <table data-testid="baselines">
            <thead>
              <tr>
                <th>Actor</th>
                <th>Type</th>
                <th className="num">Events</th>
                <th className="num">Active days</th>
                <th>State</th>
                <th>Top countries</th>
                <th>Last event</th>
              </tr>
            </thead>
            <tbody>
              {page.data.items.map((b) => (
                <tr key={`${b.entityType}:${b.entityId}:${b.accountId ?? ''}`}>
                  <td className="wrap">
                    <Link
                      to={`/baselines/${encodeURIComponent(b.entityId)}?type=${b.entityType}${b.accountId ? `&account=${b.accountId}` : ''}`}
                    >
                      {b.label ?? b.entityId}
                    </Link>
                  </td>
                  <td>{TYPE_LABEL[b.entityType] ?? b.entityType}</td>
                  <td className="num">{b.eventCount}</td>
                  <td className="num">{b.activeDays}</td>
                  <td>{b.maturity.state}</td>
                  <td>{b.topCountries.map((c) => c.value).join(', ')}</td>
                  <td>
                    <Time at={b.lastEventAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="pager">
        <button type="button" disabled={!cursors.length} onClick={() => setCursors([])}>
          First
        </button>
        <button
          type="button"
          disabled={!page.data?.nextCursor}
          onClick={() => page.data?.nextCursor && setCursors([...cursors, page.data.nextCursor])}
        >
          Next
        </button>
      </div>
    </section>
  );
}
