import type { EventField } from '../../events/detect-event';
import type { Stream } from '../../events/normalize/normalized-event';
import { kindModule, RULE_KINDS, type RuleKind, type RuleParamsByKind } from '../kinds/registry';
import { isAccountId } from '../../config/account-id';
import { LIMITS } from './rule-limits';
import {
  SEVERITIES,
  type AllowList,
  type Escalation,
  type RuleDefinition,
} from './rule-definition';
import {
  at,
  isObject,
  item,
  typeName,
  type Obj,
  type RuleValidationError,
} from './validation/checker';
import { RuleChecker } from './validation/rule-checker';

export type { RuleValidationError } from './validation/checker';

/**
 * The fields every rule has; the kind's own `params` are read by its module (kinds/), filters
 * by the filter grammar, and each property by the generic checker (validation/).
 */

export type RuleValidationResult =
  { ok: true; rule: RuleDefinition } | { ok: false; errors: RuleValidationError[] };

const TOP_KEYS = [
  'name',
  'description',
  'kind',
  'enabled',
  'mode',
  'severity',
  'escalations',
  'streams',
  'filter',
  'accounts',
  'groupBy',
  'params',
  'dedupSeconds',
  'suppressSeconds',
  'allowLists',
  'tags',
  'runbook',
  'channels',
  'repeatIntervalSeconds',
] as const;

/** The kind's params, read by its module; null when anything in them was refused. */
function readParams(
  c: RuleChecker,
  kind: RuleKind,
  raw: unknown,
  ruleStreams: Stream[] | null,
): RuleParamsByKind[RuleKind] | null {
  const path = 'params';
  let obj: Obj = {};
  if (raw !== undefined) {
    if (!isObject(raw)) return c.fail(path, `must be an object, not ${typeName(raw)}`);
    obj = raw;
  }
  const schema = kindModule(kind).params;
  c.noUnknown(obj, schema.keys, path);
  const before = c.errors.length;
  const params = schema.read(c, obj, path, ruleStreams);
  return c.errors.length === before ? params : null;
}

/**
 * Checks a rule as authored (REST body, template) and fills the defaults of omitted optional
 * properties. Refuses with every error found, each naming the property path and why.
 * `knownLists` holds the list names rules may reference (with or without the leading `@`).
 */
export function validateRuleDefinition(
  input: unknown,
  knownLists: ReadonlySet<string>,
): RuleValidationResult {
  const c = new RuleChecker(knownLists);
  if (!isObject(input)) {
    return {
      ok: false,
      errors: [{ field: 'rule', reason: `must be an object, not ${typeName(input)}` }],
    };
  }
  // Checked before anything recurses into it: 20,000 nested `not`s must not overflow the stack.
  const tooDeep = firstTooDeep(input, LIMITS.maxJsonDepth);
  if (tooDeep !== null) {
    return {
      ok: false,
      errors: [
        {
          field: tooDeep.trim() === '' ? 'rule' : tooDeep,
          reason: `nested more than ${LIMITS.maxJsonDepth} levels deep`,
        },
      ],
    };
  }
  c.noUnknown(input, TOP_KEYS, '');
  const name = c.string(input, 'name', '', { required: true, max: LIMITS.maxNameText });
  const kind = c.oneOf(input, 'kind', '', RULE_KINDS, 'kind', true);
  const description = c.string(input, 'description', '') ?? '';
  const enabled = c.boolean(input, 'enabled', '') ?? true;
  const mode = c.oneOf(input, 'mode', '', ['active', 'shadow'] as const, 'mode') ?? 'active';
  const severity = c.oneOf(input, 'severity', '', SEVERITIES, 'severity') ?? 'medium';
  const shape = kind === null ? null : kindModule(kind);
  const streamsRequired = shape?.streamsRequired ?? false;
  const givenStreams = c.streams(input, 'streams', '', streamsRequired);
  const filter = input.filter === undefined ? null : c.filter(input.filter, 'filter');

  const accounts = readAccounts(c, input, shape?.judges ?? 'events');

  const groupByRaw = c.array(input, 'groupBy', '');
  let groupBy: EventField[] = ['actorId'];
  if (groupByRaw !== null) {
    groupBy = [];
    groupByRaw.forEach((value, i) => {
      const field = c.eventField(value, item('groupBy', i));
      if (field !== null && !groupBy.includes(field)) groupBy.push(field);
    });
    if (groupByRaw.length === 0 && shape?.groupByRequired) {
      c.fail('groupBy', `must name at least one field for ${kind} rules`);
    }
  }

  const escalations: Escalation[] = [];
  (c.array(input, 'escalations', '') ?? []).forEach((raw, i) => {
    const path = item('escalations', i);
    if (!isObject(raw)) {
      c.fail(path, `must be an object, not ${typeName(raw)}`);
      return;
    }
    c.noUnknown(raw, ['filter', 'countGte', 'severity'], path);
    const escSeverity = c.oneOf(raw, 'severity', path, SEVERITIES, 'severity', true);
    const escFilter = raw.filter === undefined ? null : c.filter(raw.filter, at(path, 'filter'));
    const countGte = c.number(raw, 'countGte', path, {
      integer: true,
      min: 1,
      max: LIMITS.maxCount,
    });
    if (raw.filter === undefined && raw.countGte === undefined) {
      c.fail(path, 'must state a filter or countGte');
      return;
    }
    if (escSeverity === null) return;
    const esc: Escalation = { severity: escSeverity };
    if (escFilter !== null) esc.filter = escFilter;
    if (countGte !== null) esc.countGte = countGte;
    escalations.push(esc);
  });

  const dedupSeconds =
    c.number(input, 'dedupSeconds', '', { integer: true, min: 0, max: LIMITS.maxWindowSeconds }) ??
    3600;
  const suppressSeconds =
    c.number(input, 'suppressSeconds', '', {
      integer: true,
      min: 0,
      max: LIMITS.maxWindowSeconds,
    }) ?? 0;

  const allowLists: AllowList[] = [];
  (c.array(input, 'allowLists', '') ?? []).forEach((raw, i) => {
    const path = item('allowLists', i);
    if (!isObject(raw)) {
      c.fail(path, `must be an object with field and list, not ${typeName(raw)}`);
      return;
    }
    c.noUnknown(raw, ['field', 'list'], path);
    const field =
      raw.field === undefined
        ? c.fail(at(path, 'field'), 'is required')
        : c.eventField(raw.field, at(path, 'field'));
    const list =
      raw.list === undefined
        ? c.fail(at(path, 'list'), 'is required')
        : c.listReference(raw.list, at(path, 'list'));
    if (field !== null && list !== null) allowLists.push({ field, list });
  });

  const tags = c.stringArray(input, 'tags', '') ?? [];
  const runbook = c.string(input, 'runbook', '') ?? '';
  const channels = c.stringArray(input, 'channels', '') ?? [];
  // Absent: the service default; null: stated as the service default.
  const repeatIntervalSeconds =
    input.repeatIntervalSeconds === null
      ? null
      : (c.number(input, 'repeatIntervalSeconds', '', {
          integer: true,
          above: 0,
          max: LIMITS.maxWindowSeconds,
        }) ?? undefined);

  const params = kind === null ? null : readParams(c, kind, input.params, givenStreams);

  if (c.errors.length > 0 || name === null || kind === null || shape === null || params === null) {
    return { ok: false, errors: c.errors };
  }
  const streams = givenStreams ?? shape.impliedStreams(params);
  const rule: RuleDefinition = {
    name,
    description,
    kind,
    enabled,
    mode,
    severity,
    escalations,
    streams,
    groupBy,
    params,
    dedupSeconds,
    suppressSeconds,
    allowLists,
    tags,
    runbook,
    channels,
  };
  if (filter !== null) rule.filter = filter;
  if (accounts !== null) rule.accounts = accounts;
  if (repeatIntervalSeconds !== undefined) rule.repeatIntervalSeconds = repeatIntervalSeconds;
  return { ok: true, rule };
}

/** The accounts a rule is scoped to: account ids, each once; null when not stated. */
function readAccounts(c: RuleChecker, input: Obj, judges: 'events' | 'sources'): string[] | null {
  const raw = c.array(input, 'accounts', '');
  if (raw === null) return null;
  if (judges === 'sources' && raw.length > 0) {
    return c.fail('accounts', 'cannot be set: this kind judges sources, which have no account');
  }
  const accounts: string[] = [];
  raw.forEach((value, i) => {
    if (!isAccountId(value)) {
      c.fail(
        item('accounts', i),
        `must be a 1Password account id (26 upper-case letters and digits), not ${
          typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : typeName(value)
        }`,
      );
    } else if (!accounts.includes(value)) {
      accounts.push(value);
    }
  });
  return accounts;
}

/** The top-level property under which `input` nests deeper than `max` levels, if any. */
function firstTooDeep(input: Obj, max: number): string | null {
  for (const [key, value] of Object.entries(input)) {
    // Iterative: the depth being measured may be far beyond what recursion survives.
    const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 2 }];
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (typeof next.value !== 'object' || next.value === null) continue;
      if (next.depth > max) return key;
      for (const child of Object.values(next.value)) {
        stack.push({ value: child, depth: next.depth + 1 });
      }
    }
  }
  return null;
}
