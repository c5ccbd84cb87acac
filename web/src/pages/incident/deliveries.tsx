import { api, unwrap } from '../../api/client';
import { useApi } from '../../api/use-api';
import { Problem } from '../../components/problem';
import { Time } from '../../components/time';

/** The delivery log of one incident: each message to each channel and how it went. */
export function Deliveries({ incidentId }: { incidentId: string }) {
  const log = useApi(
    () => unwrap(api.GET('/api/v1/notifications', { params: { query: { incident: incidentId } } })),
    incidentId,
    8000,
  );
  if (log.error) return <Problem error={log.error} />;
  if (!log.data) return null;
  if (!log.data.length) return <p className="empty">No notification was sent.</p>;
  return (
    <div className="table-wrap">
      <table className="stack">
        <thead>
          <tr>
            <th>Change</th>
            <th>Channel</th>
            <th>Status</th>
            <th className="num">Attempts</th>
            <th>Sent</th>
            <th>Last error</th>
          </tr>
        </thead>
        <tbody>
          {log.data.map((d) => (
            <tr key={d.id}>
              <td data-label="Change">{d.change}</td>
              <td data-label="Channel">
                {d.channelName} <span className="muted">({d.channelType})</span>
              </td>
              <td data-label="Status">{d.status}</td>
              <td className="num" data-label="Attempts">
                {d.attempts}
              </td>
              <td data-label="Sent">
                <Time at={d.sentAt} />
              </td>
              <td className="wrap" data-label="Last error">
                {d.lastError ?? ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
