import type { Schemas } from '../../api/types';
import { Time } from '../../components/time';

const COLUMNS = [
  ['actorEmail', 'Actor'],
  ['action', 'Action'],
  ['result', 'Result'],
  ['ip', 'IP'],
  ['country', 'Country'],
  ['city', 'City'],
  ['clientApp', 'Client'],
  ['vaultId', 'Vault'],
  ['itemId', 'Item'],
] as const;

/** The events behind the alerts, once each, oldest first. */
export function EvidenceTable({ alerts }: { alerts: Schemas['AlertDto'][] }) {
  const events = new Map<string, Schemas['EvidenceEventDto']>();
  for (const alert of alerts) for (const e of alert.evidence) events.set(e.id, e);
  const rows = [...events.values()].sort((a, b) => a.eventTime.localeCompare(b.eventTime));
  if (!rows.length) return <p className="empty">No evidence events.</p>;
  const show = (value: unknown) =>
    value === null || value === undefined
      ? ''
      : typeof value === 'string'
        ? value
        : JSON.stringify(value);
  return (
    <div className="table-wrap">
      <table data-testid="evidence" className="stack">
        <thead>
          <tr>
            <th>Time</th>
            <th>Stream</th>
            {COLUMNS.map(([, label]) => (
              <th key={label}>{label}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => (
            <tr key={e.id}>
              <td data-label="Time">
                <Time at={e.eventTime} />
              </td>
              <td data-label="Stream">{e.stream}</td>
              {COLUMNS.map(([field, label]) => (
                <td key={field} className="wrap" data-label={label}>
                  {field === 'actorEmail'
                    ? show(e.fields.actorEmail ?? e.fields.actorName ?? e.fields.actorId)
                    : show(e.fields[field])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
