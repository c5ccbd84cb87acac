import { useState, type SubmitEvent } from 'react';
import { useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { SEVERITIES, type Schemas } from '../../api/types';
import { useApi } from '../../api/use-api';
import { useAuth } from '../../auth/auth-context';
import { formList, formText } from '../../components/form-data';
import { Loading, Problem } from '../../components/problem';
import { fromLocalInput, Time, toLocalInput } from '../../components/time';

/** Silences mute notifications (never recording) for what their matchers select, until they end. */
export function SilencesPage() {
  const { can } = useAuth();
  const silences = useApi(() => unwrap(api.GET('/api/v1/silences')), 'silences', 10_000);
  const [error, setError] = useState<string>();

  const expire = async (silence: Schemas['SilenceDto']) => {
    setError(undefined);
    try {
      await unwrap(api.DELETE('/api/v1/silences/{id}', { params: { path: { id: silence.id } } }));
      silences.reload();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  };

  return (
    <section>
      <h1>Silences</h1>
      {can('responder') && <NewSilence onCreated={silences.reload} />}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <Problem error={silences.error} />
      {!silences.data && !silences.error && <Loading what="silences" />}
      {silences.data && !silences.data.length && <p className="empty">No silences.</p>}
      {silences.data && silences.data.length > 0 && (
        <div className="table-wrap">
          <table data-testid="silences">
            <thead>
              <tr>
                <th>Matchers</th>
                <th>Comment</th>
                <th>Ends</th>
                <th>By</th>
                <th>State</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {silences.data.map((s) => (
                <tr key={s.id}>
                  <td className="wrap">
                    {Object.entries(s.matchers)
                      .filter(([, values]) => values.length > 0)
                      .map(([name, values]) => `${name}: ${values.join(', ')}`)
                      .join('; ') || 'everything'}
                  </td>
                  <td className="wrap">{s.comment}</td>
                  <td>
                    <Time at={s.endsAt} />
                  </td>
                  <td>{s.createdBy}</td>
                  <td>{s.active ? 'active' : 'ended'}</td>
                  <td>
                    {s.active && can('responder') && (
                      <button type="button" className="secondary" onClick={() => void expire(s)}>
                        Expire
                      </button>
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

/** Prefilled from the query string when it comes from an incident's "Silence similar". */
function NewSilence({ onCreated }: { onCreated: () => void }) {
  const [params, setParams] = useSearchParams();
  const [error, setError] = useState<string>();
  const [created, setCreated] = useState<string>();
  const prefilled = params.has('rule') || params.has('actor');

  const submit = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(undefined);
    const form = new FormData(event.currentTarget);
    const endsAt = fromLocalInput(formText(form, 'endsAt'));
    if (!endsAt) {
      setError('endsAt: choose when the silence ends');
      return;
    }
    try {
      const silence = await unwrap(
        api.POST('/api/v1/silences', {
          body: {
            matchers: {
              rules: formList(form, 'rules'),
              severities: form
                .getAll('severities')
                .map(String) as Schemas['SilenceMatchersDto']['severities'],
              actors: formList(form, 'actors'),
              tags: formList(form, 'tags'),
            },
            endsAt,
            comment: formText(form, 'comment'),
          },
        }),
      );
      setCreated(`Silence created until ${new Date(silence.endsAt).toLocaleString()}.`);
      setParams({});
      onCreated();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  };

  const severity = params.get('severity');
  return (
    <details className="card" open={prefilled}>
      <summary>New silence</summary>
      <form onSubmit={(event) => void submit(event)} className="form" key={params.toString()}>
        <div className="field">
          <label htmlFor="s-rules">Rules (ids, comma separated)</label>
          <input id="s-rules" name="rules" defaultValue={params.get('rule') ?? ''} />
        </div>
        <div className="field">
          <span className="label">Severities</span>
          <div className="row">
            {SEVERITIES.map((s) => (
              <label key={s} className="inline">
                <input
                  type="checkbox"
                  name="severities"
                  value={s}
                  defaultChecked={s === severity}
                />{' '}
                {s}
              </label>
            ))}
          </div>
        </div>
        <div className="field">
          <label htmlFor="s-actors">Actors (comma separated)</label>
          <input id="s-actors" name="actors" defaultValue={params.get('actor') ?? ''} />
        </div>
        <div className="field">
          <label htmlFor="s-tags">Tags (comma separated)</label>
          <input id="s-tags" name="tags" defaultValue={params.get('tags') ?? ''} />
        </div>
        <div className="field">
          <label htmlFor="s-ends">Ends</label>
          <input
            id="s-ends"
            name="endsAt"
            type="datetime-local"
            required
            defaultValue={toLocalInput(new Date(Date.now() + 4 * 3_600_000))}
          />
        </div>
        <div className="field">
          <label htmlFor="s-comment">Comment</label>
          <textarea
            id="s-comment"
            name="comment"
            rows={2}
            required
            defaultValue={params.get('comment') ?? ''}
          />
        </div>
        <button type="submit">Create silence</button>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </form>
      {created && (
        <p className="notice" role="status">
          {created}
        </p>
      )}
    </details>
  );
}
