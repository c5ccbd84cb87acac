import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, ApiError, unwrap } from '../../api/client';
import { useApi } from '../../api/use-api';
import { useAuth } from '../../auth/auth-context';
import { Loading, Problem } from '../../components/problem';
import { Backtest } from './backtest';
import { RuleForm } from './rule-form';
import { BLANK_RULE, definitionOf, problemsByField, type Definition } from './rule-definition';

/** Create or edit a rule, as a form or as JSON, and backtest it before saving. */
export function RulePage() {
  const { id } = useParams();
  const navigate = useNavigate();
  const { can } = useAuth();
  const existing = useApi(
    () =>
      id
        ? unwrap(api.GET('/api/v1/rules/{id}', { params: { path: { id } } }))
        : Promise.resolve(null),
    id ?? 'new',
  );
  const templates = useApi(() => unwrap(api.GET('/api/v1/rule-templates')), 'templates');
  const [definition, setDefinition] = useState<Definition>();
  const [mode, setMode] = useState<'form' | 'json'>('form');
  const [json, setJson] = useState('');
  const [problems, setProblems] = useState<Map<string, string[]>>(new Map());
  const [message, setMessage] = useState<string>();

  useEffect(() => {
    if (existing.data !== undefined && definition === undefined) {
      setDefinition(existing.data ? definitionOf(existing.data) : { ...BLANK_RULE });
    }
  }, [existing.data, definition]);

  if (existing.error) return <Problem error={existing.error} />;
  if (!definition) return <Loading what="the rule" />;
  const editable = can('admin');

  /** The definition as the user sees it now, from whichever editor is open. */
  const current = (): Definition => {
    if (mode === 'form') return definition;
    try {
      return JSON.parse(json) as Definition;
    } catch (failure) {
      throw new ApiError(400, `JSON: ${(failure as Error).message}`, [
        { field: 'body', reason: (failure as Error).message },
      ]);
    }
  };
  const switchTo = (next: 'form' | 'json') => {
    if (next === mode) return;
    if (next === 'json') setJson(JSON.stringify(definition, null, 2));
    else {
      try {
        setDefinition(current());
      } catch (failure) {
        setMessage((failure as Error).message);
        return;
      }
    }
    setMode(next);
  };

  const save = async () => {
    setMessage(undefined);
    setProblems(new Map());
    try {
      const body = current();
      const saved = id
        ? await unwrap(api.PATCH('/api/v1/rules/{id}', { params: { path: { id } }, body }))
        : await unwrap(api.POST('/api/v1/rules', { body }));
      setDefinition(definitionOf(saved));
      if (mode === 'json') setJson(JSON.stringify(definitionOf(saved), null, 2));
      setMessage(`Saved version ${saved.version}.`);
      if (!id) void navigate(`/rules/${saved.id}`, { replace: true });
    } catch (failure) {
      if (failure instanceof ApiError) setProblems(problemsByField(failure.fieldErrors()));
      setMessage(failure instanceof Error ? failure.message : String(failure));
    }
  };

  return (
    <article>
      <p className="crumbs">
        <Link to="/rules">Rules</Link> / {id ? String(definition.name) : 'new'}
      </p>
      <h1>{id ? String(definition.name) : 'New rule'}</h1>
      {existing.data && (
        <p className="muted">
          Version {existing.data.version}
          {existing.data.templateId && <> · from template {existing.data.templateId}</>}
        </p>
      )}
      {!id && templates.data && (
        <label className="inline">
          Start from a template{' '}
          <select
            defaultValue=""
            onChange={(event) => {
              const t = templates.data?.find((x) => x.templateId === event.target.value);
              if (t) {
                setDefinition({ ...t.definition });
                setJson(JSON.stringify(t.definition, null, 2));
              }
            }}
          >
            <option value="">—</option>
            {templates.data.map((t) => (
              <option key={t.templateId} value={t.templateId}>
                {typeof t.definition.name === 'string' ? t.definition.name : t.templateId}
              </option>
            ))}
          </select>
        </label>
      )}
      <div className="tabs" role="tablist">
        <button
          type="button"
          role="tab"
          aria-selected={mode === 'form'}
          onClick={() => switchTo('form')}
        >
          Form
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={mode === 'json'}
          onClick={() => switchTo('json')}
        >
          JSON
        </button>
      </div>
      <fieldset disabled={!editable}>
        {mode === 'form' ? (
          <RuleForm definition={definition} onChange={setDefinition} problems={problems} />
        ) : (
          <div className="field">
            <label htmlFor="rule-json">Definition</label>
            <textarea
              id="rule-json"
              className="code"
              rows={24}
              value={json}
              onChange={(event) => setJson(event.target.value)}
            />
            {[...problems.values()].flat().map((p) => (
              <p key={p} className="field-error">
                {p}
              </p>
            ))}
          </div>
        )}
      </fieldset>
      {editable ? (
        <p className="buttons">
          <button type="button" onClick={() => void save()}>
            {id ? 'Save' : 'Create'}
          </button>
        </p>
      ) : (
        <p className="muted">Only an admin key can change rules.</p>
      )}
      {message && (
        <p className={problems.size ? 'error' : 'notice'} role="status" data-testid="rule-message">
          {message}
        </p>
      )}
      {editable && (
        <Backtest
          definition={() => current()}
          onProblems={(errors) => setProblems(problemsByField(errors))}
        />
      )}
    </article>
  );
}
