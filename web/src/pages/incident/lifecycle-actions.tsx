import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { fromLocalInput, toLocalInput } from '../../components/time';
import type { Incident } from './incident-page';

type Action = 'acknowledge' | 'resolve' | 'reopen' | 'snooze';

/** What each action may start from, as the API allows it. */
const ALLOWED: Record<Action, string[]> = {
  acknowledge: ['triggered', 'snoozed'],
  resolve: ['triggered', 'acknowledged', 'snoozed'],
  reopen: ['acknowledged', 'resolved', 'snoozed'],
  snooze: ['triggered', 'acknowledged', 'snoozed'],
};
const LABEL: Record<Action, string> = {
  acknowledge: 'Acknowledge',
  resolve: 'Resolve',
  reopen: 'Reopen',
  snooze: 'Snooze',
};

/** Acknowledge, resolve, reopen or snooze, with a note recorded in the timeline. */
export function LifecycleActions({
  incident,
  onChanged,
}: {
  incident: Incident;
  onChanged: () => void;
}) {
  const [note, setNote] = useState('');
  const [until, setUntil] = useState(() => toLocalInput(new Date(Date.now() + 3_600_000)));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const run = async (action: Action) => {
    setBusy(true);
    setError(undefined);
    const path = { params: { path: { id: incident.id } } };
    const body = { note: note.trim() || undefined };
    try {
      if (action === 'snooze') {
        const at = fromLocalInput(until);
        if (!at) throw new Error('Choose when the snooze ends.');
        await unwrap(
          api.POST('/api/v1/incidents/{id}/snooze', { ...path, body: { ...body, until: at } }),
        );
      } else if (action === 'acknowledge') {
        await unwrap(api.POST('/api/v1/incidents/{id}/acknowledge', { ...path, body }));
      } else if (action === 'resolve') {
        await unwrap(api.POST('/api/v1/incidents/{id}/resolve', { ...path, body }));
      } else {
        await unwrap(api.POST('/api/v1/incidents/{id}/reopen', { ...path, body }));
      }
      setNote('');
      onChanged();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };

  const actions = (Object.keys(ALLOWED) as Action[]).filter((a) =>
    ALLOWED[a].includes(incident.status),
  );
  return (
    <section className="card actions" aria-label="Respond">
      <label htmlFor="note">Note (recorded in the timeline and sent with the update)</label>
      <textarea
        id="note"
        rows={2}
        maxLength={2000}
        value={note}
        onChange={(event) => setNote(event.target.value)}
      />
      <div className="buttons">
        {actions
          .filter((a) => a !== 'snooze')
          .map((action) => (
            <button key={action} type="button" disabled={busy} onClick={() => void run(action)}>
              {LABEL[action]}
            </button>
          ))}
        {actions.includes('snooze') && (
          <span className="snooze">
            <label>
              until{' '}
              <input
                type="datetime-local"
                value={until}
                onChange={(event) => setUntil(event.target.value)}
              />
            </label>
            <button type="button" disabled={busy} onClick={() => void run('snooze')}>
              Snooze
            </button>
          </span>
        )}
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
