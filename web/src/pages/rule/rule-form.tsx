import { useEffect, useState, type ReactNode } from 'react';
import { api, unwrap } from '../../api/client';
import { SEVERITIES } from '../../api/types';
import { useApi } from '../../api/use-api';
import type { Definition } from './rule-definition';

interface Props {
  definition: Definition;
  onChange: (next: Definition) => void;
  problems: Map<string, string[]>;
}

/** The rule's fields, each with the server's problems about it right below. */
export function RuleForm({ definition, onChange, problems }: Props) {
  const set = (key: string, value: unknown) => onChange({ ...definition, [key]: value });
  const text = (key: string) => (typeof definition[key] === 'string' ? definition[key] : '');
  const list = (key: string) =>
    Array.isArray(definition[key]) ? (definition[key] as unknown[]).join(', ') : '';
  // The kinds come from the service: a new rule kind needs nothing here.
  const kinds = useApi(() => unwrap(api.GET('/api/v1/rules/kinds')), 'rule-kinds');
  const kindNames: string[] = kinds.data?.map((k) => k.kind) ?? [];
  if (text('kind') && !kindNames.includes(text('kind'))) kindNames.unshift(text('kind'));
  const splitList = (value: string) =>
    value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);

  return (
    <div className="form">
      <Field name="name" label="Name" problems={problems}>
        <input id="f-name" value={text('name')} onChange={(e) => set('name', e.target.value)} />
      </Field>
      <Field name="description" label="Description" problems={problems}>
        <textarea
          id="f-description"
          rows={2}
          value={text('description')}
          onChange={(e) => set('description', e.target.value)}
        />
      </Field>
      <div className="row">
        <Field name="kind" label="Kind" problems={problems}>
          <select id="f-kind" value={text('kind')} onChange={(e) => set('kind', e.target.value)}>
            {kindNames.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </Field>
        <Field name="severity" label="Severity" problems={problems}>
          <select
            id="f-severity"
            value={text('severity')}
            onChange={(e) => set('severity', e.target.value)}
          >
            {SEVERITIES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </Field>
        <Field name="mode" label="Mode" problems={problems}>
          <select id="f-mode" value={text('mode')} onChange={(e) => set('mode', e.target.value)}>
            <option>active</option>
            <option>shadow</option>
          </select>
        </Field>
        <Field name="enabled" label="Enabled" problems={problems}>
          <input
            id="f-enabled"
            type="checkbox"
            checked={definition.enabled === true}
            onChange={(e) => set('enabled', e.target.checked)}
          />
        </Field>
      </div>
      <Field name="streams" label="Streams (comma separated)" problems={problems}>
        <input
          id="f-streams"
          value={list('streams')}
          onChange={(e) => set('streams', splitList(e.target.value))}
        />
      </Field>
      <Field name="groupBy" label="Group by (fields, comma separated)" problems={problems}>
        <input
          id="f-groupBy"
          value={list('groupBy')}
          onChange={(e) => set('groupBy', splitList(e.target.value))}
        />
      </Field>
      <Field
        name="accounts"
        label="Accounts (1Password account ids, comma separated; empty: every account)"
        problems={problems}
      >
        <input
          id="f-accounts"
          value={list('accounts')}
          onChange={(e) => {
            const accounts = splitList(e.target.value);
            set('accounts', accounts.length > 0 ? accounts : undefined);
          }}
        />
      </Field>
      <JsonField
        name="filter"
        label="Filter (JSON)"
        definition={definition}
        onChange={onChange}
        problems={problems}
      />
      <JsonField
        name="params"
        label="Parameters (JSON)"
        definition={definition}
        onChange={onChange}
        problems={problems}
      />
      <div className="row">
        <Field name="dedupSeconds" label="Dedup (s)" problems={problems}>
          <input
            id="f-dedupSeconds"
            type="number"
            value={Number(definition.dedupSeconds ?? 0)}
            onChange={(e) => set('dedupSeconds', Number(e.target.value))}
          />
        </Field>
        <Field name="suppressSeconds" label="Suppress (s)" problems={problems}>
          <input
            id="f-suppressSeconds"
            type="number"
            value={Number(definition.suppressSeconds ?? 0)}
            onChange={(e) => set('suppressSeconds', Number(e.target.value))}
          />
        </Field>
      </div>
      <Field name="tags" label="Tags (comma separated)" problems={problems}>
        <input
          id="f-tags"
          value={list('tags')}
          onChange={(e) => set('tags', splitList(e.target.value))}
        />
      </Field>
      <Field name="runbook" label="Runbook" problems={problems}>
        <textarea
          id="f-runbook"
          rows={3}
          value={text('runbook')}
          onChange={(e) => set('runbook', e.target.value)}
        />
      </Field>
    </div>
  );
}

function Field(props: {
  name: string;
  label: string;
  problems: Map<string, string[]>;
  children: ReactNode;
}) {
  const mine = props.problems.get(props.name) ?? [];
  return (
    <div className={`field${mine.length ? ' invalid' : ''}`}>
      <label htmlFor={`f-${props.name}`}>{props.label}</label>
      {props.children}
      {mine.map((p) => (
        <p key={p} className="field-error" data-field={props.name}>
          {p}
        </p>
      ))}
    </div>
  );
}

/** A JSON part of the rule: kept as text while it does not parse. */
function JsonField(props: {
  name: string;
  label: string;
  definition: Definition;
  onChange: (next: Definition) => void;
  problems: Map<string, string[]>;
}) {
  const value = props.definition[props.name];
  const [text, setText] = useState(() =>
    value === undefined ? '' : JSON.stringify(value, null, 2),
  );
  const [parseError, setParseError] = useState<string>();
  useEffect(() => {
    setText(value === undefined ? '' : JSON.stringify(value, null, 2));
    // Only when the rule itself is replaced (a template chosen, a save).
  }, [props.definition.name, props.definition.kind]);
  const problems = new Map(props.problems);
  if (parseError) problems.set(props.name, [...(problems.get(props.name) ?? []), parseError]);
  return (
    <Field name={props.name} label={props.label} problems={problems}>
      <textarea
        id={`f-${props.name}`}
        className="code"
        rows={5}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          try {
            const parsed: unknown = e.target.value.trim() ? JSON.parse(e.target.value) : undefined;
            setParseError(undefined);
            const next = { ...props.definition };
            if (parsed === undefined) Reflect.deleteProperty(next, props.name);
            else next[props.name] = parsed;
            props.onChange(next);
          } catch (failure) {
            setParseError(`${props.name}: not valid JSON (${(failure as Error).message})`);
          }
        }}
      />
    </Field>
  );
}
