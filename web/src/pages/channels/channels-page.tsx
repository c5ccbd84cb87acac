import { useState, type SubmitEvent } from 'react';
import { api, unwrap } from '../../api/client';
import { SEVERITIES, type Schemas } from '../../api/types';
import { useApi } from '../../api/use-api';
import { useAuth } from '../../auth/auth-context';
import { formText } from '../../components/form-data';
import { Loading, Problem } from '../../components/problem';

type ChannelType = Schemas['ChannelTypeDto'];
type Field = Schemas['ChannelFieldDto'];

export function ChannelsPage() {
  const { can } = useAuth();
  const channels = useApi(
    () => (can('admin') ? unwrap(api.GET('/api/v1/channels')) : Promise.resolve([])),
    'channels',
  );
  // The types and their fields come from the service: a new channel type needs nothing here.
  const types = useApi(
    () =>
      can('admin') ? unwrap(api.GET('/api/v1/channels/types')) : Promise.resolve<ChannelType[]>([]),
    'channel-types',
  );
  const [results, setResults] = useState<Record<string, string>>({});

  if (!can('admin')) return <p className="empty">Channels are managed with an admin key.</p>;

  const test = async (channel: Schemas['ChannelDto']) => {
    setResults((r) => ({ ...r, [channel.id]: 'sending…' }));
    try {
      const result = await unwrap(
        api.POST('/api/v1/channels/{id}/test', { params: { path: { id: channel.id } } }),
      );
      setResults((r) => ({
        ...r,
        [channel.id]: result.ok ? 'sent' : `failed: ${result.error ?? ''}`,
      }));
    } catch (failure) {
      setResults((r) => ({ ...r, [channel.id]: `failed: ${(failure as Error).message}` }));
    }
  };

  return (
    <section>
      <h1>Channels</h1>
      {types.data && types.data.length > 0 && (
        <NewChannel types={types.data} onCreated={channels.reload} />
      )}
      <Problem error={types.error ?? channels.error} />
      {!channels.data && !channels.error && <Loading what="channels" />}
      {channels.data && (
        <div className="table-wrap">
          <table data-testid="channels">
            <thead>
              <tr>
                <th>Name</th>
                <th>Type</th>
                <th>Settings</th>
                <th>Secrets set</th>
                <th>From severity</th>
                <th>Enabled</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {channels.data.map((c) => (
                <tr key={c.id}>
                  <td>
                    {c.name}
                    {c.managedByEnv && <div className="muted small">from the environment</div>}
                  </td>
                  <td>{c.type}</td>
                  <td className="wrap">
                    {Object.entries(c.settings)
                      .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`)
                      .join('; ')}
                  </td>
                  <td>{c.secretsSet.join(', ') || '—'}</td>
                  <td>{c.minSeverity}</td>
                  <td>{c.enabled ? 'yes' : 'no'}</td>
                  <td>
                    <button type="button" className="secondary" onClick={() => void test(c)}>
                      Send a test
                    </button>{' '}
                    <span role="status">{results[c.id]}</span>
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

function NewChannel({ types, onCreated }: { types: ChannelType[]; onCreated: () => void }) {
  const [typeName, setTypeName] = useState(types[0].type);
  const [error, setError] = useState<string>();
  const type = types.find((candidate) => candidate.type === typeName) ?? types[0];
  const settings = type.fields.filter((field) => !field.secret);
  const secrets = type.fields.filter((field) => field.secret);

  const submit = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(undefined);
    const form = new FormData(event.currentTarget);
    const read = (fields: Field[]) =>
      Object.fromEntries(
        fields.flatMap((field) => {
          const value = formText(form, field.name);
          if (!value) return [];
          return [[field.name, field.list ? value.split(',').map((s) => s.trim()) : value]];
        }),
      );
    try {
      await unwrap(
        api.POST('/api/v1/channels', {
          body: {
            type: type.type,
            name: formText(form, 'name'),
            minSeverity: formText(
              form,
              'minSeverity',
            ) as Schemas['CreateChannelDto']['minSeverity'],
            settings: read(settings),
            secrets: read(secrets),
          },
        }),
      );
      event.currentTarget.reset();
      onCreated();
    } catch (failure) {
      setError((failure as Error).message);
    }
  };

  return (
    <details className="card">
      <summary>New channel</summary>
      <form className="form" onSubmit={(event) => void submit(event)}>
        <div className="row">
          <label>
            Type{' '}
            <select
              value={type.type}
              onChange={(e) => setTypeName(e.target.value as typeof typeName)}
            >
              {types.map((t) => (
                <option key={t.type}>{t.type}</option>
              ))}
            </select>
          </label>
          <label>
            Name <input name="name" required />
          </label>
          <label>
            From severity{' '}
            <select name="minSeverity" defaultValue="medium">
              {SEVERITIES.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
        </div>
        {settings.map(({ name, required, list }) => (
          <div className="field" key={name}>
            <label htmlFor={`c-${name}`}>
              {name}
              {list && ' (comma separated)'}
              {!required && ' (optional)'}
            </label>
            <input id={`c-${name}`} name={name} required={required} />
          </div>
        ))}
        {secrets.map(({ name, required }) => (
          <div className="field" key={name}>
            <label htmlFor={`c-${name}`}>{name} (secret, write-only)</label>
            <input
              id={`c-${name}`}
              name={name}
              type="password"
              autoComplete="off"
              required={required}
            />
          </div>
        ))}
        <button type="submit">Create channel</button>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </form>
    </details>
  );
}
